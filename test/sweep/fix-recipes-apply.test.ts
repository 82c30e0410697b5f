import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE } from '../../src/adapters/base-image.js';
import { commitAll, initRepo } from '../../src/adapters/git.js';
import { applyFixRecipe, type FixRecipeLike } from '../../src/run/fix-recipes-apply.js';

const IMAGE = 'benchsweep/test-fix-target:latest';
let work: string;
let repo: string;
let commit: string;
const made: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fix-apply-'));
  const ctx = join(work, 'ctx');
  await mkdir(join(ctx, 'fakeeng', 'configs'), { recursive: true });
  await writeFile(join(ctx, 'fakeeng', '__init__.py'), '');
  await writeFile(join(ctx, 'fakeeng', 'configs', 'ovis.py'), 'AutoConfig.register("aimv2", AIMv2Config)\n');
  await writeFile(
    join(ctx, 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nCOPY fakeeng /opt/site/fakeeng\nENV PYTHONPATH=/opt/site\nWORKDIR /opt\n`,
  );
  await execa('docker', ['build', '-q', '-t', IMAGE, ctx], { env: { DOCKER_BUILDKIT: '0' } });
  repo = join(work, 'repo');
  await mkdir(join(repo, 'fakeeng', 'attn'), { recursive: true });
  await initRepo(repo);
  await writeFile(join(repo, 'fakeeng', 'attn', 'fa_utils.py'), 'RESTORED = True\n');
  commit = await commitAll(repo, 'engine');
}, 120_000);

afterAll(async () => {
  await execa('docker', ['rmi', '-f', IMAGE, ...made], { reject: false });
  await rm(work, { recursive: true, force: true });
});

async function cat(image: string, path: string): Promise<string> {
  const r = await execa('docker', ['run', '--rm', '--network', 'none', image, 'cat', path], { reject: false });
  return r.exitCode === 0 ? r.stdout : `<missing: ${r.stderr.trim()}>`;
}

describe('applying fix recipes to an image', () => {
  it('file-patch: a derived image with the text replaced inside the installed package', async () => {
    const recipe: FixRecipeLike = {
      id: 'aimv2-exist-ok',
      caveat: 'engine source modified: exist_ok=True',
      action: {
        type: 'file-patch',
        path: 'fakeeng/configs/ovis.py',
        find: 'AIMv2Config)',
        replace: 'AIMv2Config, exist_ok=True)',
      },
    };
    const r = await applyFixRecipe({ recipe, executor: 'docker', image: IMAGE, commit, repoDir: repo });
    expect(r).toMatchObject({ applied: true, recipe: 'aimv2-exist-ok', caveat: recipe.caveat });
    if (!r.applied) return;
    made.push(r.image);
    expect(r.image).not.toBe(IMAGE);
    expect(await cat(r.image, '/opt/site/fakeeng/configs/ovis.py')).toContain('AIMv2Config, exist_ok=True)');
    expect(await cat(IMAGE, '/opt/site/fakeeng/configs/ovis.py')).not.toContain('exist_ok');
  }, 120_000);

  it('file-patch finds the registration in a sibling file when it moved', async () => {
    const recipe: FixRecipeLike = {
      id: 'aimv2-sibling',
      caveat: 'c',
      action: {
        type: 'file-patch',
        path: 'fakeeng/configs/ovis2.py',
        find: 'AIMv2Config)',
        replace: 'AIMv2Config, exist_ok=True)',
      },
    };
    const r = await applyFixRecipe({ recipe, executor: 'docker', image: IMAGE, commit, repoDir: repo });
    expect(r.applied).toBe(true);
    if (!r.applied) return;
    made.push(r.image);
    expect(await cat(r.image, '/opt/site/fakeeng/configs/ovis.py')).toContain('exist_ok=True');
  }, 120_000);

  it('file-patch whose text is not in the image is not applied, with the evidence', async () => {
    const recipe: FixRecipeLike = {
      id: 'nope',
      caveat: 'x',
      action: { type: 'file-patch', path: 'fakeeng/configs/ovis.py', find: 'not there', replace: 'y' },
    };
    const r = await applyFixRecipe({ recipe, executor: 'docker', image: IMAGE, commit, repoDir: repo });
    expect(r.applied).toBe(false);
    if (r.applied) return;
    expect(r.reason).toContain('does not fit');
    expect(r.evidence).toContain('the text to replace is not in');
  }, 120_000);

  it('file-restore: the file from the commit is put where the package lives', async () => {
    const recipe: FixRecipeLike = {
      id: 'restore-fa-utils',
      caveat: 'restored from source',
      action: { type: 'file-restore', path: 'fakeeng/attn/fa_utils.py' },
    };
    const r = await applyFixRecipe({ recipe, executor: 'docker', image: IMAGE, commit, repoDir: repo });
    expect(r.applied).toBe(true);
    if (!r.applied) return;
    made.push(r.image);
    expect(await cat(r.image, '/opt/site/fakeeng/attn/fa_utils.py')).toBe('RESTORED = True');
  }, 120_000);

  it('pip constraints are recorded, not installed, without a package index; host executor never modifies', async () => {
    const pip: FixRecipeLike = {
      id: 'numpy-lt-2',
      caveat: 'numpy<2',
      action: { type: 'pip-constraint', spec: 'numpy<2' },
    };
    const r = await applyFixRecipe({ recipe: pip, executor: 'docker', image: IMAGE, commit, repoDir: repo });
    expect(r).toMatchObject({ applied: false, recipe: 'numpy-lt-2' });
    expect(!r.applied && r.reason).toContain('numpy<2');
    const h = await applyFixRecipe({ recipe: pip, executor: 'host', image: '/opt/vllm', commit, repoDir: repo });
    expect(h.applied).toBe(false);
  });
});
