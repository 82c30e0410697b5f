/**
 * The nightly's resume: from the last report (or the last result records), which tasks to run
 * again. A task is rerun when a variant's last result is missing or a failure a retry can fix
 * (taxonomy: retryable); a task whose failures are deterministic is skipped, because running it
 * again spends GPU time to fail the same way.
 */
import { z } from 'zod';
import { isRetryable } from '../failures/retry-policy.js';

export type LastStatus = 'success' | 'failed' | 'skipped' | 'missing';

export interface LastResult {
  status: LastStatus;
  category?: string;
}

/** task id → variant → its last result. */
export type LastResults = Map<string, Map<string, LastResult>>;

const ReportVariant = z.looseObject({ status: z.string().optional(), category: z.string().optional() });
/** The report of DESIGN.md, read loosely: other tools' reports need only these fields. */
export const ReportLike = z.looseObject({
  tasks: z.array(
    z.looseObject({
      task: z.string(),
      variants: z.record(z.string(), ReportVariant.nullish()).default({}),
      category: z.string().optional(),
    }),
  ),
  failures: z.array(z.looseObject({ category: z.string(), tasks: z.array(z.string()).default([]) })).default([]),
});
export type ReportLike = z.infer<typeof ReportLike>;

const KNOWN_STATUSES = new Set(['success', 'failed', 'skipped']);

export function lastResultsFromReport(report: ReportLike): LastResults {
  // The failure table says which categories a task failed with when a variant entry does not.
  const categoriesByTask = new Map<string, string[]>();
  for (const f of report.failures)
    for (const t of f.tasks) categoriesByTask.set(t, [...(categoriesByTask.get(t) ?? []), f.category]);
  const last: LastResults = new Map();
  for (const t of report.tasks) {
    const variants = new Map<string, LastResult>();
    for (const [variant, v] of Object.entries(t.variants)) {
      const status = (v?.status && KNOWN_STATUSES.has(v.status) ? v.status : 'missing') as LastStatus;
      const fallback = categoriesByTask.get(t.task);
      const category =
        v?.category ?? t.category ?? (status === 'failed' && fallback?.length === 1 ? fallback[0] : undefined);
      variants.set(variant, { status, ...(category ? { category } : {}) });
    }
    last.set(t.task, variants);
  }
  return last;
}

export interface RecordLike {
  task: string;
  variant: string;
  attempt?: number;
  status: string;
  category?: string;
}

/** The highest attempt of each task × variant wins. */
export function lastResultsFromRecords(records: RecordLike[]): LastResults {
  const best = new Map<string, RecordLike>();
  for (const r of records) {
    const key = `${r.task}\0${r.variant}`;
    const prev = best.get(key);
    if (!prev || (r.attempt ?? 1) >= (prev.attempt ?? 1)) best.set(key, r);
  }
  const last: LastResults = new Map();
  for (const r of best.values()) {
    const variants = last.get(r.task) ?? new Map<string, LastResult>();
    const status = (KNOWN_STATUSES.has(r.status) ? r.status : 'missing') as LastStatus;
    variants.set(r.variant, { status, ...(r.category ? { category: r.category } : {}) });
    last.set(r.task, variants);
  }
  return last;
}

/** The one retry rule (core/failures/retry-policy.ts): a rerun retries exactly what the sweep retries. */
export { isRetryable };

export interface RerunSelection {
  rerun: Array<{ task: string; reason: string }>;
  skip: Array<{ task: string; reason: string }>;
}

/** `taskIds`: the tasks the dataset has now (tasks only in the old report are gone and ignored). */
export function selectReruns(taskIds: string[], last: LastResults): RerunSelection {
  const selection: RerunSelection = { rerun: [], skip: [] };
  for (const task of taskIds) {
    const variants = last.get(task);
    if (!variants || variants.size === 0) {
      selection.rerun.push({ task, reason: 'no result in the last report' });
      continue;
    }
    const entries = [...variants.entries()];
    const missing = entries.filter(([, r]) => r.status === 'missing').map(([v]) => v);
    const retryable = entries.filter(([, r]) => r.status === 'failed' && isRetryable(r.category));
    if (missing.length > 0 || retryable.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`no result for ${missing.join(', ')}`] : []),
        ...retryable.map(([v, r]) => `${v} failed with ${r.category} (retryable)`),
      ];
      selection.rerun.push({ task, reason: parts.join('; ') });
      continue;
    }
    const failed = entries.filter(([, r]) => r.status === 'failed');
    if (failed.length > 0) {
      const cats = [...new Set(failed.map(([, r]) => r.category ?? 'unknown category'))];
      selection.skip.push({
        task,
        reason: `deterministic failure (${cats.join(', ')}): a rerun would fail the same way`,
      });
    } else if (entries.every(([, r]) => r.status === 'skipped')) {
      selection.skip.push({ task, reason: 'skipped by preflight' });
    } else {
      selection.skip.push({ task, reason: 'measured' });
    }
  }
  return selection;
}

/** Tasks of the previous results that the new run did not produce: carried into the merged report. */
export function tasksToCarryForward(previousTasks: string[], newTasks: string[]): string[] {
  const fresh = new Set(newTasks);
  return previousTasks.filter((t) => !fresh.has(t));
}

/** A successful nightly run and the artifacts it left, as the API lists them. */
export interface StateRun {
  id: number;
  created_at: string;
  html_url?: string;
  artifacts: ReadonlyArray<{ name: string; expired: boolean }>;
}

export type StateChoice =
  { source: 'state' | 'report'; runId: number; artifact: string; note: string } | { source: 'none'; note: string };

/**
 * Where tonight resumes from. Only successful nightly runs on the default branch count (the
 * caller lists them, newest first): a PR's or a failed run's artifact of the same name is never
 * state. The newest run with its state artifact still there wins; a run whose state expired but
 * whose longer-lived report is there rebuilds from that report (measured tasks are kept, the rest
 * planned again); with neither, the night starts fresh. The note says which, for the summary.
 */
export function chooseNightlyState(
  runs: readonly StateRun[],
  names: { state: string; report: string },
  branch: string,
): StateChoice {
  if (runs.length === 0)
    return {
      source: 'none',
      note: `no successful nightly run on ${branch} yet: starting fresh (every task is planned).`,
    };
  const has = (run: StateRun, name: string) => run.artifacts.some((a) => a.name === name && !a.expired);
  for (const run of runs) {
    const where = `run ${run.id}${run.html_url ? ` (${run.html_url})` : ''}`;
    const skipped = run === runs[0] ? '' : ` The newer successful run(s) left no usable state.`;
    if (has(run, names.state))
      return {
        source: 'state',
        runId: run.id,
        artifact: names.state,
        note: `resuming from the state of the last successful nightly on ${branch}, ${where}.${skipped}`,
      };
    if (has(run, names.report)) {
      return {
        source: 'report',
        runId: run.id,
        artifact: names.report,
        note: `the state artifact "${names.state}" of ${where} is missing or expired: rebuilding from its report "${names.report}" (measured tasks are kept, the others planned again; their old records are not carried into tonight's report).${skipped}`,
      };
    }
  }
  return {
    source: 'none',
    note: `the last successful nightly runs on ${branch} left no "${names.state}" or "${names.report}" artifact (expired): starting fresh (every task is planned).`,
  };
}
