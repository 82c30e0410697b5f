/**
 * The sweep configuration: runner labels per GPU size, the GPU pool's limits, estimate defaults,
 * data files the runners provide. Every field has a default, so a sweep needs no config file.
 */
import { z } from 'zod';

const Seconds = z.number().nonnegative();

export const SweepConfig = z.object({
  gpu: z
    .object({
      /** Memory of one GPU in GiB (H100 80GB). */
      memoryGiB: z.number().positive().default(80),
      /** The largest runner's GPU count: tasks needing more are INSUFFICIENT_GPUS. */
      maxGpus: z.number().int().positive().default(8),
      name: z.string().default('H100'),
    })
    .prefault({}),
  /** runs-on labels per GPU size; `{n}` is replaced by the size. */
  runnerLabels: z
    .object({
      default: z.array(z.string()).default(['self-hosted', 'linux', 'h100', 'gpu-{n}']),
      bySize: z.record(z.string(), z.array(z.string())).default({}),
    })
    .prefault({}),
  /** Data files the runners have: file name (as the command names it) → path on the runner. */
  dataFiles: z.record(z.string(), z.string()).default({}),
  estimate: z
    .object({
      repeats: z.number().int().positive().default(3),
      warmup: z.boolean().default(true),
      variants: z.number().int().min(1).max(3).default(3),
      /** Image pull / restore and container setup per job. */
      setupS: Seconds.default(180),
      /** Server start: a fixed part plus seconds per GiB of weights loaded. */
      serverStartS: Seconds.default(60),
      serverStartPerGiBS: Seconds.default(1.5),
      benchmarkS: z
        .object({ serving: Seconds.default(300), throughput: Seconds.default(240), latency: Seconds.default(180) })
        .prefault({}),
      /** Money per GPU-hour (USD). */
      gpuHourUsd: z.number().nonnegative().default(3),
    })
    .prefault({}),
  /** GitHub Actions expands at most 256 jobs per matrix. */
  maxMatrixJobs: z.number().int().positive().max(256).default(256),
});
export type SweepConfig = z.infer<typeof SweepConfig>;

export function defaultConfig(): SweepConfig {
  return SweepConfig.parse({});
}

export function runnerLabelsFor(config: SweepConfig, gpus: number): string[] {
  const labels = config.runnerLabels.bySize[String(gpus)] ?? config.runnerLabels.default;
  return labels.map((l) => l.replaceAll('{n}', String(gpus)));
}
