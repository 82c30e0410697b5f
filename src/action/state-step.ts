/**
 * state (action only): where the nightly resumes from. It lists the successful runs of the
 * nightly workflow on the default branch (scheduled or dispatched: never a PR's run, never a
 * failed one), then their artifacts, and src/core/github/rerun-select.ts chooses: that run's state, its
 * longer-lived report when the state expired, or a fresh start. The workflow downloads what the
 * outputs name (actions/download-artifact with run-id).
 */
import { chooseNightlyState, type StateRun } from '../core/github/rerun-select.js';
import { defaultBranchOf, listRunArtifacts, listSuccessfulRuns, type RepoRef } from '../adapters/github.js';
import { ActionInputError } from '../core/github/action-inputs.js';
import { readEventPayload } from './gate.js';
import type { StepContext, StepResult } from './step.js';

/** The events of a nightly's own runs. */
const NIGHTLY_EVENTS = ['schedule', 'workflow_dispatch'] as const;
/** Runs looked at per event, newest first (an older one may still hold a report). */
const RUNS_PER_EVENT = 10;

export async function stateStep({ inputs, env }: StepContext): Promise<StepResult> {
  const workflow = inputs['state-workflow'];
  if (!workflow) throw new ActionInputError('input state-workflow is required for command state (e.g. nightly.yml)');
  const token = inputs['github-token'];
  if (!token) throw new ActionInputError('input github-token is required for command state (with actions: read)');
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref: RepoRef = { token, owner, repo, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) };
  const payload = (await readEventPayload(env)) as { repository?: { default_branch?: string } };
  const branch = inputs['default-branch'] ?? payload.repository?.default_branch ?? (await defaultBranchOf(ref));
  const runs = await listSuccessfulRuns(ref, { workflow, branch, events: NIGHTLY_EVENTS, perEvent: RUNS_PER_EVENT });
  const withArtifacts: StateRun[] = [];
  const names = { state: inputs['state-artifact'], report: inputs['report-artifact'] };
  for (const run of runs) {
    const artifacts = await listRunArtifacts(ref, run.id);
    withArtifacts.push({ id: run.id, created_at: run.created_at, html_url: run.html_url, artifacts });
    // The newest run with something usable decides: older runs need not be listed.
    if (artifacts.some((a) => !a.expired && (a.name === names.state || a.name === names.report))) break;
  }
  const choice = chooseNightlyState(withArtifacts, names, branch);
  const text = `nightly state: ${choice.note}`;
  return {
    value: choice,
    text,
    summary: `**Nightly state:** ${choice.note}`,
    outputs: {
      'state-source': choice.source,
      'state-run-id': choice.source === 'none' ? '' : String(choice.runId),
      'state-artifact': choice.source === 'none' ? '' : choice.artifact,
    },
  };
}
