/**
 * The action entry: `command` input plan | build | run | report. It reads the inputs the way the
 * runner passes them (INPUT_<NAME>), maps them to the same options the CLI builds
 * (src/core/action-inputs.ts), calls run<Name>, and writes outputs, the job summary and the step's
 * status. The plan command also answers the PR gate (src/core/pr-gate.ts) and the nightly's resume
 * (src/core/rerun-select.ts), because both decide which tasks get planned.
 */
import * as core from '@actions/core';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildOptions,
  INPUT_NAMES,
  parseActionInputs,
  planOptions,
  reportOptions,
  runOptions,
  type ActionInputs,
  type InputName,
} from './core/action-inputs.js';
import { affectedTasks, decidePrGate, parseChangedFiles, type GateDecision } from './core/pr-gate.js';
import { lastResultsFromRecords, lastResultsFromReport, ReportLike, selectReruns, tasksToCarryForward, type RecordLike } from './core/rerun-select.js';
import { redact, secretValues } from './core/redact.js';
import { parseDataset } from './core/dataset.js';
import { loadDataset } from './adapters/dataset-file.js';
import { createCheckRun, emitAnnotations, upsertStickyComment } from './adapters/github.js';
import { annotationsFor, checkRunFor, fitSummary } from './core/github-surfaces.js';
import type { Report } from './core/report.js';
import type { CommandResult } from './commands/command-result.js';
import { runBuild } from './commands/build.js';
import { runPlan } from './commands/plan.js';
import { runRun } from './commands/run.js';
import { runReport } from './commands/report.js';

type Env = Record<string, string | undefined>;

const EMPTY_PLAN_OUTPUTS = {
  matrix: JSON.stringify({ include: [] }),
  'shard-count': '0',
  'runnable-count': '0',
  'skipped-count': '0',
  'has-jobs': 'false',
  tasks: '',
};

async function readEventPayload(env: Env): Promise<unknown> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return {};
  }
}

function gateOutputs(d: GateDecision): Record<string, string> {
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readRecords(dir: string): Promise<RecordLike[]> {
  const records: RecordLike[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    try {
      const value = JSON.parse(await readFile(join(entry.parentPath, entry.name), 'utf8')) as Partial<RecordLike>;
      if (typeof value.task === 'string' && typeof value.variant === 'string' && typeof value.status === 'string') records.push(value as RecordLike);
    } catch {
      // Not a result record (a log or another tool's file): the selection reads records only.
    }
  }
  return records;
}

/** plan: the PR gate and the nightly's resume narrow `only` before the plan is made. */
async function runPlanCommand(inputs: ActionInputs, env: Env): Promise<CommandResult> {
  const options = planOptions(inputs);
  const notes: string[] = [];
  let outputs: Record<string, string> = {};

  if (inputs['pr-gate']) {
    const decision = decidePrGate(env.GITHUB_EVENT_NAME ?? '', await readEventPayload(env), { label: inputs['gate-label'] });
    outputs = gateOutputs(decision);
    notes.push(`**PR gate:** ${decision.allowed ? 'allowed' : 'refused'}: ${decision.reason}`);
    if (!decision.allowed) return emptyPlan(notes, outputs);
    if (inputs['changed-files']) {
      const changedFiles = parseChangedFiles(await readFile(inputs['changed-files'], 'utf8'));
      const head = await loadDataset(options.dataset);
      const basePath = inputs['base-dataset'];
      const base = basePath && (await exists(basePath)) ? parseDataset(await readFile(basePath, 'utf8'), basePath).tasks : null;
      const affected = affectedTasks({ changedFiles, datasetPath: options.dataset, headTasks: head.tasks, baseTasks: base });
      const ids = options.only ? affected.ids.filter((id) => options.only!.includes(id)) : affected.ids;
      notes.push(
        ids.length === 0
          ? '**Affected tasks:** none (the PR changes no dataset row and no agent patch).'
          : `**Affected tasks:** ${ids.map((id) => `\`${id}\` (${affected.reasons[id]!.join('; ')})`).join(', ')}`,
      );
      if (ids.length === 0) return emptyPlan(notes, outputs);
      options.only = ids;
    }
  }

  const rerunFrom = inputs['rerun-from'];
  if (rerunFrom) {
    if (!(await exists(rerunFrom))) {
      core.warning(`rerun-from ${rerunFrom} does not exist (first run?): planning every task`);
      notes.push(`**Resume:** no previous results at \`${rerunFrom}\`: every task is planned.`);
    } else {
      const last = (await stat(rerunFrom)).isDirectory()
        ? lastResultsFromRecords(await readRecords(rerunFrom))
        : lastResultsFromReport(ReportLike.parse(JSON.parse(await readFile(rerunFrom, 'utf8'))));
      const dataset = await loadDataset(options.dataset);
      const ids = dataset.tasks.map((t) => t.id).filter((id) => !options.only || options.only.includes(id));
      const selection = selectReruns(ids, last);
      outputs['rerun-count'] = String(selection.rerun.length);
      notes.push(
        `**Resume from \`${rerunFrom}\`:** ${selection.rerun.length} task(s) to rerun, ${selection.skip.length} kept as they are.`,
        ...selection.rerun.map((r) => `- rerun \`${r.task}\`: ${r.reason}`),
      );
      if (selection.rerun.length === 0) return emptyPlan(notes, outputs);
      options.only = selection.rerun.map((r) => r.task);
    }
  }

  const result: CommandResult = await runPlan(options);
  const planOutputs = { ...result.outputs };
  if (inputs.shard !== undefined) planOutputs.matrix = planOutputs[`matrix-${inputs.shard}`] ?? EMPTY_PLAN_OUTPUTS.matrix;
  const matrix = JSON.parse(planOutputs.matrix ?? EMPTY_PLAN_OUTPUTS.matrix) as { include: Array<{ task?: string }> };
  planOutputs.tasks ??= [...new Set(matrix.include.map((e) => e.task).filter(Boolean))].join(',');
  return {
    ...result,
    outputs: { ...outputs, ...planOutputs },
    summary: [...notes, result.summary ?? ''].filter(Boolean).join('\n\n'),
  };
}

function emptyPlan(notes: string[], outputs: Record<string, string>): CommandResult {
  const text = notes.join('\n');
  return { value: { matrix: { include: [] }, notes }, text, summary: text, outputs: { ...EMPTY_PLAN_OUTPUTS, ...outputs } };
}

/** report with previous-results: tasks this run did not produce keep their earlier records. */
async function carryForwardResults(previous: string, results: string): Promise<string[]> {
  if (!(await exists(previous))) return [];
  const dirs = async (d: string) =>
    (await exists(d)) ? (await readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  const carried = tasksToCarryForward(await dirs(previous), await dirs(results));
  for (const task of carried) await cp(join(previous, task), join(results, task), { recursive: true });
  return carried;
}

/**
 * report with comment / check: the sticky PR comment (one per PR, whichever workflow writes it:
 * verify-pr for same-repository PRs, verify-pr-publish for forks) and a check run on the head commit.
 */
async function publishToPullRequest(inputs: ActionInputs, env: Env, report: Report, markdown: string): Promise<void> {
  const token = inputs['github-token'];
  if (!token || (!inputs.comment && !inputs.check)) return;
  const payload = (await readEventPayload(env)) as { pull_request?: { number?: number; head?: { sha?: string } } };
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = { token, owner, repo, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) };
  const runUrl = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`;
  const prNumber = inputs['pr-number'] ?? payload.pull_request?.number;
  if (inputs.comment) {
    if (prNumber === undefined) core.info('comment: no pull request (not a pull_request event and no pr-number input)');
    else {
      const r = await upsertStickyComment({ ...ref, issueNumber: prNumber, body: markdown, runUrl });
      core.info(`sticky comment ${r.action}: ${r.url ?? r.id}`);
    }
  }
  const headSha = inputs['head-sha'] ?? payload.pull_request?.head?.sha ?? env.GITHUB_SHA;
  if (inputs.check && headSha) {
    const r = await createCheckRun({ ...ref, headSha, check: checkRunFor(report, { text: markdown, runUrl }), detailsUrl: runUrl });
    core.info(`check run: ${r.url ?? r.id}`);
  }
}

export async function runAction(env: Env = process.env): Promise<void> {
  const secrets = secretValues(env);
  for (const s of secrets) core.setSecret(s);
  try {
    const raw: Partial<Record<InputName, string>> = {};
    for (const name of INPUT_NAMES) {
      const value = core.getInput(name);
      if (value) raw[name] = value;
    }
    const inputs = parseActionInputs(raw);
    if (inputs['github-token']) core.setSecret(inputs['github-token']);
    const allSecrets = inputs['github-token'] ? [...secrets, inputs['github-token']] : secrets;

    let result: CommandResult;
    switch (inputs.command) {
      case 'plan':
        result = await runPlanCommand(inputs, env);
        break;
      case 'build': {
        result = await runBuild(buildOptions(inputs, env));
        break;
      }
      case 'run':
        result = await runRun(runOptions(inputs, env));
        break;
      case 'report': {
        const options = reportOptions(inputs);
        const carried = inputs['previous-results'] ? await carryForwardResults(inputs['previous-results'], options.results) : [];
        if (carried.length > 0) core.info(`carried ${carried.length} task(s) forward from ${inputs['previous-results']}`);
        // No job left results (all cancelled, or nothing to rerun): an empty report says so.
        await mkdir(options.results, { recursive: true });
        const report = await runReport(options);
        result = report;
        if (options.out) result = { ...result, outputs: { 'report-path': join(options.out, 'report.json'), ...result.outputs } };
        if (result.outputs?.counts) result.outputs['outcome-counts'] = result.outputs.counts;
        emitAnnotations(annotationsFor(report.value));
        await publishToPullRequest(inputs, env, report.value, redact(report.summary ?? report.text, allSecrets)).catch((e: unknown) =>
          core.warning(`could not publish the report to the pull request: ${redact((e as Error).message, allSecrets)}`),
        );
        break;
      }
    }

    for (const [name, value] of Object.entries(result.outputs ?? {})) core.setOutput(name, redact(value, allSecrets));
    core.info(redact(result.text, allSecrets));
    if (result.summary && env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(fitSummary(redact(result.summary, allSecrets)), true).write();
    if (result.failed) core.setFailed(`benchsweep ${inputs.command} failed: see the job summary`);
  } catch (e) {
    const message = e instanceof Error ? (e.name === 'UserError' || e.name === 'ActionInputError' ? e.message : (e.stack ?? e.message)) : String(e);
    core.setFailed(redact(message, secrets));
  }
}

await runAction();
