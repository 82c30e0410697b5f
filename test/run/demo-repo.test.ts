import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/dataset-file.js';
import { createDemoRepo, DEMO_ENGINE_DIR, DEMO_SPEED_FILE, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { diffNameStatus, git, showFile, tryGit } from '../../src/adapters/git.js';

let root: string;
let repo: DemoRepo;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'benchsweep-demo-repo-'));
  repo = await createDemoRepo(root);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('createDemoRepo', () => {
  it('finds the engine sources from the package root', () => {
    expect(existsSync(join(DEMO_ENGINE_DIR, 'demo_engine', 'server.py'))).toBe(true);
    expect(existsSync(join(DEMO_ENGINE_DIR, 'benchmarks', 'benchmark_serving.py'))).toBe(true);
  });

  it('makes a parent commit and a human commit that only lowers the token delay', async () => {
    expect((await git(repo.dir, ['rev-parse', `${repo.human}^`])).trim()).toBe(repo.parent);
    expect(await diffNameStatus(repo.dir, repo.parent, repo.human)).toEqual([{ status: 'M', path: DEMO_SPEED_FILE }]);
    expect(await showFile(repo.dir, repo.parent, DEMO_SPEED_FILE)).toMatch(/^TOKEN_DELAY_S = 0\.012$/m);
    expect(await showFile(repo.dir, repo.human, DEMO_SPEED_FILE)).toMatch(/^TOKEN_DELAY_S = 0\.006$/m);
    expect((await git(repo.dir, ['status', '--porcelain'])).trim()).toBe('');
  });

  it('writes an agent patch that applies to the parent and not to the human commit', async () => {
    expect(await readFile(repo.agentPatchFile, 'utf8')).toBe(repo.agentPatch);
    expect(repo.agentPatch).toContain('+TOKEN_DELAY_S = 0.009');
    const wt = join(root, 'wt');
    await git(repo.dir, ['worktree', 'add', '-q', '--detach', wt, repo.parent]);
    expect((await tryGit(wt, ['apply', '--check', repo.agentPatchFile])).ok).toBe(true);
    await git(wt, ['checkout', '-q', '--detach', repo.human]);
    expect((await tryGit(wt, ['apply', '--check', repo.agentPatchFile])).ok).toBe(false);
  });

  it('writes a dataset row the loader accepts', async () => {
    const ds = await loadDataset(repo.datasetFile);
    expect(ds.errors).toEqual([]);
    expect(ds.tasks).toHaveLength(1);
    const t = ds.tasks[0]!;
    expect(t).toMatchObject({
      id: repo.taskId,
      commit: repo.human,
      parent: repo.parent,
      models: ['demo-model'],
      hasAgentPatch: true,
      patchPath: repo.agentPatchFile,
    });
    expect(t.perfCommand).toMatch(/^python3 benchmarks\/benchmark_serving\.py /);
    expect(t.filesChanged).toEqual([DEMO_SPEED_FILE]);
  });
});
