/**
 * history check on sweeps built from real reports (buildReport over result records): the latest
 * sweep against the previous one and the rolling baseline, with the three-way compare's statistics.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory, checkMarkdown, checkText, regressedTasks } from '../../src/core/history/check.js';
import { indexEntryOf, medianInterval } from '../../src/core/history/index-entry.js';
import { sourceFromEnv, sweepFromReport, type StoredSweep } from '../../src/core/history/sweep.js';
import { nightlyReport, TASKS, type SweepKnobs } from './sweeps.js';

function sweep(
  knobs: SweepKnobs,
  addedAt = `2026-11-${String(10 + knobs.seed).padStart(2, '0')}T03:00:00Z`,
): StoredSweep {
  return sweepFromReport({ report: nightlyReport(knobs), addedAt });
}

describe('history check', () => {
  const quiet = [sweep({ seed: 1 }), sweep({ seed: 2 }), sweep({ seed: 3 })];

  it('is quiet when nothing changed beyond the noise', () => {
    const check = checkHistory(quiet);
    expect(check.regressions).toEqual([]);
    expect(check.improvements).toEqual([]);
    expect(checkText(check)).toBe('');
    expect(check.latest).toBe(quiet[2]!.id);
    expect(check.previous).toBe(quiet[1]!.id);
    expect(check.window).toEqual([quiet[0]!.id, quiet[1]!.id]);
  });

  it('names the one task that regressed, and only that one, against the previous sweep and the rolling baseline', () => {
    const sweeps = [
      sweep({ seed: 1 }),
      sweep({ seed: 2 }),
      sweep({ seed: 3, change: { task: TASKS.throughput, variant: 'agent', factor: 0.85 } }),
    ];
    const check = checkHistory(sweeps);
    expect(regressedTasks(check)).toEqual([TASKS.throughput]);
    expect(check.regressions.map((r) => [r.task, r.variant, r.metric, r.against])).toEqual([
      [TASKS.throughput, 'agent', 'tokens_per_second', 'previous'],
      [TASKS.throughput, 'agent', 'tokens_per_second', 'rolling'],
    ]);
    for (const r of check.regressions) {
      expect(r.ratio).toBeCloseTo(0.85, 2);
      expect(r.significant).toBe(true);
      expect(r.ci![1]).toBeLessThan(1);
      expect(r.ci![0]).toBeLessThan(r.ratio!);
    }
    expect(check.regressions[1]!.n).toEqual([5, 10]);
    expect(check.improvements).toEqual([]);
    expect(checkText(check)).toMatch(/^REGRESSED: 8aa1485f /);
    const md = checkMarkdown(check, { dashboardUrl: 'https://example.test/history/' });
    expect(md).toContain('regression in `8aa1485f`');
    expect(md).toContain('| `8aa1485f` | agent | tokens_per_second ↑ | -1');
    expect(md).not.toContain(TASKS.serving);
  });

  it('is direction-aware: a latency that rises regresses, one that falls improves', () => {
    const up = checkHistory([
      sweep({ seed: 1 }),
      sweep({ seed: 2, change: { task: TASKS.latency, variant: 'human', factor: 1.12 } }),
    ]);
    expect(up.regressions.map((r) => [r.task, r.variant, r.higher_is_better])).toEqual([
      [TASKS.latency, 'human', false],
    ]);
    expect(up.regressions[0]!.ratio).toBeGreaterThan(1.1);
    const down = checkHistory([
      sweep({ seed: 1 }),
      sweep({ seed: 2, change: { task: TASKS.latency, variant: 'human', factor: 0.88 } }),
    ]);
    expect(down.regressions).toEqual([]);
    expect(down.improvements.map((r) => [r.task, r.variant])).toEqual([[TASKS.latency, 'human']]);
  });

  it('needs the change to pass the threshold even when it is significant', () => {
    const small = [
      sweep({ seed: 1 }),
      sweep({ seed: 2, change: { task: TASKS.serving, variant: 'baseline', factor: 0.985 } }),
    ];
    expect(checkHistory(small).regressions).toEqual([]);
    const tight = checkHistory(small, { threshold: 0.005 });
    expect(regressedTasks(tight)).toEqual([TASKS.serving]);
  });

  it('decides single samples by the threshold alone, and says so', () => {
    const one = (knobs: SweepKnobs) => sweep({ ...knobs, samples: 1 });
    const check = checkHistory([
      one({ seed: 1 }),
      one({ seed: 2, change: { task: TASKS.serving, variant: 'agent', factor: 0.9 } }),
    ]);
    expect(check.regressions).toHaveLength(1);
    const [r] = check.regressions;
    expect(r).toMatchObject({
      task: TASKS.serving,
      variant: 'agent',
      single_sample: true,
      significant: null,
      ci: null,
    });
    expect(checkHistory([one({ seed: 1 }), one({ seed: 2 })]).regressions).toEqual([]);
  });

  it('a variant that stops succeeding is a regression with its category; one that recovers an improvement', () => {
    const broken = sweepFromReport({
      report: { ...nightlyReport({ seed: 2 }) },
      addedAt: '2026-11-12T03:00:00Z',
    });
    const serving = broken.tasks.find((t) => t.task === TASKS.serving)!;
    serving.variants['agent'] = { status: 'failed', value: null, samples: [], category: 'SERVER_CRASH' };
    const check = checkHistory([sweep({ seed: 1 }), broken]);
    expect(check.regressions).toEqual([
      expect.objectContaining({
        task: TASKS.serving,
        variant: 'agent',
        metric: 'status',
        status: 'failed',
        category: 'SERVER_CRASH',
        ratio: null,
      }),
    ]);
    const back = checkHistory([broken, sweep({ seed: 3 })]);
    expect(back.regressions).toEqual([]);
    expect(back.improvements).toEqual([
      expect.objectContaining({
        task: TASKS.serving,
        variant: 'agent',
        metric: 'status',
        status: 'success',
        category: 'SERVER_CRASH',
      }),
    ]);
  });

  it('pools only the last K sweeps into the rolling baseline', () => {
    const sweeps = [1, 2, 3, 4, 5].map((seed) => sweep({ seed }));
    const check = checkHistory(sweeps, { window: 2 });
    expect(check.window).toEqual([sweeps[2]!.id, sweeps[3]!.id]);
  });

  it('says why there is nothing to compare', () => {
    expect(checkHistory([]).notes).toEqual(['the store holds no sweep']);
    expect(checkHistory([sweep({ seed: 1 })]).notes[0]).toMatch(/only one sweep/);
    const added = checkHistory([sweep({ seed: 1, only: [TASKS.serving] }), sweep({ seed: 2 })]);
    expect(added.regressions).toEqual([]);
    expect(added.notes).toContain(`${TASKS.throughput}: new in the latest sweep (no earlier result to compare)`);
  });
});

describe('stored sweep', () => {
  it('has a content id: the same report from another job or time is the same sweep', () => {
    const report = nightlyReport({ seed: 4 });
    const a = sweepFromReport({ report, addedAt: '2026-11-30T01:00:00Z' });
    const b = sweepFromReport({
      report: JSON.parse(JSON.stringify(report)),
      addedAt: '2026-12-01T01:00:00Z',
      label: 'retry',
      source: { run_id: '99' },
    });
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(sweepFromReport({ report: nightlyReport({ seed: 5 }), addedAt: '2026-11-30T01:00:00Z' }).id);
  });

  it('keeps the samples, status, category and outcome of every task and variant', () => {
    const s = sweep({ seed: 1 });
    const oom = s.tasks.find((t) => t.task === TASKS.oom)!;
    expect(oom.variants['agent']).toMatchObject({ status: 'failed', category: 'OOM', value: null });
    expect(oom.outcome).toBe('agent_failed');
    const lat = s.tasks.find((t) => t.task === TASKS.latency)!;
    expect(lat).toMatchObject({ primary_metric: 'avg_latency', higher_is_better: false });
    expect(lat.variants['human']!.samples).toHaveLength(5);
    const brief = indexEntryOf(s).tasks[TASKS.latency]!;
    expect(brief.slice(0, 2)).toEqual(['avg_latency', 0]);
    const human = brief[5] as number[];
    expect(human[3]).toBe(5);
    expect(human[0]).toBe(lat.variants['human']!.value);
    expect(human[1]).toBeLessThanOrEqual(human[0]!);
    expect(human[2]).toBeGreaterThanOrEqual(human[0]!);
    expect(indexEntryOf(s).tasks[TASKS.oom]![6]).toBe('OOM');
  });

  it('reads run, runner and engine from the GitHub environment', () => {
    const source = sourceFromEnv({
      GITHUB_SHA: 'abc123',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_NAME: 'gpu-7',
      RUNNER_OS: 'Linux',
      BENCHSWEEP_ENGINE_REPO: 'vllm-project/vllm',
    });
    expect(source).toEqual({
      commit: 'abc123',
      repository: 'o/r',
      run_id: '42',
      run_url: 'https://github.com/o/r/actions/runs/42',
      runner: { name: 'gpu-7', os: 'Linux' },
      engine: { repo: 'vllm-project/vllm' },
    });
    expect(sourceFromEnv({})).toEqual({});
  });

  it('the band is the order-statistic interval of the median (the range below 6 samples)', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(medianInterval(ten)).toEqual([2, 9]);
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual([1, 5]);
    expect(medianInterval([3])).toEqual([3, 3]);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(medianInterval(twenty)).toEqual([6, 15]);
  });
});
