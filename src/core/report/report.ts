/**
 * The merged report of many matrix jobs (DESIGN.md "Report"): the latest attempt of each task and
 * variant decides, earlier attempts are kept as history; counts are counted from the tasks
 * themselves (never copied from a summary), and where a summary someone wrote disagrees with the
 * rows it sits on, the report counts the rows and says so in `notes`.
 */
import { CATEGORIES, type Category } from '../taxonomy.js';
import { VARIANTS, type ResultRecord, type Variant } from '../schemas.js';
import {
  compareTask,
  EVALUABILITY,
  DEFAULT_THRESHOLD,
  type CompareOptions,
  type Evaluability,
  type Outcome,
  type TaskComparison,
} from '../compare/compare.js';

const REPORT_SCHEMA = 'benchsweep/report@1';

export interface Counts {
  tasks: number;
  evaluable: number;
  agent_wins: number;
  human_wins: number;
  tie: number;
  agent_failed: number;
  not_evaluable: number;
}

export interface HistoryEntry {
  variant: Variant;
  attempt: number;
  status: string;
  category?: string;
  log?: string;
}

export interface ReportTask extends TaskComparison {
  /** Earlier attempts that a later one replaced (e.g. a TRANSIENT_INFRA retried). */
  history?: HistoryEntry[];
}

export interface FailureRow {
  category: string;
  stage: string;
  /** Tasks with at least one variant in this category. */
  count: number;
  fixable: string;
  action: string;
  tasks: string[];
  /** Failed variants per variant name. */
  variants: Record<Variant, number>;
}

export interface GpuRow extends Counts {
  gpus: number | 'unknown';
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generated_at?: string;
  threshold: number;
  tasks: ReportTask[];
  failures: FailureRow[];
  counts: Counts;
  gpus: GpuRow[];
  evaluability: Partial<Record<Evaluability, number>>;
  notes: string[];
}

/** Someone's summary of the same results (a seed's headline, a previous report) to check against the rows. */
export interface SummaryClaim {
  source: string;
  counts?: Partial<Counts>;
  /** Per-task winner as the summary labels it. */
  winners?: Record<string, 'agent' | 'human' | 'tie' | 'agent_failed'>;
}

export interface ReportOptions extends CompareOptions {
  claims?: SummaryClaim[];
  generatedAt?: string;
  /** Notes from the edges (files that did not parse), listed first. */
  notes?: string[];
}

const OUTCOME_KEYS: ReadonlyArray<Exclude<keyof Counts, 'tasks' | 'evaluable'>> = [
  'agent_wins',
  'human_wins',
  'tie',
  'agent_failed',
  'not_evaluable',
];

function emptyCounts(): Counts {
  return { tasks: 0, evaluable: 0, agent_wins: 0, human_wins: 0, tie: 0, agent_failed: 0, not_evaluable: 0 };
}

function countOutcome(counts: Counts, outcome: Outcome): void {
  counts.tasks++;
  counts[outcome]++;
  if (outcome !== 'not_evaluable') counts.evaluable++;
}

export function buildReport(records: ResultRecord[], opts: ReportOptions = {}): Report {
  const byTask = new Map<string, ResultRecord[]>();
  for (const record of records) byTask.set(record.task, [...(byTask.get(record.task) ?? []), record]);

  const tasks: ReportTask[] = [];
  for (const id of [...byTask.keys()].sort()) {
    const all = byTask.get(id)!;
    const latest = new Map<Variant, ResultRecord>();
    const history: HistoryEntry[] = [];
    // Stable order by attempt: the highest attempt wins; ties keep the later record.
    const ordered = [...all].sort((a, b) => (a.attempt ?? 1) - (b.attempt ?? 1));
    for (const record of ordered) {
      const previous = latest.get(record.variant);
      if (previous) {
        const entry: HistoryEntry = {
          variant: previous.variant,
          attempt: previous.attempt ?? 1,
          status: previous.status,
        };
        if (previous.category) entry.category = previous.category;
        if (previous.log) entry.log = previous.log;
        history.push(entry);
      }
      latest.set(record.variant, record);
    }
    const comparison: ReportTask = compareTask([...latest.values()], opts);
    if (history.length > 0) comparison.history = history;
    tasks.push(comparison);
  }

  const counts = emptyCounts();
  for (const t of tasks) countOutcome(counts, t.outcome);

  const evaluability: Partial<Record<Evaluability, number>> = {};
  for (const e of EVALUABILITY) {
    const n = tasks.filter((t) => t.evaluability === e).length;
    if (n > 0) evaluability[e] = n;
  }

  const failures = failureRows(tasks);
  const gpus = gpuRows(tasks);
  const notes = [...(opts.notes ?? [])];
  for (const t of tasks) for (const n of t.notes) notes.push(`${t.task}: ${n}`);
  for (const claim of opts.claims ?? []) notes.push(...checkClaim(claim, tasks, counts));

  const report: Report = {
    schema: REPORT_SCHEMA,
    threshold: opts.threshold ?? DEFAULT_THRESHOLD,
    tasks,
    failures,
    counts,
    gpus,
    evaluability,
    notes,
  };
  if (opts.generatedAt) report.generated_at = opts.generatedAt;
  return report;
}

function failureRows(tasks: readonly ReportTask[]): FailureRow[] {
  const rows = new Map<string, FailureRow>();
  for (const t of tasks) {
    for (const v of VARIANTS) {
      const result = t.variants[v];
      if (result.status !== 'failed' && !(result.status === 'skipped' && result.category)) continue;
      const category = result.category ?? 'UNCLASSIFIED';
      let row = rows.get(category);
      if (!row) {
        const info = CATEGORIES[category as Category];
        row = {
          category,
          stage: info?.stage ?? 'unknown',
          count: 0,
          fixable: info?.fixable ?? 'unknown',
          action: info?.action ?? `Not in the taxonomy: classify the log (benchsweep classify LOG).`,
          tasks: [],
          variants: { baseline: 0, human: 0, agent: 0 },
        };
        rows.set(category, row);
      }
      row.variants[v]++;
      if (!row.tasks.includes(t.task)) {
        row.tasks.push(t.task);
        row.count++;
      }
    }
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
}

function gpuRows(tasks: readonly ReportTask[]): GpuRow[] {
  const rows = new Map<number | 'unknown', GpuRow>();
  for (const t of tasks) {
    const key = t.gpus ?? 'unknown';
    let row = rows.get(key);
    if (!row) {
      row = { gpus: key, ...emptyCounts() };
      rows.set(key, row);
    }
    countOutcome(row, t.outcome);
  }
  return [...rows.values()].sort((a, b) => (a.gpus === 'unknown' ? 1 : b.gpus === 'unknown' ? -1 : a.gpus - b.gpus));
}

const WINNER_OF: Record<Outcome, string | undefined> = {
  agent_wins: 'agent',
  human_wins: 'human',
  tie: 'tie',
  agent_failed: 'agent_failed',
  not_evaluable: undefined,
};

/** Compare a summary's numbers with the rows: every disagreement becomes a note; the rows win. */
function checkClaim(claim: SummaryClaim, tasks: readonly ReportTask[], counts: Counts): string[] {
  const notes: string[] = [];
  for (const [key, claimed] of Object.entries(claim.counts ?? {}) as Array<[keyof Counts, number]>) {
    const actual = counts[key];
    if (claimed !== actual) {
      notes.push(
        `${claim.source}: its summary says ${key} = ${claimed}, its rows give ${actual}; this report counts the rows (${actual})`,
      );
    }
  }
  for (const [task, claimed] of Object.entries(claim.winners ?? {})) {
    const t = tasks.find((x) => x.task === task);
    if (!t) {
      notes.push(`${claim.source}: labels ${task} as ${claimed} but there is no row for it`);
      continue;
    }
    const actual = WINNER_OF[t.outcome];
    if (actual !== claimed) {
      notes.push(
        `${claim.source}: labels ${task} as ${claimed}; recomputed: ${t.outcome}${t.reason ? ` (${t.reason})` : ''}`,
      );
    }
  }
  return notes;
}

export { OUTCOME_KEYS };
