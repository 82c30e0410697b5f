/**
 * The sweep: for each task, the agent patch check, an image per variant, R interleaved samples per
 * variant (B H A B H A …), retries of retryable failures, environment fix recipes applied to every
 * variant, and one result record per task, variant and attempt, written atomically.
 *
 * Collaborators come in as parameters (images, runSample, clock, sleep) so the orchestration is
 * tested with small fakes and run with the real executors.
 */
import { runProgressText } from '../core/progress.js';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { VLLM_ENGINE, type EngineFlavor, type Workload } from '../core/argv/client-argv.js';
import { workloadFromRepo } from '../adapters/task-argv.js';
import { benchmarkInputs } from '../core/dataset/patch-policy.js';
import { parsePerfCommand as defaultParsePerfCommand } from '../core/dataset/perf-command.js';
import type { ParsedPerfCommand } from '../core/dataset/perf-command-types.js';
import { primaryMetricFor as defaultPrimaryMetricFor } from '../core/metrics/parse.js';
import { FIX_RECIPES } from '../core/failures/rules/fix-recipes.js';
import { redact, secretValues } from '../core/redact.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/failures/retry-policy.js';
import { MAX_FIX_ROUNDS, nextStep } from '../core/failures/next-step.js';
import { checkMetricsSanity, medianMetrics } from '../core/compare/samples.js';
import { paramsFromModelName, readinessTimeoutS } from '../core/readiness-timeout.js';
import { sampleLogDir } from './run-sample.js';
import {
  RESULT_SCHEMA,
  VARIANTS,
  type ArtifactSource,
  type BenchmarkKind,
  type Metrics,
  type ResultRecord,
  type Variant,
} from '../core/schemas.js';
import { CATEGORIES, type Category } from '../core/taxonomy.js';
import type { Task } from '../core/task.js';
import { writeJsonAtomic } from '../adapters/files.js';
import { tryGit } from '../adapters/git.js';
import type { ExecutorKind, SampleOutcome, SampleSpec } from './executor-types.js';
import type { ImageProvider } from './image-provider.js';
import { checkAgentPatch, type PatchCheck } from './patch-check.js';
import { applyFixRecipe, type FixApplication, type FixRecipeLike } from './fix-recipes-apply.js';

export interface SweepDeps {
  images: ImageProvider;
  runSample: (spec: SampleSpec) => Promise<SampleOutcome>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  parsePerfCommand?: (raw: string) => ParsedPerfCommand;
  primaryMetricFor?: (kind: BenchmarkKind, metrics?: Metrics) => { name: string };
  recipes?: readonly FixRecipeLike[];
  applyFix?: typeof applyFixRecipe;
  checkPatch?: (opts: {
    repoDir: string;
    parent: string;
    patch: string;
    protectedFiles?: string[];
  }) => Promise<PatchCheck>;
  /** The agent patch of a task (default: the file named by `patch_path`, relative to the dataset file). */
  readPatch?: (task: Task) => Promise<string | undefined>;
}

export interface SweepOptions {
  resultsDir: string;
  repoDir: string;
  repeats?: number;
  warmup?: boolean;
  variants?: readonly Variant[];
  executor?: ExecutorKind;
  gpus?: number[];
  /** Per-sample limits; readyS defaults to the model-size-aware readiness timeout (core/readiness-timeout.ts). */
  timeouts?: { readyS?: number; benchmarkS?: number };
  /** Attempts per variant for retryable failures (the first included). */
  maxAttempts?: number;
  retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  signal?: AbortSignal;
  /** Which server module a serving task starts (vLLM's api_server, or the demo engine). */
  engine?: EngineFlavor;
  env?: Record<string, string>;
  volumes?: SampleSpec['volumes'];
  shmSize?: string;
  workdir?: string;
  /** Fix recipes that need a package index (pip) are only installed when this is true. */
  allowNetwork?: boolean;
  /** Data files the runner provides (sweep config `dataFiles`: name → path), placed in the argv as `plan` places them. */
  dataFiles?: Record<string, string>;
}

export type TaskDeps = SweepDeps;

const DEFAULT_BENCHMARK_TIMEOUT_S = 1800;

/** Where a record lives: `<results>/<task>/<variant>.attempt-<n>.json`. */
export function recordPath(resultsDir: string, task: string, variant: Variant, attempt: number): string {
  return join(resultsDir, task, `${variant}.attempt-${attempt}.json`);
}

export { sampleLogDir };

async function defaultReadPatch(task: Task): Promise<string | undefined> {
  if (!task.patchPath) return undefined;
  const path = isAbsolute(task.patchPath) ? task.patchPath : resolve(dirname(task.origin.file), task.patchPath);
  return readFile(path, 'utf8');
}

interface VariantState {
  variant: Variant;
  commit: string;
  image: string;
  artifact: { source: ArtifactSource; ref: string; from?: string };
  attempt: number;
  /** Attempts made in the current round (retries reset when a fix starts a new round). */
  roundAttempts: number;
  samples: Metrics[];
  warmup?: Metrics;
  warmupDone: boolean;
  logs: string[];
  caveats: string[];
  fixes: string[];
  startedAt: string;
  done: boolean;
  /** False once an environment fix reached some variants of the task and not others. */
  comparable: boolean;
}

/** Where a task sits in its sweep, for the progress lines (elapsed time and ETA of the sweep). */
export interface SweepPosition {
  index: number;
  count: number;
  startedMs: number;
}

/** What every step of a task shares: its collaborators and options, resolved once, and the records written so far. */
interface TaskRun {
  task: Task;
  deps: TaskDeps;
  opts: SweepOptions;
  position: SweepPosition | undefined;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  say: (line: string) => void;
  primaryFor: NonNullable<TaskDeps['primaryMetricFor']>;
  repeats: number;
  variants: Variant[];
  executor: ExecutorKind;
  policy: RetryPolicy;
  clean: (s: string | undefined) => string | undefined;
  rel: (p: string | undefined) => string | undefined;
  gpus: number | undefined;
  taskStartedMs: number;
  samplesDone: number;
  records: ResultRecord[];
  kind?: BenchmarkKind;
  primary?: string;
  /** The workload as the report compares it: identical model and argv across the variants. */
  workloadFields: { model?: string; argv?: string; server_argv?: string };
}

/** One sample of a variant, its spec built from the task's workload. */
type Sampler = (s: VariantState, logDir: string) => Promise<SampleOutcome>;

/** Failed records that named a fix recipe, so that the recipe's fate can be added to them. */
type FixTrigger = { record: ResultRecord; recipe: FixRecipeLike };

export async function runTask(
  task: Task,
  deps: TaskDeps,
  opts: SweepOptions,
  position?: SweepPosition,
): Promise<ResultRecord[]> {
  const run = startTaskRun(task, deps, opts, position);

  // 1. The workload: one argv pair for all three variants.
  const prepared = await prepareWorkload(run);
  if (!prepared) return run.records;
  const { perf, built } = prepared;

  // 2. Commits: baseline and agent run the parent, human the commit.
  const parent = await findParent(run);
  const commitOf = (v: Variant) => (v === 'human' ? task.commit : parent);

  // 3. The agent patch, checked before anything is built for it.
  const { active, patch } = await checkAgentVariant(run, parent, perf);

  // 4. An image per variant.
  const states: VariantState[] = [];
  for (const variant of active) {
    const state = await resolveVariantImage(run, variant, commitOf(variant)!, patch);
    if (state) states.push(state);
  }

  // 5. Rounds of interleaved samples; a triggered fix recipe starts another round for every variant.
  await runRounds(run, samplerFor(run, perf, built, states), states);
  return run.records;
}

function startTaskRun(task: Task, deps: TaskDeps, opts: SweepOptions, position: SweepPosition | undefined): TaskRun {
  const now = deps.now ?? (() => new Date());
  const taskStartedMs = now().getTime();
  const secrets = secretValues({ ...process.env, ...(opts.env ?? {}) });
  return {
    task,
    deps,
    opts,
    position,
    now,
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    say: deps.log ?? (() => {}),
    primaryFor: deps.primaryMetricFor ?? defaultPrimaryMetricFor,
    repeats: Math.max(1, opts.repeats ?? 3),
    variants: VARIANTS.filter((v) => (opts.variants ?? VARIANTS).includes(v)),
    executor: opts.executor ?? 'docker',
    policy: {
      ...DEFAULT_RETRY_POLICY,
      ...opts.retry,
      maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    },
    clean: (s) => (s === undefined ? undefined : redact(s, secrets)),
    rel: (p) =>
      p === undefined
        ? undefined
        : isAbsolute(p) && !relative(opts.resultsDir, p).startsWith('..')
          ? relative(opts.resultsDir, p)
          : p,
    gpus: opts.gpus && opts.gpus.length > 0 ? opts.gpus.length : undefined,
    taskStartedMs,
    samplesDone: 0,
    records: [],
    workloadFields: {},
  };
}

/** The primary metric a sample's output supports (old serving scripts print request throughput only). */
function primaryOf(run: TaskRun, metrics: Metrics | undefined): string | undefined {
  return run.kind ? run.primaryFor(run.kind, metrics).name : undefined;
}

async function write(run: TaskRun, record: ResultRecord): Promise<ResultRecord> {
  await writeJsonAtomic(recordPath(run.opts.resultsDir, run.task.id, record.variant, record.attempt), record);
  run.records.push(record);
  return record;
}

function baseRecord(run: TaskRun, variant: Variant, attempt: number, startedAt: string): ResultRecord {
  return {
    schema: RESULT_SCHEMA,
    task: run.task.id,
    variant,
    attempt,
    status: 'failed',
    ...(run.kind ? { kind: run.kind } : {}),
    ...(run.primary ? { primary_metric: run.primary } : {}),
    ...run.workloadFields,
    metrics: {},
    samples: [],
    caveats: [],
    ...(run.gpus ? { gpus: run.gpus } : {}),
    started_at: startedAt,
    finished_at: run.now().toISOString(),
  };
}

/** A failure before any sample (preflight, patch, artifact): one record, attempt 1. */
async function failEarly(
  run: TaskRun,
  variant: Variant,
  category: Category | undefined,
  evidence: string,
  extra: Partial<ResultRecord> = {},
  status: 'failed' | 'skipped' = 'failed',
): Promise<ResultRecord> {
  const startedAt = run.now().toISOString();
  run.say(`${run.task.id} ${variant}: ${status}${category ? ` ${category}` : ''}: ${evidence.split('\n')[0]}`);
  return write(run, {
    ...baseRecord(run, variant, 1, startedAt),
    status,
    ...(category ? { category } : {}),
    evidence: run.clean(evidence)!,
    ...extra,
  });
}

function recordOf(run: TaskRun, s: VariantState, extra: Partial<ResultRecord>): ResultRecord {
  return {
    ...baseRecord(run, s.variant, s.attempt, s.startedAt),
    artifact: s.artifact,
    image: s.image,
    commit: s.commit,
    caveats: [...s.caveats],
    ...(s.fixes.length ? { fixes: [...s.fixes] } : {}),
    samples: [...s.samples],
    ...(s.warmup ? { warmup: s.warmup } : {}),
    ...(s.logs.length ? { logs: [...s.logs] } : {}),
    ...(s.comparable ? {} : { comparable: false }),
    ...extra,
  };
}

type BuiltWorkload = Extract<Awaited<ReturnType<typeof workloadFromRepo>>, { ok: true }>;

/** Step 1: the perf command parsed and turned into argv; every variant fails here when it cannot be. */
async function prepareWorkload(run: TaskRun): Promise<{ perf: ParsedPerfCommand; built: BuiltWorkload } | undefined> {
  const { task, opts } = run;
  if (!task.perfCommand) {
    for (const v of run.variants) await failEarly(run, v, 'NO_PERF_COMMAND', 'the dataset row has no perf_command');
    return undefined;
  }
  const perf = (run.deps.parsePerfCommand ?? defaultParsePerfCommand)(task.perfCommand);
  // One argv builder for plan and run: routed by the engine's parsers read from the run's repository.
  const built = await workloadFromRepo(
    opts.repoDir,
    task,
    perf,
    opts.engine ?? VLLM_ENGINE,
    Math.max(1, opts.gpus?.length ?? 1),
    opts.dataFiles,
  );
  if (!built.ok) {
    for (const v of run.variants) await failEarly(run, v, 'INVALID_COMMAND', built.reason);
    return undefined;
  }
  const workload: Workload = built.workload;
  run.kind = workload.kind;
  run.workloadFields = {
    ...(perf.model ? { model: perf.model } : {}),
    argv: run.clean(workload.client.argv.join(' '))!,
    ...(workload.server ? { server_argv: run.clean(workload.server.argv.join(' '))! } : {}),
  };
  run.primary = run.kind ? run.primaryFor(run.kind).name : undefined;
  return { perf, built };
}

/** Step 2: the parent commit (the dataset's, or git's); without it baseline and agent fail. */
async function findParent(run: TaskRun): Promise<string | undefined> {
  const { task, opts } = run;
  let parent = task.parent;
  if (!parent) {
    const r = await tryGit(opts.repoDir, ['rev-parse', '--verify', `${task.commit}^`]);
    if (r.ok) parent = r.stdout.trim();
  }
  if (!parent) {
    for (const v of run.variants) {
      if (v === 'human') continue;
      await failEarly(
        run,
        v,
        'MISSING_ARTIFACT',
        `the parent of ${task.commit} is unknown (no parent_commit and not in ${opts.repoDir})`,
      );
    }
  }
  return parent;
}

/** Step 3: the variants that go on, the agent dropped (with its record) when its patch is missing or rejected. */
async function checkAgentVariant(
  run: TaskRun,
  parent: string | undefined,
  perf: ParsedPerfCommand,
): Promise<{ active: Variant[]; patch: string | undefined }> {
  const { task, opts } = run;
  let patch: string | undefined;
  const active: Variant[] = run.variants.filter((v) => v === 'human' || parent !== undefined);
  if (!active.includes('agent')) return { active, patch };
  const dropAgent = () => active.splice(active.indexOf('agent'), 1);
  try {
    patch = await (run.deps.readPatch ?? defaultReadPatch)(task);
  } catch (e) {
    patch = undefined;
    dropAgent();
    await failEarly(
      run,
      'agent',
      'PATCH_FAILED',
      `cannot read the agent patch ${task.patchPath}: ${(e as Error).message}`,
    );
  }
  if (active.includes('agent') && patch === undefined) {
    dropAgent();
    await failEarly(run, 'agent', undefined, 'the task has no agent patch', { reason: 'no agent patch' }, 'skipped');
  } else if (active.includes('agent') && patch !== undefined) {
    const check = await (run.deps.checkPatch ?? checkAgentPatch)({
      repoDir: opts.repoDir,
      parent: parent!,
      patch,
      protectedFiles: benchmarkInputs(perf),
    });
    if (!check.ok) {
      dropAgent();
      const logPath = join(opts.resultsDir, task.id, 'logs', 'agent', 'attempt-1', 'patch-check.log');
      await mkdir(dirname(logPath), { recursive: true });
      await writeFile(logPath, `${check.reason}\n\n${check.evidence}\n`);
      await failEarly(run, 'agent', check.category, `${check.reason}\n${check.evidence}`, {
        log: run.rel(logPath)!,
        ...(check.offending ? { offending_paths: check.offending } : {}),
      });
    }
  }
  return { active, patch };
}

/** Step 4: a variant's image, retried like a sample when making it fails retryably; undefined (and a record) when it cannot be made. */
async function resolveVariantImage(
  run: TaskRun,
  variant: Variant,
  commit: string,
  patch: string | undefined,
): Promise<VariantState | undefined> {
  const { task, opts } = run;
  let resolution;
  // A retryable failure (the Docker engine went away mid-build) is tried again, as a sample would be.
  for (let attempt = 1; ; attempt++) {
    try {
      resolution = await run.deps.images.resolve({
        task,
        variant,
        commit,
        ...(variant === 'agent' ? { patch: patch! } : {}),
        repoDir: opts.repoDir,
      });
    } catch (e) {
      resolution = {
        ok: false as const,
        category: 'BUILD_FAILED' as const,
        reason: `image resolution threw: ${(e as Error).message}`,
      };
    }
    if (resolution.ok) break;
    const step = nextStep({ at: 'image-failed', category: resolution.category, attempt }, run.policy);
    if (step.do !== 'retry') break;
    run.say(
      `${task.id} ${variant}: ${resolution.category} while making the image (${resolution.reason.split('\n')[0]}): again in ${step.waitS} s`,
    );
    await run.sleep(step.waitS * 1000);
  }
  if (!resolution.ok) {
    await failEarly(
      run,
      variant,
      resolution.category,
      [resolution.reason, resolution.evidence].filter(Boolean).join('\n'),
      { ...(resolution.log ? { log: run.rel(resolution.log)! } : {}) },
    );
    return undefined;
  }
  run.say(
    `${task.id} ${variant}: image ${resolution.image} (${resolution.artifact.source}, ${resolution.seconds.toFixed(0)} s)`,
  );
  return {
    variant,
    commit,
    image: resolution.image,
    artifact: resolution.artifact,
    attempt: 1,
    roundAttempts: 1,
    samples: [],
    warmupDone: false,
    logs: [],
    caveats: [],
    fixes: [],
    startedAt: run.now().toISOString(),
    done: false,
    comparable: true,
  };
}

/** How a variant's samples run: its argv, the client's image, the limits; a runner that throws is a TRANSIENT_INFRA sample. */
function samplerFor(run: TaskRun, perf: ParsedPerfCommand, built: BuiltWorkload, states: VariantState[]): Sampler {
  const { opts } = run;
  const workload = built.workload;
  // A 70B model loads for minutes, a 0.5B one in seconds: the wait follows the model (the runner
  // stops waiting the moment the server exits, so this bound only matters for a server that hangs).
  const timeouts = {
    readyS: opts.timeouts?.readyS ?? readinessTimeoutS(perf.model ? paramsFromModelName(perf.model) : undefined),
    benchmarkS: opts.timeouts?.benchmarkS ?? DEFAULT_BENCHMARK_TIMEOUT_S,
  };

  function clientImageFor(s: VariantState): { clientImage?: string } {
    if (!workload.server || !workload.clientFrom || workload.clientFrom === s.commit) return {};
    const image = states.find((x) => x.commit === workload.clientFrom)?.image;
    return image && image !== s.image ? { clientImage: image } : {};
  }

  function spec(s: VariantState, logDir: string): SampleSpec {
    // The variant's own argv (its commit's launcher and engine flags) when the repository told us.
    const w = built.byVariant?.[s.variant] || workload;
    return {
      executor: run.executor,
      image: s.image,
      // host: the variant's own source tree (run/host-trees.ts) is where it runs; docker: the image's workdir.
      ...(run.executor === 'host' ? { workdir: s.image } : opts.workdir ? { workdir: opts.workdir } : {}),
      ...(w.server ? { server: { argv: [...w.server.argv], env: { ...w.server.env } } } : {}),
      // Serving: the measuring client runs from the `client_from` tree's image (the parent's), never the agent's.
      client: { argv: [...w.client.argv], env: { ...w.client.env } },
      ...clientImageFor(s),
      ...(run.kind ? { kind: run.kind } : {}),
      logDir,
      gpus: opts.gpus ?? [],
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.volumes ? { volumes: opts.volumes } : {}),
      ...(opts.shmSize ? { shmSize: opts.shmSize } : {}),
      timeouts,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
  }

  return async (s, logDir) => {
    try {
      return await run.deps.runSample(spec(s, logDir));
    } catch (e) {
      // The runner itself failed (docker daemon gone, runner lost): infrastructure, not the engine.
      // Its message goes into the sample's log, so the record's log holds the cause too.
      const client = join(logDir, 'client.log');
      const message = run.clean(`the sample runner failed: ${(e as Error).stack ?? (e as Error).message}`)!;
      await mkdir(logDir, { recursive: true });
      await appendFile(client, `\n[benchsweep] ${message}\n`).catch(() => {});
      return {
        ok: false,
        category: 'TRANSIENT_INFRA',
        evidence: message.split('\n')[0]!,
        logs: { client },
        durationS: 0,
      };
    }
  };
}

/** Step 5: rounds of interleaved samples until every variant is done; a triggered recipe starts the next round. */
async function runRounds(run: TaskRun, sampler: Sampler, states: VariantState[]): Promise<void> {
  const fixTriggers: FixTrigger[] = [];
  const appliedRecipes = new Set<string>();
  for (let round = 0; round <= MAX_FIX_ROUNDS && states.length > 0; round++) {
    let triggered: FixRecipeLike | undefined;
    while (states.some((s) => !s.done)) {
      for (const s of states) {
        if (s.done) continue;
        const recipe = await sampleVariant(run, sampler, s, states.length, fixTriggers, appliedRecipes);
        triggered ??= recipe;
      }
    }
    const step = nextStep({ at: 'round-ended', round, ...(triggered ? { triggered: triggered.id } : {}) }, run.policy);
    if (step.do !== 'fix' || !triggered) break;
    if (!(await applyFixToAll(run, triggered, states, fixTriggers, appliedRecipes))) break;
  }
}

/** Resets a variant for a new attempt: no samples, no warm-up, a new start time. */
function restartAttempt(run: TaskRun, s: VariantState): void {
  s.attempt += 1;
  s.samples = [];
  s.logs = [];
  delete s.warmup;
  s.warmupDone = false;
  s.startedAt = run.now().toISOString();
}

/** One sample (or warm-up) of a variant and what follows from it; returns the fix recipe a failure triggered. */
async function sampleVariant(
  run: TaskRun,
  sampler: Sampler,
  s: VariantState,
  variantCount: number,
  fixTriggers: FixTrigger[],
  appliedRecipes: ReadonlySet<string>,
): Promise<FixRecipeLike | undefined> {
  const { task, opts, repeats } = run;
  if (opts.signal?.aborted) {
    s.done = true;
    await write(run, recordOf(run, s, { status: 'skipped', evidence: 'cancelled before the samples completed' }));
    return undefined;
  }
  const isWarmup = opts.warmup === true && !s.warmupDone;
  const k = isWarmup ? 0 : s.samples.length + 1;
  const logDir = sampleLogDir(opts.resultsDir, task.id, s.variant, s.attempt, k);
  const at = run.now().getTime();
  const progress = runProgressText({
    taskIndex: run.position?.index ?? 1,
    taskCount: run.position?.count ?? 1,
    samplesDone: run.samplesDone,
    samplesPlanned: variantCount * (repeats + (opts.warmup === true ? 1 : 0)),
    taskElapsedS: (at - run.taskStartedMs) / 1000,
    sweepElapsedS: (at - (run.position?.startedMs ?? run.taskStartedMs)) / 1000,
  });
  run.say(
    `${task.id} ${s.variant}: attempt ${s.attempt} ${isWarmup ? 'warm-up' : `sample ${k}/${repeats}`} · ${progress}`,
  );
  const outcome = await sampler(s, logDir);
  run.samplesDone += 1;
  const sanity = outcome.ok ? checkMetricsSanity(outcome.metrics, primaryOf(run, outcome.metrics)) : undefined;
  if (outcome.ok && sanity?.ok) {
    await keepSample(run, s, outcome, isWarmup);
    return undefined;
  }
  // A failed sample: the category decides between a retry, a fix round and a final failure.
  const category: Category = outcome.ok ? 'NO_METRICS' : (outcome.category ?? 'BENCHMARK_FAILED');
  const evidence = outcome.ok
    ? `the benchmark exited cleanly but its metrics are not usable: ${(sanity as { problems: string[] }).problems.join('; ')}`
    : (outcome.evidence ?? '');
  const stage = CATEGORIES[category].stage;
  const logFile =
    (stage === 'server' || stage === 'environment') && outcome.logs.server ? outcome.logs.server : outcome.logs.client;
  const recipes: readonly FixRecipeLike[] = run.deps.recipes ?? FIX_RECIPES;
  const recipe = outcome.fix ? recipes.find((r) => r.id === outcome.fix) : undefined;
  const record = await write(
    run,
    recordOf(run, s, {
      status: 'failed',
      category,
      evidence: run.clean(evidence)!,
      log: run.rel(logFile)!,
      logs: [...s.logs, run.rel(outcome.logs.server), run.rel(outcome.logs.client)].filter((p): p is string => !!p),
      ...(outcome.fix ? { fix: outcome.fix } : {}),
      ...(outcome.classifiedAfterS !== undefined ? { classified_after_s: outcome.classifiedAfterS } : {}),
      ...(isWarmup ? { failed_in: 'warm-up' } : { failed_in: `sample ${k}` }),
    }),
  );
  run.say(`${task.id} ${s.variant}: attempt ${s.attempt} failed ${category}: ${evidence.split('\n')[0]}`);
  const step = nextStep(
    {
      at: 'sample-failed',
      category,
      roundAttempts: s.roundAttempts,
      ...(recipe ? { recipe: recipe.id } : {}),
      appliedRecipes: [...appliedRecipes],
    },
    run.policy,
  );
  if (step.do === 'fix' && recipe) {
    fixTriggers.push({ record, recipe });
    s.done = true;
    return recipe;
  }
  if (step.do === 'retry') {
    run.say(`${task.id} ${s.variant}: ${category} is retryable: attempt ${s.attempt + 1} in ${step.waitS} s`);
    await run.sleep(step.waitS * 1000);
    s.roundAttempts += 1;
    restartAttempt(run, s);
    return undefined;
  }
  s.done = true;
  return undefined;
}

/** A good sample: the warm-up is kept aside; the last of R samples writes the variant's success record. */
async function keepSample(run: TaskRun, s: VariantState, outcome: SampleOutcome, isWarmup: boolean): Promise<void> {
  if (isWarmup) {
    s.warmupDone = true;
    s.warmup = outcome.metrics!;
    return;
  }
  s.samples.push(outcome.metrics!);
  s.logs.push(run.rel(outcome.logs.client)!);
  if (s.samples.length < run.repeats) return;
  s.done = true;
  const metrics = medianMetrics(s.samples);
  const metricName = primaryOf(run, metrics);
  await write(
    run,
    recordOf(run, s, {
      status: 'success',
      metrics,
      ...(metricName ? { primary_metric: metricName } : {}),
      log: run.rel(outcome.logs.client)!,
      ...(outcome.readyAfterS !== undefined ? { ready_after_s: outcome.readyAfterS } : {}),
    }),
  );
  run.say(`${run.task.id} ${s.variant}: success${metricName ? ` ${metricName}=${metrics[metricName]}` : ''}`);
}

/**
 * A fix recipe applies to every variant of the task, or the comparison is flagged. The records that
 * triggered it say whether it was applied; returns whether another round runs.
 */
async function applyFixToAll(
  run: TaskRun,
  triggered: FixRecipeLike,
  states: VariantState[],
  fixTriggers: readonly FixTrigger[],
  appliedRecipes: Set<string>,
): Promise<boolean> {
  const { task, opts } = run;
  appliedRecipes.add(triggered.id);
  const applications: Array<{ s: VariantState; result: FixApplication }> = [];
  for (const s of states) {
    run.say(`${task.id} ${s.variant}: applying fix recipe ${triggered.id}`);
    let result: FixApplication;
    try {
      result = await (run.deps.applyFix ?? applyFixRecipe)({
        recipe: triggered,
        executor: run.executor,
        image: s.image,
        commit: s.commit,
        repoDir: opts.repoDir,
        allowNetwork: opts.allowNetwork ?? false,
      });
    } catch (e) {
      result = { applied: false, recipe: triggered.id, reason: (e as Error).message };
    }
    applications.push({ s, result });
  }
  const applied = applications.filter((a) => a.result.applied);
  const missed = applications.filter((a) => !a.result.applied);
  const missReasons = missed.map((a) => `${a.s.variant}: ${(a.result as { reason: string }).reason}`).join('; ');
  for (const t of fixTriggers.filter((t) => t.recipe.id === triggered.id)) {
    t.record.caveats = [
      ...t.record.caveats,
      applied.length > 0
        ? `environment fix ${triggered.id} matched this failure and was applied to ${applied.map((a) => a.s.variant).join(', ')} for the next attempt`
        : `environment fix ${triggered.id} matched this failure but could not be applied (${missReasons})`,
    ];
    t.record.fix_applied = applied.length > 0;
    await writeJsonAtomic(recordPath(opts.resultsDir, task.id, t.record.variant, t.record.attempt), t.record);
  }
  const step = nextStep(
    { at: 'fix-applied', applied: applied.map((a) => a.s.variant), missed: missed.map((a) => a.s.variant) },
    run.policy,
  );
  if (step.do !== 'run-again') return false;
  for (const { s, result } of applications) {
    if (result.applied) {
      s.image = result.image;
      s.fixes.push(result.recipe);
      s.caveats.push(`environment fix ${result.recipe}: ${result.caveat}`);
    } else {
      s.caveats.push(`environment fix ${result.recipe} could not be applied to ${s.variant}: ${result.reason}`);
    }
    if (!step.comparable) {
      s.caveats.push(
        `environment fix ${triggered.id} was applied to ${applied.map((a) => a.s.variant).join(', ')} but not to ${missed.map((a) => a.s.variant).join(', ')}: not a like-for-like comparison`,
      );
      s.comparable = false;
    }
    // Every variant runs again on its fixed image, interleaved as before, as a new attempt.
    s.roundAttempts = 1;
    s.done = false;
    restartAttempt(run, s);
  }
  return true;
}

/** Tasks one after another; one task's failure never stops the others. */
export async function runSweep(tasks: readonly Task[], deps: SweepDeps, opts: SweepOptions): Promise<ResultRecord[]> {
  const all: ResultRecord[] = [];
  const now = deps.now ?? (() => new Date());
  const startedMs = now().getTime();
  for (const [i, task] of tasks.entries()) {
    if (opts.signal?.aborted) break;
    try {
      all.push(...(await runTask(task, deps, opts, { index: i + 1, count: tasks.length, startedMs })));
    } catch (e) {
      // An internal error: every variant of this task gets a failed record that says so.
      const message = `internal error while running the task: ${(e as Error).stack ?? (e as Error).message}`;
      deps.log?.(`${task.id}: ${message}`);
      for (const variant of VARIANTS.filter((v) => (opts.variants ?? VARIANTS).includes(v))) {
        const record: ResultRecord = {
          schema: RESULT_SCHEMA,
          task: task.id,
          variant,
          attempt: 1,
          status: 'failed',
          metrics: {},
          samples: [],
          caveats: [],
          evidence: message,
          finished_at: now().toISOString(),
        };
        const path = recordPath(opts.resultsDir, task.id, variant, 1);
        // Keep any record the task already wrote for this attempt.
        const existing = await readFile(path, 'utf8').catch(() => undefined);
        if (existing === undefined) await writeJsonAtomic(path, record).catch(() => {});
        all.push(existing === undefined ? record : (JSON.parse(existing) as ResultRecord));
      }
    }
  }
  return all;
}
