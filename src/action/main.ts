/**
 * The action: `command` input plan | build | run | report | state. It reads the inputs the way
 * the runner passes them (INPUT_<NAME>), runs the step, and writes what the runner reads: outputs,
 * annotations (capped), the job summary, the log and the step's status. Every text is redacted
 * of the environment's secrets and the token, and text from data is escaped before it reaches
 * the log, where the runner would read a line starting with `::` as a workflow command.
 */
import * as core from '@actions/core';
import { parseActionInputs, rawInputsFromEnv, type ActionInputs } from '../core/github/action-inputs.js';
import { defuseWorkflowCommands, redact, secretValues } from '../core/redact.js';
import { emitAnnotations, writeJobSummary } from '../adapters/github.js';
import { buildStep } from './build-step.js';
import { planStep } from './plan-step.js';
import { reportStep } from './report-step.js';
import { runStep } from './run-step.js';
import { stateStep } from './state-step.js';
import type { Env, StepContext, StepResult } from './step.js';

const STEPS: Record<ActionInputs['command'], (ctx: StepContext) => Promise<StepResult>> = {
  plan: planStep,
  build: buildStep,
  run: runStep,
  report: reportStep,
  state: stateStep,
};

/** Errors whose message is the whole story (usage, missing results); others keep their stack. */
const PLAIN_ERRORS = new Set(['UserError', 'ActionInputError', 'NoResultsError']);

async function writeResult(result: StepResult, ctx: StepContext): Promise<void> {
  const clean = (text: string) => redact(text, ctx.secrets);
  for (const [name, value] of Object.entries(result.outputs ?? {})) core.setOutput(name, clean(value));
  emitAnnotations((result.annotations ?? []).map((a) => ({ ...a, title: clean(a.title), message: clean(a.message) })));
  core.info(defuseWorkflowCommands(clean(result.text)));
  if (result.summary) await writeJobSummary(clean(result.summary));
  if (result.failed) core.setFailed(`benchsweep ${ctx.inputs.command} failed: see the job summary`);
}

export async function runAction(env: Env = process.env): Promise<void> {
  const secrets = secretValues(env);
  for (const s of secrets) core.setSecret(s);
  try {
    const inputs = parseActionInputs(rawInputsFromEnv(env));
    const token = inputs['github-token'];
    if (token) core.setSecret(token);
    const ctx: StepContext = { inputs, env, secrets: token ? [...secrets, token] : secrets };
    await writeResult(await STEPS[inputs.command](ctx), ctx);
  } catch (e) {
    const message = e instanceof Error ? (PLAIN_ERRORS.has(e.name) ? e.message : (e.stack ?? e.message)) : String(e);
    // setFailed writes an ::error:: command, whose text @actions/core escapes.
    core.setFailed(redact(message, secrets));
  }
}
