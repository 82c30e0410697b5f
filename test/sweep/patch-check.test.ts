import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAll, git, initRepo } from '../../src/adapters/git.js';
import { checkAgentPatch, checkPatchApplies } from '../../src/run/patch-check.js';

let dir: string;
let parent: string;
let goodPatch: string;
let benchPatch: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patch-check-'));
  await initRepo(dir);
  await mkdir(join(dir, 'engine'));
  await mkdir(join(dir, 'benchmarks'));
  await writeFile(join(dir, 'engine/speed.py'), 'DELAY = 4\n');
  await writeFile(join(dir, 'benchmarks/bench.py'), 'N = 16\n');
  parent = await commitAll(dir, 'parent');
  await writeFile(join(dir, 'engine/speed.py'), 'DELAY = 2\n');
  goodPatch = await git(dir, ['diff', 'HEAD']);
  await writeFile(join(dir, 'benchmarks/bench.py'), 'N = 1\n');
  benchPatch = await git(dir, ['diff', 'HEAD']);
  await git(dir, ['checkout', '-q', '--', '.']);
  // The repository moves on; the patch is checked against the parent, not HEAD.
  await writeFile(join(dir, 'engine/speed.py'), 'DELAY = 3\n');
  await commitAll(dir, 'human');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent patch check', () => {
  it('a patch that applies to the parent passes, even when HEAD moved', async () => {
    expect(await checkAgentPatch({ repoDir: dir, parent, patch: goodPatch })).toEqual({
      ok: true,
      paths: ['engine/speed.py'],
    });
    expect((await checkPatchApplies(dir, 'HEAD', goodPatch)).ok).toBe(false);
  });
  it('a patch that edits benchmarks/ is PATCH_REJECTED with the offending path', async () => {
    const r = await checkAgentPatch({ repoDir: dir, parent, patch: benchPatch });
    expect(r).toMatchObject({ ok: false, category: 'PATCH_REJECTED', offending: ['benchmarks/bench.py'] });
  });
  it('a patch that does not apply is PATCH_FAILED with git’s message', async () => {
    const broken = goodPatch.replace('-DELAY = 4', '-DELAY = 7');
    const r = await checkAgentPatch({ repoDir: dir, parent, patch: broken });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.category).toBe('PATCH_FAILED');
    expect(r.evidence).toMatch(/patch failed: engine\/speed.py|does not apply/);
  });
  it('an empty patch does not apply', async () => {
    expect(await checkAgentPatch({ repoDir: dir, parent, patch: '' })).toMatchObject({
      ok: false,
      category: 'PATCH_FAILED',
    });
  });
  it('leaves the repository index and worktree alone', async () => {
    expect((await git(dir, ['status', '--porcelain'])).trim()).toBe('');
  });
});
