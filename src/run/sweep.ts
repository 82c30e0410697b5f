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
import { backoffS, DEFAULT_RETRY_POLICY, shouldRetry, type RetryPolicy } from '../core/failures/retry-policy.js';
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
/** Fix rounds per task: each round applies one more recipe (seeds/000: 2a052011 needed two). */
const MAX_FIX_ROUNDS = 3;

/** Where a record lives: `<results>/<task>/<variant>.attempt-<n>.json`. */
export function recordPath(resultsDir: string, task: string, variant: Variant, attempt: number): string {
  return join(resultsDir, task, `${variant}.attempt-${attempt}.json`);
}

export { sampleLogDir };

export async function defaultReadPatch(task: Task): Promise<string | undefined> {
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

export async function runTask(
  task: Task,
  deps: TaskDeps,
  opts: SweepOptions,
  position?: SweepPosition,
): Promise<ResultRecord[]> {
  const now = deps.now ?? (() => new Date());
  const taskStartedMs = now().getTime();
  let samplesDone = 0;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const say = deps.log ?? (() => {});
  const parse = deps.parsePerfCommand ?? defaultParsePerfCommand;
  const primaryFor = deps.primaryMetricFor ?? defaultPrimaryMetricFor;
  const recipes: readonly FixRecipeLike[] = deps.recipes ?? FIX_RECIPES;
  const applyFix = deps.applyFix ?? applyFixRecipe;
  const checkPatch = deps.checkPatch ?? checkAgentPatch;
  const readPatch = deps.readPatch ?? defaultReadPatch;
  const repeats = Math.max(1, opts.repeats ?? 3);
  const variants = VARIANTS.filter((v) => (opts.variants ?? VARIANTS).includes(v));
  const executor = opts.executor ?? 'docker';
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...opts.retry,
    maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
  };
  const secrets = secretValues({ ...process.env, ...(opts.env ?? {}) });
  const clean = (s: string | undefined) => (s === undefined ? undefined : redact(s, secrets));
  const rel = (p: string | undefined) =>
    p === undefined
      ? undefined
      : isAbsolute(p) && !relative(opts.resultsDir, p).startsWith('..')
        ? relative(opts.resultsDir, p)
        : p;
  const gpus = opts.gpus && opts.gpus.length > 0 ? opts.gpus.length : undefined;
  const records: ResultRecord[] = [];

  let kind: BenchmarkKind | undefined;
  let primary: string | undefined;
  /** The workload as the report compares it: identical model and argv across the variants. */
  let workloadFields: { model?: string; argv?: string; server_argv?: string } = {};

  async function write(record: ResultRecord): Promise<ResultRecord> {
    await writeJsonAtomic(recordPath(opts.resultsDir, task.id, record.variant, record.attempt), record);
    records.push(record);
    return record;
  }

  function base(variant: Variant, attempt: number, startedAt: string): ResultRecord {
    return {
      schema: RESULT_SCHEMA,
      task: task.id,
      variant,
      attempt,
      status: 'failed',
      ...(kind ? { kind } : {}),
      ...(primary ? { primary_metric: primary } : {}),
      ...workloadFields,
      metrics: {},
      samples: [],
      caveats: [],
      ...(gpus ? { gpus } : {}),
      started_at: startedAt,
      finished_at: now().toISOString(),
    };
  }

  /** A failure before any sample (preflight, patch, artifact): one record, attempt 1. */
  async function failEarly(
    variant: Variant,
    category: Category | undefined,
    evidence: string,
    extra: Partial<ResultRecord> = {},
    status: 'failed' | 'skipped' = 'failed',
  ) {
    const startedAt = now().toISOString();
    say(`${task.id} ${variant}: ${status}${category ? ` ${category}` : ''}: ${evidence.split('\n')[0]}`);
    return write({
      ...base(variant, 1, startedAt),
      status,
      ...(category ? { category } : {}),
      evidence: clean(evidence)!,
      ...extra,
    });
  }

  // 1. The workload: one argv pair for all three variants.
  if (!task.perfCommand) {
    for (const v of variants) await failEarly(v, 'NO_PERF_COMMAND', 'the dataset row has no perf_command');
    return records;
  }
  const perf = parse(task.perfCommand);
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
    for (const v of variants) await failEarly(v, 'INVALID_COMMAND', built.reason);
    return records;
  }
  const workload: Workload = built.workload;
  kind = workload.kind;
  workloadFields = {
    ...(perf.model ? { model: perf.model } : {}),
    argv: clean(workload.client.argv.join(' '))!,
    ...(workload.server ? { server_argv: clean(workload.server.argv.join(' '))! } : {}),
  };
  primary = kind ? primaryFor(kind).name : undefined;
  /** The primary metric a sample's output supports (old serving scripts print request throughput only). */
  const primaryOf = (metrics: Metrics | undefined) => (kind ? primaryFor(kind, metrics).name : undefined);

  // 2. Commits: baseline and agent run the parent, human the commit.
  let parent = task.parent;
  if (!parent) {
    const r = await tryGit(opts.repoDir, ['rev-parse', '--verify', `${task.commit}^`]);
    if (r.ok) parent = r.stdout.trim();
  }
  if (!parent) {
    for (const v of variants) {
      if (v === 'human') continue;
      await failEarly(
        v,
        'MISSING_ARTIFACT',
        `the parent of ${task.commit} is unknown (no parent_commit and not in ${opts.repoDir})`,
      );
    }
  }
  const commitOf = (v: Variant) => (v === 'human' ? task.commit : parent);

  // 3. The agent patch, checked before anything is built for it.
  let patch: string | undefined;
  const active: Variant[] = variants.filter((v) => v === 'human' || parent !== undefined);
  if (active.includes('agent')) {
    try {
      patch = await readPatch(task);
    } catch (e) {
      patch = undefined;
      active.splice(active.indexOf('agent'), 1);
      await failEarly(
        'agent',
        'PATCH_FAILED',
        `cannot read the agent patch ${task.patchPath}: ${(e as Error).message}`,
      );
    }
    if (active.includes('agent') && patch === undefined) {
      active.splice(active.indexOf('agent'), 1);
      await failEarly('agent', undefined, 'the task has no agent patch', { reason: 'no agent patch' }, 'skipped');
    } else if (active.includes('agent') && patch !== undefined) {
      const check = await checkPatch({
        repoDir: opts.repoDir,
        parent: parent!,
        patch,
        protectedFiles: benchmarkInputs(perf),
      });
      if (!check.ok) {
        active.splice(active.indexOf('agent'), 1);
        const logPath = join(opts.resultsDir, task.id, 'logs', 'agent', 'attempt-1', 'patch-check.log');
        await mkdir(dirname(logPath), { recursive: true });
        await writeFile(logPath, `${check.reason}\n\n${check.evidence}\n`);
        await failEarly('agent', check.category, `${check.reason}\n${check.evidence}`, {
          log: rel(logPath)!,
          ...(check.offending ? { offending_paths: check.offending } : {}),
        });
      }
    }
  }

  // 4. An image per variant.
  const states: VariantState[] = [];
  for (const variant of active) {
    const commit = commitOf(variant)!;
    let resolution;
    // A retryable failure (the Docker engine went away mid-build) is tried again, as a sample would be.
    for (let attempt = 1; ; attempt++) {
      try {
        resolution = await deps.images.resolve({
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
      if (resolution.ok || !shouldRetry(resolution.category, attempt, policy)) break;
      const waitS = backoffS(attempt + 1, policy);
      say(
        `${task.id} ${variant}: ${resolution.category} while making the image (${resolution.reason.split('\n')[0]}): again in ${waitS} s`,
      );
      await sleep(waitS * 1000);
    }
    if (!resolution.ok) {
      await failEarly(
        variant,
        resolution.category,
        [resolution.reason, resolution.evidence].filter(Boolean).join('\n'),
        { ...(resolution.log ? { log: rel(resolution.log)! } : {}) },
      );
      continue;
    }
    say(
      `${task.id} ${variant}: image ${resolution.image} (${resolution.artifact.source}, ${resolution.seconds.toFixed(0)} s)`,
    );
    states.push({
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
      startedAt: now().toISOString(),
      done: false,
      comparable: true,
    });
  }

  const recordOf = (s: VariantState, extra: Partial<ResultRecord>): ResultRecord => ({
    ...base(s.variant, s.attempt, s.startedAt),
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
  });

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
    const w = (built.ok && built.byVariant?.[s.variant]) || workload;
    return {
      executor,
      image: s.image,
      // host: the variant's own source tree (run/host-trees.ts) is where it runs; docker: the image's workdir.
      ...(executor === 'host' ? { workdir: s.image } : opts.workdir ? { workdir: opts.workdir } : {}),
      ...(w.server ? { server: { argv: [...w.server.argv], env: { ...w.server.env } } } : {}),
      // Serving: the measuring client runs from the `client_from` tree's image (the parent's), never the agent's.
      client: { argv: [...w.client.argv], env: { ...w.client.env } },
      ...clientImageFor(s),
      ...(kind ? { kind } : {}),
      logDir,
      gpus: opts.gpus ?? [],
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.volumes ? { volumes: opts.volumes } : {}),
      ...(opts.shmSize ? { shmSize: opts.shmSize } : {}),
      timeouts,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
  }

  async function sample(s: VariantState, logDir: string): Promise<SampleOutcome> {
    try {
      return await deps.runSample(spec(s, logDir));
    } catch (e) {
      // The runner itself failed (docker daemon gone, runner lost): infrastructure, not the engine.
      // Its message goes into the sample's log, so the record's log holds the cause too.
      const client = join(logDir, 'client.log');
      const message = clean(`the sample runner failed: ${(e as Error).stack ?? (e as Error).message}`)!;
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
  }

  /** Failed records that named a fix recipe, so that the recipe's fate can be added to them. */
  const fixTriggers: Array<{ record: ResultRecord; recipe: FixRecipeLike }> = [];
  const appliedRecipes = new Set<string>();

  // 5. Rounds of interleaved samples; a triggered fix recipe starts another round for every variant.
  for (let round = 0; round <= MAX_FIX_ROUNDS && states.length > 0; round++) {
    let triggered: FixRecipeLike | undefined;
    while (states.some((s) => !s.done)) {
      for (const s of states) {
        if (s.done) continue;
        if (opts.signal?.aborted) {
          s.done = true;
          await write(recordOf(s, { status: 'skipped', evidence: 'cancelled before the samples completed' }));
          continue;
        }
        const isWarmup = opts.warmup === true && !s.warmupDone;
        const k = isWarmup ? 0 : s.samples.length + 1;
        const logDir = sampleLogDir(opts.resultsDir, task.id, s.variant, s.attempt, k);
        const at = now().getTime();
        const progress = runProgressText({
          taskIndex: position?.index ?? 1,
          taskCount: position?.count ?? 1,
          samplesDone,
          samplesPlanned: states.length * (repeats + (opts.warmup === true ? 1 : 0)),
          taskElapsedS: (at - taskStartedMs) / 1000,
          sweepElapsedS: (at - (position?.startedMs ?? taskStartedMs)) / 1000,
        });
        say(
          `${task.id} ${s.variant}: attempt ${s.attempt} ${isWarmup ? 'warm-up' : `sample ${k}/${repeats}`} · ${progress}`,
        );
        const outcome = await sample(s, logDir);
        samplesDone += 1;
        const sanity = outcome.ok ? checkMetricsSanity(outcome.metrics, primaryOf(outcome.metrics)) : undefined;
        if (outcome.ok && sanity?.ok) {
          if (isWarmup) {
            s.warmupDone = true;
            s.warmup = outcome.metrics!;
            continue;
          }
          s.samples.push(outcome.metrics!);
          s.logs.push(rel(outcome.logs.client)!);
          if (s.samples.length >= repeats) {
            s.done = true;
            const metrics = medianMetrics(s.samples);
            const metricName = primaryOf(metrics);
            await write(
              recordOf(s, {
                status: 'success',
                metrics,
                ...(metricName ? { primary_metric: metricName } : {}),
                log: rel(outcome.logs.client)!,
                ...(outcome.readyAfterS !== undefined ? { ready_after_s: outcome.readyAfterS } : {}),
              }),
            );
            say(`${task.id} ${s.variant}: success${metricName ? ` ${metricName}=${metrics[metricName]}` : ''}`);
          }
          continue;
        }
        // A failed sample: the category decides between a retry, a fix round and a final failure.
        const category: Category = outcome.ok ? 'NO_METRICS' : (outcome.category ?? 'BENCHMARK_FAILED');
        const evidence = outcome.ok
          ? `the benchmark exited cleanly but its metrics are not usable: ${(sanity as { problems: string[] }).problems.join('; ')}`
          : (outcome.evidence ?? '');
        const stage = CATEGORIES[category].stage;
        const logFile =
          (stage === 'server' || stage === 'environment') && outcome.logs.server
            ? outcome.logs.server
            : outcome.logs.client;
        const recipe = outcome.fix ? recipes.find((r) => r.id === outcome.fix) : undefined;
        const record = await write(
          recordOf(s, {
            status: 'failed',
            category,
            evidence: clean(evidence)!,
            log: rel(logFile)!,
            logs: [...s.logs, rel(outcome.logs.server), rel(outcome.logs.client)].filter((p): p is string => !!p),
            ...(outcome.fix ? { fix: outcome.fix } : {}),
            ...(outcome.classifiedAfterS !== undefined ? { classified_after_s: outcome.classifiedAfterS } : {}),
            ...(isWarmup ? { failed_in: 'warm-up' } : { failed_in: `sample ${k}` }),
          }),
        );
        say(`${task.id} ${s.variant}: attempt ${s.attempt} failed ${category}: ${evidence.split('\n')[0]}`);
        if (recipe && !appliedRecipes.has(recipe.id)) {
          fixTriggers.push({ record, recipe });
          triggered ??= recipe;
          s.done = true;
        } else if (shouldRetry(category, s.roundAttempts, policy)) {
          const waitS = backoffS(s.roundAttempts + 1, policy);
          say(`${task.id} ${s.variant}: ${category} is retryable: attempt ${s.attempt + 1} in ${waitS} s`);
          await sleep(waitS * 1000);
          s.attempt += 1;
          s.roundAttempts += 1;
          s.samples = [];
          s.logs = [];
          delete s.warmup;
          s.warmupDone = false;
          s.startedAt = now().toISOString();
        } else {
          s.done = true;
        }
      }
    }
    if (!triggered || round === MAX_FIX_ROUNDS) break;

    // A fix recipe applies to every variant of the task, or the comparison is flagged.
    appliedRecipes.add(triggered.id);
    const applications: Array<{ s: VariantState; result: FixApplication }> = [];
    for (const s of states) {
      say(`${task.id} ${s.variant}: applying fix recipe ${triggered.id}`);
      let result: FixApplication;
      try {
        result = await applyFix({
          recipe: triggered,
          executor,
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
    if (applied.length === 0) break;
    for (const { s, result } of applications) {
      if (result.applied) {
        s.image = result.image;
        s.fixes.push(result.recipe);
        s.caveats.push(`environment fix ${result.recipe}: ${result.caveat}`);
      } else {
        s.caveats.push(`environment fix ${result.recipe} could not be applied to ${s.variant}: ${result.reason}`);
      }
      if (missed.length > 0) {
        s.caveats.push(
          `environment fix ${triggered.id} was applied to ${applied.map((a) => a.s.variant).join(', ')} but not to ${missed.map((a) => a.s.variant).join(', ')}: not a like-for-like comparison`,
        );
        s.comparable = false;
      }
      // Every variant runs again on its fixed image, interleaved as before, as a new attempt.
      s.attempt += 1;
      s.roundAttempts = 1;
      s.samples = [];
      s.logs = [];
      delete s.warmup;
      s.warmupDone = false;
      s.done = false;
      s.startedAt = now().toISOString();
    }
  }
  return records;
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
