/**
 * The committed bundle (node dist/index.js), run the way a runner runs it, with the Actions cache
 * service a runner provides (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, ACTIONS_CACHE_SERVICE_V2)
 * pointed at a local stand-in: `build` on an empty runner-local cache misses the Actions cache,
 * builds and saves; `build` on a second runner (an empty local cache) restores from the Actions
 * cache and builds nothing. The @actions/cache code runs from its bundled chunk: the chunk that
 * once threw a SyntaxError on every runner while the tests that loaded the sources passed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { ROOT, runEntry } from '../action/entry-helpers.js';
import { startActionsCacheServer, type ActionsCacheServer } from '../helpers/actions-cache-server.js';

const ENTRY = join(ROOT, 'dist', 'index.js');
let root = '';
let demo: DemoRepo;
let service: ActionsCacheServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-dist-cache-'));
  [demo, service] = await Promise.all([createDemoRepo(join(root, 'demo')), startActionsCacheServer()]);
}, 120_000);

afterAll(async () => {
  await service?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function buildStep(cacheDir: string) {
  return runEntry(
    { command: 'build', dataset: demo.datasetFile, repo: demo.dir, 'cache-dir': cacheDir },
    { entry: [ENTRY], env: { ...service.env(), RUNNER_TEMP: join(root, 'runner-temp') } },
  );
}

describe('dist/index.js with the Actions cache service (v2) of a runner', () => {
  it('misses and saves on the first runner, hits on the second', async () => {
    // The same path on both runners (as $RUNNER_TOOL_CACHE/benchsweep is): the service matches an
    // entry on its key and a hash of the cached paths.
    const cacheDir = join(root, 'tool-cache', 'benchsweep');
    const first = await buildStep(cacheDir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout + first.stderr).not.toMatch(/SyntaxError|is not supported|Failed to save/);
    expect(Number(first.outputs.builds) + Number(first.outputs.overlays)).toBeGreaterThan(0);
    expect(first.outputs.failed).toBe('0');

    // A miss is asked of the service before anything is made...
    const lookups = service.twirp('GetCacheEntryDownloadURL');
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.every((c) => c.status === 200 && c.response?.ok === false)).toBe(true);
    for (const c of lookups) expect(String(c.body?.key)).toMatch(/^benchsweep-/);
    // ...then each artifact is reserved, uploaded as a block blob and finalized with its size.
    const created = service.twirp('CreateCacheEntry');
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((c) => c.status === 200 && c.response?.ok === true)).toBe(true);
    expect(service.calls.filter((c) => c.method.startsWith('blob:PUT')).every((c) => c.status === 201)).toBe(true);
    const finalized = service.twirp('FinalizeCacheEntryUpload');
    expect(finalized.map((c) => c.response?.ok)).toEqual(created.map(() => true));
    const saved = service.entries.filter((e) => e.finalized);
    expect(saved.length).toBe(created.length);
    for (const e of saved) expect(e.sizeBytes).toBeGreaterThan(0);

    // The second runner: nothing local.
    await rm(cacheDir, { recursive: true, force: true });
    const before = service.calls.length;
    const second = await buildStep(cacheDir);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({ builds: '0', overlays: '0', failed: '0' });
    const later = service.calls.slice(before);
    const hits = later.filter((c) => c.method === 'GetCacheEntryDownloadURL');
    expect(hits.length).toBe(saved.length);
    expect(hits.every((c) => c.response?.ok === true && saved.some((e) => e.key === c.response?.matched_key))).toBe(true);
    expect(later.filter((c) => c.method === 'blob:GET' && c.status === 200).length).toBe(saved.length);
    // Nothing new was saved: the second runner made nothing.
    expect(later.filter((c) => c.method === 'CreateCacheEntry')).toEqual([]);
    expect(second.stdout + second.stderr).toContain('Cache restored successfully');
  }, 600_000);
});
