/** The action entry: `command` input plan | build | run | report. Wiring only. */
import * as core from '@actions/core';

async function run(): Promise<void> {
  const command = core.getInput('command', { required: true });
  core.setFailed(`command ${command}: not implemented yet`);
}

void run();
