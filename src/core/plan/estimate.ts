/** Wall time, GPU-hours and money of a sweep, from per-kind defaults (no measurements needed). */
import type { SweepConfig } from '../config.js';
import type { BenchmarkKind } from '../schemas.js';

export interface JobEstimateInput {
  kind?: BenchmarkKind;
  gpus: number;
  /** GiB of weights the server loads (drives start time). */
  weightsGiB?: number;
}

export interface JobEstimate {
  samples: number;
  wallS: number;
  gpuHours: number;
}

const DEFAULT_WEIGHTS_GIB = 16;

export function estimateJob(input: JobEstimateInput, config: SweepConfig): JobEstimate {
  const e = config.estimate;
  const samples = e.variants * (e.repeats + (e.warmup ? 1 : 0));
  const start = e.serverStartS + e.serverStartPerGiBS * (input.weightsGiB ?? DEFAULT_WEIGHTS_GIB);
  const bench = e.benchmarkS[input.kind ?? 'serving'];
  const wallS = e.setupS + samples * (start + bench);
  return { samples, wallS, gpuHours: (wallS * input.gpus) / 3600 };
}

export interface SizeEstimate {
  gpus: number;
  jobs: number;
  wallHours: number;
  gpuHours: number;
  usd: number;
}

export interface SweepEstimate {
  jobs: number;
  /** Sum of every job's wall time: the sweep's duration on one runner per size, in series. */
  wallHours: number;
  gpuHours: number;
  usd: number;
  gpuHourUsd: number;
  bySize: SizeEstimate[];
  assumptions: string;
}

export function estimateSweep(
  jobs: Array<{ gpus: number; estimate: JobEstimate }>,
  config: SweepConfig,
): SweepEstimate {
  const sizes = new Map<number, SizeEstimate>();
  for (const j of jobs) {
    const s = sizes.get(j.gpus) ?? { gpus: j.gpus, jobs: 0, wallHours: 0, gpuHours: 0, usd: 0 };
    s.jobs += 1;
    s.wallHours += j.estimate.wallS / 3600;
    s.gpuHours += j.estimate.gpuHours;
    s.usd = s.gpuHours * config.estimate.gpuHourUsd;
    sizes.set(j.gpus, s);
  }
  const bySize = [...sizes.values()].sort((a, b) => a.gpus - b.gpus).map(round);
  const e = config.estimate;
  const gpuHours = bySize.reduce((a, s) => a + s.gpuHours, 0);
  return {
    jobs: jobs.length,
    wallHours: r2(bySize.reduce((a, s) => a + s.wallHours, 0)),
    gpuHours: r2(gpuHours),
    usd: r2(gpuHours * e.gpuHourUsd),
    gpuHourUsd: e.gpuHourUsd,
    bySize,
    assumptions:
      `${e.variants} variants × (${e.repeats} repeats${e.warmup ? ' + 1 warm-up' : ''}) per job; ` +
      `server start ${e.serverStartS} s + ${e.serverStartPerGiBS} s/GiB of weights; benchmark ` +
      `${e.benchmarkS.serving}/${e.benchmarkS.throughput}/${e.benchmarkS.latency} s (serving/throughput/latency); ` +
      `setup ${e.setupS} s per job; $${e.gpuHourUsd}/GPU-hour`,
  };
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round(s: SizeEstimate): SizeEstimate {
  return { ...s, wallHours: r2(s.wallHours), gpuHours: r2(s.gpuHours), usd: r2(s.usd) };
}
