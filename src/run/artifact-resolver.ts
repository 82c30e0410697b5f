/**
 * The ImageProvider of real sweeps: for a (commit, patch, toolchain) key, in order
 *   1. an image already produced by this resolver,
 *   2. the runner-local cache (docker load of a checksum-verified tarball, then verified by import),
 *   3. the index / registry (an image reference that exists on this machine or can be pulled; the
 *      config's registry templates are probed too, so what `build --push` pushed is found without an index),
 *   4. an overlay from a neighbour that has an artifact (baseline <-> human when the diff ships
 *      as-is; agent from the baseline when its patch does),
 *   5. a build (counted in `builds`),
 * and everything produced in 4 and 5 is saved to the cache, so a rerun over a warm cache builds nothing.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { artifactKey, sha256Hex } from '../core/artifact-keys.js';
import { ArtifactConfig, lookupBySha, type ArtifactIndex } from '../core/artifacts.js';
import { classifyChange, buildReasons } from '../core/rules/rebuild-rules.js';
import type { ArtifactSource } from '../core/schemas.js';
import { ArtifactCache, loadImageEntry, saveImageEntry } from '../adapters/artifact-cache.js';
import { buildArtifact, imageTagForKey, VLLM_BUILD_SCRIPT, DEMO_BUILD_SCRIPT, type BuildResult } from '../adapters/builder.js';
import { resolveCommit, diffNameStatus } from '../adapters/git.js';
import { DEMO_COMMIT_RECORD, deriveOverlayImage, treeWithPatch, verifyImage, vllmCommitRecord, type CommitRecord } from '../adapters/overlay-image.js';
import { imageAvailable, renderTemplate } from '../adapters/registry-probe.js';
import type { ImageProvider, ImageRequest, ImageResolution } from './image-provider.js';

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
  build?: (o: { repoDir: string; commit: string; patch?: string; tag: string; logFile: string }) => Promise<BuildResult>;
}

export interface ArtifactResolver extends ImageProvider {
  readonly builds: number;
  readonly overlays: number;
  /** The cache key of a request (for the build command's report). */
  keyFor(commit: string, patch?: string): string;
}

type Resolved = Extract<ImageResolution, { ok: true }>;

export function createArtifactResolver(opts: ArtifactResolverOptions): ArtifactResolver {
  const config = ArtifactConfig.parse(opts.config ?? {});
  const log = opts.log ?? (() => {});
  const cache = new ArtifactCache({ dir: opts.cacheDir, actionsMaxBytes: config.actionsCacheMaxBytes, log });
  const index = opts.index ?? { images: {}, wheels: {} };
  const repository = opts.imageRepository ?? 'benchsweep/artifact';
  const packageName = config.engine.packageDir.replace(/\/+$/, '').split('/').pop()!;
  const isVllm = config.engine.commitRecord === 'vllm-version-file';
  const recordFor = (fromCommit: string): CommitRecord => (isVllm ? vllmCommitRecord(fromCommit) : DEMO_COMMIT_RECORD);
  const produced = new Map<string, Resolved>();
  const inFlight = new Map<string, Promise<ImageResolution>>();
  let builds = 0;
  let overlays = 0;

  const keyFor = (commit: string, patch?: string) =>
    artifactKey({ commit, ...(patch ? { patchHash: sha256Hex(patch) } : {}), ...config.toolchain, recipes: config.recipes });

  async function imageExists(ref: string): Promise<boolean> {
    return (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode === 0;
  }

  /** The image each produced image's engine paths sit on (for the cache's tree format). */
  const baseOf = new Map<string, string>();

  async function saveToCache(key: string, tag: string, meta: Record<string, string>): Promise<void> {
    try {
      // Without a separate base (a custom builder), only a self-contained tarball can restore it.
      const base = baseOf.get(tag);
      const format = base && base !== tag ? config.cache.format : 'image';
      await saveImageEntry(cache, key, tag, { format, ...(base ? { base } : {}), treePaths: config.cache.treePaths, meta });
    } catch (err) {
      log(`cache: saving ${tag} failed (kept the image, not cached): ${(err as Error).message.split('\n')[0]}`);
    }
  }

  async function fromCache(key: string, commit: string): Promise<Resolved | undefined> {
    const started = Date.now();
    const loaded = await loadImageEntry(cache, key);
    if (!loaded.ok) {
      if (loaded.discarded) log(`cache: ${loaded.reason}`);
      else if (loaded.reason !== 'not in the cache') log(`cache: ${key}: ${loaded.reason}`);
      return undefined;
    }
    const verified = await verifyImage(loaded.image, packageName, commit, recordFor(commit));
    if (!verified.ok) {
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

  async function fromIndex(commit: string, tag: string): Promise<Resolved | undefined> {
    const hit = lookupBySha(index.images, commit);
    if (!hit) {
      if (lookupBySha(index.wheels, commit)) log(`index: a wheel exists for ${commit.slice(0, 12)}, but this resolver installs images only; deriving or building instead`);
      return undefined;
    }
    return pullVerified('index', hit.value, commit, tag);
  }

  /** Pull `ref` unless it is here, verify it holds `commit`, tag it as this resolver's. */
  async function pullVerified(what: string, ref: string, commit: string, tag: string): Promise<Resolved | undefined> {
    const started = Date.now();
    if (!(await imageExists(ref))) {
      const pulled = await execa('docker', ['pull', ref], { reject: false, all: true });
      if (pulled.exitCode !== 0) {
        log(`${what}: ARTIFACT_DOWNLOAD_FAILED for ${ref}: ${String(pulled.all).split('\n').slice(-2).join(' ')}; deriving or building instead`);
        return undefined;
      }
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
  async function fromTemplates(commit: string, patch: string | undefined, tag: string): Promise<Resolved | undefined> {
    const r = config.registry;
    if (r.imageTemplates.length === 0) return undefined;
    const templates = patch ? [r.agentTemplate] : r.imageTemplates;
    const vars = { registry: r.registry, repo: r.repo, ...(patch ? { patchHash: sha256Hex(patch) } : {}) };
    for (const t of templates) {
      const ref = renderTemplate(t, commit, vars);
      if (!(await imageAvailable(ref))) continue;
      const got = await pullVerified('registry', ref, commit, tag);
      if (got) return got;
    }
    return undefined;
  }

  /** Resolved without deriving or building: produced, cached or indexed. */
  async function existing(commit: string, patch: string | undefined): Promise<Resolved | undefined> {
    const key = keyFor(commit, patch);
    const tag = imageTagForKey(repository, key);
    const done = produced.get(key);
    if (done && (await imageExists(done.image))) return { ...done, seconds: 0 };
    const cached = await fromCache(key, commit);
    if (cached) {
      produced.set(key, cached);
      return cached;
    }
    const found = (patch ? undefined : await fromIndex(commit, tag)) ?? (await fromTemplates(commit, patch, tag));
    if (found) produced.set(key, found);
    return found;
  }

  async function resolveKey(req: ImageRequest, commit: string, patch: string | undefined): Promise<ImageResolution> {
    const repoDir = req.repoDir || opts.repoDir;
    const key = keyFor(commit, patch);
    const tag = imageTagForKey(repository, key);
    const have = await existing(commit, patch);
    if (have) return have;

    // Overlay candidates: the agent derives from the baseline; baseline and human from each other.
    const neighbours: Array<{ commit: string; variant: 'baseline' | 'human' }> = [];
    if (patch) neighbours.push({ commit, variant: 'baseline' });
    else {
      const other = req.variant === 'human' ? req.task.parent : req.task.commit;
      if (other) {
        const otherFull = await resolveCommit(repoDir, other).catch(() => undefined);
        if (otherFull && otherFull !== commit) neighbours.push({ commit: otherFull, variant: req.variant === 'human' ? 'baseline' : 'human' });
      }
    }
    for (const n of neighbours) {
      let toRev = commit;
      if (patch) {
        const t = await treeWithPatch(repoDir, commit, patch);
        if (!t.ok) return { ok: false, category: 'PATCH_FAILED', reason: 'the agent patch does not apply to the baseline commit', evidence: t.error };
        toRev = t.tree;
      }
      const changes = await diffNameStatus(repoDir, n.commit, toRev);
      const c = classifyChange(changes.map((x) => x.path));
      if (c.needs === 'build') {
        log(`overlay from ${n.commit.slice(0, 12)} not possible: ${buildReasons(c).map((r) => `${r.path} (${r.effect})`).join(', ')}`);
        continue;
      }
      // The agent's base is needed anyway: resolve it fully (it may be built). A baseline/human
      // neighbour is used only when it already exists, so two missing commits cost one build.
      const base = patch ? await resolveOne({ ...req, variant: 'baseline', commit: n.commit }, n.commit, undefined) : await existing(n.commit, undefined);
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
        if (derived.category === 'PATCH_FAILED') return { ok: false, category: 'PATCH_FAILED', reason: derived.reason, ...(derived.evidence ? { evidence: derived.evidence } : {}) };
        log(`overlay from ${n.commit.slice(0, 12)} failed (${derived.category}: ${derived.reason}); building instead`);
        continue;
      }
      overlays += 1;
      baseOf.set(tag, baseOf.get(base.image) ?? base.image);
      await saveToCache(key, tag, { commit, from: n.commit, source: 'overlay' });
      const r: Resolved = { ok: true, image: tag, artifact: { source: 'overlay', ref: tag, from: n.commit }, seconds: derived.seconds };
      produced.set(key, r);
      return r;
    }

    builds += 1;
    const logFile = join(opts.cacheDir, 'logs', `${key}.build.log`);
    const built = opts.build
      ? await opts.build({ repoDir, commit, ...(patch ? { patch } : {}), tag, logFile })
      : await buildArtifact({
          repoDir,
          commit,
          ...(patch ? { patch } : {}),
          builderImage: config.build.builderImage,
          env: { MAX_JOBS: config.build.maxJobs, NVCC_THREADS: config.build.nvccThreads, TORCH_CUDA_ARCH_LIST: config.toolchain.torchArchList },
          timeoutS: config.build.timeoutS,
          logFile,
          tag,
          packageName,
          buildScript: isVllm ? VLLM_BUILD_SCRIPT : DEMO_BUILD_SCRIPT,
          commitRecord: recordFor(commit),
          log,
        });
    if (!built.ok) {
      return { ok: false, category: built.category, reason: built.reason, ...(built.evidence ? { evidence: built.evidence } : {}), log: built.logFile };
    }
    baseOf.set(built.image, opts.build ? built.image : config.build.builderImage);
    await saveToCache(key, built.image, { commit, source: 'build' satisfies ArtifactSource });
    const r: Resolved = { ok: true, image: built.image, artifact: { source: 'build', ref: built.image }, seconds: built.seconds };
    produced.set(key, r);
    return r;
  }

  /** One resolution per key at a time: concurrent requests for the same artifact share it. */
  function resolveOne(req: ImageRequest, commit: string, patch: string | undefined): Promise<ImageResolution> {
    const key = keyFor(commit, patch);
    const running = inFlight.get(key);
    if (running) return running;
    const p = resolveKey(req, commit, patch).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  return {
    get builds() {
      return builds;
    },
    get overlays() {
      return overlays;
    },
    keyFor,
    async resolve(req: ImageRequest): Promise<ImageResolution> {
      const repoDir = req.repoDir || opts.repoDir;
      const commit = await resolveCommit(repoDir, req.commit).catch(() => undefined);
      if (!commit) return { ok: false, category: 'MISSING_ARTIFACT', reason: `commit ${req.commit} is not in ${repoDir}` };
      const patch = req.variant === 'agent' && req.patch ? req.patch : undefined;
      return resolveOne({ ...req, repoDir }, commit, patch);
    },
  };
}
