/**
 * The ImageProvider of real sweeps: for a (commit, patch, toolchain) key, in order
 *   1. an image already produced by this resolver,
 *   2. the runner-local cache (docker load of a checksum-verified tarball, then verified by import),
 *   3. a wheel in the runner-local cache (content-addressed, sha256-checked), installed into the
 *      runtime base (no download),
 *   4. the index / registry (an image reference that exists on this machine or can be pulled; the
 *      config's registry templates are probed too, so what `build --push` pushed is found without an index),
 *   5. a wheel from the per-commit wheel index (config `wheel.indexTemplates`) or named in the
 *      artifact index: downloaded (sha256 checked against the index), cached, installed,
 *   6. an overlay from a neighbour that has an artifact (baseline <-> human when the diff ships
 *      as-is; agent from the baseline when its patch does: the patch lands on the installed wheel's files),
 *   7. a build (counted in `builds`): a wheel (`wheel.build`: pip wheel on the CPU job, cached, then
 *      installed) or an image,
 * and everything produced in 5 to 7 is saved to the cache, so a rerun over a warm cache builds and
 * downloads nothing. A wheel-installed image is not cached as an image: its wheel is the artifact.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactKey, sha256Hex } from '../core/artifacts/artifact-keys.js';
import { ArtifactConfig, lookupBySha, type ArtifactIndex } from '../core/artifacts/artifacts.js';
import { classifyChange, buildReasons } from '../core/artifacts/rules/rebuild-rules.js';
import type { ArtifactSource } from '../core/schemas.js';
import { ArtifactCache, loadImageEntry, saveImageEntry } from '../adapters/artifact-cache.js';
import {
  buildArtifact,
  imageTagForKey,
  VLLM_BUILD_SCRIPT,
  DEMO_BUILD_SCRIPT,
  DEMO_RUNTIME_LINES,
  type BuildEnv,
  type BuildResult,
} from '../adapters/builder.js';
import { projectForPackage, renderWheelIndex, wheelCacheKey } from '../core/artifacts/wheel-index.js';
import { fetchWheel, findIndexedWheel } from '../adapters/wheel-source.js';
import { buildWheel, DEMO_WHEEL_PREPARE, VLLM_WHEEL_PREPARE } from '../adapters/wheel-builder.js';
import { installWheelImage } from '../adapters/wheel-install.js';
import { resolveCommit, diffNameStatus } from '../adapters/git.js';
import {
  DEMO_COMMIT_RECORD,
  deriveOverlayImage,
  treeWithPatch,
  verifyImage,
  vllmCommitRecord,
  type CommitRecord,
} from '../adapters/overlay-image.js';
import { imageAvailable, renderTemplate } from '../adapters/registry-probe.js';
import type { ImageProvider, ImageRequest, ImageResolution } from './image-provider.js';
import { dockerUnreachable } from '../adapters/docker-daemon.js';

export interface ArtifactResolverOptions {
  repoDir: string;
  cacheDir: string;
  index?: ArtifactIndex;
  /** ArtifactConfig input (defaults fill the rest). */
  config?: unknown;
  log?: (line: string) => void;
  /** Repository part of the image tags this resolver creates. */
  imageRepository?: string;
  /** Replace the build step (e.g. a different builder); it must verify what it returns. */
  build?: (o: {
    repoDir: string;
    commit: string;
    patch?: string;
    tag: string;
    logFile: string;
  }) => Promise<BuildResult>;
}

export interface ArtifactResolver extends ImageProvider {
  readonly builds: number;
  readonly overlays: number;
  /** Wheels downloaded and images pulled (a rerun over a warm cache downloads nothing). */
  readonly downloads: number;
  /** The cache key of a request (for the build command's report). */
  keyFor(commit: string, patch?: string): string;
}

type Resolved = Extract<ImageResolution, { ok: true }>;

/** The cache key of a commit (+ patch) under a config: the same toolchain and recipes, the same artifact. */
function artifactKeyFor(config: ArtifactConfig, commit: string, patch?: string): string {
  return artifactKey({
    commit,
    ...(patch ? { patchHash: sha256Hex(patch) } : {}),
    ...config.toolchain,
    recipes: config.recipes,
  });
}

/** Whether a probe can find anything: a per-commit wheel index is configured or the cache holds wheels. */
export async function wheelSourcesPossible(config: ArtifactConfig, cacheDir: string): Promise<boolean> {
  if (config.wheel.indexTemplates.length > 0) return true;
  return (await new ArtifactCache({ dir: cacheDir, actions: false }).keys()).some((k) => k.startsWith('wheel-'));
}

/**
 * For the plan (`build --dry-run`): which commits have a wheel in the runner-local cache, and which
 * have one in a per-commit wheel index (one page read per commit and template; nothing downloaded).
 * `commits` are full shas.
 */
export async function probeWheelSources(o: {
  config: unknown;
  cacheDir: string;
  commits: readonly string[];
  log?: (line: string) => void;
}): Promise<{ cachedWheels: Set<string>; indexedWheels: Map<string, string> }> {
  const config = ArtifactConfig.parse(o.config ?? {});
  const cache = new ArtifactCache({ dir: o.cacheDir, actions: false });
  const project = config.wheel.project ?? projectForPackage(config.engine.packageDir);
  const cachedWheels = new Set<string>();
  const indexedWheels = new Map<string, string>();
  for (const commit of new Set(o.commits)) {
    if (await cache.has(wheelCacheKey(artifactKeyFor(config, commit)))) {
      cachedWheels.add(commit);
      continue;
    }
    for (const t of config.wheel.indexTemplates) {
      const found = await findIndexedWheel(
        renderWheelIndex(t, commit, config.wheel.base),
        project,
        { python: config.toolchain.python },
        config.wheel.timeoutS * 1000,
      );
      if (found.ok) {
        indexedWheels.set(commit, found.wheel.url);
        break;
      }
      o.log?.(`wheel index: ${found.reason}`);
    }
  }
  return { cachedWheels, indexedWheels };
}

/** What the resolution steps share: the parsed config, the cache, the index and the resolver's own state. */
interface ResolverContext {
  opts: ArtifactResolverOptions;
  config: ArtifactConfig;
  log: (line: string) => void;
  cache: ArtifactCache;
  index: ArtifactIndex;
  repository: string;
  packageName: string;
  isVllm: boolean;
  recordFor: (fromCommit: string) => CommitRecord;
  produced: Map<string, Resolved>;
  inFlight: Map<string, Promise<ImageResolution>>;
  counts: { builds: number; overlays: number; downloads: number };
  project: string;
  runtimeBase: string;
  installTarget: string | undefined;
  keyFor: (commit: string, patch?: string) => string;
  /** The image each produced image's engine paths sit on (for the cache's tree format). */
  baseOf: Map<string, string>;
}

export function createArtifactResolver(opts: ArtifactResolverOptions): ArtifactResolver {
  const config = ArtifactConfig.parse(opts.config ?? {});
  const log = opts.log ?? (() => {});
  const packageDir = config.engine.packageDir;
  const isVllm = config.engine.commitRecord === 'vllm-version-file';
  const keyFor = (commit: string, patch?: string) => artifactKeyFor(config, commit, patch);
  const ctx: ResolverContext = {
    opts,
    config,
    log,
    cache: new ArtifactCache({ dir: opts.cacheDir, actionsMaxBytes: config.actionsCacheMaxBytes, log }),
    index: opts.index ?? { images: {}, wheels: {} },
    repository: opts.imageRepository ?? 'benchsweep/artifact',
    packageName: packageDir.replace(/\/+$/, '').split('/').pop()!,
    isVllm,
    recordFor: (fromCommit: string): CommitRecord => (isVllm ? vllmCommitRecord(fromCommit) : DEMO_COMMIT_RECORD),
    produced: new Map(),
    inFlight: new Map(),
    counts: { builds: 0, overlays: 0, downloads: 0 },
    project: config.wheel.project ?? projectForPackage(packageDir),
    runtimeBase: config.wheel.runtimeBase ?? config.build.builderImage,
    // The demo layout puts the package on PYTHONPATH=/opt/engine/site (COMMON.md); vLLM installs into site-packages.
    installTarget: config.wheel.installTarget ?? (isVllm ? undefined : '/opt/engine/site'),
    keyFor,
    baseOf: new Map(),
  };

  return {
    get builds() {
      return ctx.counts.builds;
    },
    get overlays() {
      return ctx.counts.overlays;
    },
    get downloads() {
      return ctx.counts.downloads;
    },
    keyFor,
    async resolve(req: ImageRequest): Promise<ImageResolution> {
      const repoDir = req.repoDir || opts.repoDir;
      const commit = await resolveCommit(repoDir, req.commit).catch(() => undefined);
      if (!commit)
        return { ok: false, category: 'MISSING_ARTIFACT', reason: `commit ${req.commit} is not in ${repoDir}` };
      const patch = req.variant === 'agent' && req.patch ? req.patch : undefined;
      return resolveOne(ctx, { ...req, repoDir }, commit, patch);
    },
  };
}

async function imageExists(ref: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode === 0;
}

async function saveToCache(
  ctx: ResolverContext,
  key: string,
  tag: string,
  meta: Record<string, string>,
): Promise<void> {
  const { config, log, cache, baseOf } = ctx;
  try {
    // Without a separate base (a custom builder), only a self-contained tarball can restore it.
    const base = baseOf.get(tag);
    const format = base && base !== tag ? config.cache.format : 'image';
    await saveImageEntry(cache, key, tag, {
      format,
      ...(base ? { base } : {}),
      treePaths: config.cache.treePaths,
      meta,
    });
  } catch (err) {
    log(`cache: saving ${tag} failed (kept the image, not cached): ${(err as Error).message.split('\n')[0]}`);
  }
}

async function fromCache(ctx: ResolverContext, key: string, commit: string): Promise<Resolved | undefined> {
  const { log, cache, packageName, recordFor, baseOf } = ctx;
  const started = Date.now();
  const loaded = await loadImageEntry(cache, key);
  if (!loaded.ok) {
    if (loaded.discarded) log(`cache: ${loaded.reason}`);
    else if (loaded.reason !== 'not in the cache') log(`cache: ${key}: ${loaded.reason}`);
    return undefined;
  }
  const verified = await verifyImage(loaded.image, packageName, commit, recordFor(commit));
  if (!verified.ok) {
    // A check that failed for lack of a daemon says nothing about the entry: keep it and the image.
    const lost = await dockerUnreachable();
    if (lost) {
      log(`cache: ${key} not verified: ${lost}`);
      return undefined;
    }
    log(`cache: entry ${key} did not verify (${verified.reason}); discarded`);
    await cache.remove(key);
    await execa('docker', ['rmi', '-f', loaded.image], { reject: false });
    return undefined;
  }
  baseOf.set(loaded.image, loaded.meta.base ?? loaded.image);
  return {
    ok: true,
    image: loaded.image,
    artifact: { source: 'cache', ref: loaded.image, ...(loaded.meta.from ? { from: loaded.meta.from } : {}) },
    seconds: (Date.now() - started) / 1000,
  };
}

async function fromIndex(ctx: ResolverContext, commit: string, tag: string): Promise<Resolved | undefined> {
  const { index } = ctx;
  const hit = lookupBySha(index.images, commit);
  if (!hit) return undefined;
  return pullVerified(ctx, 'index', hit.value, commit, tag);
}

/** Installs a wheel into the runtime base and verifies it (import and commit); undefined when it does not hold the commit. */
async function installVerified(
  ctx: ResolverContext,
  wheelPath: string,
  commit: string,
  tag: string,
  repoDir: string,
  artifact: Resolved['artifact'],
  started: number,
): Promise<Resolved | undefined> {
  const { config, log, packageName, isVllm, recordFor, runtimeBase, installTarget, baseOf } = ctx;
  const inst = await installWheelImage({
    wheelPath,
    runtimeBase,
    tag,
    commit,
    ...(installTarget ? { target: installTarget } : {}),
    runtimeLines: config.wheel.runtimeLines ?? (isVllm ? [] : DEMO_RUNTIME_LINES),
    extraDirs: config.engine.extraDirs,
    repoDir,
    ...(isVllm ? { stampCommitFor: packageName } : {}),
    log,
  });
  if (!inst.ok) {
    log(`wheel: ${inst.category}: ${inst.reason}${inst.evidence ? `\n${inst.evidence}` : ''}`);
    return undefined;
  }
  const verified = await verifyImage(tag, packageName, commit, recordFor(commit));
  if (!verified.ok) {
    log(`wheel: ${tag} failed verification (${verified.category}: ${verified.reason})`);
    if (!(await dockerUnreachable())) await execa('docker', ['rmi', '-f', tag], { reject: false });
    return undefined;
  }
  baseOf.set(tag, runtimeBase);
  const seconds = (Date.now() - started) / 1000;
  log(`wheel: ${tag} holds ${commit.slice(0, 12)} (${seconds.toFixed(1)} s)`);
  return { ok: true, image: tag, artifact, seconds };
}

/** A wheel of this key from the runner-local (or Actions) cache, installed; a wheel that does not verify is discarded. */
async function fromWheelCache(
  ctx: ResolverContext,
  key: string,
  commit: string,
  tag: string,
  repoDir: string,
): Promise<Resolved | undefined> {
  const { log, cache } = ctx;
  const started = Date.now();
  const wkey = wheelCacheKey(key);
  const r = await cache.restore(wkey);
  if (!r.hit) {
    if (r.discarded) log(`cache: ${r.reason}`);
    return undefined;
  }
  const whl = r.files.find((f) => f.name.endsWith('.whl'));
  if (!whl) return undefined;
  const got = await installVerified(ctx, whl.path, commit, tag, repoDir, { source: 'wheel', ref: whl.path }, started);
  if (!got) await cache.remove(wkey);
  return got;
}

/** Downloads a wheel (sha256 checked), caches it content-addressed and installs it from the cache. */
async function fetchCacheInstall(
  ctx: ResolverContext,
  url: string,
  fileName: string,
  sha256: string | undefined,
  key: string,
  commit: string,
  tag: string,
  repoDir: string,
  what: string,
): Promise<Resolved | undefined> {
  const { log, cache, opts } = ctx;
  const started = Date.now();
  await mkdir(opts.cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(opts.cacheDir, '.wheel-'));
  try {
    const fetched = await fetchWheel(url, fileName, tmp, sha256);
    if (!fetched.ok) {
      log(`${what}: ARTIFACT_DOWNLOAD_FAILED: ${fetched.reason}`);
      return undefined;
    }
    ctx.counts.downloads += 1;
    log(
      `${what}: fetched ${fileName} (${fetched.bytes} bytes, sha256 ${fetched.sha256.slice(0, 12)}) in ${fetched.seconds.toFixed(1)} s`,
    );
    const wkey = wheelCacheKey(key);
    await cache.save(wkey, [fetched.path], {
      move: true,
      meta: { commit, source: 'wheel', origin: url, sha256: fetched.sha256 },
    });
    const got = await installVerified(
      ctx,
      join(cache.entryDir(wkey), fileName),
      commit,
      tag,
      repoDir,
      { source: 'wheel', ref: url },
      started,
    );
    if (!got) await cache.remove(wkey);
    return got;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The per-commit wheel indexes, then a wheel the artifact index names (a .whl URL/path, or an index root). */
async function fromWheelSources(
  ctx: ResolverContext,
  key: string,
  commit: string,
  tag: string,
  repoDir: string,
): Promise<Resolved | undefined> {
  const { config, log, index, project } = ctx;
  const rt = { python: config.toolchain.python };
  const roots = config.wheel.indexTemplates.map((t) => ({
    root: renderWheelIndex(t, commit, config.wheel.base),
    what: 'wheel index',
  }));
  const named = lookupBySha(index.wheels, commit);
  if (named && !named.value.endsWith('.whl')) roots.push({ root: named.value, what: 'index wheel' });
  for (const { root, what } of roots) {
    const found = await findIndexedWheel(root, project, rt, config.wheel.timeoutS * 1000);
    if (!found.ok) {
      log(`${what}: ${found.reason}`);
      continue;
    }
    const got = await fetchCacheInstall(
      ctx,
      found.wheel.url,
      found.wheel.fileName,
      found.wheel.sha256,
      key,
      commit,
      tag,
      repoDir,
      what,
    );
    if (got) return got;
  }
  if (named && named.value.endsWith('.whl')) {
    const fileName = named.value.split('#')[0]!.split('/').pop()!;
    const sha = /#sha256=([0-9a-f]{64})/i.exec(named.value)?.[1];
    return fetchCacheInstall(
      ctx,
      named.value.split('#')[0]!,
      decodeURIComponent(fileName),
      sha,
      key,
      commit,
      tag,
      repoDir,
      'index wheel',
    );
  }
  return undefined;
}

/** Pull `ref` unless it is here, verify it holds `commit`, tag it as this resolver's. */
async function pullVerified(
  ctx: ResolverContext,
  what: string,
  ref: string,
  commit: string,
  tag: string,
): Promise<Resolved | undefined> {
  const { log, packageName, recordFor, baseOf } = ctx;
  const started = Date.now();
  if (!(await imageExists(ref))) {
    const pulled = await execa('docker', ['pull', ref], { reject: false, all: true });
    if (pulled.exitCode !== 0) {
      log(
        `${what}: ARTIFACT_DOWNLOAD_FAILED for ${ref}: ${String(pulled.all).split('\n').slice(-2).join(' ')}; deriving or building instead`,
      );
      return undefined;
    }
    ctx.counts.downloads += 1;
    log(`${what}: pulled ${ref} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const verified = await verifyImage(ref, packageName, commit, recordFor(commit));
  if (!verified.ok) {
    // A listed image that holds another commit or does not import is never used (seeds/003: broken human images).
    log(`${what}: ${ref} failed verification (${verified.category}: ${verified.reason}); deriving or building instead`);
    return undefined;
  }
  await execa('docker', ['tag', ref, tag]);
  baseOf.set(tag, ref);
  return { ok: true, image: tag, artifact: { source: 'registry', ref }, seconds: (Date.now() - started) / 1000 };
}

/**
 * The configured registry templates, without an index file: what `build --push` pushed
 * (baseline/human by commit through `imageTemplates`, agent by commit + patch through
 * `agentTemplate`) is probed (local, then an HTTP HEAD on the manifest), pulled and verified.
 */
async function fromTemplates(
  ctx: ResolverContext,
  commit: string,
  patch: string | undefined,
  tag: string,
): Promise<Resolved | undefined> {
  const { config } = ctx;
  const r = config.registry;
  if (r.imageTemplates.length === 0) return undefined;
  const templates = patch ? [r.agentTemplate] : r.imageTemplates;
  const vars = { registry: r.registry, repo: r.repo, ...(patch ? { patchHash: sha256Hex(patch) } : {}) };
  for (const t of templates) {
    const ref = renderTemplate(t, commit, vars);
    if (!(await imageAvailable(ref))) continue;
    const got = await pullVerified(ctx, 'registry', ref, commit, tag);
    if (got) return got;
  }
  return undefined;
}

/** Resolved without deriving or building: produced, cached (images, then wheels) or indexed (images, then wheels). */
async function existing(
  ctx: ResolverContext,
  commit: string,
  patch: string | undefined,
  repoDir: string,
): Promise<Resolved | undefined> {
  const { repository, produced, keyFor } = ctx;
  const key = keyFor(commit, patch);
  const tag = imageTagForKey(repository, key);
  const done = produced.get(key);
  if (done && (await imageExists(done.image))) return { ...done, seconds: 0 };
  const cached = (await fromCache(ctx, key, commit)) ?? (await fromWheelCache(ctx, key, commit, tag, repoDir));
  if (cached) {
    produced.set(key, cached);
    return cached;
  }
  const found =
    (patch ? undefined : await fromIndex(ctx, commit, tag)) ??
    (await fromTemplates(ctx, commit, patch, tag)) ??
    (patch ? undefined : await fromWheelSources(ctx, key, commit, tag, repoDir));
  if (found) produced.set(key, found);
  return found;
}

/** A key not resolved yet: an existing artifact, else an overlay from a neighbour, else a build. */
async function resolveKey(
  ctx: ResolverContext,
  req: ImageRequest,
  commit: string,
  patch: string | undefined,
): Promise<ImageResolution> {
  const repoDir = req.repoDir || ctx.opts.repoDir;
  const key = ctx.keyFor(commit, patch);
  const tag = imageTagForKey(ctx.repository, key);
  const have = await existing(ctx, commit, patch, repoDir);
  if (have) return have;
  const overlaid = await fromOverlay(ctx, req, key, commit, patch, tag, repoDir);
  if (overlaid) return overlaid;
  return fromBuild(ctx, key, commit, patch, tag, repoDir);
}

/** Overlay candidates: the agent derives from the baseline; baseline and human from each other. */
async function overlayNeighbours(
  req: ImageRequest,
  commit: string,
  patch: string | undefined,
  repoDir: string,
): Promise<Array<{ commit: string; variant: 'baseline' | 'human' }>> {
  const neighbours: Array<{ commit: string; variant: 'baseline' | 'human' }> = [];
  if (patch) neighbours.push({ commit, variant: 'baseline' });
  else {
    const other = req.variant === 'human' ? req.task.parent : req.task.commit;
    if (other) {
      const otherFull = await resolveCommit(repoDir, other).catch(() => undefined);
      if (otherFull && otherFull !== commit)
        neighbours.push({ commit: otherFull, variant: req.variant === 'human' ? 'baseline' : 'human' });
    }
  }
  return neighbours;
}

/**
 * An overlay from the first neighbour whose diff ships as-is (the agent's patch landing on the
 * baseline's files); undefined when none can, a failure when the agent's patch does not apply.
 */
async function fromOverlay(
  ctx: ResolverContext,
  req: ImageRequest,
  key: string,
  commit: string,
  patch: string | undefined,
  tag: string,
  repoDir: string,
): Promise<ImageResolution | undefined> {
  const { config, log, recordFor, produced, baseOf } = ctx;
  const neighbours = await overlayNeighbours(req, commit, patch, repoDir);
  for (const n of neighbours) {
    let toRev = commit;
    if (patch) {
      const t = await treeWithPatch(repoDir, commit, patch);
      if (!t.ok)
        return {
          ok: false,
          category: 'PATCH_FAILED',
          reason: 'the agent patch does not apply to the baseline commit',
          evidence: t.error,
        };
      toRev = t.tree;
    }
    const changes = await diffNameStatus(repoDir, n.commit, toRev);
    const c = classifyChange(changes.map((x) => x.path));
    if (c.needs === 'build') {
      log(
        `overlay from ${n.commit.slice(0, 12)} not possible: ${buildReasons(c)
          .map((r) => `${r.path} (${r.effect})`)
          .join(', ')}`,
      );
      continue;
    }
    // The agent's base is needed anyway: resolve it fully (it may be built). A baseline/human
    // neighbour is used only when it already exists, so two missing commits cost one build.
    const base = patch
      ? await resolveOne(ctx, { ...req, variant: 'baseline', commit: n.commit }, n.commit, undefined)
      : await existing(ctx, n.commit, undefined, repoDir);
    if (!base || !base.ok) continue;
    const derived = await deriveOverlayImage({
      repoDir,
      fromImage: base.image,
      fromCommit: n.commit,
      toCommit: commit,
      packageDir: config.engine.packageDir,
      ...(config.engine.installedPath ? { installedPath: config.engine.installedPath } : {}),
      commitRecord: recordFor(n.commit),
      extraDirs: config.engine.extraDirs,
      tag,
      ...(patch ? { patch } : {}),
      log,
    });
    if (!derived.ok) {
      if (derived.category === 'PATCH_FAILED')
        return {
          ok: false,
          category: 'PATCH_FAILED',
          reason: derived.reason,
          ...(derived.evidence ? { evidence: derived.evidence } : {}),
        };
      log(`overlay from ${n.commit.slice(0, 12)} failed (${derived.category}: ${derived.reason}); building instead`);
      continue;
    }
    ctx.counts.overlays += 1;
    baseOf.set(tag, baseOf.get(base.image) ?? base.image);
    await saveToCache(ctx, key, tag, { commit, from: n.commit, source: 'overlay' });
    const r: Resolved = {
      ok: true,
      image: tag,
      artifact: { source: 'overlay', ref: tag, from: n.commit },
      seconds: derived.seconds,
    };
    produced.set(key, r);
    return r;
  }

  return undefined;
}

/** The last resort, counted in `builds`: a wheel (`wheel.build`) or an image, saved to the cache. */
async function fromBuild(
  ctx: ResolverContext,
  key: string,
  commit: string,
  patch: string | undefined,
  tag: string,
  repoDir: string,
): Promise<ImageResolution> {
  const { config, log, packageName, isVllm, recordFor, produced, baseOf, opts } = ctx;
  ctx.counts.builds += 1;
  const logFile = join(opts.cacheDir, 'logs', `${key}.build.log`);
  if (config.wheel.build && !opts.build) return buildWheelAndInstall(ctx, key, commit, patch, tag, repoDir, logFile);
  const built = opts.build
    ? await opts.build({ repoDir, commit, ...(patch ? { patch } : {}), tag, logFile })
    : await buildArtifact({
        repoDir,
        commit,
        ...(patch ? { patch } : {}),
        builderImage: config.build.builderImage,
        env: compileEnv(config),
        timeoutS: config.build.timeoutS,
        logFile,
        tag,
        packageName,
        buildScript: isVllm ? VLLM_BUILD_SCRIPT : DEMO_BUILD_SCRIPT,
        commitRecord: recordFor(commit),
        log,
      });
  if (!built.ok) {
    return {
      ok: false,
      category: built.category,
      reason: built.reason,
      ...(built.evidence ? { evidence: built.evidence } : {}),
      log: built.logFile,
    };
  }
  baseOf.set(built.image, opts.build ? built.image : config.build.builderImage);
  await saveToCache(ctx, key, built.image, { commit, source: 'build' satisfies ArtifactSource });
  const r: Resolved = {
    ok: true,
    image: built.image,
    artifact: { source: 'build', ref: built.image },
    seconds: built.seconds,
  };
  produced.set(key, r);
  return r;
}

/** The CPU build job's wheel: pip wheel in the builder image, cached content-addressed, installed and verified. */
async function buildWheelAndInstall(
  ctx: ResolverContext,
  key: string,
  commit: string,
  patch: string | undefined,
  tag: string,
  repoDir: string,
  logFile: string,
): Promise<ImageResolution> {
  const { config, log, cache, isVllm, produced, opts } = ctx;
  const started = Date.now();
  await mkdir(opts.cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(opts.cacheDir, '.wheel-build-'));
  try {
    const wb = await buildWheel({
      repoDir,
      commit,
      ...(patch ? { patch } : {}),
      builderImage: config.build.builderImage,
      env: compileEnv(config),
      timeoutS: config.build.timeoutS,
      logFile,
      outDir: tmp,
      prepareScript: isVllm ? VLLM_WHEEL_PREPARE : DEMO_WHEEL_PREPARE,
      network: config.allowNetwork,
      log,
    });
    if (!wb.ok)
      return {
        ok: false,
        category: wb.category,
        reason: wb.reason,
        ...(wb.evidence ? { evidence: wb.evidence } : {}),
        log: wb.logFile,
      };
    const wkey = wheelCacheKey(key);
    await cache.save(wkey, [wb.path], {
      move: true,
      meta: { commit, source: 'build', sha256: wb.sha256, ...(patch ? { patch: sha256Hex(patch) } : {}) },
    });
    const cachedPath = join(cache.entryDir(wkey), wb.fileName);
    const got = await installVerified(
      ctx,
      cachedPath,
      commit,
      tag,
      repoDir,
      { source: 'build', ref: cachedPath },
      started,
    );
    if (!got) {
      await cache.remove(wkey);
      return {
        ok: false,
        category: 'BUILD_FAILED',
        reason: `the wheel ${wb.fileName} built, but its runtime image did not install or verify`,
        log: logFile,
      };
    }
    produced.set(key, got);
    return got;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** One resolution per key at a time: concurrent requests for the same artifact share it. */
function resolveOne(
  ctx: ResolverContext,
  req: ImageRequest,
  commit: string,
  patch: string | undefined,
): Promise<ImageResolution> {
  const { inFlight, keyFor } = ctx;
  const key = keyFor(commit, patch);
  const running = inFlight.get(key);
  if (running) return running;
  const p = resolveKey(ctx, req, commit, patch).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

/** The compiler settings of the artifact config, as the image and the wheel builds both pass them. */
function compileEnv(config: ArtifactConfig): BuildEnv {
  return {
    MAX_JOBS: config.build.maxJobs,
    NVCC_THREADS: config.build.nvccThreads,
    TORCH_CUDA_ARCH_LIST: config.toolchain.torchArchList,
  };
}
