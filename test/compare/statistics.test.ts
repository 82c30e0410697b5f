import { describe, expect, it } from 'vitest';
import { compareTask } from '../../src/core/compare/compare.js';
import { bootstrapRatioCi, mannWhitney, median, seededRandom } from '../../src/core/compare/compare-stats.js';
import type { ResultRecord } from '../../src/core/schemas.js';

function rec(
  task: string,
  variant: ResultRecord['variant'],
  values: number[],
  extra: Partial<ResultRecord> & Record<string, unknown> = {},
): ResultRecord {
  const metric =
    (extra.primary_metric as string | undefined) ?? (extra.kind === 'latency' ? 'avg_latency' : 'output_throughput');
  return {
    task,
    variant,
    attempt: 1,
    status: 'success',
    kind: 'serving',
    metrics: { [metric]: median(values) },
    samples: values.map((v) => ({ [metric]: v })),
    caveats: [],
    ...extra,
  } as ResultRecord;
}

describe('Mann–Whitney U', () => {
  it('exact two-sided p for complete separation of 5 vs 5 is 2/252', () => {
    const r = mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(25);
    expect(r.p).toBeCloseTo(2 / 252, 10);
  });

  it('3 vs 3 can never reach p < 0.05 (smallest p is 0.1)', () => {
    const r = mannWhitney([4, 5, 6], [1, 2, 3]);
    expect(r.p).toBeCloseTo(0.1, 10);
    expect(r.minAttainableP).toBeCloseTo(0.1, 10);
  });

  it('agrees with a known table value and handles ties with the normal approximation', () => {
    // U = 6 for n1 = n2 = 5: P(U <= 6) = 28/252 (counts 1,1,2,3,5,7,9), two-sided p = 56/252.
    const r = mannWhitney([1, 2, 4, 5, 9], [3, 6, 7, 8, 10]);
    expect(r.u).toBe(6);
    expect(r.p).toBeCloseTo(56 / 252, 10);
    const tied = mannWhitney([1, 1, 2, 2, 3], [1, 2, 3, 3, 3]);
    expect(tied.method).toBe('normal');
    expect(tied.p).toBeGreaterThan(0.2);
    expect(tied.p).toBeLessThanOrEqual(1);
  });
});

describe('bootstrap', () => {
  it('is deterministic for a seed and brackets the observed ratio', () => {
    const a = [103, 104, 102, 105, 103.5];
    const b = [100, 101, 99.5, 100.5, 100.2];
    const ci1 = bootstrapRatioCi(a, b, 2000, 7);
    const ci2 = bootstrapRatioCi(a, b, 2000, 7);
    expect(ci1).toEqual(ci2);
    expect(ci1[0]).toBeLessThanOrEqual(median(a) / median(b));
    expect(ci1[1]).toBeGreaterThanOrEqual(median(a) / median(b));
    expect(seededRandom(1)()).toBe(seededRandom(1)());
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});

describe('compareTask with repeated samples', () => {
  it('a clear 5% agent win with 5 samples each is significant', () => {
    const t = compareTask([
      rec('t1', 'baseline', [1000, 1004, 998, 1002, 1001]),
      rec('t1', 'human', [1030, 1028, 1033, 1031, 1029]),
      rec('t1', 'agent', [1082, 1079, 1085, 1080, 1083]),
    ]);
    expect(t.outcome).toBe('agent_wins');
    expect(t.evaluability).toBe('valid_three_way');
    expect(t.agent_vs_human.significant).toBe(true);
    expect(t.agent_vs_human.p_value).toBeCloseTo(2 / 252, 6);
    expect(t.agent_vs_human.single_sample).toBeUndefined();
    expect(t.agent_vs_human.ci![0]).toBeGreaterThan(1.02);
    expect(t.human_vs_baseline.verdict).toBe('better');
    expect(t.captured_share!).toBeGreaterThan(2.5);
    expect(t.min_detectable_change!).toBeLessThan(0.01);
    expect(t.reason).toMatch(/beyond ±2% and significant/);
  });

  it('overlapping noise is a tie that reports what it could have detected', () => {
    const t = compareTask([
      rec('t2', 'baseline', [1000, 940, 1060, 980, 1030]),
      rec('t2', 'human', [1010, 950, 1075, 990, 1045]),
      rec('t2', 'agent', [1040, 960, 1100, 1000, 1080]),
    ]);
    expect(t.outcome).toBe('tie');
    expect(t.agent_vs_human.significant).toBe(false);
    expect(t.agent_vs_human.ratio!).toBeGreaterThan(1.02); // beyond the threshold, but noise
    expect(t.min_detectable_change!).toBeGreaterThan(0.05);
    expect(t.reason).toMatch(/^could not tell: .*detect only changes beyond ±\d/);
  });

  it('a real change under the threshold is a tie even when significant', () => {
    const t = compareTask([
      rec('t3', 'human', [1000, 1000.5, 999.5, 1000.2, 999.8]),
      rec('t3', 'agent', [1010, 1010.5, 1009.5, 1010.2, 1009.8]),
    ]);
    expect(t.agent_vs_human.significant).toBe(true);
    expect(t.outcome).toBe('tie');
    expect(t.evaluability).toBe('human_agent_only');
  });

  it('latency: lower is better, so a 10% lower agent latency is an agent win', () => {
    const latency = (v: ResultRecord['variant'], values: number[]) => rec('t4', v, values, { kind: 'latency' });
    const t = compareTask([
      latency('baseline', [1.5, 1.51, 1.49, 1.5, 1.52]),
      latency('human', [1.4, 1.41, 1.39, 1.4, 1.42]),
      latency('agent', [1.26, 1.27, 1.25, 1.26, 1.28]),
    ]);
    expect(t.primary_metric).toBe('avg_latency');
    expect(t.higher_is_better).toBe(false);
    expect(t.agent_vs_human.ratio!).toBeLessThan(0.95);
    expect(t.outcome).toBe('agent_wins');
    expect(t.captured_share!).toBeGreaterThan(1.5); // agent cut 16%, human 6.7%
    const slower = compareTask([
      latency('human', [1.26, 1.27, 1.25, 1.26, 1.28]),
      latency('agent', [1.4, 1.41, 1.39, 1.4, 1.42]),
    ]);
    expect(slower.outcome).toBe('human_wins');
  });

  it('3 vs 3 samples: the interval decides, and a caveat says the rank test could not', () => {
    const t = compareTask([rec('t5', 'human', [1000, 1001, 1002]), rec('t5', 'agent', [1100, 1101, 1102])]);
    expect(t.outcome).toBe('agent_wins');
    expect(t.agent_vs_human.p_value).toBeCloseTo(0.1, 6);
    expect(t.caveats.join('\n')).toMatch(/3 vs 3 samples cannot reach p < 0.05/);
  });

  it('a per-task primary metric override (record.primary_metric) and an explicit option', () => {
    const t = compareTask([
      rec('t6', 'human', [100], { primary_metric: 'p99_ttft_ms' }),
      rec('t6', 'agent', [80], { primary_metric: 'p99_ttft_ms' }),
    ]);
    expect(t.primary_metric).toBe('p99_ttft_ms');
    expect(t.higher_is_better).toBe(false);
    expect(t.outcome).toBe('agent_wins');
    const forced = compareTask([rec('t7', 'human', [100]), rec('t7', 'agent', [80])], { higherIsBetter: false });
    expect(forced.outcome).toBe('agent_wins');
  });
});

describe('evaluability', () => {
  const ok = (v: ResultRecord['variant'], x: number, extra: Record<string, unknown> = {}) => rec('e', v, [x], extra);
  const failed = (v: ResultRecord['variant'], category: ResultRecord['category']): ResultRecord =>
    ({
      task: 'e',
      variant: v,
      attempt: 1,
      status: 'failed',
      category,
      metrics: {},
      samples: [],
      caveats: [],
    }) as ResultRecord;

  it('agent crash where human ran: agent_failed (a valid result)', () => {
    const t = compareTask([ok('baseline', 100), ok('human', 110), failed('agent', 'SERVER_CRASH')]);
    expect([t.outcome, t.evaluability]).toEqual(['agent_failed', 'agent_failed']);
  });

  it('a patch that does not apply is an agent failure even where the human failed too', () => {
    const t = compareTask([ok('baseline', 100), failed('human', 'OOM'), failed('agent', 'PATCH_FAILED')]);
    expect([t.outcome, t.evaluability]).toEqual(['agent_failed', 'agent_failed']);
    expect(t.reason).toMatch(/refused before any run \(PATCH_FAILED\); human failed \(OOM\)/);
    // A crash, by contrast, is only the agent's when the human's variant ran.
    expect(compareTask([ok('baseline', 100), failed('human', 'OOM'), failed('agent', 'SERVER_CRASH')]).outcome).toBe(
      'not_evaluable',
    );
  });

  it('agent infrastructure failure: not evaluable, not blamed on the agent', () => {
    const t = compareTask([ok('baseline', 100), ok('human', 110), failed('agent', 'TRANSIENT_INFRA')]);
    expect([t.outcome, t.evaluability]).toEqual(['not_evaluable', 'agent_infra_failed']);
  });

  it('human failed / baseline failed everywhere / all failed / preflight skip', () => {
    expect(compareTask([ok('baseline', 100), failed('human', 'BROKEN_BUILD'), ok('agent', 120)]).evaluability).toBe(
      'human_failed',
    );
    expect(compareTask([failed('baseline', 'SERVER_CRASH'), failed('human', 'SERVER_CRASH')]).evaluability).toBe(
      'baseline_failed',
    );
    expect(compareTask([failed('baseline', 'OOM'), failed('human', 'OOM'), failed('agent', 'OOM')]).evaluability).toBe(
      'all_failed',
    );
    const skipped = (v: ResultRecord['variant']) =>
      ({ ...failed(v, 'NO_PERF_COMMAND'), status: 'skipped' }) as ResultRecord;
    expect(compareTask([skipped('baseline'), skipped('human'), skipped('agent')]).evaluability).toBe('not_run');
  });

  it('different model for human and agent: not evaluable; baseline on another model: agent vs human still valid', () => {
    const mismatch = compareTask([ok('human', 100, { model: 'a' }), ok('agent', 100, { model: 'b' })]);
    expect([mismatch.outcome, mismatch.evaluability]).toEqual(['not_evaluable', 'workload_mismatch']);
    expect(mismatch.reason).toMatch(/model "a" vs "b"/);
    const kinds = compareTask([
      ok('human', 100, { kind: 'serving' }),
      ok('agent', 100, { kind: 'throughput', primary_metric: 'output_throughput' }),
    ]);
    expect(kinds.evaluability).toBe('workload_mismatch');
    const baselineOther = compareTask([
      ok('baseline', 50, { model: 'opt-125m' }),
      ok('human', 100, { model: 'm' }),
      ok('agent', 130, { model: 'm' }),
    ]);
    expect(baselineOther.evaluability).toBe('model_mismatch');
    expect(baselineOther.outcome).toBe('agent_wins');
    expect(baselineOther.human_vs_baseline.ratio).toBeNull();
    expect(baselineOther.caveats.join('\n')).toMatch(/baseline ran another workload/);
  });

  it('a summary that disagrees with its samples: the samples win and a note says so', () => {
    const r = rec('s', 'human', [100, 102, 104]);
    r.metrics = { output_throughput: 150 };
    const t = compareTask([r, rec('s', 'agent', [100, 101, 102])]);
    expect(t.variants.human.value).toBe(102);
    expect(t.notes[0]).toMatch(/metrics.output_throughput = 150 is not the median of its 3 samples \(102\)/);
  });

  it('falls back to a metric every variant printed, with a caveat', () => {
    const old = {
      task: 'f',
      variant: 'baseline',
      attempt: 1,
      status: 'success',
      kind: 'serving',
      metrics: { request_throughput: 4 },
      samples: [],
      caveats: [],
    } as ResultRecord;
    const t = compareTask([
      old,
      { ...old, variant: 'human', metrics: { request_throughput: 5, output_throughput: 900 } } as ResultRecord,
    ]);
    expect(t.primary_metric).toBe('request_throughput');
    expect(t.human_vs_baseline.ratio).toBeCloseTo(1.25, 10);
    expect(t.caveats[0]).toMatch(/baseline printed no output_throughput/);
  });
});
