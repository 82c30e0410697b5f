/**
 * `benchsweep run`: baseline, human and agent for each task with interleaved repeats, retries and
 * fix recipes; one result record per task, variant and attempt, whole logs on disk. Wires the
 * executor, the artifact resolver and the runner's container inputs to run/sweep.ts.
 */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { emit, log, UserError } from '../cli-output.js';
import { cacheHitOutputs } from '../core/github/github-surfaces.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { formatDatasetError, selectTasks } from '../core/dataset/dataset.js';
import { DEMO_ENGINE, VLLM_ENGINE } from '../core/argv/client-argv.js';
import { VARIANTS, Variant, type ResultRecord } from '../core/schemas.js';
import { createArtifactResolver } from '../run/artifact-resolver.js';
import type { ExecutorKind } from '../run/executor-types.js';
import { runSample } from '../run/run-sample.js';
import { runSweep } from '../run/sweep.js';
import { createWorktreeProvider } from '../run/host-trees.js';
import { removeStaleContainers } from '../adapters/executor-docker.js';
import type { CommandResult } from './command-result.js';
import { engineForRepos } from '../core/engine-kind.js';
import { loadArtifactConfig, loadArtifactIndex } from '../adapters/artifact-config-file.js';
import { loadConfig } from '../adapters/config-file.js';
import { containerInputs } from '../adapters/container-inputs.js';

export interface RunOptions {
  dataset: string;
  only?: string[];
  results: string;
  /** A checkout of the engine repository holding every task's commits (default: the current directory). */
  repo?: string;
  executor?: ExecutorKind;
  repeats?: number;
  warmup?: boolean;
  variants?: string[];
  /** GPU indices for the runs (docker --gpus device=..., host CUDA_VISIBLE_DEVICES). */
  gpus?: number[];
  /** Which server a serving task starts: vLLM's api_server, or the demo engine's (default: from the dataset's repo). */
  engine?: 'vllm' | 'demo';
  /** Artifact config (YAML/JSON) shared with the build job: engine layout, cache format, registry templates. */
  artifactConfig?: string;
  /** Sweep config (the plan's): its `dataFiles` are mounted read-only and placed in the argv as the plan places them. */
  config?: string;
  /** Artifact index JSON of existing images and wheels. */
  artifacts?: string;
  /** Image/artifact cache folder. */
  cache?: string;
  readyTimeoutS?: number;
  benchmarkTimeoutS?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
}

export interface RunValue {
  results: string;
  records: ResultRecord[];
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new UserError(`${name}: expected a positive integer, got ${v}`);
}

export function renderRecordsText(records: readonly ResultRecord[], resultsDir: string): string {
  const lines = records.map((r) => {
    const metric =
      r.primary_metric && r.metrics[r.primary_metric] !== undefined
        ? `${r.primary_metric}=${r.metrics[r.primary_metric]} (median of ${r.samples.length})`
        : '';
    const why =
      r.status === 'success'
        ? metric
        : `${r.category ?? r.status}${r.evidence ? `: ${r.evidence.split('\n')[0]!.slice(0, 160)}` : ''}`;
    return `${r.task}  ${r.variant.padEnd(8)} attempt ${r.attempt}  ${r.status.padEnd(7)}  ${why}${r.log ? `\n    log: ${r.log}` : ''}`;
  });
  const ok = records.filter((r) => r.status === 'success').length;
  return [...lines, '', `${records.length} records (${ok} success) in ${resultsDir}`].join('\n');
}

export async function runRun(options: RunOptions): Promise<CommandResult<RunValue>> {
  positiveInt('--repeats', options.repeats);
  positiveInt('--max-attempts', options.maxAttempts);
  const variants = (options.variants ?? [...VARIANTS]).map((v) => {
    const parsed = Variant.safeParse(v);
    if (!parsed.success) throw new UserError(`--variants: unknown variant ${v} (baseline, human, agent)`);
    return parsed.data;
  });
  const executor = options.executor ?? 'docker';
  if (executor !== 'docker' && executor !== 'host')
    throw new UserError(`--executor: docker or host, got ${String(executor)}`);
  if (options.engine !== undefined && options.engine !== 'vllm' && options.engine !== 'demo')
    throw new UserError(`--engine: vllm or demo, got ${String(options.engine)}`);
  const dataset = await loadDataset(options.dataset);
  for (const e of dataset.errors) log(`warning: ${formatDatasetError(e)}`);
  const { tasks, unknown } = selectTasks(dataset.tasks, options.only);
  if (unknown.length > 0) {
    throw new UserError(
      `--only: no task matches ${unknown.map((u) => `"${u}"`).join(', ')} (task ids or commit prefixes of 7+ characters; ${dataset.tasks.length} tasks in ${options.dataset})`,
    );
  }
  // Containers a killed run left behind (its runner process is gone) go before this run starts.
  if (executor === 'docker') await removeStaleContainers({ log });
  const engine = options.engine ?? engineForRepos(tasks.map((t) => t.repo));
  const repoDir = resolve(options.repo ?? '.');
  const resultsDir = resolve(options.results);
  // host: three source trees (parent, commit, parent + patch) as git worktrees; docker: images.
  const trees = executor === 'host' ? await createWorktreeProvider({ repoDir, log }) : undefined;
  const artifactConfig = await loadArtifactConfig(engine, options.artifactConfig);
  const sweepConfig = await loadConfig(options.config);
  const images =
    trees ??
    createArtifactResolver({
      repoDir,
      cacheDir: resolve(options.cache ?? join(homedir(), '.cache', 'benchsweep', 'artifacts')),
      log,
      // The same artifact config as the build job, so run finds what build cached or pushed.
      config: artifactConfig,
      index: await loadArtifactIndex(options.artifacts),
    });
  const containers = executor === 'docker' ? containerInputs(process.env, sweepConfig.dataFiles) : undefined;
  for (const path of containers?.missing ?? [])
    log(`warning: data file ${path} (config dataFiles) is not on this runner: tasks that read it will fail`);
  let records: ResultRecord[];
  try {
    records = await runSweep(
      tasks,
      { images, runSample: (spec) => runSample(spec), log },
      {
        resultsDir,
        repoDir,
        repeats: options.repeats ?? 3,
        warmup: options.warmup ?? false,
        variants,
        executor,
        gpus: options.gpus ?? [],
        engine: engine === 'demo' ? DEMO_ENGINE : VLLM_ENGINE,
        // Unset: the sweep derives the readiness wait from the model size (core/readiness-timeout.ts).
        timeouts: {
          ...(options.readyTimeoutS ? { readyS: options.readyTimeoutS } : {}),
          ...(options.benchmarkTimeoutS ? { benchmarkS: options.benchmarkTimeoutS } : {}),
        },
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(containers?.env ? { env: containers.env } : {}),
        ...(containers?.volumes.length ? { volumes: containers.volumes } : {}),
        dataFiles: sweepConfig.dataFiles,
        allowNetwork: artifactConfig.allowNetwork,
      },
    );
  } finally {
    await trees?.close();
  }
  const successes = records.filter((r) => r.status === 'success').length;
  return {
    value: { results: resultsDir, records },
    text: renderRecordsText(records, resultsDir),
    outputs: {
      results: resultsDir,
      records: String(records.length),
      successes: String(successes),
      ...cacheHitOutputs(records.filter((r) => r.status !== 'skipped').map((r) => r.artifact?.source ?? 'none')),
    },
  };
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const int = (v: string) => Number(v);

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run tasks: baseline, human and agent variants with interleaved repeats; one result record per variant and attempt',
    )
    .requiredOption('--dataset <file>', 'dataset: JSONL, JSON array or CSV with ISO-Bench fields')
    .option('--only <ids>', 'comma-separated task ids or commit prefixes', list)
    .requiredOption('--results <dir>', 'where records and whole logs are written')
    .option('--repo <dir>', 'a checkout of the engine repository holding the commits', '.')
    .option('--executor <kind>', 'docker or host', 'docker')
    .option('--repeats <n>', 'samples per variant', int, 3)
    .option('--warmup', 'one uncounted warm-up sample per variant')
    .option('--variants <list>', 'comma-separated: baseline,human,agent', list)
    .option('--gpus <list>', 'GPU indices, e.g. 0,1', (v) => list(v).map(Number))
    .option('--engine <kind>', 'vllm or demo (default: from the dataset repo)')
    .option('--cache <dir>', 'artifact cache folder')
    .option(
      '--artifact-config <file>',
      'artifact config shared with build (engine layout, cache format, registry templates)',
    )
    .option('--artifacts <index>', 'JSON index of existing images and wheels')
    .option('--config <file>', "sweep config (the plan's): data files the runner provides")
    .option(
      '--ready-timeout <s>',
      'seconds to wait for the server (default: from the model size, 180 s + 8 s per billion parameters, at most 1800 s)',
      int,
    )
    .option('--benchmark-timeout <s>', 'seconds the benchmark may run', int)
    .option('--max-attempts <n>', 'attempts for retryable failures', int)
    .option('--json', 'print one JSON document { results, records }')
    .action(async (opts: RunOptions & { json?: boolean; readyTimeout?: number; benchmarkTimeout?: number }) => {
      // SIGTERM / SIGINT (a cancelled job) are handled by the executors, which tear down what they started.
      const result = await runRun({
        ...opts,
        ...(opts.readyTimeout ? { readyTimeoutS: opts.readyTimeout } : {}),
        ...(opts.benchmarkTimeout ? { benchmarkTimeoutS: opts.benchmarkTimeout } : {}),
      });
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    });
}
