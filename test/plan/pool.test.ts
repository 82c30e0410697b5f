import { describe, expect, it } from 'vitest';
import { parsePool, simulatePool } from '../../src/core/plan/pool.js';
import { estimateJob, estimateSweep } from '../../src/core/plan/estimate.js';
import { defaultConfig, runnerLabelsFor, SweepConfig } from '../../src/core/config.js';

describe('runner pool what-if', () => {
  it('parses pool specs and rejects malformed ones', () => {
    expect(parsePool('8xH100:1, 2×H100:4')).toEqual([
      { count: 8, name: 'H100', gpus: 1 },
      { count: 2, name: 'H100', gpus: 4 },
    ]);
    expect(() => parsePool('8H100:1')).toThrow(/expected COUNTxNAME:GPUS/);
    expect(() => parsePool('')).toThrow(/empty pool/);
  });

  it('schedules longest-first onto the earliest free runner of the same size', () => {
    const jobs = [
      { id: 'a', gpus: 1, durationS: 3600 },
      { id: 'b', gpus: 1, durationS: 1800 },
      { id: 'c', gpus: 1, durationS: 1800 },
      { id: 'd', gpus: 4, durationS: 7200 },
      { id: 'e', gpus: 8, durationS: 60 },
    ];
    const sim = simulatePool(jobs, parsePool('2xH100:1,1xH100:4'));
    // a on runner 1 (1 h), b then c on runner 2 (1 h): the 1-GPU size ends at 1 h; d alone takes 2 h.
    expect(sim.makespanH).toBe(2);
    expect(sim.bounds.longestJobH).toBe(2);
    expect(sim.lowerBoundH).toBe(2);
    expect(sim.ratio).toBe(1);
    expect(sim.unschedulable).toEqual([{ id: 'e', gpus: 8 }]);
    expect(sim.bySize).toEqual([
      { gpus: 1, runners: 2, jobs: 3, makespanH: 1 },
      { gpus: 4, runners: 1, jobs: 1, makespanH: 2 },
    ]);
  });

  it('reports a ratio above 1 when the schedule is worse than the bound', () => {
    const jobs = [3, 3, 2, 2, 2].map((hrs, i) => ({ id: `j${i}`, gpus: 1, durationS: hrs * 3600 }));
    const sim = simulatePool(jobs, parsePool('2xH100:1'));
    // LPT: r1 = 3+2+2 = 7, r2 = 3+2 = 5 → 7 h against work/runners = 6 h.
    expect(sim.makespanH).toBe(7);
    expect(sim.lowerBoundH).toBe(6);
    expect(sim.ratio).toBeCloseTo(7 / 6, 3);
  });
});

describe('estimates and config', () => {
  it('estimates wall time and GPU-hours from per-kind defaults', () => {
    const config = defaultConfig();
    const j = estimateJob({ kind: 'serving', gpus: 4, weightsGiB: 40 }, config);
    // 3 variants × (3 repeats + warm-up) × (60 + 1.5·40 + 300) + 180 setup
    expect(j.samples).toBe(12);
    expect(j.wallS).toBe(180 + 12 * (60 + 60 + 300));
    expect(j.gpuHours).toBeCloseTo((j.wallS * 4) / 3600, 6);
    const s = estimateSweep(
      [
        { gpus: 4, estimate: j },
        { gpus: 1, estimate: estimateJob({ kind: 'latency', gpus: 1 }, config) },
      ],
      config,
    );
    expect(s.bySize.map((b) => [b.gpus, b.jobs])).toEqual([
      [1, 1],
      [4, 1],
    ]);
    expect(s.usd).toBeCloseTo(s.gpuHours * 3, 1);
  });

  it('maps GPU sizes to runner labels, with per-size overrides', () => {
    const config = SweepConfig.parse({ runnerLabels: { bySize: { '8': ['self-hosted', 'dgx'] } } });
    expect(runnerLabelsFor(config, 2)).toEqual(['self-hosted', 'linux', 'h100', 'gpu-2']);
    expect(runnerLabelsFor(config, 8)).toEqual(['self-hosted', 'dgx']);
    expect(() => SweepConfig.parse({ gpu: { maxGpus: 0 } })).toThrow();
  });
});
