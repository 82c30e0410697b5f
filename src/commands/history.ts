/**
 * `benchsweep history add | check | render`: results over time (DESIGN.md, "Added in the second round": the history store).
 * add appends a report to the store; check compares the latest sweep with the previous one and the
 * rolling baseline of the last K (exit 1 naming each regressed task, quiet when nothing changed);
 * render writes the static dashboard (index.html).
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { emit, log, UserError } from '../cli-output.js';
import { addSweep, forEachIndexEntry, readLatestSweeps } from '../adapters/history-store.js';
import { readText, writeFileAtomic } from '../adapters/files.js';
import { loadResultRecords } from '../adapters/results-dir.js';
import { ReportInput, sourceFromEnv, sweepFromReport } from '../core/history/sweep.js';
import {
  checkHistory,
  checkMarkdown,
  checkText,
  DEFAULT_WINDOW,
  regressedTasks,
  type HistoryCheck,
} from '../core/history/check.js';
import { HistoryColumns, renderHistoryHtml } from '../core/history/render.js';
import type { Metrics, Variant } from '../core/schemas.js';
import type { CommandResult } from './command-result.js';

export interface HistoryAddOptions {
  store: string;
  /** The report JSON (`benchsweep report --format json`, or report.json of `--out`). */
  report: string;
  label?: string;
  /** Result records of the same sweep: every metric of each variant is stored too. */
  results?: string;
  /** Commit of the harness/workflow that ran the sweep (default GITHUB_SHA). */
  commit?: string;
  engineRepo?: string;
  /** Fixed time of the add (reproducible stores); default now. */
  addedAt?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface HistoryAddValue {
  id: string;
  added: boolean;
  path: string;
  tasks: number;
}

async function latestMetrics(dir: string): Promise<Map<string, Partial<Record<Variant, Metrics>>>> {
  const loaded = await loadResultRecords(dir);
  for (const e of loaded.errors) log(`note: ${e.file}: ${e.message} (skipped)`);
  const best = new Map<string, { attempt: number; metrics: Metrics }>();
  for (const r of loaded.records) {
    const key = `${r.task}\u0000${r.variant}`;
    const previous = best.get(key);
    if (!previous || (r.attempt ?? 1) >= previous.attempt)
      best.set(key, { attempt: r.attempt ?? 1, metrics: r.metrics ?? {} });
  }
  const out = new Map<string, Partial<Record<Variant, Metrics>>>();
  for (const [key, { metrics }] of best) {
    const [task, variant] = key.split('\u0000') as [string, Variant];
    out.set(task, { ...(out.get(task) ?? {}), [variant]: metrics });
  }
  return out;
}

async function loadReport(file: string): Promise<ReportInput> {
  let raw: unknown;
  const text = await readText(file, 'report');
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--report ${file}: not JSON: ${(e as Error).message}`);
  }
  const parsed = ReportInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `--report ${file}: not a benchsweep report (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  if (parsed.data.tasks.length === 0) throw new UserError(`--report ${file}: the report holds no task`);
  return parsed.data;
}

export async function runHistoryAdd(options: HistoryAddOptions): Promise<CommandResult<HistoryAddValue>> {
  const parsed = { data: await loadReport(options.report) };
  const sourceOverrides: { commit?: string; engineRepo?: string } = {};
  if (options.commit) sourceOverrides.commit = options.commit;
  if (options.engineRepo) sourceOverrides.engineRepo = options.engineRepo;
  const sweep = sweepFromReport({
    report: parsed.data,
    addedAt: options.addedAt ?? new Date().toISOString(),
    source: sourceFromEnv(options.env ?? process.env, sourceOverrides),
    ...(options.label ? { label: options.label } : {}),
    ...(options.results ? { metrics: await latestMetrics(options.results) } : {}),
  });
  const r = await addSweep(options.store, sweep);
  const value: HistoryAddValue = { id: r.id, added: r.added, path: r.path, tasks: sweep.tasks.length };
  return {
    value,
    text: r.added
      ? `added sweep ${r.id} (${sweep.tasks.length} tasks) to ${options.store}`
      : `sweep ${r.id} is already in ${options.store}: nothing changed`,
    outputs: { 'sweep-id': r.id, added: String(r.added) },
  };
}

export interface HistoryCheckOptions {
  store: string;
  /** Percent a change must exceed (5 = 5%); default 2. */
  threshold?: number;
  /** K: sweeps in the rolling baseline (default 7). */
  window?: number;
  /** Also write the markdown (for an issue or a comment) here. */
  markdown?: string;
  dashboardUrl?: string;
  /**
   * A report to check against the store instead of its latest sweep, without adding it (a PR's
   * sweep against the last nightlies, for the tasks it ran).
   */
  report?: string;
}

export async function runHistoryCheck(options: HistoryCheckOptions): Promise<CommandResult<HistoryCheck>> {
  if (options.threshold !== undefined && !(options.threshold > 0 && options.threshold < 100)) {
    throw new UserError(`--threshold: expected a percentage between 0 and 100 (5 = 5%), got ${options.threshold}`);
  }
  if (options.window !== undefined && !(Number.isInteger(options.window) && options.window >= 1)) {
    throw new UserError(`--window: expected a whole number of sweeps >= 1, got ${options.window}`);
  }
  const window = options.window ?? DEFAULT_WINDOW;
  const { sweeps, skipped } = await readLatestSweeps(options.store, options.report ? window : window + 1);
  if (options.report) {
    const candidate = sweepFromReport({
      report: await loadReport(options.report),
      addedAt: new Date().toISOString(),
      source: sourceFromEnv(process.env),
    });
    sweeps.push(candidate);
  }
  const check = checkHistory(sweeps, {
    window,
    ...(options.threshold !== undefined ? { threshold: options.threshold / 100 } : {}),
  });
  if (skipped > 0) check.notes.push(`${skipped} line(s) of the index did not parse and were skipped`);
  const runUrl = sweeps.at(-1)?.source.run_url;
  const markdown = checkMarkdown(check, {
    ...(options.dashboardUrl ? { dashboardUrl: options.dashboardUrl } : {}),
    ...(runUrl ? { runUrl } : {}),
  });
  if (options.markdown) await writeFileAtomic(options.markdown, markdown);
  const regressed = regressedTasks(check);
  return {
    value: check,
    text: checkText(check),
    summary: markdown,
    outputs: {
      regressed: String(regressed.length > 0),
      'regressed-tasks': regressed.join(','),
      regressions: String(check.regressions.length),
      improvements: String(check.improvements.length),
    },
    failed: check.regressions.length > 0,
  };
}

export interface HistoryRenderOptions {
  store: string;
  out: string;
  title?: string;
  maxPoints?: number;
  generatedAt?: string;
}

export interface HistoryRenderValue {
  path: string;
  sweeps: number;
  tasks: number;
  bytes: number;
}

export async function runHistoryRender(options: HistoryRenderOptions): Promise<CommandResult<HistoryRenderValue>> {
  const columns = new HistoryColumns();
  const skipped = await forEachIndexEntry(options.store, (e) => columns.add(e));
  if (skipped > 0) log(`note: ${skipped} line(s) of ${options.store}/index.jsonl did not parse and were skipped`);
  if (columns.sweeps.length === 0) throw new UserError(`${options.store}: the store holds no sweep`);
  const html = renderHistoryHtml(columns, {
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    ...(options.title ? { title: options.title } : {}),
    ...(options.maxPoints ? { maxPoints: options.maxPoints } : {}),
  });
  const path = join(options.out, 'index.html');
  await writeFileAtomic(path, html);
  const sweeps = columns.sweeps.length;
  const tasks = columns.tasks.size;
  return {
    value: { path, sweeps, tasks, bytes: Buffer.byteLength(html) },
    text: `wrote ${path} (${sweeps} sweeps, ${tasks} tasks)`,
    outputs: { 'dashboard-path': path },
  };
}

function percent(value: string): number {
  return Number(value.replace(/%$/, ''));
}

export function registerHistory(program: Command): void {
  const history = program
    .command('history')
    .description('results over time: a store of sweeps, regression checks and a dashboard');
  history
    .command('add')
    .description('append one sweep (a report JSON) to the store; the same report twice changes nothing')
    .requiredOption('--store <dir>', 'the history store (created when missing)')
    .requiredOption('--report <file>', 'report JSON (benchsweep report --format json)')
    .option('--label <text>', 'a name for this sweep (e.g. nightly-2026-11-30)')
    .option('--results <dir>', "the sweep's result records: store every metric, not only the primary one")
    .option('--commit <sha>', 'commit that ran the sweep (default GITHUB_SHA)')
    .option('--engine-repo <repo>', 'engine repository (default BENCHSWEEP_ENGINE_REPO)')
    .option('--json', 'print one JSON document')
    .action(async (opts: HistoryAddOptions & { json?: boolean }) => {
      const result = await runHistoryAdd(opts);
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    });
  history
    .command('check')
    .description(
      'latest sweep vs the previous one and the last K; exit 1 naming each regressed task, quiet when nothing changed',
    )
    .requiredOption('--store <dir>', 'the history store')
    .option('--threshold <pct>', 'change a regression must exceed, in percent (default 2)', percent)
    .option('--window <k>', `sweeps in the rolling baseline (default ${DEFAULT_WINDOW})`, (v) => Number(v))
    .option('--markdown <file>', 'also write the result as markdown (for an issue or a comment)')
    .option('--dashboard-url <url>', 'link to the dashboard in the markdown')
    .option(
      '--report <file>',
      "check this report (e.g. a PR's) against the store's latest sweeps instead; nothing is added",
    )
    .option('--json', 'print one JSON document: { regressions, improvements, ... }')
    .action(async (opts: HistoryCheckOptions & { json?: boolean }) => {
      const result = await runHistoryCheck(opts);
      // Quiet when nothing changed: notes only accompany a change.
      if (result.text) for (const n of result.value.notes) log(`note: ${n}`);
      if (opts.json || result.text) emit({ json: !!opts.json, value: result.value, text: () => result.text });
      if (result.failed) process.exitCode = 1;
    });
  history
    .command('render')
    .description('write the static dashboard (index.html: no script, no network)')
    .requiredOption('--store <dir>', 'the history store')
    .requiredOption('--out <dir>', 'folder for index.html')
    .option('--title <text>', 'page title')
    .option('--max-points <n>', 'most points per chart; longer histories are bucketed (default 300)', (v) => Number(v))
    .option('--json', 'print one JSON document')
    .action(async (opts: HistoryRenderOptions & { json?: boolean }) => {
      const result = await runHistoryRender(opts);
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    });
}
