/**
 * The sweep plan: preflight every task, then one matrix entry per runnable task and GPU size
 * carrying all three variants (one runner interleaves them), runner labels from the config,
 * longest estimate first, shards of at most `maxMatrixJobs` entries, and the sweep's estimate.
 */
import {
  artifactsJson,
  planArtifactsForTasks,
  summarizeArtifacts,
  type ArtifactSummary,
} from '../artifacts/artifacts.js';
import type { SweepConfig } from '../config.js';
import { runnerLabelsFor, runnerSizeFor } from '../config.js';
import type { DatasetError } from '../dataset/dataset.js';
import { estimateJob, estimateSweep, type JobEstimate, type SweepEstimate } from './estimate.js';
import { simulatePool, type PoolSimulation, type RunnerClass } from './pool.js';
import { preflightTask, type PreflightResult } from '../preflight/preflight.js';
import { VARIANTS, type BenchmarkKind, type Variant } from '../schemas.js';
import type { Category } from '../taxonomy.js';
import type { Task } from '../task.js';
import type { EngineParsers } from '../argv/engine-parsers.js';
import type { TaskArgv } from '../argv/variant-argv.js';

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
  /** The runner size it goes to: the smallest of the GPU sizes that holds `gpus`. */
  runner_gpus?: number;
  kind?: BenchmarkKind;
  model?: string;
  estimate_s?: number;
  findings: PreflightResult['findings'];
  /** The engine version the rules used for the commit and the parent (tree, history or the row's text). */
  engine_version?: string;
  parent_engine_version?: string;
  /** Runnable tasks: exactly what each variant executes (variant-argv.ts; `{host}`/`{port}` filled by the runner). */
  argv?: TaskArgv;
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
  /** GPUs of the runner it runs on (>= gpus when the pool has fixed sizes). */
  runner_gpus: number;
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
  /** Overrides config.gpu.sizes: the runner sizes (GPU counts) the pool has. */
  gpuSizes?: number[];
  errors?: DatasetError[];
  unknownIds?: string[];
  /** Plan where each runnable task's three artifacts come from (`--artifacts INDEX`). */
  artifacts?: ArtifactsContext;
  pool?: RunnerClass[];
  /** When a checkout is given: does this script exist at the task's commit? */
  scriptExists?: (task: Task, path: string) => boolean;
  /** With a tree (`plan --repo`): the engine's parsers and version at a commit (read from git). */
  parsers?: (commit: string) => EngineParsers | undefined;
  /** Versions read from history where the tree states none (setuptools-scm builds). */
  engineVersions?: (task: Task) => { commit?: string; parent?: string };
  variants?: Variant[];
}

function versionOptions(v: { commit?: string; parent?: string } | undefined): {
  engineVersion?: string;
  parentEngineVersion?: string;
} {
  return { ...(v?.commit ? { engineVersion: v.commit } : {}), ...(v?.parent ? { parentEngineVersion: v.parent } : {}) };
}

export function planSweep(tasks: Task[], config: SweepConfig, opts: PlanOptions = {}): Plan {
  const sizes = opts.gpuSizes ?? config.gpu.sizes;
  const maxGpus = opts.maxGpus ?? (sizes?.length ? Math.max(...sizes) : config.gpu.maxGpus);
  const variants = opts.variants ?? [...VARIANTS];
  const jobs: Array<{ task: Task; pre: PreflightResult; estimate: JobEstimate; runnerGpus: number }> = [];
  const planned: PlannedTask[] = tasks.map((task) => {
    let pre = preflightTask(task, {
      maxGpus,
      gpuMemoryGiB: config.gpu.memoryGiB,
      dataFiles: Object.keys(config.dataFiles),
      dataFilePaths: config.dataFiles,
      ...(opts.scriptExists ? { scriptExists: (p: string) => opts.scriptExists!(task, p) } : {}),
      ...(opts.parsers ? { parsers: opts.parsers } : {}),
      ...versionOptions(opts.engineVersions?.(task)),
      variants,
    });
    const runnerGpus = runnerSizeFor(pre.gpus, sizes);
    if (pre.runnable && runnerGpus === undefined) {
      pre = {
        ...pre,
        runnable: false,
        category: 'INSUFFICIENT_GPUS',
        reason: `needs ${pre.gpus} GPUs; the runner sizes are ${sizes!.join(', ')}`,
      };
    }
    const entry: PlannedTask = {
      id: task.id,
      commit: task.commit,
      ...(task.parent ? { parent: task.parent } : {}),
      runnable: pre.runnable,
      ...(pre.category ? { category: pre.category } : {}),
      ...(pre.reason ? { reason: pre.reason } : {}),
      ...(pre.suggestion ? { suggestion: pre.suggestion } : {}),
      gpus: pre.gpus,
      ...(pre.runnable && runnerGpus !== undefined ? { runner_gpus: runnerGpus } : {}),
      ...(pre.kind ? { kind: pre.kind } : {}),
      ...(pre.model ? { model: pre.model } : {}),
      findings: pre.findings,
      ...(pre.engineVersion ? { engine_version: pre.engineVersion } : {}),
      ...(pre.parentEngineVersion ? { parent_engine_version: pre.parentEngineVersion } : {}),
      ...(pre.runnable && pre.argv ? { argv: pre.argv } : {}),
      origin: task.origin,
    };
    if (pre.runnable && runnerGpus !== undefined) {
      // The whole runner is occupied (and paid for), not just the GPUs the task uses.
      const estimate = estimateJob(
        {
          gpus: runnerGpus,
          ...(pre.kind ? { kind: pre.kind } : {}),
          ...(pre.weightsGiB ? { weightsGiB: pre.weightsGiB } : {}),
        },
        { ...config, estimate: { ...config.estimate, variants: variants.length } },
      );
      entry.estimate_s = Math.round(estimate.wallS);
      jobs.push({ task, pre, estimate, runnerGpus });
    }
    return entry;
  });

  if (opts.artifacts) {
    const byTask = planArtifactsForTasks(
      jobs.map((j) => j.task),
      opts.artifacts,
    );
    for (const t of planned) {
      const a = byTask.get(t.id);
      if (a) t.artifacts = artifactsJson(a);
    }
  }

  jobs.sort((a, b) => b.estimate.wallS - a.estimate.wallS || a.task.id.localeCompare(b.task.id));
  const include: MatrixEntry[] = jobs.map(({ task, pre, estimate, runnerGpus }, i) => ({
    name: `${task.id} · ${pre.gpus} GPU${pre.gpus === 1 ? '' : 's'}${runnerGpus !== pre.gpus ? ` on ${runnerGpus}-GPU runner` : ''}${pre.kind ? ` · ${pre.kind}` : ''}`,
    task: task.id,
    commit: task.commit,
    ...(task.parent ? { parent: task.parent } : {}),
    gpus: pre.gpus,
    runner_gpus: runnerGpus,
    ...(pre.kind ? { kind: pre.kind } : {}),
    ...(pre.model ? { model: pre.model } : {}),
    variants,
    runs_on: runnerLabelsFor(config, runnerGpus),
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
    estimate: estimateSweep(
      jobs.map((j) => ({ gpus: j.runnerGpus, estimate: j.estimate })),
      config,
    ),
    counts: { tasks: planned.length, runnable: include.length, skipped: planned.length - include.length, byCategory },
    errors: opts.errors ?? [],
    unknown_ids: opts.unknownIds ?? [],
  };
  if (opts.artifacts) {
    plan.artifact_summary = summarizeArtifacts(
      planArtifactsForTasks(
        jobs.map((j) => j.task),
        opts.artifacts,
      ).values(),
    );
  }
  if (opts.pool) {
    const sim = simulatePool(
      include.map((e) => ({ id: e.task, gpus: e.gpus, durationS: e.estimate_s })),
      opts.pool,
    );
    plan.pool = { ...sim, spec: opts.pool };
  }
  return plan;
}
