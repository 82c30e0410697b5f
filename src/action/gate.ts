/**
 * The PR gate as a plan step sees it: may this pull request's code run on self-hosted runners
 * (src/core/github/pr-gate.ts decides), and which tasks does it touch.
 */
import { readFile, stat } from 'node:fs/promises';
import { affectedTasks, decidePrGate, parseChangedFiles, type GateDecision } from '../core/github/pr-gate.js';
import { parseDataset } from '../core/dataset/dataset.js';
import { loadDataset } from '../adapters/dataset-file.js';
import type { ActionInputs } from '../core/github/action-inputs.js';
import type { Env } from './step.js';

export async function readEventPayload(env: Env): Promise<unknown> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return {};
  }
}

export function gateOutputs(d: GateDecision): Record<string, string> {
  return {
    allowed: String(d.allowed),
    'gate-reason': d.reason,
    fork: String(d.fork),
    'remove-label': String(d.removeLabel),
    'head-sha': d.headSha ?? '',
    'head-repo': d.headRepo ?? '',
    'pr-number': d.prNumber === undefined ? '' : String(d.prNumber),
  };
}

export interface GateResult {
  decision: GateDecision;
  /** The tasks the PR adds or changes (undefined: no changed-files input, every task counts). */
  affected?: { ids: string[]; reasons: Record<string, string[]> };
}

export async function runGate(inputs: ActionInputs, env: Env, dataset: string): Promise<GateResult> {
  const decision = decidePrGate(env.GITHUB_EVENT_NAME ?? '', await readEventPayload(env), {
    label: inputs['gate-label'],
  });
  if (!decision.allowed || !inputs['changed-files']) return { decision };
  const changedFiles = parseChangedFiles(await readFile(inputs['changed-files'], 'utf8'));
  const head = await loadDataset(dataset);
  const basePath = inputs['base-dataset'];
  const baseExists = basePath
    ? await stat(basePath).then(
        () => true,
        () => false,
      )
    : false;
  const base = basePath && baseExists ? parseDataset(await readFile(basePath, 'utf8'), basePath).tasks : null;
  const affected = affectedTasks({ changedFiles, datasetPath: dataset, headTasks: head.tasks, baseTasks: base });
  return { decision, affected };
}
