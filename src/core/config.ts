/**
 * The sweep configuration: runner labels per GPU size, the GPU pool's limits, estimate defaults,
 * data files the runners provide. Every field has a default, so a sweep needs no config file.
 * Objects are strict: a misspelt key (`runnerLabels.defualt`) is an error naming it, never ignored.
 * schemas/sweep-config.schema.json is generated from this schema (scripts/gen-schemas.ts).
 */
import { z } from 'zod';

const Seconds = z.number().nonnegative();
const GpuCount = z.number().int().positive();

export const SweepConfig = z
  .strictObject({
    gpu: z
      .strictObject({
        memoryGiB: z.number().positive().default(80).describe('Memory of one GPU in GiB (H100 80GB).'),
        maxGpus: GpuCount.default(8).describe(
          "The largest runner's GPU count: tasks needing more are INSUFFICIENT_GPUS. With `sizes`, the largest size.",
        ),
        sizes: z
          .array(GpuCount)
          .min(1)
          .optional()
          .describe(
            'GPU counts of the runner sizes the pool has, e.g. [1, 2, 8]: each task goes to the smallest size that holds it.',
          ),
        name: z.string().default('H100'),
      })
      .prefault({}),
    runnerLabels: z
      .strictObject({
        default: z
          .array(z.string())
          .default(['self-hosted', 'linux', 'h100', 'gpu-{n}'])
          .describe('runs-on labels of a runner size; `{n}` is replaced by the size.'),
        bySize: z
          .record(z.string().regex(/^\d+$/, 'a GPU count'), z.array(z.string()))
          .default({})
          .describe(
            'runs-on labels for one size (key: its GPU count), e.g. an actions-runner-controller scale set name.',
          ),
      })
      .prefault({})
      .describe('runs-on labels per GPU size.'),
    dataFiles: z
      .record(z.string(), z.string())
      .default({})
      .describe('Data files the runners have: file name (as the command names it) → path on the runner.'),
    estimate: z
      .strictObject({
        repeats: z.number().int().positive().default(3),
        warmup: z.boolean().default(true),
        variants: z.number().int().min(1).max(3).default(3),
        setupS: Seconds.default(180).describe('Image pull / restore and container setup per job (s).'),
        serverStartS: Seconds.default(60).describe('Server start: a fixed part (s).'),
        serverStartPerGiBS: Seconds.default(1.5).describe('Server start: seconds per GiB of weights loaded.'),
        benchmarkS: z
          .strictObject({
            serving: Seconds.default(300),
            throughput: Seconds.default(240),
            latency: Seconds.default(180),
          })
          .prefault({}),
        gpuHourUsd: z.number().nonnegative().default(3).describe('Money per GPU-hour (USD).'),
      })
      .prefault({}),
    maxMatrixJobs: z
      .number()
      .int()
      .positive()
      .max(256)
      .default(256)
      .describe('GitHub Actions expands at most 256 jobs per matrix.'),
  })
  .meta({
    title: 'benchsweep sweep config',
    description: 'Runner labels per GPU size, GPU limits, estimate defaults and data files of a benchsweep sweep.',
  });
export type SweepConfig = z.infer<typeof SweepConfig>;

export function defaultConfig(): SweepConfig {
  return SweepConfig.parse({});
}

export function runnerLabelsFor(config: SweepConfig, gpus: number): string[] {
  const labels = config.runnerLabels.bySize[String(gpus)] ?? config.runnerLabels.default;
  return labels.map((l) => l.replaceAll('{n}', String(gpus)));
}

/**
 * The runner size a task goes to: the smallest listed size that holds its GPUs (a 4-GPU task with
 * sizes 1,2,8 runs on an 8-GPU runner, never on a `gpu-4` label no runner has). Without sizes, the
 * task's own count (one runner size per count). Undefined when no size holds it.
 */
export function runnerSizeFor(gpus: number, sizes: readonly number[] | undefined): number | undefined {
  if (!sizes || sizes.length === 0) return gpus;
  return [...sizes].sort((a, b) => a - b).find((s) => s >= gpus);
}
