/**
 * `history check`: the latest sweep against the previous one and against a rolling baseline (the
 * samples of the K sweeps before it, pooled), per task and variant, with the statistics of the
 * three-way compare (compareSides): with 3+ samples a side, a change must pass the threshold AND be
 * significant (bootstrap interval of the ratio of medians, Mann–Whitney); with fewer, the threshold
 * alone decides (single_sample). Direction-aware: for a latency a ratio above 1 is the regression.
 *
 * A variant that succeeded in the previous sweep and fails now is a regression too (metric
 * "status"); one that failed and now succeeds, an improvement.
 */
import {
  compareSides,
  DEFAULT_BOOTSTRAP_ITERATIONS,
  DEFAULT_SEED,
  DEFAULT_THRESHOLD,
  type Comparison,
  type VariantResult,
} from '../compare/compare.js';
import { VARIANTS } from '../schemas.js';
import type { StoredSweep, StoredTask, StoredVariant } from './sweep.js';

export const DEFAULT_WINDOW = 7;

export interface HistoryChange {
  task: string;
  variant: string;
  /** The primary metric, or "status" for a variant that stopped (or started) succeeding. */
  metric: string;
  /** latest / reference of the metric's medians, as measured; null for a status change. */
  ratio: number | null;
  ci: [number, number] | null;
  significant: boolean | null;
  /** Compared with the previous sweep, or with the pooled samples of the last K. */
  against: 'previous' | 'rolling';
  higher_is_better: boolean;
  p_value?: number;
  single_sample?: boolean;
  /** Samples on each side (latest, reference). */
  n?: [number, number];
  /** For a status change: what the variant is now (failed/skipped + category). */
  status?: string;
  category?: string;
}

export interface HistoryCheck {
  latest: string | null;
  previous: string | null;
  /** The sweeps pooled into the rolling baseline (oldest first). */
  window: string[];
  threshold: number;
  regressions: HistoryChange[];
  improvements: HistoryChange[];
  notes: string[];
}

export interface CheckOptions {
  /** Relative change a regression must exceed (0.02 = 2%). */
  threshold?: number;
  /** K: sweeps in the rolling baseline. */
  window?: number;
  bootstrapIterations?: number;
  seed?: number;
}

/** Small stable string hash: each task and variant gets its own bootstrap stream, the same every run. */
function saltOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 1_000_003;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function usableSamples(v: StoredVariant | undefined): number[] {
  if (!v || v.status !== 'success') return [];
  const s = v.samples.filter((x) => Number.isFinite(x) && x > 0);
  if (s.length > 0) return s;
  return typeof v.value === 'number' && Number.isFinite(v.value) && v.value > 0 ? [v.value] : [];
}

function side(samples: number[]): VariantResult {
  return { status: 'success', value: median(samples), samples };
}

function changeOf(
  task: StoredTask,
  variant: string,
  against: HistoryChange['against'],
  c: Comparison,
  n: [number, number],
): HistoryChange {
  const change: HistoryChange = {
    task: task.task,
    variant,
    metric: task.primary_metric,
    ratio: c.ratio,
    ci: c.ci,
    significant: c.significant,
    against,
    higher_is_better: task.higher_is_better,
    n,
  };
  if (c.p_value !== undefined) change.p_value = c.p_value;
  if (c.single_sample) change.single_sample = true;
  return change;
}

/** `sweeps` oldest first; the last one is checked. Only the last window + 1 are used. */
export function checkHistory(sweeps: readonly StoredSweep[], opts: CheckOptions = {}): HistoryCheck {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const windowSize = Math.max(1, opts.window ?? DEFAULT_WINDOW);
  const iterations = opts.bootstrapIterations ?? DEFAULT_BOOTSTRAP_ITERATIONS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const latest = sweeps.at(-1);
  const window = sweeps.slice(Math.max(0, sweeps.length - 1 - windowSize), -1);
  const previous = window.at(-1);
  const result: HistoryCheck = {
    latest: latest?.id ?? null,
    previous: previous?.id ?? null,
    window: window.map((s) => s.id),
    threshold,
    regressions: [],
    improvements: [],
    notes: [],
  };
  if (!latest || !previous) {
    result.notes.push(latest ? 'only one sweep in the store: nothing to compare with' : 'the store holds no sweep');
    return result;
  }
  const tasksOf = (s: StoredSweep) => new Map(s.tasks.map((t) => [t.task, t]));
  const previousTasks = tasksOf(previous);
  const windowTasks = window.map(tasksOf);

  for (const task of latest.tasks) {
    const before = previousTasks.get(task.task);
    if (!before) {
      result.notes.push(`${task.task}: new in the latest sweep (no earlier result to compare)`);
      continue;
    }
    for (const variant of VARIANTS) {
      const now = task.variants[variant];
      if (!now) continue;
      const seedFor = seed + saltOf(`${task.task}/${variant}`);
      const nowSamples = usableSamples(now);
      const prev = before.variants[variant];
      const prevSamples = before.primary_metric === task.primary_metric ? usableSamples(prev) : [];
      if (before.primary_metric !== task.primary_metric) {
        result.notes.push(
          `${task.task}: the primary metric changed (${before.primary_metric} → ${task.primary_metric}); not compared with the previous sweep`,
        );
      }

      if (nowSamples.length === 0) {
        // Stopped succeeding: a regression of its own kind, with the category that says why.
        if (prev?.status === 'success' && now.status !== 'success') {
          const change: HistoryChange = {
            task: task.task,
            variant,
            metric: 'status',
            ratio: null,
            ci: null,
            significant: null,
            against: 'previous',
            higher_is_better: task.higher_is_better,
            status: now.status,
          };
          if (now.category) change.category = now.category;
          result.regressions.push(change);
        }
        continue;
      }
      if (prev && prev.status !== 'success' && prev.status !== 'missing') {
        const change: HistoryChange = {
          task: task.task,
          variant,
          metric: 'status',
          ratio: null,
          ci: null,
          significant: null,
          against: 'previous',
          higher_is_better: task.higher_is_better,
          status: 'success',
        };
        if (prev.category) change.category = prev.category;
        result.improvements.push(change);
      }

      const nowMedian = median(nowSamples);
      const record = (against: HistoryChange['against'], refSamples: number[], salt: number) => {
        if (refSamples.length === 0) return;
        // Within the threshold compareSides can only say "same": skip its bootstrap (most tasks, most nights).
        if (Math.abs(nowMedian / median(refSamples) - 1) <= threshold) return;
        const c = compareSides(
          side(nowSamples),
          side(refSamples),
          task.higher_is_better,
          threshold,
          iterations,
          seedFor + salt,
        );
        if (c.verdict === 'worse')
          result.regressions.push(changeOf(task, variant, against, c, [nowSamples.length, refSamples.length]));
        else if (c.verdict === 'better')
          result.improvements.push(changeOf(task, variant, against, c, [nowSamples.length, refSamples.length]));
      };
      record('previous', prevSamples, 1);
      // With one earlier sweep the rolling baseline is the previous sweep: not counted twice.
      if (window.length >= 2) {
        const pooled = windowTasks.flatMap((m) => {
          const t = m.get(task.task);
          return t && t.primary_metric === task.primary_metric ? usableSamples(t.variants[variant]) : [];
        });
        record('rolling', pooled, 2);
      }
    }
  }
  const order = (a: HistoryChange, b: HistoryChange) =>
    a.task.localeCompare(b.task) ||
    VARIANTS.indexOf(a.variant as never) - VARIANTS.indexOf(b.variant as never) ||
    a.against.localeCompare(b.against);
  result.regressions.sort(order);
  result.improvements.sort(order);
  return result;
}

/** The tasks named by the regressions, each once, in order. */
export function regressedTasks(check: HistoryCheck): string[] {
  return [...new Set(check.regressions.map((r) => r.task))];
}

function pct(ratio: number): string {
  const change = (ratio - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(2)}%`;
}

function describeChange(c: HistoryChange): string {
  if (c.metric === 'status') {
    return `${c.task} ${c.variant}: ${c.status === 'success' ? `succeeds again (was ${c.category ?? 'failing'})` : `now ${c.status}${c.category ? ` (${c.category})` : ''}, succeeded in the previous sweep`}`;
  }
  const vs = c.against === 'previous' ? 'vs the previous sweep' : `vs the rolling baseline`;
  const stats = c.single_sample
    ? 'single sample: threshold only'
    : [c.ci ? `CI ${pct(c.ci[0])}…${pct(c.ci[1])}` : '', c.p_value !== undefined ? `p=${c.p_value.toPrecision(2)}` : '']
        .filter(Boolean)
        .join(', ');
  return `${c.task} ${c.variant}: ${c.metric} ${c.ratio === null ? '—' : pct(c.ratio)} ${vs} (${c.higher_is_better ? 'higher' : 'lower'} is better; ${stats}${c.n ? `; n=${c.n[0]} vs ${c.n[1]}` : ''})`;
}

/** Human text: nothing at all when nothing changed (a quiet nightly). */
export function checkText(check: HistoryCheck): string {
  const lines: string[] = [];
  if (check.regressions.length > 0) {
    lines.push(
      `REGRESSED: ${regressedTasks(check).join(', ')} (latest ${check.latest} vs previous ${check.previous} and the last ${check.window.length})`,
    );
    for (const r of check.regressions) lines.push(`  - ${describeChange(r)}`);
  }
  if (check.improvements.length > 0) {
    lines.push(`improved: ${[...new Set(check.improvements.map((r) => r.task))].join(', ')}`);
    for (const r of check.improvements) lines.push(`  + ${describeChange(r)}`);
  }
  return lines.join('\n');
}

/** Markdown for an issue or a comment when the check trips. */
export function checkMarkdown(check: HistoryCheck, opts: { dashboardUrl?: string; runUrl?: string } = {}): string {
  const lines = [
    `### benchsweep history: ${
      check.regressions.length > 0
        ? `regression in ${regressedTasks(check)
            .map((t) => `\`${t}\``)
            .join(', ')}`
        : 'no regression'
    }`,
    '',
  ];
  lines.push(
    `Latest sweep \`${check.latest}\` against the previous \`${check.previous}\` and the rolling baseline of the last ${check.window.length}; threshold ±${(check.threshold * 100).toFixed(1)}%.`,
    '',
  );
  if (check.regressions.length > 0) {
    lines.push(
      '| task | variant | metric | change | 95% CI | significant | against |',
      '|---|---|---|---|---|---|---|',
    );
    for (const r of check.regressions) {
      lines.push(
        `| \`${r.task}\` | ${r.variant} | ${r.metric}${r.metric === 'status' ? '' : r.higher_is_better ? ' ↑' : ' ↓'} | ${r.ratio === null ? `${r.status}${r.category ? ` (${r.category})` : ''}` : pct(r.ratio)} | ${r.ci ? `${pct(r.ci[0])} … ${pct(r.ci[1])}` : '—'} | ${r.significant === null ? (r.single_sample ? 'single sample' : '—') : r.significant ? 'yes' : 'no'} | ${r.against} |`,
      );
    }
    lines.push('');
  }
  if (check.improvements.length > 0)
    lines.push(`Improved: ${[...new Set(check.improvements.map((r) => `\`${r.task}\``))].join(', ')}`, '');
  if (opts.dashboardUrl) lines.push(`Dashboard: ${opts.dashboardUrl}`);
  if (opts.runUrl) lines.push(`Run: ${opts.runUrl}`);
  return lines.join('\n').trimEnd() + '\n';
}
