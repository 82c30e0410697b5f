/**
 * The artifact cache over the real @actions/cache client and a local stand-in for the Actions cache
 * service (test/helpers/actions-cache-server.ts): two runners with different tool-cache and
 * workspace paths share entries, a restore key finds the newest entry with a prefix, and the
 * counts behind the `cache-hit` output.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_STAGING_PATH, ArtifactCache } from '../../src/adapters/artifact-cache.js';
import { startActionsCacheServer, type ActionsCacheServer } from '../helpers/actions-cache-server.js';

let root: string;
let server: ActionsCacheServer;
const savedEnv = { ...process.env };
const savedCwd = process.cwd();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-actions-cache-'));
  server = await startActionsCacheServer();
  Object.assign(process.env, server.env());
});
afterAll(async () => {
  process.chdir(savedCwd);
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

/** A runner: its own workspace (the step's working directory) and its own tool cache. */
async function onRunner<T>(name: string, toolCache: string, fn: (cache: ArtifactCache) => Promise<T>): Promise<T> {
  const workspace = join(root, name, 'work', 'repo', 'repo');
  await mkdir(workspace, { recursive: true });
  process.chdir(workspace);
  process.env.GITHUB_WORKSPACE = workspace;
  try {
    return await fn(
      new ArtifactCache({ dir: join(root, name, toolCache), actions: 'auto', actionsMaxBytes: 1024 * 1024 }),
    );
  } finally {
    process.chdir(savedCwd);
  }
}

describe('artifact cache on the Actions cache service', () => {
  it('an entry saved on one runner is restored on another with different paths, verified', async () => {
    const wheel = join(root, 'demo_engine-0.1-py3-none-any.whl');
    await writeFile(wheel, 'wheel bytes of commit abc');
    await onRunner('runner-a', 'hostedtoolcache/benchsweep', async (cache) => {
      await cache.save('wheel-abc123', [wheel], { meta: { commit: 'abc123' } });
    });
    expect(server.twirp('FinalizeCacheEntryUpload').map((c) => c.response?.ok)).toEqual([true]);
    expect(server.entries.map((e) => e.key)).toEqual(['benchsweep-wheel-abc123']);

    const restored = await onRunner('runner-b', 'opt/actions-runner/_tool/benchsweep', async (cache) => {
      const r = await cache.restore('wheel-abc123');
      return { r, stats: { ...cache.stats } };
    });
    expect(restored.r).toMatchObject({
      hit: true,
      layer: 'actions',
      key: 'wheel-abc123',
      exact: true,
      meta: { commit: 'abc123' },
    });
    if (!restored.r.hit) return;
    expect(restored.r.dir).toBe(
      join(root, 'runner-b', 'opt/actions-runner/_tool/benchsweep', 'entries', 'wheel-abc123'),
    );
    expect(await readFile(restored.r.files[0]!.path, 'utf8')).toBe('wheel bytes of commit abc');
    expect(restored.stats).toEqual({ local: 0, actions: 1, misses: 0 });
    // One version for the save and the restore: the path list does not name either runner's paths.
    const versions = new Set(server.twirp().map((c) => c.body?.version));
    expect(versions.size).toBe(1);
    // The staging path is gone from the workspace afterwards.
    await expect(
      readFile(join(root, 'runner-b', 'work', 'repo', 'repo', ACTIONS_STAGING_PATH, 'manifest.json')),
    ).rejects.toThrow();
  });

  it('the second restore is local; a missing key is a miss; a restore key finds the newest entry with its prefix', async () => {
    const r = await onRunner('runner-b', 'opt/actions-runner/_tool/benchsweep', async (cache) => {
      const again = await cache.restore('wheel-abc123');
      const miss = await cache.restore('wheel-fff999');
      return { again, miss, stats: { ...cache.stats } };
    });
    expect(r.again).toMatchObject({ hit: true, layer: 'local' });
    expect(r.miss).toMatchObject({ hit: false, reason: 'not in the local or Actions cache' });
    expect(r.stats).toEqual({ local: 1, actions: 0, misses: 1 });

    const prefix = await onRunner('runner-c', 'tool', async (cache) =>
      cache.restore('wheel-abc999', { restoreKeys: ['wheel-abc'] }),
    );
    expect(prefix).toMatchObject({ hit: true, layer: 'actions', key: 'wheel-abc123', exact: false });
    expect(server.twirp('GetCacheEntryDownloadURL').at(-1)!.body).toMatchObject({
      key: 'benchsweep-wheel-abc999',
      restore_keys: ['benchsweep-wheel-abc'],
    });
  });
});
