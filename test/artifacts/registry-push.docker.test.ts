/**
 * `build --push` with real parts: the demo engine's three variants are built on "the CPU runner",
 * pushed by real `docker push` to a Registry HTTP API v2 on 127.0.0.1 (test/helpers/registry-server.ts),
 * removed locally, and found again by a fresh resolver with an empty cache ("the GPU runner")
 * through the same registry templates: probed, pulled, verified by import, 0 builds. And a
 * registry that answers 500 to blob uploads: push_error, the step fails, the other variants push.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../src/adapters/base-image.js';
import { loadDataset } from '../../src/adapters/dataset-file.js';
import { createDemoRepo, DEMO_DELAYS, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { imageAvailable, parseImageRef, renderTemplate } from '../../src/adapters/registry-probe.js';
import { isTransientPushError, pushImage, pushTarget, validImageRef } from '../../src/adapters/registry-push.js';
import { ArtifactConfig } from '../../src/core/artifacts/artifacts.js';
import { enginePreset, runBuild, type BuildReport } from '../../src/commands/build.js';
import { runRun } from '../../src/commands/run.js';
import { sha256Hex } from '../../src/core/artifacts/artifact-keys.js';
import type { Task } from '../../src/core/task.js';
import { createArtifactResolver } from '../../src/run/artifact-resolver.js';
import { startRegistryServer, type RegistryServer } from '../helpers/registry-server.js';

const RUN = `t${process.pid}${Date.now().toString(36)}`;
/** The build job's local tags and the GPU runner's: unique, so parallel test files keep theirs. */
const BUILD_REPO = `benchsweep/registry-push-${RUN}`;
const PULL_REPO = `benchsweep/registry-pull-${RUN}`;
const REGISTRY_REPO = `bs-${RUN}/engine`;

let root: string;
let demo: DemoRepo;
let task: Task;
let server: RegistryServer;
let registryConfig: Record<string, unknown>;
const expected: Record<'baseline' | 'human' | 'agent', string> = { baseline: '', human: '', agent: '' };

async function removeImages(prefix: string): Promise<void> {
  const r = await execa('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  const refs = r.stdout.split('\n').filter((x) => x.startsWith(prefix) && !x.endsWith(':<none>'));
  // A pull leaves `repo@sha256:...` references too (tag <none>): remove those by digest.
  const d = await execa('docker', ['images', '--digests', '--format', '{{.Repository}}@{{.Digest}}'], {
    reject: false,
  });
  const digests = d.stdout.split('\n').filter((x) => x.startsWith(prefix) && !x.endsWith('@<none>'));
  if (refs.length || digests.length) await execa('docker', ['rmi', '-f', ...refs, ...digests], { reject: false });
}

async function delayIn(image: string): Promise<string> {
  const r = await execa('docker', [
    'run',
    '--rm',
    '--network',
    'none',
    image,
    'python3',
    '-c',
    'import demo_engine.speed as s; print(s.TOKEN_DELAY_S)',
  ]);
  return r.stdout.trim();
}

async function writeConfig(name: string, registry: Record<string, unknown>): Promise<string> {
  const file = join(root, name);
  await writeFile(file, JSON.stringify({ registry }));
  return file;
}

beforeAll(async () => {
  await ensureBaseImage();
  root = await mkdtemp(join(tmpdir(), 'bs-registry-push-'));
  demo = await createDemoRepo(join(root, 'demo'));
  task = (await loadDataset(demo.datasetFile)).tasks[0]!;
  // Repositories ending in -broken have broken storage: every blob upload answers 500.
  server = await startRegistryServer({ failBlobUploads: (name) => name.endsWith('-broken') });
  registryConfig = {
    registry: server.host,
    repo: REGISTRY_REPO,
    imageTemplates: ['{registry}/{repo}:{sha}'],
    agentTemplate: '{registry}/{repo}:agent-{sha12}-{patch12}',
  };
  expected.baseline = `${server.host}/${REGISTRY_REPO}:${demo.parent}`;
  expected.human = `${server.host}/${REGISTRY_REPO}:${demo.human}`;
  expected.agent = `${server.host}/${REGISTRY_REPO}:agent-${demo.parent.slice(0, 12)}-${sha256Hex(demo.agentPatch).slice(0, 12)}`;
}, 300_000);

afterAll(async () => {
  await removeImages(BUILD_REPO);
  await removeImages(PULL_REPO);
  if (server) {
    await removeImages(`${server.host}/`);
    await server.close();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

describe('push targets and errors', () => {
  const sha = 'c7fcb22b041dee192bdbb57c56a498da0b79ccb6';
  it('renders baseline/human by commit and the agent by commit + patch hash', () => {
    const registry = ArtifactConfig.parse({
      registry: { registry: 'reg.example:5000', repo: 'vllm-bench', imageTemplates: ['{registry}/{repo}:{sha}'] },
    }).registry;
    expect(pushTarget(registry, sha)).toBe(`reg.example:5000/vllm-bench:${sha}`);
    const hash = sha256Hex('a patch');
    expect(pushTarget(registry, sha, hash)).toBe(`reg.example:5000/vllm-bench:agent-c7fcb22b041d-${hash.slice(0, 12)}`);
    expect(pushTarget(ArtifactConfig.parse({}).registry, sha)).toBeUndefined();
    expect(renderTemplate('{registry}/{repo}:baseline-{sha12}', sha, { registry: 'r.io', repo: 'x' })).toBe(
      'r.io/x:baseline-c7fcb22b041d',
    );
  });
  it('validates references and splits them like docker', () => {
    expect(validImageRef(`127.0.0.1:5000/a/b:${sha}`)).toBe(true);
    expect(validImageRef('/vllm:abc')).toBe(false);
    expect(validImageRef('Reg/UPPER:tag')).toBe(false);
    expect(parseImageRef('127.0.0.1:5000/a/b:t1')).toEqual({ host: '127.0.0.1:5000', name: 'a/b', reference: 't1' });
    expect(parseImageRef('ubuntu')).toEqual({ host: 'docker.io', name: 'library/ubuntu', reference: 'latest' });
    expect(parseImageRef('ghcr.io/o/r@sha256:ab')).toEqual({ host: 'ghcr.io', name: 'o/r', reference: 'sha256:ab' });
  });
  it('retries network and 5xx failures, not refusals', () => {
    expect(isTransientPushError('received unexpected HTTP status: 500 Internal Server Error')).toBe(true);
    expect(isTransientPushError('write tcp 10.0.0.1:443: write: broken pipe')).toBe(true);
    expect(isTransientPushError('denied: requested access to the resource is denied')).toBe(false);
    expect(isTransientPushError('unauthorized: authentication required')).toBe(false);
  });
});

describe('build --push → registry → a fresh runner', () => {
  it('pushes every resolved variant to its template and records the ref', async () => {
    const config = await writeConfig('artifacts.json', registryConfig);
    const started = Date.now();
    const result = await runBuild({
      dataset: demo.datasetFile,
      repo: demo.dir,
      cacheDir: join(root, 'cache-cpu'),
      artifactConfig: config,
      push: true,
      imageRepository: BUILD_REPO,
    });
    const report: BuildReport = result.value;
    const variants = report.tasks[0]!.variants;
    expect(result.failed, result.text).toBe(false);
    for (const v of ['baseline', 'human', 'agent'] as const) {
      expect(variants[v]!.ok, `${v}: ${variants[v]!.reason ?? ''}`).toBe(true);
      expect(variants[v]!.pushed, v).toBe(expected[v]);
      expect(variants[v]!.push_error).toBeUndefined();
    }
    expect(report.pushed).toBe(3);
    expect(report.push_failed).toBe(0);
    expect(result.outputs).toMatchObject({ pushed: '3', 'push-failed': '0' });
    // Nothing was in the registry yet: the resolver probed each template (HEAD → 404) and built.
    expect(server.requests.some((r) => r.method === 'HEAD' && r.path.includes('/manifests/') && r.status === 404)).toBe(
      true,
    );
    expect(report.builds).toBe(1);
    expect(server.tags().sort()).toEqual(
      Object.values(expected)
        .map((ref) => ref.slice(server.host.length + 1))
        .sort(),
    );
    const pushS = ['baseline', 'human', 'agent'].map((v) => variants[v as 'baseline']!.push_seconds ?? 0);
    console.log(
      `build+push ${((Date.now() - started) / 1000).toFixed(1)} s; push s baseline/human/agent: ${pushS.join(' / ')}`,
    );
    expect(result.text).toContain(`pushed ${expected.human}`);
  }, 240_000);

  it('reports a push that the registry refuses (500 on blob upload), fails the step, and still pushes the others', async () => {
    // Same images (cache hits), but the agent goes to a repository whose uploads answer 500.
    const config = await writeConfig('artifacts-broken.json', {
      ...registryConfig,
      agentTemplate: '{registry}/{repo}-broken:agent-{sha12}-{patch12}',
      pushRetries: 0,
    });
    const result = await runBuild({
      dataset: demo.datasetFile,
      repo: demo.dir,
      cacheDir: join(root, 'cache-cpu'),
      artifactConfig: config,
      push: true,
      imageRepository: BUILD_REPO,
    });
    const variants = result.value.tasks[0]!.variants;
    expect(result.failed).toBe(true);
    expect(result.value.failed).toBe(0);
    expect(result.value.push_failed).toBe(1);
    expect(variants.agent!.ok).toBe(true);
    expect(variants.agent!.pushed).toBeUndefined();
    expect(variants.agent!.push_error).toMatch(/500|Internal Server Error/);
    expect(variants.baseline!.pushed).toBe(expected.baseline);
    expect(variants.human!.pushed).toBe(expected.human);
    expect(
      server.requests.some((r) => r.method === 'POST' && r.path.includes('-broken/blobs/uploads') && r.status === 500),
    ).toBe(true);
    expect(server.tags().some((t) => t.includes('-broken'))).toBe(false);
    expect(result.text).toMatch(/agent: .*PUSH FAILED/);
  }, 240_000);

  it('retries a whole push when the registry hiccups after the layers went up (p-retry)', async () => {
    server.failNextManifestPuts(1);
    const ref = `${server.host}/${REGISTRY_REPO}:retry-${RUN}`;
    const lines: string[] = [];
    const r = await pushImage({ image: expected.human, ref, retries: 2, minTimeoutMs: 100, log: (l) => lines.push(l) });
    expect(r).toMatchObject({ ok: true, ref, attempts: 2 });
    expect(lines.some((l) => /retrying \(2 left\)/.test(l))).toBe(true);
    expect(server.tags()).toContain(`${REGISTRY_REPO}:retry-${RUN}`);
    await execa('docker', ['rmi', ref], { reject: false });
  }, 120_000);

  it('a fresh resolver with an empty cache pulls all three through the templates (0 builds) and they verify', async () => {
    await removeImages(BUILD_REPO);
    await execa('docker', ['rmi', '-f', ...Object.values(expected)], { reject: false });
    await removeImages(`${server.host}/`);
    for (const ref of Object.values(expected)) expect(await imageAvailable(ref, { remote: false }), ref).toBe(false);

    const lines: string[] = [];
    const resolver = createArtifactResolver({
      repoDir: demo.dir,
      cacheDir: join(root, 'cache-gpu'),
      config: { ...enginePreset('demo'), registry: registryConfig },
      imageRepository: PULL_REPO,
      log: (l) => lines.push(l),
    });
    const requestsBefore = server.requests.length;
    const started = Date.now();
    const want = [
      { variant: 'baseline' as const, commit: demo.parent, delay: DEMO_DELAYS.parent },
      { variant: 'human' as const, commit: demo.human, delay: DEMO_DELAYS.human },
      { variant: 'agent' as const, commit: demo.parent, patch: demo.agentPatch, delay: DEMO_DELAYS.agent },
    ];
    for (const w of want) {
      const r = await resolver.resolve({
        task,
        variant: w.variant,
        commit: w.commit,
        repoDir: demo.dir,
        ...(w.patch ? { patch: w.patch } : {}),
      });
      if (!r.ok) throw new Error(`${w.variant}: ${r.category} ${r.reason}\n${lines.join('\n')}`);
      expect(r.artifact, w.variant).toEqual({ source: 'registry', ref: expected[w.variant] });
      expect(r.image.startsWith(`${PULL_REPO}:`)).toBe(true);
      expect(await delayIn(r.image), w.variant).toBe(w.delay);
    }
    console.log(`pull+verify of 3 images: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(resolver.builds).toBe(0);
    expect(resolver.overlays).toBe(0);
    expect(lines.filter((l) => l.startsWith('registry: pulled')).length).toBe(3);
    // Each tag was probed (HEAD) and then resolved by docker pull (HEAD/GET) against this registry.
    const after = server.requests.slice(requestsBefore);
    for (const ref of Object.values(expected)) {
      const tag = ref.slice(ref.lastIndexOf(':') + 1);
      expect(
        after.filter((r) => r.path.endsWith(`/manifests/${tag}`) && r.status === 200).length,
        tag,
      ).toBeGreaterThanOrEqual(2);
    }
  }, 240_000);

  it('benchsweep run on the "GPU runner" finds the pushed images through the same artifact config', async () => {
    await removeImages(PULL_REPO);
    await execa('docker', ['rmi', '-f', ...Object.values(expected)], { reject: false });
    await removeImages(`${server.host}/`);
    const config = await writeConfig('artifacts-run.json', registryConfig);
    const results = join(root, 'run-results');
    const r = await runRun({
      dataset: demo.datasetFile,
      results,
      repo: demo.dir,
      cache: join(root, 'cache-run'),
      artifactConfig: config,
      repeats: 1,
    });
    const records = r.value.records;
    expect(records.map((x) => `${x.variant}:${x.status}:${x.artifact?.source}`).sort()).toEqual([
      'agent:success:registry',
      'baseline:success:registry',
      'human:success:registry',
    ]);
    for (const rec of records) expect(rec.artifact?.ref).toBe(expected[rec.variant as keyof typeof expected]);
  }, 240_000);
});
