/**
 * Repeated samples: what a variant's metrics are (the median of its samples) and whether a set of
 * metrics is sane enough to call a run a success. The order samples run in (B H A per round) is the
 * sweep's loop (src/run/sweep.ts), tested in test/run/sweep-order.test.ts.
 */
import { median } from 'simple-statistics';
import type { Metrics } from '../schemas.js';

/** Per metric, the median over the samples that have it (the record's `metrics`). */
export function medianMetrics(samples: readonly Metrics[]): Metrics {
  const names = new Set(samples.flatMap((s) => Object.keys(s)));
  const out: Metrics = {};
  for (const name of names) {
    const values = samples.map((s) => s[name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length > 0) out[name] = median(values);
  }
  return out;
}

export type SanityVerdict = { ok: true } | { ok: false; problems: string[] };

/**
 * A success needs the primary metric parsed, finite and positive; every other number must be
 * finite and not negative (counts such as `failed` are legitimately 0).
 */
export function checkMetricsSanity(metrics: Metrics | undefined, primaryMetric?: string): SanityVerdict {
  const problems: string[] = [];
  if (!metrics || Object.keys(metrics).length === 0) return { ok: false, problems: ['no metrics were parsed'] };
  if (primaryMetric) {
    const v = metrics[primaryMetric];
    if (v === undefined) problems.push(`primary metric ${primaryMetric} is missing`);
    else if (!Number.isFinite(v) || v <= 0)
      problems.push(`primary metric ${primaryMetric} is ${v}, not a finite positive number`);
  }
  for (const [name, v] of Object.entries(metrics)) {
    if (name === primaryMetric) continue;
    if (!Number.isFinite(v) || v < 0) problems.push(`${name} is ${v}`);
  }
  if (!primaryMetric && !Object.values(metrics).some((v) => Number.isFinite(v) && v > 0))
    problems.push('no metric is positive');
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
