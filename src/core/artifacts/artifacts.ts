/**
 * Where each variant's engine artifact comes from, decided before any runner starts: the
 * runner-local cache (images, then wheels), then a registry image, a per-commit wheel index or a
 * wheel named in the index, then an overlay from a neighbour that
 * has an artifact (no compiler: the diff ships as-is), then a build on a CPU runner.
 * Pure: takes the task, the index of what exists and the change lists; returns the plan.
 */
import { DEFAULT_BASE_IMAGE } from './base-image-spec.js';
import { z } from 'zod';
import type { ArtifactSource, Variant } from '../schemas.js';
import type { Task } from '../task.js';
import { buildReasons, classifyChange, type ChangeClassification } from './rules/rebuild-rules.js';

const Sha = z.string().regex(/^[0-9a-fA-F]{7,40}$/, 'a hex commit sha');

/** What already exists: `{"images": {"<full sha>": "<image ref>"}, "wheels": {"<full sha>": "<url or path>"}}`. */
export const ArtifactIndex = z.object({
  images: z.record(Sha, z.string().min(1)).default({}),
  wheels: z.record(Sha, z.string().min(1)).default({}),
});
export type ArtifactIndex = z.infer<typeof ArtifactIndex>;

const Seconds = z.number().nonnegative();

/** Per-source cost of producing one artifact (seconds), for the plan's estimate. */
const ArtifactCosts = z.strictObject({
  /** docker load of a runner-local tarball of a multi-GB image. */
  cacheS: Seconds.default(90),
  /** docker pull of a ~20 GB vLLM image. */
  registryImageS: Seconds.default(300),
  /** Download a wheel and install it into the runtime image. */
  registryWheelS: Seconds.default(240),
  /** Install a wheel from the runner-local cache into the runtime image (the demo measures seconds). */
  cachedWheelS: Seconds.default(20),
  /** docker build FROM a local image with one COPY layer (the demo engine measures seconds). */
  overlayS: Seconds.default(30),
  /** A CPU build of vLLM: 30–35 min with MAX_JOBS=32 (seeds/000_cc6954765d4c8c41.txt). */
  buildS: Seconds.default(2100),
});
export type ArtifactCosts = z.infer<typeof ArtifactCosts>;

/** Toolchain, build and engine-layout settings of artifact resolution; every field has a default. Strict: an unknown key is an error naming it (schemas/artifact-config.schema.json is generated from it). */
export const ArtifactConfig = z.strictObject({
  toolchain: z
    .strictObject({
      python: z.string().default('3.12'),
      cuda: z.string().default('12.4'),
      torchArchList: z.string().default('9.0'),
    })
    .prefault({}),
  /** Fix recipes applied when building (they change the artifact, so they are part of its key). */
  recipes: z.array(z.string()).default([]),
  build: z
    .strictObject({
      /** Default: benchsweep's own base image, built on demand (its tag follows its package list). */
      builderImage: z.string().default(DEFAULT_BASE_IMAGE),
      maxJobs: z.number().int().positive().default(32),
      nvccThreads: z.number().int().positive().default(2),
      /** A hard limit: the seeds' builds hung for 3600 s. */
      timeoutS: z.number().int().positive().default(5400),
    })
    .prefault({}),
  registry: z
    .strictObject({
      /** e.g. "{registry}/{repo}:{sha}", "{registry}/{repo}:baseline-{sha12}"; probed, not pulled blindly. */
      imageTemplates: z.array(z.string()).default([]),
      wheelTemplates: z.array(z.string()).default([]),
      registry: z.string().default(''),
      repo: z.string().default(''),
      /**
       * Where agent images live: keyed by the parent commit AND the patch (`{patch12}` = first 12 hex
       * of the patch's sha256), so two agents' patches on one commit never share a tag.
       */
      agentTemplate: z.string().default('{registry}/{repo}:agent-{sha12}-{patch12}'),
      /** `build --push`: extra attempts of a `docker push` that failed transiently (network, 5xx). */
      pushRetries: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
  engine: z
    .strictObject({
      /** The package directory in the repository (vllm/, demo_engine/). */
      packageDir: z.string().default('demo_engine'),
      /** Where the package is installed in the image; detected by importing it when absent. */
      installedPath: z.string().optional(),
      /** How the image records its commit: the demo's `_commit.py` or vLLM's `_version.py`. */
      commitRecord: z.enum(['demo-commit-file', 'vllm-version-file']).default('demo-commit-file'),
      /** Other repository directories installed in the image (the demo's benchmarks/). */
      extraDirs: z.array(z.strictObject({ repoDir: z.string(), installedPath: z.string() })).default([]),
    })
    .prefault({}),
  cache: z
    .strictObject({
      /** tree: the engine's paths restored onto the base image (seconds, small); image: docker save. */
      format: z.enum(['tree', 'image']).default('tree'),
      /** tree: the paths the engine occupies in the image (the demo layout; vLLM: its package directory). */
      treePaths: z.array(z.string()).default(['/opt/engine', '/usr/local/bin/python']),
    })
    .prefault({}),
  /** Artifacts larger than this never go to the Actions cache (10 GB per repository). */
  actionsCacheMaxBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  /**
   * Wheels: a per-commit wheel index (vLLM publishes one per main-branch commit), wheels named in the
   * artifact index, wheels cached from earlier builds; each installed into the runtime base.
   */
  wheel: z
    .strictObject({
      /** Index roots per commit, read as a simple index (PEP 503/691): e.g. "{base}/{sha}/" (a URL or a directory). */
      indexTemplates: z.array(z.string()).default([]),
      /** `{base}` in the templates, e.g. "https://wheels.vllm.ai". */
      base: z.string().default(''),
      /** The distribution's name on the index (default: from engine.packageDir, `demo_engine` -> `demo-engine`). */
      project: z.string().optional(),
      /** The build step builds a wheel (`pip wheel --no-deps --no-build-isolation`) and installs it, instead of an image. */
      build: z.boolean().default(false),
      /** The image a wheel is installed into (vLLM: CUDA + torch of the commit's era); default: build.builderImage. */
      runtimeBase: z.string().optional(),
      /** pip --target (the demo: /opt/engine/site); absent: the runtime's site-packages. */
      installTarget: z.string().optional(),
      /** Dockerfile lines after the install (ENV, WORKDIR); absent: the engine preset's. */
      runtimeLines: z.array(z.string()).optional(),
      /** Seconds to wait for an index page. */
      timeoutS: z.number().int().positive().default(30),
    })
    .prefault({}),
  /**
   * Whether steps may reach a package index (pip constraints of fix recipes, wheel builds that fetch
   * sources): on for self-hosted runners, off in tests (there a local index on 127.0.0.1 stands in).
   */
  allowNetwork: z.boolean().default(false),
  /** A package index for pip steps (fix recipes), e.g. "http://127.0.0.1:8080/simple"; default: pip's own. */
  pipIndexUrl: z.string().optional(),
  costs: ArtifactCosts.prefault({}),
});
export type ArtifactConfig = z.infer<typeof ArtifactConfig>;

export interface VariantArtifactPlan {
  source: ArtifactSource;
  /** overlay: the neighbour commit the image is derived from. */
  from?: string;
  /** registry: the image reference or wheel URL; cache: the commit's cache name. */
  ref?: string;
  reason: string;
  costS: number;
  /** The decision rests on an assumption checked at run time (e.g. the agent patch was not read). */
  tentative?: boolean;
}

export type TaskArtifacts = Record<Variant, VariantArtifactPlan>;

export interface PlanArtifactsContext {
  index: ArtifactIndex;
  /** git diff --name-only parent..commit when a checkout is given; else the row's files_changed. */
  changedFiles?: string[];
  /** Files the agent patch touches (pathsInPatch). Unknown: the patch is assumed Python-only, tentatively. */
  agentPatchPaths?: string[];
  /** Commit shas (short or full) whose artifact is in the runner-local (or Actions) cache. */
  cached?: Set<string>;
  /** Commit shas whose wheel is in the runner-local cache (installed without a download). */
  cachedWheels?: Set<string>;
  /** Commit shas with a wheel in a per-commit wheel index (probed by the caller), with the index page. */
  indexedWheels?: Map<string, string>;
  costs?: Partial<ArtifactCosts>;
}

/** Whether two shas name the same commit: equal, or one is a prefix (7+ characters) of the other. */
export function sameSha(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  if (x.length < 7 || y.length < 7) return false;
  return x.startsWith(y) || y.startsWith(x);
}

/** The value whose key names `sha` (full keys, short or full lookups); none when ambiguous. */
export function lookupBySha<T>(record: Record<string, T>, sha: string): { key: string; value: T } | undefined {
  const exact = record[sha] ?? record[sha.toLowerCase()];
  if (exact !== undefined) return { key: sha.toLowerCase(), value: exact };
  const hits = Object.keys(record).filter((k) => sameSha(k, sha));
  if (hits.length !== 1) return undefined;
  return { key: hits[0]!, value: record[hits[0]!]! };
}

function inSet(set: Set<string> | undefined, sha: string): boolean {
  if (!set) return false;
  if (set.has(sha) || set.has(sha.toLowerCase())) return true;
  for (const s of set) if (sameSha(s, sha)) return true;
  return false;
}

type Existing = { source: 'cache' | 'registry' | 'wheel'; ref: string; reason: string; costS: number };

function existingArtifact(
  sha: string,
  ctx: PlanArtifactsContext,
  costs: ArtifactCosts,
  producedBy?: Map<string, string>,
): Existing | undefined {
  if (inSet(ctx.cached, sha))
    return { source: 'cache', ref: sha, reason: 'in the runner-local cache', costS: costs.cacheS };
  if (producedBy) {
    for (const [s, taskId] of producedBy) {
      if (sameSha(s, sha))
        return {
          source: 'cache',
          ref: sha,
          reason: `produced earlier in this sweep (task ${taskId}), then cached`,
          costS: costs.cacheS,
        };
    }
  }
  if (inSet(ctx.cachedWheels, sha))
    return {
      source: 'wheel',
      ref: sha,
      reason: 'wheel in the runner-local cache, installed into the runtime image',
      costS: costs.cachedWheelS,
    };
  const image = lookupBySha(ctx.index.images, sha);
  if (image)
    return {
      source: 'registry',
      ref: image.value,
      reason: `image in the index: ${image.value}`,
      costS: costs.registryImageS,
    };
  const indexed = ctx.indexedWheels ? lookupBySha(Object.fromEntries(ctx.indexedWheels), sha) : undefined;
  if (indexed)
    return {
      source: 'wheel',
      ref: indexed.value,
      reason: `wheel in the per-commit index: ${indexed.value}`,
      costS: costs.registryWheelS,
    };
  const wheel = lookupBySha(ctx.index.wheels, sha);
  if (wheel)
    return {
      source: 'wheel',
      ref: wheel.value,
      reason: `wheel in the index: ${wheel.value}`,
      costS: costs.registryWheelS,
    };
  return undefined;
}

function describeBuild(c: ChangeClassification): string {
  const r = buildReasons(c);
  const shown = r.slice(0, 3).map((x) => `${x.path} (${x.effect})`);
  return shown.join(', ') + (r.length > 3 ? `, and ${r.length - 3} more` : '');
}

function planTask(task: Task, ctx: PlanArtifactsContext, producedBy?: Map<string, string>): TaskArtifacts {
  const costs = ArtifactCosts.parse(ctx.costs ?? {});
  const parent = task.parent;
  const changed = ctx.changedFiles ?? task.filesChanged;
  const diff = changed ? classifyChange(changed) : undefined;
  const diffOverlay = diff?.needs === 'overlay';
  const whyNotOverlay = !diff
    ? 'files changed unknown (no files_changed, no checkout)'
    : `the diff needs a build: ${describeBuild(diff)}`;

  const humanHas = existingArtifact(task.commit, ctx, costs, producedBy);
  const baseHas = parent ? existingArtifact(parent, ctx, costs, producedBy) : undefined;

  const direct = (e: Existing): VariantArtifactPlan => ({
    source: e.source,
    ref: e.ref,
    reason: e.reason,
    costS: e.costS,
  });
  const overlay = (from: string, reason: string): VariantArtifactPlan => ({
    source: 'overlay',
    from,
    reason,
    costS: costs.overlayS,
  });
  const build = (reason: string): VariantArtifactPlan => ({ source: 'build', reason, costS: costs.buildS });

  let baseline: VariantArtifactPlan;
  let human: VariantArtifactPlan;
  if (!parent) {
    baseline = build('no parent commit in the row: the baseline cannot be resolved');
    human = humanHas ? direct(humanHas) : build('no artifact for the commit');
  } else if (baseHas && humanHas) {
    baseline = direct(baseHas);
    human = direct(humanHas);
  } else if (humanHas) {
    human = direct(humanHas);
    baseline = diffOverlay
      ? overlay(task.commit, `the human image with the diff reverted (${changed!.length} files ship as-is)`)
      : build(`no artifact for the parent; ${whyNotOverlay}`);
  } else if (baseHas) {
    baseline = direct(baseHas);
    human = diffOverlay
      ? overlay(parent, `the baseline image with the diff replayed (${changed!.length} files ship as-is)`)
      : build(`no artifact for the commit; ${whyNotOverlay}`);
  } else {
    // Neither exists: build the parent once (the agent derives from it too), derive the human.
    baseline = build('no artifact for the parent or the commit');
    human = diffOverlay
      ? overlay(parent, 'the baseline build with the diff replayed (files ship as-is)')
      : build(`no artifact for the commit; ${whyNotOverlay}`);
  }

  let agent: VariantArtifactPlan;
  if (!parent) {
    agent = build('no parent commit: the agent patch has no base');
  } else if (task.hasAgentPatch === false) {
    agent = { source: 'overlay', from: parent, reason: 'no agent patch in the row: nothing to derive', costS: 0 };
  } else if (ctx.agentPatchPaths) {
    const p = classifyChange(ctx.agentPatchPaths);
    agent =
      p.needs === 'overlay'
        ? overlay(
            parent,
            `the baseline image with the agent patch applied (${ctx.agentPatchPaths.length} files ship as-is)`,
          )
        : build(`the agent patch needs a build: ${describeBuild(p)}`);
  } else {
    agent = {
      ...overlay(
        parent,
        'the baseline image with the agent patch applied, if the patch is Python-only (checked at run time; otherwise a build)',
      ),
      tentative: true,
    };
  }
  return { baseline, human, agent };
}

/** The artifact plan of one task (see the module comment for the order). */
export function planArtifacts(task: Task, ctx: PlanArtifactsContext): TaskArtifacts {
  return planTask(task, ctx);
}

/**
 * Plans for many tasks: a commit produced (built or derived) for one task is a cache hit for the
 * tasks after it, since the build job caches everything it produces.
 */
export function planArtifactsForTasks(
  tasks: readonly Task[],
  ctx: Omit<PlanArtifactsContext, 'changedFiles' | 'agentPatchPaths'> & {
    changedFilesByTask?: Map<string, string[]>;
    agentPatchPathsByTask?: Map<string, string[]>;
  },
): Map<string, TaskArtifacts> {
  const out = new Map<string, TaskArtifacts>();
  const producedBy = new Map<string, string>();
  for (const task of tasks) {
    const taskCtx: PlanArtifactsContext = { index: ctx.index, cached: ctx.cached, costs: ctx.costs };
    if (ctx.cachedWheels) taskCtx.cachedWheels = ctx.cachedWheels;
    if (ctx.indexedWheels) taskCtx.indexedWheels = ctx.indexedWheels;
    const changed = ctx.changedFilesByTask?.get(task.id);
    if (changed) taskCtx.changedFiles = changed;
    const patchPaths = ctx.agentPatchPathsByTask?.get(task.id);
    if (patchPaths) taskCtx.agentPatchPaths = patchPaths;
    const plan = planTask(task, taskCtx, producedBy);
    out.set(task.id, plan);
    if (task.parent && (plan.baseline.source === 'build' || plan.baseline.source === 'overlay'))
      producedBy.set(task.parent, task.id);
    if (plan.human.source === 'build' || plan.human.source === 'overlay') producedBy.set(task.commit, task.id);
  }
  return out;
}

export type SourceCounts = Record<ArtifactSource, number>;

export interface ArtifactSummary {
  baseline: SourceCounts;
  human: SourceCounts;
  agent: SourceCounts;
  /** Builds on CPU runners (all variants). */
  builds: number;
  overlays: number;
  /** Seconds of artifact work before the GPU jobs (sum of costs). */
  totalCostS: number;
}

function zero(): SourceCounts {
  return { cache: 0, registry: 0, wheel: 0, overlay: 0, build: 0 };
}

export function summarizeArtifacts(plans: Iterable<TaskArtifacts>): ArtifactSummary {
  const s: ArtifactSummary = { baseline: zero(), human: zero(), agent: zero(), builds: 0, overlays: 0, totalCostS: 0 };
  for (const p of plans) {
    for (const v of ['baseline', 'human', 'agent'] as const) {
      s[v][p[v].source] += 1;
      s.totalCostS += p[v].costS;
      if (p[v].source === 'build') s.builds += 1;
      if (p[v].source === 'overlay') s.overlays += 1;
    }
  }
  return s;
}

/** The plan document's shape per task (DESIGN.md: `"artifacts": {"baseline": {"source", "from"?}, ...}`). */
export function artifactsJson(
  p: TaskArtifacts,
): Record<Variant, { source: ArtifactSource; from?: string; ref?: string; reason: string; cost_s: number }> {
  const one = (v: VariantArtifactPlan) => ({
    source: v.source,
    ...(v.from ? { from: v.from } : {}),
    ...(v.ref ? { ref: v.ref } : {}),
    reason: v.reason,
    cost_s: v.costS,
  });
  return { baseline: one(p.baseline), human: one(p.human), agent: one(p.agent) };
}
