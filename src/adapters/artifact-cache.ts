/**
 * The runner-local, content-addressed artifact cache: one directory per key holding the artifact
 * files (a `docker save` tarball for an image, wheel files) and a manifest with their sha256.
 * An entry is used only after every checksum matches; a corrupt entry is deleted and reported as a
 * miss, so the caller rebuilds it (issue 5: "discarded and rebuilt, never used").
 *
 * Optionally backed by the Actions cache (@actions/cache) for small entries (wheels): the
 * repository's 10 GB cannot hold multi-GB images, so entries above `actionsMaxBytes` stay local.
 * An Actions cache entry's version is a hash of the path list it was saved with, so an absolute
 * path (the runner's tool cache) would keep runners with different paths from ever sharing: the
 * entry travels through one fixed relative staging path in the working directory instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';

const CACHE_MANIFEST = 'manifest.json';

const Manifest = z.object({
  schema: z.literal('benchsweep/artifact-cache@1'),
  key: z.string(),
  created: z.string(),
  files: z
    .array(
      z.object({
        name: z.string().regex(/^[^/\\]+$/),
        bytes: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1),
  meta: z.record(z.string(), z.string()).default({}),
});
export type CacheManifest = z.infer<typeof Manifest>;

export type CacheRestore =
  | {
      hit: true;
      key: string;
      dir: string;
      files: Array<{ name: string; path: string; sha256: string; bytes: number }>;
      meta: Record<string, string>;
      layer: 'local' | 'actions';
      /** False when a restore key (a prefix) matched another entry: `key` is that entry's. */
      exact?: boolean;
    }
  | { hit: false; key: string; reason: string; discarded?: boolean };

export interface ActionsCacheApi {
  /** @actions/cache's contract: the key that matched (primary, else the newest entry with a restore-key prefix). */
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

/**
 * The one path every Actions cache entry is saved from and restored to, relative to the working
 * directory (the workspace, where @actions/cache roots its tar): the same string on every runner,
 * so the same cache version, whatever the runner's own directories are.
 */
export const ACTIONS_STAGING_PATH = '.benchsweep-cache/entry';
/** Actions cache keys are the entry's key under this prefix (other caches of the repo never collide). */
const ACTIONS_KEY_PREFIX = 'benchsweep-';

export interface ArtifactCacheOptions {
  dir: string;
  /** Use the Actions cache too: defaults to on when the runner provides it (ACTIONS_RUNTIME_TOKEN + cache URL). */
  actions?: ActionsCacheApi | 'auto' | false;
  actionsMaxBytes?: number;
  /** Where ACTIONS_STAGING_PATH is resolved (default: the process's working directory, as @actions/cache resolves it). */
  workDir?: string;
  log?: (line: string) => void;
}

/** What this cache answered, for the `cache-hit` output of a step. */
export interface CacheStats {
  local: number;
  actions: number;
  misses: number;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function validKey(key: string): string {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(key) || key.startsWith('.'))
    throw new Error(`invalid cache key: ${JSON.stringify(key)}`);
  return key;
}

function actionsCacheAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL));
}

export class ArtifactCache {
  readonly dir: string;
  private readonly actionsMaxBytes: number;
  private readonly log: (line: string) => void;
  private actionsApi: ActionsCacheApi | undefined | null = null;
  private readonly actionsOption: ActionsCacheApi | 'auto' | false;
  private readonly workDir: string | undefined;
  readonly stats: CacheStats = { local: 0, actions: 0, misses: 0 };

  constructor(opts: ArtifactCacheOptions) {
    this.dir = opts.dir;
    this.workDir = opts.workDir;
    this.actionsOption = opts.actions ?? 'auto';
    this.actionsMaxBytes = opts.actionsMaxBytes ?? 2 * 1024 ** 3;
    this.log = opts.log ?? (() => {});
  }

  entryDir(key: string): string {
    return join(this.dir, 'entries', validKey(key));
  }

  private async actions(): Promise<ActionsCacheApi | undefined> {
    if (this.actionsApi !== null) return this.actionsApi;
    if (this.actionsOption === false) this.actionsApi = undefined;
    else if (this.actionsOption !== 'auto') this.actionsApi = this.actionsOption;
    else if (!actionsCacheAvailable()) this.actionsApi = undefined;
    else {
      const mod = await import('@actions/cache');
      this.actionsApi = {
        restoreCache: (p, k, r) => mod.restoreCache(p, k, r),
        saveCache: (p, k) => mod.saveCache(p, k),
      };
    }
    return this.actionsApi;
  }

  /** Verifies an entry on disk; deletes it when it is corrupt. */
  private async verifyLocal(key: string, layer: 'local' | 'actions'): Promise<CacheRestore> {
    const dir = this.entryDir(key);
    let manifest: CacheManifest;
    try {
      manifest = Manifest.parse(JSON.parse(await readFile(join(dir, CACHE_MANIFEST), 'utf8')));
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing) return { hit: false, key, reason: 'not in the cache' };
      await this.discard(dir);
      return {
        hit: false,
        key,
        reason: `corrupt manifest, entry discarded: ${(err as Error).message.split('\n')[0]}`,
        discarded: true,
      };
    }
    if (manifest.key !== key) {
      await this.discard(dir);
      return { hit: false, key, reason: `manifest names key ${manifest.key}, entry discarded`, discarded: true };
    }
    const files = [];
    for (const f of manifest.files) {
      const path = join(dir, f.name);
      const size = await stat(path)
        .then((s) => s.size)
        .catch(() => -1);
      const actual = size === f.bytes ? await sha256File(path) : undefined;
      if (actual !== f.sha256) {
        await this.discard(dir);
        const why =
          size < 0
            ? 'missing'
            : size !== f.bytes
              ? `${size} bytes, manifest says ${f.bytes}`
              : `sha256 ${actual} != ${f.sha256}`;
        return { hit: false, key, reason: `corrupt entry, discarded: ${f.name}: ${why}`, discarded: true };
      }
      files.push({ name: f.name, path, sha256: f.sha256, bytes: f.bytes });
    }
    return { hit: true, key, dir, files, meta: manifest.meta, layer };
  }

  private async discard(dir: string): Promise<void> {
    this.log(`artifact cache: discarding ${dir}`);
    const trash = join(this.dir, `.trash-${randomBytes(6).toString('hex')}`);
    await rename(dir, trash).catch(() => undefined);
    await rm(trash, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }

  /** Deletes an entry (e.g. its image did not load or verify). */
  async remove(key: string): Promise<void> {
    await this.discard(this.entryDir(key));
  }

  async has(key: string): Promise<boolean> {
    return stat(join(this.entryDir(key), CACHE_MANIFEST)).then(
      () => true,
      () => false,
    );
  }

  /** Keys of the local entries (not verified). */
  async keys(): Promise<string[]> {
    return readdir(join(this.dir, 'entries')).catch(() => [] as string[]);
  }

  /** The staging directory the Actions cache saves from and restores to. */
  private staging(): string {
    return resolve(this.workDir ?? process.cwd(), ACTIONS_STAGING_PATH);
  }

  private async clearStaging(): Promise<void> {
    await rm(resolve(this.staging(), '..'), { recursive: true, force: true });
  }

  /**
   * The entry under `key`: the local cache, else the Actions cache. `restoreKeys` (key prefixes)
   * let the Actions cache answer with the newest entry whose key starts with one of them (e.g. the
   * latest build of a branch); that entry is verified and kept under its own key, and `exact` is
   * false. An artifact of a commit must match exactly: its callers pass no restore keys.
   */
  async restore(key: string, opts: { restoreKeys?: string[] } = {}): Promise<CacheRestore> {
    const r = await this.restoreUncounted(key, opts);
    if (r.hit) this.stats[r.layer] += 1;
    else this.stats.misses += 1;
    return r;
  }

  private async restoreUncounted(key: string, opts: { restoreKeys?: string[] }): Promise<CacheRestore> {
    validKey(key);
    const local = await this.verifyLocal(key, 'local');
    if (local.hit || local.discarded) return local;
    const actions = await this.actions();
    if (!actions) return local;
    const primary = `${ACTIONS_KEY_PREFIX}${key}`;
    let matched: string | undefined;
    try {
      await this.clearStaging();
      matched = await actions.restoreCache(
        [ACTIONS_STAGING_PATH],
        primary,
        (opts.restoreKeys ?? []).map((k) => `${ACTIONS_KEY_PREFIX}${k}`),
      );
      if (!matched) return { hit: false, key, reason: 'not in the local or Actions cache' };
      // The staged entry names its own key (a restore key may have matched another one).
      const staged = Manifest.safeParse(
        JSON.parse(await readFile(join(this.staging(), CACHE_MANIFEST), 'utf8').catch(() => '{}')),
      );
      if (!staged.success)
        return { hit: false, key, reason: `the Actions cache entry ${matched} has no valid manifest`, discarded: true };
      const entryKey = validKey(staged.data.key);
      if (`${ACTIONS_KEY_PREFIX}${entryKey}` !== matched)
        return { hit: false, key, reason: `the Actions cache entry ${matched} holds ${entryKey}`, discarded: true };
      const dir = this.entryDir(entryKey);
      await mkdir(join(this.dir, 'entries'), { recursive: true });
      if (await this.has(entryKey)) await this.discard(dir);
      // Workspace and cache may be different file systems.
      await rename(this.staging(), dir).catch(async () => {
        await cp(this.staging(), dir, { recursive: true });
      });
      const r = await this.verifyLocal(entryKey, 'actions');
      return r.hit ? { ...r, exact: entryKey === key } : r;
    } catch (err) {
      return { hit: false, key, reason: `Actions cache restore failed: ${(err as Error).message}` };
    } finally {
      await this.clearStaging().catch(() => undefined);
    }
  }

  /** Copies an entry to the staging path and saves it to the Actions cache under its key. */
  private async saveToActions(actions: ActionsCacheApi, key: string, dir: string): Promise<void> {
    try {
      await this.clearStaging();
      await mkdir(resolve(this.staging(), '..'), { recursive: true });
      await cp(dir, this.staging(), { recursive: true });
      await actions.saveCache([ACTIONS_STAGING_PATH], `${ACTIONS_KEY_PREFIX}${key}`);
    } catch (err) {
      this.log(`Actions cache save of ${key} failed: ${(err as Error).message}`);
    } finally {
      await this.clearStaging().catch(() => undefined);
    }
  }

  /**
   * Stores files under `key` atomically (a temporary directory renamed into place). `move` renames
   * the files instead of copying them (for multi-GB tarballs written for the cache).
   */
  async save(
    key: string,
    files: string[],
    opts: { meta?: Record<string, string>; move?: boolean } = {},
  ): Promise<CacheManifest> {
    const dir = this.entryDir(key);
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      const entries = [];
      for (const file of files) {
        const name = basename(file);
        const target = join(tmp, name);
        if (opts.move) await rename(file, target).catch(() => copyFile(file, target));
        else await copyFile(file, target);
        entries.push({ name, bytes: (await stat(target)).size, sha256: await sha256File(target) });
      }
      const manifest: CacheManifest = {
        schema: 'benchsweep/artifact-cache@1',
        key,
        created: new Date().toISOString(),
        files: entries,
        meta: opts.meta ?? {},
      };
      await writeFile(join(tmp, CACHE_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
      await mkdir(join(this.dir, 'entries'), { recursive: true });
      if (await this.has(key)) await this.discard(dir);
      await rename(tmp, dir);
      const total = entries.reduce((s, e) => s + e.bytes, 0);
      const actions = await this.actions();
      if (actions && total <= this.actionsMaxBytes) {
        await this.saveToActions(actions, key, dir);
      } else if (actions) {
        this.log(`artifact cache: ${key} is ${total} bytes, over the Actions cache limit; kept runner-local only`);
      }
      return manifest;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

/**
 * Images in the cache, in one of two formats:
 * - `image`: a `docker save` tarball (self-contained; multi-GB for an engine image, 15 s per
 *   385 MB here);
 * - `tree`: a tar of the paths the engine occupies (`/opt/engine`, or vLLM's package directory)
 *   plus the image's runtime settings, restored by a `docker build` FROM the recorded base image
 *   (the builder/runtime image every commit shares). The analogue of a wheel: small enough for
 *   the Actions cache, and seconds to save and restore.
 */
export type ImageCacheFormat = 'image' | 'tree';

export interface SaveImageOptions {
  format: ImageCacheFormat;
  /** tree: the image the engine paths are restored onto. */
  base?: string;
  /** tree: absolute paths the engine occupies in the image. */
  treePaths?: string[];
  meta?: Record<string, string>;
}

async function dockerOk(args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await execa('docker', args, { reject: false, all: true });
  return { ok: r.exitCode === 0, out: String(r.all ?? '') };
}

export async function saveImageEntry(
  cache: ArtifactCache,
  key: string,
  image: string,
  o: SaveImageOptions,
): Promise<CacheManifest> {
  await mkdir(cache.dir, { recursive: true });
  const tmp = join(cache.dir, `.save-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp);
  try {
    if (o.format === 'image') {
      const tar = join(tmp, 'image.tar');
      await execa('docker', ['save', '-o', tar, image]);
      return await cache.save(key, [tar], { move: true, meta: { ...o.meta, image, format: 'image' } });
    }
    if (!o.base || !o.treePaths?.length) throw new Error('tree format needs a base image and the engine paths');
    const tar = join(tmp, 'engine.tar');
    const rel = o.treePaths.map((p) => p.replace(/^\/+/, ''));
    await execa(
      'docker',
      ['run', '--rm', '--network', 'none', '--entrypoint', 'tar', image, '-C', '/', '-cf', '-', ...rel],
      { stdout: { file: tar } },
    );
    const baseId = (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', o.base])).stdout.trim();
    // Paths the base already holds must be removed before the tree is added (deleted files stay deleted).
    const present = await execa(
      'docker',
      ['run', '--rm', '--network', 'none', '--entrypoint', 'ls', o.base, '-d', ...o.treePaths],
      { reject: false },
    );
    const baseHas = String(present.stdout)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => o.treePaths!.includes(l));
    const inspect = await execa('docker', ['image', 'inspect', '--format', '{{json .Config}}', image]);
    const config = JSON.parse(inspect.stdout) as {
      Env?: string[];
      WorkingDir?: string;
      Labels?: Record<string, string> | null;
    };
    const settings = { env: config.Env ?? [], workdir: config.WorkingDir ?? '', labels: config.Labels ?? {} };
    return await cache.save(key, [tar], {
      move: true,
      meta: {
        ...o.meta,
        image,
        format: 'tree',
        base: o.base,
        baseId,
        baseHas: JSON.stringify(baseHas),
        paths: JSON.stringify(o.treePaths),
        settings: JSON.stringify(settings),
      },
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export type LoadImageResult =
  { ok: true; image: string; meta: Record<string, string> } | { ok: false; reason: string; discarded?: boolean };

/** Restores a verified entry into Docker under its recorded tag (the caller verifies the image itself). */
export async function loadImageEntry(cache: ArtifactCache, key: string): Promise<LoadImageResult> {
  const r = await cache.restore(key);
  if (!r.hit) return { ok: false, reason: r.reason, ...(r.discarded ? { discarded: true } : {}) };
  const image = r.meta.image;
  if (!image) return { ok: false, reason: 'entry without an image tag' };
  if (r.meta.format !== 'tree') {
    const loaded = await dockerOk(['load', '-i', r.files[0]!.path]);
    return loaded.ok
      ? { ok: true, image, meta: r.meta }
      : { ok: false, reason: `docker load failed: ${loaded.out.slice(-500)}` };
  }
  const base = r.meta.base!;
  const baseNow = await dockerOk(['image', 'inspect', '--format', '{{.Id}}', base]);
  if (!baseNow.ok) return { ok: false, reason: `base image ${base} is not on this machine` };
  // The tree was taken on top of one base image: onto another it would make a different engine.
  if (r.meta.baseId && baseNow.out.trim() !== r.meta.baseId)
    return { ok: false, reason: `base image ${base} changed since the entry was saved` };
  const paths = JSON.parse(r.meta.paths ?? '[]') as string[];
  const settings = JSON.parse(r.meta.settings ?? '{}') as {
    env?: string[];
    workdir?: string;
    labels?: Record<string, string>;
  };
  const ctx = join(cache.dir, `.load-${randomBytes(6).toString('hex')}`);
  await mkdir(ctx);
  try {
    await copyFile(r.files[0]!.path, join(ctx, 'engine.tar'));
    const q = (s: string) => JSON.stringify(s);
    const baseHas = JSON.parse(r.meta.baseHas ?? JSON.stringify(paths)) as string[];
    const env = (settings.env ?? []).map((kv) => `${kv.slice(0, kv.indexOf('='))}=${q(kv.slice(kv.indexOf('=') + 1))}`);
    const labels = Object.entries(settings.labels ?? {}).map(([k, v]) => `${q(k)}=${q(v)}`);
    // Few instructions: each one is a layer commit of the legacy builder.
    const lines = [
      `FROM ${base}`,
      ...(baseHas.length ? [`RUN ${JSON.stringify(['rm', '-rf', '--', ...baseHas])}`] : []),
      'ADD engine.tar /',
      ...(env.length ? [`ENV ${env.join(' ')}`] : []),
      ...(settings.workdir ? [`WORKDIR ${settings.workdir}`] : []),
      ...(labels.length ? [`LABEL ${labels.join(' ')}`] : []),
    ];
    await writeFile(join(ctx, 'Dockerfile'), lines.join('\n') + '\n');
    const built = await execa('docker', ['build', '-q', '--network', 'none', '-t', image, ctx], {
      reject: false,
      all: true,
      env: { DOCKER_BUILDKIT: '0' },
    });
    return built.exitCode === 0
      ? { ok: true, image, meta: r.meta }
      : { ok: false, reason: `restoring ${image} onto ${base} failed: ${String(built.all).slice(-500)}` };
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
