/**
 * `benchsweep runner-guard`: the self-hosted runner's job-started hook (scripts/install-runner-hook
 * installs it). Exit 0 when the job's workflow file comes from the default branch, exit 1 with one
 * line otherwise. Reads GITHUB_WORKFLOW_REF, GITHUB_EVENT_PATH, GITHUB_REPOSITORY and the runner's
 * own BENCHSWEEP_DEFAULT_BRANCH from the environment.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { emit } from '../cli-output.js';
import { decideRunnerGuard, type RunnerGuardDecision } from '../core/github/runner-guard.js';
import type { CommandResult } from './command-result.js';

export interface RunnerGuardOptions {
  env?: Record<string, string | undefined>;
}

async function readEvent(path: string | undefined): Promise<unknown> {
  if (!path) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function runRunnerGuard(options: RunnerGuardOptions = {}): Promise<CommandResult<RunnerGuardDecision>> {
  const env = options.env ?? process.env;
  const decision = decideRunnerGuard({
    workflowRef: env.GITHUB_WORKFLOW_REF,
    event: await readEvent(env.GITHUB_EVENT_PATH),
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(env.BENCHSWEEP_DEFAULT_BRANCH ? { defaultBranch: env.BENCHSWEEP_DEFAULT_BRANCH } : {}),
  });
  return { value: decision, text: decision.reason, failed: !decision.allowed };
}

export function registerRunnerGuard(program: Command): void {
  program
    .command('runner-guard')
    .description("self-hosted runner hook: exit 1 unless the job's workflow file is on the default branch")
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const result = await runRunnerGuard();
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
      if (result.failed) process.exitCode = 1;
    });
}
