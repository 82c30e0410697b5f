/**
 * Plans the 96 real ISO-Bench rows and simulates them on runner pools: the makespan against its
 * lower bound (GPU-time over GPUs, longest job, busiest size) for each pool.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { defaultConfig, SweepConfig } from '../src/core/config.js';
import { parseDataset } from '../src/core/dataset/dataset.js';
import { planSweep } from '../src/core/plan/plan.js';
import { parsePool } from '../src/core/plan/pool.js';

const POOLS = ['8xH100:1,2xH100:4,1xH100:8', '8xH100:1,4xH100:4,2xH100:8', '16xH100:1'];

export default async function planBench(): Promise<Record<string, number | string>> {
  const file = fileURLToPath(new URL('../examples/datasets/isobench-vllm.jsonl', import.meta.url));
  const dataset = parseDataset(await readFile(file, 'utf8'), file);
  // The default config (runners without ShareGPT) and the example config (ShareGPT on the runners).
  const withShareGpt = SweepConfig.parse(
    parseYaml(await readFile(fileURLToPath(new URL('../examples/sweep-config.yml', import.meta.url)), 'utf8')),
  );
  const out: Record<string, number | string> = {};
  for (const [name, config] of [
    ['default', defaultConfig()],
    ['sharegpt', withShareGpt],
  ] as const) {
    const t0 = performance.now();
    const plan = planSweep(dataset.tasks, config);
    out[`${name}: tasks / runnable / skipped`] =
      `${plan.counts.tasks} / ${plan.counts.runnable} / ${plan.counts.skipped}`;
    out[`${name}: plan_ms`] = Math.round((performance.now() - t0) * 10) / 10;
    out[`${name}: gpu_hours`] = plan.estimate.gpuHours;
    for (const spec of POOLS) {
      const sim = planSweep(dataset.tasks, config, { pool: parsePool(spec) }).pool!;
      out[`${name}: pool ${spec} makespan / bound (h)`] = `${sim.makespanH} / ${sim.lowerBoundH}`;
      out[`${name}: pool ${spec} ratio`] = sim.ratio;
    }
  }
  return out;
}
