/**
 * `benchsweep pr-approval`: verify-pr-bench.yml's hosted gate. Decides, from the event and the PR's
 * state and reviews as the API shows them now, whether a maintainer approved the PR's current head
 * by its SHA (core/github/pr-gate.ts decideApproval); with the PR's dataset at that SHA (read as data) it
 * also lists the tasks the PR touches, minus those a fork may not run (gated models). Exit 0 either
 * way: the decision is the output (`--github-output` appends allowed, sha, head-repo, pr-number,
 * tasks, reason for the workflow).
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { emit, UserError } from '../cli-output.js';
import { parseDataset } from '../core/dataset/dataset.js';
import { parsePerfCommand } from '../core/dataset/perf-command.js';
import {
  affectedTasks,
  decideApproval,
  gatedTaskRefusals,
  parseChangedFiles,
  unsafePatchPath,
  type ApprovalDecision,
} from '../core/github/pr-gate.js';
import { escapeWorkflowText } from '../core/redact.js';
import { gatedModel } from '../core/preflight/rules/gated-models.js';
import type { CommandResult } from './command-result.js';

export interface PrApprovalOptions {
  event: string;
  eventName: string;
  pull: string;
  reviews?: string;
  label?: string;
  /** With the PR's dataset at the approved SHA: the tasks it touches. */
  dataset?: string;
  /** The dataset's path in the repository (what changed-files names). */
  datasetPath?: string;
  baseDataset?: string;
  changedFiles?: string;
  githubOutput?: string;
}

export interface PrApprovalValue extends ApprovalDecision {
  tasks?: string[];
  refused?: Record<string, string>;
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new UserError(`${what} ${path}: ${(e as Error).message}`);
  }
}

/** `gh api --paginate --slurp` gives an array of pages; plain `gh api` one array. */
function flattenPages(v: unknown): unknown[] {
  if (!Array.isArray(v)) return [];
  return v.every(Array.isArray) ? (v as unknown[][]).flat() : v;
}

async function runPrApproval(o: PrApprovalOptions): Promise<CommandResult<PrApprovalValue>> {
  const decision = decideApproval({
    eventName: o.eventName,
    payload: await readJson(o.event, 'event'),
    pull: await readJson(o.pull, 'pull request'),
    reviews: o.reviews ? flattenPages(await readJson(o.reviews, 'reviews')) : [],
    ...(o.label ? { label: o.label } : {}),
  });
  const value: PrApprovalValue = { ...decision };
  if (decision.allowed && o.dataset && o.changedFiles) {
    const head = parseDataset(await readFile(o.dataset, 'utf8'), o.datasetPath ?? o.dataset);
    let base = null;
    if (o.baseDataset) {
      try {
        base = parseDataset(await readFile(o.baseDataset, 'utf8'), o.baseDataset).tasks;
      } catch {
        base = null; // The base has no such dataset: every row is new.
      }
    }
    const affected = affectedTasks({
      changedFiles: parseChangedFiles(await readFile(o.changedFiles, 'utf8')),
      datasetPath: o.datasetPath ?? o.dataset,
      headTasks: head.tasks,
      baseTasks: base,
    });
    const touched = head.tasks.filter((t) => affected.ids.includes(t.id));
    const refused = decision.fork
      ? gatedTaskRefusals(
          touched,
          (t) => (t.perfCommand ? parsePerfCommand(t.perfCommand).model : undefined) ?? t.models[0],
          gatedModel,
        )
      : {};
    for (const t of touched) {
      const why = t.patchPath ? unsafePatchPath(t.patchPath) : undefined;
      if (why) refused[t.id] = why;
    }
    value.tasks = affected.ids.filter((id) => !(id in refused));
    value.refused = refused;
  }
  const lines = [
    `${value.allowed ? 'approved' : 'not approved'}: ${value.reason}`,
    ...(value.tasks ? [`tasks: ${value.tasks.join(', ') || '(none)'}`] : []),
    ...Object.entries(value.refused ?? {}).map(([id, why]) => `refused ${id}: ${why}`),
  ];
  const outputs: Record<string, string> = {
    allowed: String(value.allowed),
    sha: value.sha ?? '',
    'head-repo': value.headRepo ?? '',
    'pr-number': value.prNumber !== undefined ? String(value.prNumber) : '',
    tasks: (value.tasks ?? []).join(','),
    'has-tasks': String((value.tasks ?? []).length > 0),
    // One line: text from data (logins, SHAs) never starts a workflow command.
    reason: escapeWorkflowText(value.reason),
  };
  return { value, text: lines.join('\n'), outputs };
}

export function registerPrApproval(program: Command): void {
  program
    .command('pr-approval')
    .description("verify-pr-bench's gate: was the PR's current head approved by its SHA, and which tasks does it touch")
    .option('--event <file>', 'the event payload', process.env.GITHUB_EVENT_PATH)
    .option('--event-name <name>', 'the event name', process.env.GITHUB_EVENT_NAME)
    .requiredOption('--pull <file>', 'GET /repos/{owner}/{repo}/pulls/{n} as JSON')
    .option('--reviews <file>', 'GET .../pulls/{n}/reviews as JSON (all pages)')
    .option('--label <name>', 'the label that asks for a run', 'safe-to-bench')
    .option('--dataset <file>', "the PR's dataset at the approved SHA")
    .option('--dataset-path <path>', "the dataset's path in the repository")
    .option('--base-dataset <file>', "the default branch's dataset")
    .option('--changed-files <file>', 'the files the PR changes, one per line')
    .option('--github-output <file>', 'append the outputs (NAME=value lines) to this file')
    .option('--json', 'print one JSON document')
    .action(async (opts: Partial<PrApprovalOptions> & { json?: boolean }) => {
      if (!opts.event || !opts.eventName)
        throw new UserError('--event and --event-name (or GITHUB_EVENT_PATH, GITHUB_EVENT_NAME) are required');
      const result = await runPrApproval(opts as PrApprovalOptions);
      if (opts.githubOutput)
        await appendFile(
          opts.githubOutput,
          Object.entries(result.outputs ?? {})
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        );
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    });
}
