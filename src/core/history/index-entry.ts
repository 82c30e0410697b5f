/**
 * One line of the store's index.jsonl: a sweep in brief, enough to draw the dashboard without
 * opening 10,000 sweep files. Per task a tuple (positional, so 10,000 lines × 100 tasks parse fast):
 *
 *     [metric, up (1: higher is better, 0: lower), captured share | null, outcome, baseline, human, agent]
 *
 * where each variant is [median, lo, hi, n] (a success; lo..hi is the distribution-free interval of
 * the median, see medianInterval; 7 significant digits), a string (the failure category, else the
 * status), or null (no record).
 */
import { VARIANTS } from '../schemas.js';
import type { StoredSweep } from './sweep.js';

export type VariantBrief = [value: number, lo: number, hi: number, n: number] | string | null;

export type TaskBrief = [
  metric: string,
  up: 0 | 1,
  share: number | null,
  outcome: string,
  baseline: VariantBrief,
  human: VariantBrief,
  agent: VariantBrief,
];

/** Position of each variant in a TaskBrief. */
export const BRIEF_SLOT: Readonly<Record<(typeof VARIANTS)[number], 4 | 5 | 6>> = { baseline: 4, human: 5, agent: 6 };

export interface IndexEntry {
  id: string;
  added_at: string;
  label?: string;
  commit?: string;
  run_url?: string;
  tasks: Record<string, TaskBrief>;
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  let term = Math.pow(0.5, n);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * A ≥95% confidence interval of the median from order statistics (no assumption about the
 * distribution): [x(j), x(n−j+1)] with the largest j whose two tails hold at most 2.5% each. Below
 * 6 samples no such j exists and the interval is the samples' range (less than 95%).
 */
export function medianInterval(samples: readonly number[]): [number, number] {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  // Coverage of [x(j+1), x(n−j)] (1-based) is 1 − 2·P(X ≤ j): j = 0 is the range.
  let j = 0;
  while (j + 1 < n / 2 && binomialHalfCdf(j + 1, n) <= 0.025) j++;
  return [sorted[j]!, sorted[n - 1 - j]!];
}

/** Seven significant digits: plenty for a chart, and the index stays small (the sweep file keeps every digit). */
function brief(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : value;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function indexEntryOf(sweep: StoredSweep): IndexEntry {
  const tasks: Record<string, TaskBrief> = {};
  for (const t of sweep.tasks) {
    const v = VARIANTS.map((name): VariantBrief => {
      const r = t.variants[name];
      if (!r) return null;
      if (r.status === 'success' && r.samples.length > 0) {
        const sorted = [...r.samples].sort((a, b) => a - b);
        const [lo, hi] = medianInterval(sorted);
        return [brief(r.value ?? median(sorted)), brief(lo), brief(hi), sorted.length];
      }
      return r.category ?? r.status;
    });
    tasks[t.task] = [
      t.primary_metric,
      t.higher_is_better ? 1 : 0,
      t.captured_share === null ? null : brief(t.captured_share),
      t.outcome,
      v[0]!,
      v[1]!,
      v[2]!,
    ];
  }
  const entry: IndexEntry = { id: sweep.id, added_at: sweep.added_at, tasks };
  if (sweep.label) entry.label = sweep.label;
  if (sweep.source.commit) entry.commit = sweep.source.commit;
  if (sweep.source.run_url) entry.run_url = sweep.source.run_url;
  return entry;
}

/** Index lines in order, each id once (a duplicate from a concurrent add of the same report keeps the first). */
export function dedupeEntries(entries: readonly IndexEntry[]): IndexEntry[] {
  const seen = new Set<string>();
  const out: IndexEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}
