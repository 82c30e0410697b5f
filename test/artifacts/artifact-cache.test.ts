import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache, type ActionsCacheApi } from '../../src/adapters/artifact-cache.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const p = join(root, name);
  await writeFile(p, content);
  return p;
}

describe('ArtifactCache', () => {
  it('saves and restores an entry with verified checksums', async () => {
    const cache = new ArtifactCache({ dir: join(root, 'c1'), actions: false });
    expect(await cache.restore('k1')).toMatchObject({ hit: false, reason: 'not in the cache' });
    const wheel = await file('vllm-0.1-py3-none-any.whl', 'wheel bytes');
    await cache.save('k1', [wheel], { meta: { image: 'img:1' } });
    const r = await cache.restore('k1');
    expect(r.hit).toBe(true);
    if (!r.hit) return;
    expect(r.meta).toEqual({ image: 'img:1' });
    expect(r.files).toHaveLength(1);
    expect(await readFile(r.files[0]!.path, 'utf8')).toBe('wheel bytes');
    expect(r.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('discards an entry whose file has a flipped byte, and never returns it', async () => {
    const cache = new ArtifactCache({ dir: join(root, 'c2'), actions: false });
    const tar = await file('image.tar', 'x'.repeat(4096));
    await cache.save('k2', [tar]);
    const fh = await open(join(cache.entryDir('k2'), 'image.tar'), 'r+');
    await fh.write(Buffer.from('y'), 0, 1, 100);
    await fh.close();
    const r = await cache.restore('k2');
    expect(r).toMatchObject({ hit: false, discarded: true });
    expect(!r.hit && r.reason).toMatch(/image\.tar: sha256/);
    expect(await cache.has('k2')).toBe(false);
    expect(await cache.restore('k2')).toMatchObject({ hit: false, reason: 'not in the cache' });
  });

  it('discards truncated files and broken manifests', async () => {
    const cache = new ArtifactCache({ dir: join(root, 'c3'), actions: false });
    await cache.save('trunc', [await file('a.tar', 'abcdef')]);
    await writeFile(join(cache.entryDir('trunc'), 'a.tar'), 'abc');
    expect(await cache.restore('trunc')).toMatchObject({ hit: false, discarded: true });
    await cache.save('bad', [await file('b.tar', 'abcdef')]);
    await writeFile(join(cache.entryDir('bad'), 'manifest.json'), '{"schema": 1');
    expect(await cache.restore('bad')).toMatchObject({ hit: false, discarded: true });
  });

  it('rejects keys that could escape the cache directory', async () => {
    const cache = new ArtifactCache({ dir: join(root, 'c4'), actions: false });
    await expect(cache.restore('../x')).rejects.toThrow(/invalid cache key/);
  });

  it('uses the Actions cache layer for small entries only, and verifies what it restores', async () => {
    const remote = join(root, 'remote');
    const saved: string[] = [];
    // A directory-backed stand-in with @actions/cache's contract: paths are restored to where they were saved from.
    // Paths are relative to the working directory, as @actions/cache resolves them.
    const workDir = join(root, 'workspace');
    const api: ActionsCacheApi = {
      async saveCache(paths, key) {
        saved.push(key);
        await cp(join(workDir, paths[0]!), join(remote, key), { recursive: true });
        return 1;
      },
      async restoreCache(paths, key) {
        try {
          await cp(join(remote, key), join(workDir, paths[0]!), { recursive: true, errorOnExist: false });
          return key;
        } catch {
          return undefined;
        }
      },
    };
    const a = new ArtifactCache({ dir: join(root, 'runner-a'), actions: api, actionsMaxBytes: 100, workDir });
    await a.save('small', [await file('w.whl', 'tiny wheel')]);
    await a.save('big', [await file('i.tar', 'z'.repeat(500))]);
    expect(saved).toEqual(['benchsweep-small']);
    const b = new ArtifactCache({ dir: join(root, 'runner-a'), actions: api, actionsMaxBytes: 100, workDir });
    await rm(join(root, 'runner-a'), { recursive: true });
    expect(await b.restore('small')).toMatchObject({ hit: true, layer: 'actions' });
    expect(await b.restore('big')).toMatchObject({ hit: false });
  });
});
