/**
 * What-if on a runner pool: simulate the sweep's jobs on runners of given GPU sizes with the
 * scheduling the matrix implies (jobs queued in matrix order, longest first; each taken by the
 * first free runner whose labels match its GPU size), and compare the makespan with its lower bound.
 */

export interface RunnerClass {
  count: number;
  name: string;
  gpus: number;
}

/** `8xH100:1,2xH100:4,1xH100:8` → runner classes. */
export function parsePool(spec: string): RunnerClass[] {
  const classes: RunnerClass[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)\s*[x×]\s*([A-Za-z0-9_-]+):(\d+)$/.exec(part);
    if (!m) throw new Error(`pool entry "${part}": expected COUNTxNAME:GPUS, e.g. 2xH100:4`);
    const count = Number(m[1]);
    const gpus = Number(m[3]);
    if (count < 1 || gpus < 1) throw new Error(`pool entry "${part}": count and GPUs must be positive`);
    classes.push({ count, name: m[2]!, gpus });
  }
  if (classes.length === 0) throw new Error('empty pool');
  return classes;
}

export interface PoolJob {
  id: string;
  gpus: number;
  durationS: number;
}

export interface PoolSimulation {
  runners: number;
  gpus: number;
  makespanH: number;
  lowerBoundH: number;
  /** makespan / lower bound: 1.0 is as good as any schedule can be. */
  ratio: number;
  bounds: { gpuTimeOverGpusH: number; longestJobH: number; busiestSizeH: number };
  utilization: number;
  unschedulable: Array<{ id: string; gpus: number }>;
  bySize: Array<{ gpus: number; runners: number; jobs: number; makespanH: number }>;
}

const h = (s: number) => Math.round((s / 3600) * 100) / 100;

/** Jobs must already be in matrix order (longest first). */
export function simulatePool(jobs: PoolJob[], pool: RunnerClass[]): PoolSimulation {
  const runnersBySize = new Map<number, number[]>();
  for (const c of pool) {
    const free = runnersBySize.get(c.gpus) ?? [];
    for (let i = 0; i < c.count; i++) free.push(0);
    runnersBySize.set(c.gpus, free);
  }
  const unschedulable: Array<{ id: string; gpus: number }> = [];
  const jobsBySize = new Map<number, { n: number; work: number; longest: number }>();
  let gpuTime = 0;
  let longest = 0;
  for (const job of jobs) {
    const free = runnersBySize.get(job.gpus);
    if (!free || free.length === 0) {
      unschedulable.push({ id: job.id, gpus: job.gpus });
      continue;
    }
    // The first runner to become free takes the next queued job.
    let best = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[best]!) best = i;
    free[best] = free[best]! + job.durationS;
    gpuTime += job.durationS * job.gpus;
    longest = Math.max(longest, job.durationS);
    const s = jobsBySize.get(job.gpus) ?? { n: 0, work: 0, longest: 0 };
    s.n += 1;
    s.work += job.durationS;
    jobsBySize.set(job.gpus, s);
  }
  const totalGpus = pool.reduce((a, c) => a + c.count * c.gpus, 0);
  const runners = pool.reduce((a, c) => a + c.count, 0);
  const bySize = [...runnersBySize.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([gpus, free]) => ({
      gpus,
      runners: free.length,
      jobs: jobsBySize.get(gpus)?.n ?? 0,
      makespanH: h(Math.max(0, ...free)),
    }));
  const makespan = Math.max(0, ...[...runnersBySize.values()].flat());
  // A job runs only on runners of its size, so each size's work over its runners bounds the makespan too.
  let busiest = 0;
  for (const [gpus, s] of jobsBySize) busiest = Math.max(busiest, s.work / runnersBySize.get(gpus)!.length);
  const gpuBound = totalGpus > 0 ? gpuTime / totalGpus : 0;
  const lowerBound = Math.max(gpuBound, longest, busiest);
  return {
    runners,
    gpus: totalGpus,
    makespanH: h(makespan),
    lowerBoundH: h(lowerBound),
    ratio: lowerBound > 0 ? Math.round((makespan / lowerBound) * 1000) / 1000 : 1,
    bounds: { gpuTimeOverGpusH: h(gpuBound), longestJobH: h(longest), busiestSizeH: h(busiest) },
    utilization: makespan > 0 && totalGpus > 0 ? Math.round((gpuTime / (makespan * totalGpus)) * 1000) / 1000 : 0,
    unschedulable,
    bySize,
  };
}
