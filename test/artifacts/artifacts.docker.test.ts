/**
 * Real git repositories and real `docker build` on the demo engine: builds (success, failure,
 * timeout, dependency conflict), overlays (added / changed / deleted files, verification failure)
 * and the resolver over a warm and a corrupt cache.
 */
import { execa } from 'execa';
import { mkdtemp, open, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache, loadImageEntry, saveImageEntry } from '../../src/adapters/artifact-cache.js';
import { BASE_IMAGE, ensureBaseImage } from '../../src/adapters/base-image.js';
import { buildArtifact } from '../../src/adapters/builder.js';
import { createDemoRepo, DEMO_DELAYS, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { commitAll, git } from '../../src/adapters/git.js';
import { deriveOverlayImage } from '../../src/adapters/overlay-image.js';
import { probeRegistry } from '../../src/adapters/registry-probe.js';
import { createArtifactResolver } from '../../src/run/artifact-resolver.js';
import { runBuild } from '../../src/commands/build.js';
import type { Task } from '../../src/core/task.js';

const RUN = `t${process.pid}${Date.now().toString(36)}`;
const REPO = `benchsweep/artifact-test-${RUN}`;
/** Images the resolvers create (removed between resolutions to prove the cache restores them). */
const RREPO = `benchsweep/artifact-test-${RUN}-resolved`;
const ENV = { MAX_JOBS: 2, NVCC_THREADS: 1, TORCH_CUDA_ARCH_LIST: '9.0' };
const CONFIG = {
  engine: {
    packageDir: 'demo_engine',
    installedPath: '/opt/engine/site/demo_engine',
    extraDirs: [{ repoDir: 'benchmarks', installedPath: '/opt/engine/benchmarks' }],
  },
};

let root: string;
let demo: DemoRepo;
/** parent + demo_engine/obsolete.py: the overlay source. */
let withObsolete: string;
/** withObsolete + added.py, a changed speed.py, obsolete.py deleted. */
let changed: string;
/** withObsolete + an __init__.py that imports a module that does not exist. */
let broken: string;
let fromImage: string;

async function inImage(image: string, script: string): Promise<string> {
  const r = await execa('docker', ['run', '--rm', '--network', 'none', image, 'python3', '-c', script]);
  return r.stdout.trim();
}

async function removeImages(prefix: string): Promise<void> {
  const r = await execa('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  const refs = r.stdout.split('\n').filter((x) => x.startsWith(prefix));
  if (refs.length) await execa('docker', ['rmi', '-f', ...refs], { reject: false });
}

beforeAll(async () => {
  await ensureBaseImage();
  root = await mkdtemp(join(tmpdir(), 'bs-artifacts-'));
  demo = await createDemoRepo(join(root, 'demo'));
  const dir = demo.dir;
  // Side branch for the overlay tests, so the demo task's parent/human stay as they are.
  await git(dir, ['checkout', '-q', '-b', 'overlay', demo.parent]);
  await writeFile(join(dir, 'demo_engine/obsolete.py'), 'GONE_SOON = True\n');
  withObsolete = await commitAll(dir, 'add obsolete.py');
  await writeFile(join(dir, 'demo_engine/added.py'), 'ADDED = "yes"\n');
  const speed = await readFile(join(dir, 'demo_engine/speed.py'), 'utf8');
  await writeFile(join(dir, 'demo_engine/speed.py'), speed.replace(/^TOKEN_DELAY_S = .*$/m, 'TOKEN_DELAY_S = 0.001'));
  await unlink(join(dir, 'demo_engine/obsolete.py'));
  await writeFile(join(dir, 'tests_outside.txt'), 'not installed\n');
  changed = await commitAll(dir, 'add, change, delete');
  await git(dir, ['checkout', '-q', withObsolete]);
  const init = await readFile(join(dir, 'demo_engine/__init__.py'), 'utf8');
  await writeFile(join(dir, 'demo_engine/__init__.py'), init + '\nfrom . import does_not_exist  # noqa\n');
  broken = await commitAll(dir, 'break the import');
  await git(dir, ['checkout', '-q', 'main']);

  const built = await buildArtifact({
    repoDir: dir,
    commit: withObsolete,
    builderImage: BASE_IMAGE,
    env: ENV,
    timeoutS: 300,
    logFile: join(root, 'logs/from.log'),
    tag: `${REPO}:from`,
  });
  if (!built.ok) throw new Error(`build of the overlay source failed: ${built.reason}\n${built.evidence ?? ''}`);
  fromImage = built.image;
}, 600_000);

afterAll(async () => {
  await removeImages(REPO);
  await removeImages(RREPO);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('buildArtifact', () => {
  it('builds, verifies the recorded commit and keeps the whole log', async () => {
    expect(await inImage(fromImage, 'import demo_engine._commit as c; print(c.COMMIT)')).toBe(withObsolete);
    const logText = await readFile(join(root, 'logs/from.log'), 'utf8');
    expect(logText).toContain('MAX_JOBS=2');
    expect(logText).toContain(`demo_engine reports ${withObsolete}`);
    expect(logText).toMatch(/BUILD RESULT: success/);
  });

  it('fails a build whose package does not import (BROKEN_BUILD), and leaves no image', async () => {
    const tag = `${REPO}:broken-build`;
    const r = await buildArtifact({
      repoDir: demo.dir,
      commit: broken,
      builderImage: BASE_IMAGE,
      env: ENV,
      timeoutS: 300,
      logFile: join(root, 'logs/broken.log'),
      tag,
    });
    expect(r).toMatchObject({ ok: false, category: 'BROKEN_BUILD' });
    expect(!r.ok && r.evidence).toMatch(/does_not_exist/);
    expect((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode).not.toBe(0);
  }, 120_000);

  it('kills a build at its hard timeout (BUILD_TIMEOUT) and classifies resolver conflicts', async () => {
    const t = await buildArtifact({
      repoDir: demo.dir,
      commit: demo.parent,
      builderImage: BASE_IMAGE,
      env: ENV,
      timeoutS: 3,
      logFile: join(root, 'logs/timeout.log'),
      tag: `${REPO}:timeout`,
      buildScript: 'sleep 60',
    });
    expect(t).toMatchObject({ ok: false, category: 'BUILD_TIMEOUT' });
    expect(t.seconds).toBeLessThan(20);
    const conflictScript = [
      'echo "ERROR: Cannot install vllm==0.5.4 and outlines==0.0.46 because these package versions have conflicting dependencies."',
      'echo "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io"',
      'exit 1',
    ].join('\n');
    const d = await buildArtifact({
      repoDir: demo.dir,
      commit: demo.parent,
      builderImage: BASE_IMAGE,
      env: ENV,
      timeoutS: 120,
      logFile: join(root, 'logs/conflict.log'),
      tag: `${REPO}:conflict`,
      buildScript: conflictScript,
    });
    expect(d).toMatchObject({ ok: false, category: 'DEPENDENCY_CONFLICT' });
    expect(!d.ok && d.evidence).toMatch(/ResolutionImpossible/);
    const p = await buildArtifact({
      repoDir: demo.dir,
      commit: demo.parent,
      builderImage: BASE_IMAGE,
      env: ENV,
      timeoutS: 120,
      logFile: join(root, 'logs/pyairports.log'),
      tag: `${REPO}:pyairports`,
      buildScript: 'echo "ModuleNotFoundError: No module named \'pyairports\'"; exit 1',
    });
    expect(p).toMatchObject({ ok: false, category: 'DEPENDENCY_CONFLICT', fix: 'outlines-no-pyairports' });
    expect(await readFile(join(root, 'logs/conflict.log'), 'utf8')).toMatch(/conflicting dependencies/);
  }, 120_000);
});

describe('deriveOverlayImage', () => {
  it('replays added, changed and deleted files and records the commit', async () => {
    const r = await deriveOverlayImage({
      repoDir: demo.dir,
      fromImage,
      fromCommit: withObsolete,
      toCommit: changed,
      packageDir: 'demo_engine',
      installedPath: '/opt/engine/site/demo_engine',
      tag: `${REPO}:overlay`,
    });
    expect(r.ok, !r.ok ? `${r.reason}\n${r.evidence}` : '').toBe(true);
    if (!r.ok) return;
    process.stderr.write(
      `[artifacts] overlay of ${r.changes.length} files on the demo engine: ${r.seconds.toFixed(2)} s\n`,
    );
    expect(r.changes.map((c) => `${c.status} ${c.path}`).sort()).toEqual([
      'A demo_engine/added.py',
      'D demo_engine/obsolete.py',
      'M demo_engine/speed.py',
    ]);
    const out = await inImage(
      r.image,
      'import os, demo_engine, demo_engine._commit as c, demo_engine.speed as s, demo_engine.added as a; ' +
        'print(c.COMMIT, s.TOKEN_DELAY_S, a.ADDED, os.path.exists("/opt/engine/site/demo_engine/obsolete.py"))',
    );
    expect(out).toBe(`${changed} 0.001 yes False`);
    // The neighbour image is untouched.
    expect(
      await inImage(fromImage, 'import os; print(os.path.exists("/opt/engine/site/demo_engine/obsolete.py"))'),
    ).toBe('True');
  }, 120_000);

  it('fails the derivation when the result does not import, and leaves no image behind', async () => {
    const tag = `${REPO}:overlay-broken`;
    const r = await deriveOverlayImage({
      repoDir: demo.dir,
      fromImage,
      fromCommit: withObsolete,
      toCommit: broken,
      packageDir: 'demo_engine',
      tag,
    });
    expect(r).toMatchObject({ ok: false, category: 'BROKEN_BUILD' });
    expect(!r.ok && r.evidence).toMatch(/does_not_exist/);
    expect((await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode).not.toBe(0);
  }, 120_000);

  it('refuses a diff that needs a compiler', async () => {
    await git(demo.dir, ['checkout', '-q', '-b', 'compiled', withObsolete]);
    await writeFile(join(demo.dir, 'setup.py'), 'from setuptools import setup\nsetup()\n');
    const withSetup = await commitAll(demo.dir, 'setup.py');
    await git(demo.dir, ['checkout', '-q', 'main']);
    const r = await deriveOverlayImage({
      repoDir: demo.dir,
      fromImage,
      fromCommit: withObsolete,
      toCommit: withSetup,
      packageDir: 'demo_engine',
      tag: `${REPO}:nope`,
    });
    expect(r).toMatchObject({ ok: false, category: 'MISSING_ARTIFACT' });
    expect(!r.ok && r.reason).toMatch(/setup\.py \(build-config\)/);
  });
});

describe('artifact resolver', () => {
  const task = (): Task => ({
    id: demo.taskId,
    commit: demo.human,
    parent: demo.parent,
    repo: 'demo',
    models: [],
    hasAgentPatch: true,
    origin: { file: 'x', line: 1 },
  });
  const requests = () => [
    { task: task(), variant: 'baseline' as const, commit: demo.parent, repoDir: demo.dir },
    { task: task(), variant: 'human' as const, commit: demo.human, repoDir: demo.dir },
    { task: task(), variant: 'agent' as const, commit: demo.parent, patch: demo.agentPatch, repoDir: demo.dir },
  ];
  const readDelay = 'import demo_engine.speed as s, demo_engine._commit as c; print(c.COMMIT, s.TOKEN_DELAY_S)';

  it('builds the baseline once, derives human and agent, then a warm cache builds nothing', async () => {
    const cacheDir = join(root, 'cache');
    const firstLog: string[] = [];
    const first = createArtifactResolver({
      repoDir: demo.dir,
      cacheDir,
      config: CONFIG,
      imageRepository: RREPO,
      log: (l) => firstLog.push(l),
    });
    const r1 = [];
    for (const req of requests()) r1.push(await first.resolve(req));
    expect(r1.map((r) => (r.ok ? `${r.artifact.source}:${r.artifact.from ?? ''}` : r.reason))).toEqual([
      'build:',
      `overlay:${demo.parent}`,
      `overlay:${demo.parent}`,
    ]);
    expect(first.builds).toBe(1);
    expect(first.overlays).toBe(2);
    expect(
      firstLog.filter((l) => /cache: saving/.test(l)),
      'every artifact the first run made is cached',
    ).toEqual([]);
    const images = r1.map((r) => (r.ok ? r.image : ''));
    expect(await inImage(images[0]!, readDelay)).toBe(`${demo.parent} ${DEMO_DELAYS.parent}`);
    expect(await inImage(images[1]!, readDelay)).toBe(`${demo.human} ${DEMO_DELAYS.human}`);
    expect(await inImage(images[2]!, readDelay)).toBe(`${demo.parent} ${DEMO_DELAYS.agent}`);

    await removeImages(RREPO + ':');
    const secondLog: string[] = [];
    const second = createArtifactResolver({
      repoDir: demo.dir,
      cacheDir,
      config: CONFIG,
      imageRepository: RREPO,
      log: (l) => secondLog.push(l),
    });
    const r2 = [];
    for (const req of requests()) r2.push(await second.resolve(req));
    // On failure the resolver's own log says why an entry was not used.
    expect(
      r2.map((r) => (r.ok ? r.artifact.source : r.reason)),
      secondLog.join('\n'),
    ).toEqual(['cache', 'cache', 'cache']);
    expect(second.builds).toBe(0);
    expect(second.overlays).toBe(0);
    expect(await inImage(images[1]!, readDelay)).toBe(`${demo.human} ${DEMO_DELAYS.human}`);
  }, 300_000);

  it('benchsweep build over the warm cache resolves every variant from the cache, with 0 builds', async () => {
    const r = await runBuild({ dataset: demo.datasetFile, repo: demo.dir, cacheDir: join(root, 'cache') });
    expect(r.failed).toBeFalsy();
    expect(r.value.builds).toBe(0);
    expect(r.value.overlays).toBe(0);
    const v = r.value.tasks[0]!.variants;
    expect([v.baseline?.source, v.human?.source, v.agent?.source]).toEqual(['cache', 'cache', 'cache']);
    expect(r.value.tasks[0]!.plan.human).toMatchObject({ source: 'overlay', from: demo.parent });
    expect(r.text).toMatch(/0 builds, 0 overlays, 0 failed/);
  }, 120_000);

  it('discards a corrupt cache entry and rebuilds it, never using it', async () => {
    const cacheDir = join(root, 'cache');
    const resolver = createArtifactResolver({ repoDir: demo.dir, cacheDir, config: CONFIG, imageRepository: RREPO });
    const cache = new ArtifactCache({ dir: cacheDir, actions: false });
    const baseKey = resolver.keyFor(demo.parent);
    const tarball = join(cache.entryDir(baseKey), 'engine.tar');
    const fh = await open(tarball, 'r+');
    const size = (await fh.stat()).size;
    const at = Math.floor(size / 2);
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    await fh.write(Buffer.from([b[0]! ^ 0xff]), 0, 1, at);
    await fh.close();
    await cache.remove(resolver.keyFor(demo.human)); // no neighbour to derive from: a real rebuild
    await removeImages(RREPO + ':');

    const r = await resolver.resolve(requests()[0]!);
    expect(r.ok && r.artifact.source).toBe('build');
    expect(resolver.builds).toBe(1);
    expect(await inImage(r.ok ? r.image : '', readDelay)).toBe(`${demo.parent} ${DEMO_DELAYS.parent}`);
    // The rebuilt entry replaced the corrupt one.
    expect(await cache.restore(baseKey)).toMatchObject({ hit: true });
  }, 300_000);

  it('uses an indexed image only after verifying it, and finds it by probing templates', async () => {
    const cacheDir = join(root, 'cache-index');
    await execa('docker', ['tag', fromImage, `${REPO}:indexed-${withObsolete.slice(0, 12)}`]);
    const index = await probeRegistry({
      shas: [withObsolete, changed],
      imageTemplates: [`${REPO}:indexed-{sha12}`],
      remote: false,
    });
    expect(index.images).toEqual({ [withObsolete]: `${REPO}:indexed-${withObsolete.slice(0, 12)}` });
    // The index also lists an image that holds another commit: it must not be used.
    index.images[demo.human] = `${REPO}:from`;
    const resolver = createArtifactResolver({
      repoDir: demo.dir,
      cacheDir,
      index,
      config: CONFIG,
      imageRepository: RREPO,
    });
    const t: Task = {
      id: 'x',
      commit: changed,
      parent: withObsolete,
      repo: 'demo',
      models: [],
      origin: { file: 'x', line: 1 },
    };
    const human = await resolver.resolve({ task: t, variant: 'human', commit: changed, repoDir: demo.dir });
    expect(human.ok && human.artifact).toMatchObject({ source: 'overlay', from: withObsolete });
    const wrong = await resolver.resolve({
      task: { ...t, commit: demo.human, parent: demo.parent },
      variant: 'human',
      commit: demo.human,
      repoDir: demo.dir,
    });
    expect(wrong.ok && wrong.artifact.source).not.toBe('registry');
  }, 300_000);
});

describe('image-format cache entries (docker save / docker load)', () => {
  it('round-trips a tiny image and discards a tarball with a flipped byte', async () => {
    const tiny = `${REPO}-tiny:1`;
    const src = join(root, 'tiny');
    await execa('mkdir', ['-p', join(src, 'etc')]);
    await writeFile(join(src, 'etc/hello'), 'hello\n'.repeat(200));
    const tar = join(root, 'tiny.tar');
    await execa('tar', ['-C', src, '-cf', tar, '.']);
    await execa('docker', ['import', tar, tiny]);
    const cache = new ArtifactCache({ dir: join(root, 'cache-image'), actions: false });
    await saveImageEntry(cache, 'tiny', tiny, { format: 'image' });
    await execa('docker', ['rmi', '-f', tiny]);
    expect(await loadImageEntry(cache, 'tiny')).toMatchObject({ ok: true, image: tiny });
    expect((await execa('docker', ['image', 'inspect', tiny], { reject: false })).exitCode).toBe(0);
    const fh = await open(join(cache.entryDir('tiny'), 'image.tar'), 'r+');
    await fh.write(Buffer.from('!'), 0, 1, 700);
    await fh.close();
    expect(await loadImageEntry(cache, 'tiny')).toMatchObject({ ok: false, discarded: true });
    expect(await cache.has('tiny')).toBe(false);
    await execa('docker', ['rmi', '-f', tiny], { reject: false });
  });
});
