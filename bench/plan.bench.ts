/**
 * Plans the 96 real ISO-Bench rows and simulates them on runner pools: the makespan against its
 * lower bound (GPU-time over GPUs, longest job, busiest size) for each pool.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/core/config.js';
import { parseDataset } from '../src/core/dataset.js';
import { planSweep } from '../src/core/plan.js';
import { parsePool } from '../src/core/pool.js';

const POOLS = ['8xH100:1,2xH100:4,1xH100:8', '8xH100:1,4xH100:4,2xH100:8', '16xH100:1'];

export default async function planBench(): Promise<Record<string, number | string>> {
  const file = fileURLToPath(new URL('../examples/datasets/isobench-vllm.jsonl', import.meta.url));
  const dataset = parseDataset(await readFile(file, 'utf8'), file);
  const config = defaultConfig();
  const t0 = performance.now();
  const plan = planSweep(dataset.tasks, config);
  const planMs = performance.now() - t0;
  const out: Record<string, number | string> = {
    tasks: plan.counts.tasks,
    runnable: plan.counts.runnable,
    skipped: plan.counts.skipped,
    plan_ms: Math.round(planMs * 10) / 10,
    gpu_hours: plan.estimate.gpuHours,
  };
  for (const spec of POOLS) {
    const sim = planSweep(dataset.tasks, config, { pool: parsePool(spec) }).pool!;
    out[`pool ${spec} makespan_h`] = sim.makespanH;
    out[`pool ${spec} lower_bound_h`] = sim.lowerBoundH;
    out[`pool ${spec} ratio`] = sim.ratio;
  }
  return out;
}
