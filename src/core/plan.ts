/**
 * The sweep plan: preflight every task, then one matrix entry per runnable task and GPU size
 * carrying all three variants (one runner interleaves them), runner labels from the config,
 * longest estimate first, shards of at most `maxMatrixJobs` entries, and the sweep's estimate.
 */
import { artifactsJson, planArtifactsForTasks, summarizeArtifacts, type ArtifactSummary } from './artifacts.js';
import type { SweepConfig } from './config.js';
import { runnerLabelsFor } from './config.js';
import type { DatasetError } from './dataset.js';
import { estimateJob, estimateSweep, type JobEstimate, type SweepEstimate } from './estimate.js';
import { simulatePool, type PoolSimulation, type RunnerClass } from './pool.js';
import { preflightTask, type PreflightResult } from './preflight.js';
import { VARIANTS, type BenchmarkKind, type Variant } from './schemas.js';
import type { Category } from './taxonomy.js';
import type { Task } from './task.js';

type ArtifactsContext = Parameters<typeof planArtifactsForTasks>[1];

export interface PlannedTask {
  id: string;
  commit: string;
  parent?: string;
  runnable: boolean;
  category?: Category;
  reason?: string;
  suggestion?: string;
  gpus: number;
  kind?: BenchmarkKind;
  model?: string;
  estimate_s?: number;
  findings: PreflightResult['findings'];
  origin: Task['origin'];
  artifacts?: ReturnType<typeof artifactsJson>;
}

export interface MatrixEntry {
  /** The job's display name. */
  name: string;
  task: string;
  commit: string;
  parent?: string;
  gpus: number;
  kind?: BenchmarkKind;
  model?: string;
  variants: Variant[];
  runs_on: string[];
  estimate_s: number;
  shard: number;
}

export interface Plan {
  tasks: PlannedTask[];
  matrix: { include: MatrixEntry[] };
  shards: Array<{ include: MatrixEntry[] }>;
  estimate: SweepEstimate;
  counts: { tasks: number; runnable: number; skipped: number; byCategory: Partial<Record<Category, number>> };
  errors: DatasetError[];
  unknown_ids: string[];
  pool?: PoolSimulation & { spec: RunnerClass[] };
  artifact_summary?: ArtifactSummary;
}

export interface PlanOptions {
  /** Overrides config.gpu.maxGpus (the largest runner). */
  maxGpus?: number;
  errors?: DatasetError[];
  unknownIds?: string[];
  /** Plan where each runnable task's three artifacts come from (`--artifacts INDEX`). */
  artifacts?: ArtifactsContext;
  pool?: RunnerClass[];
  /** When a checkout is given: does this script exist at the task's commit? */
  scriptExists?: (task: Task, path: string) => boolean;
  variants?: Variant[];
}

export function planSweep(tasks: Task[], config: SweepConfig, opts: PlanOptions = {}): Plan {
  const maxGpus = opts.maxGpus ?? config.gpu.maxGpus;
  const variants = opts.variants ?? [...VARIANTS];
  const jobs: Array<{ task: Task; pre: PreflightResult; estimate: JobEstimate }> = [];
  const planned: PlannedTask[] = tasks.map((task) => {
    const pre = preflightTask(task, {
      maxGpus,
      gpuMemoryGiB: config.gpu.memoryGiB,
      dataFiles: Object.keys(config.dataFiles),
      ...(opts.scriptExists ? { scriptExists: (p: string) => opts.scriptExists!(task, p) } : {}),
    });
    const entry: PlannedTask = {
      id: task.id,
      commit: task.commit,
      ...(task.parent ? { parent: task.parent } : {}),
      runnable: pre.runnable,
      ...(pre.category ? { category: pre.category } : {}),
      ...(pre.reason ? { reason: pre.reason } : {}),
      ...(pre.suggestion ? { suggestion: pre.suggestion } : {}),
      gpus: pre.gpus,
      ...(pre.kind ? { kind: pre.kind } : {}),
      ...(pre.model ? { model: pre.model } : {}),
      findings: pre.findings,
      origin: task.origin,
    };
    if (pre.runnable) {
      const estimate = estimateJob(
        { gpus: pre.gpus, ...(pre.kind ? { kind: pre.kind } : {}), ...(pre.weightsGiB ? { weightsGiB: pre.weightsGiB } : {}) },
        { ...config, estimate: { ...config.estimate, variants: variants.length } },
      );
      entry.estimate_s = Math.round(estimate.wallS);
      jobs.push({ task, pre, estimate });
    }
    return entry;
  });

  if (opts.artifacts) {
    const byTask = planArtifactsForTasks(jobs.map((j) => j.task), opts.artifacts);
    for (const t of planned) {
      const a = byTask.get(t.id);
      if (a) t.artifacts = artifactsJson(a);
    }
  }

  jobs.sort((a, b) => b.estimate.wallS - a.estimate.wallS || a.task.id.localeCompare(b.task.id));
  const include: MatrixEntry[] = jobs.map(({ task, pre, estimate }, i) => ({
    name: `${task.id} · ${pre.gpus} GPU${pre.gpus === 1 ? '' : 's'}${pre.kind ? ` · ${pre.kind}` : ''}`,
    task: task.id,
    commit: task.commit,
    ...(task.parent ? { parent: task.parent } : {}),
    gpus: pre.gpus,
    ...(pre.kind ? { kind: pre.kind } : {}),
    ...(pre.model ? { model: pre.model } : {}),
    variants,
    runs_on: runnerLabelsFor(config, pre.gpus),
    estimate_s: Math.round(estimate.wallS),
    shard: Math.floor(i / config.maxMatrixJobs),
  }));
  const shards: Array<{ include: MatrixEntry[] }> = [];
  for (const e of include) (shards[e.shard] ??= { include: [] }).include.push(e);

  const byCategory: Partial<Record<Category, number>> = {};
  for (const t of planned) if (!t.runnable && t.category) byCategory[t.category] = (byCategory[t.category] ?? 0) + 1;

  const plan: Plan = {
    tasks: planned,
    matrix: { include },
    shards,
    estimate: estimateSweep(jobs.map((j) => ({ gpus: j.pre.gpus, estimate: j.estimate })), config),
    counts: { tasks: planned.length, runnable: include.length, skipped: planned.length - include.length, byCategory },
    errors: opts.errors ?? [],
    unknown_ids: opts.unknownIds ?? [],
  };
  if (opts.artifacts) {
    plan.artifact_summary = summarizeArtifacts(planArtifactsForTasks(jobs.map((j) => j.task), opts.artifacts).values());
  }
  if (opts.pool) {
    const sim = simulatePool(include.map((e) => ({ id: e.task, gpus: e.gpus, durationS: e.estimate_s })), opts.pool);
    plan.pool = { ...sim, spec: opts.pool };
  }
  return plan;
}
