/**
 * A Docker image holding one commit of the demo engine (optionally with an agent patch applied):
 * the package at /opt/engine/site/demo_engine (its commit in _commit.py), the benchmark scripts at
 * /opt/engine/benchmarks, WORKDIR /opt/engine. Built offline on the debootstrap base image, then
 * verified by importing the package and reading the commit back: an image is only used when it
 * provably holds the commit it is named for.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureBaseImage, imageExists, BASE_IMAGE } from './base-image.js';
import { resolveCommit } from './git.js';

export const ENGINE_IMAGE_REPO = 'benchsweep/demo-engine';
export const ENGINE_PACKAGE = 'demo_engine';

export class EngineImageError extends Error {
  constructor(
    message: string,
    /** 'patch': the patch does not apply; 'build': docker build failed; 'verify': the image holds another commit. */
    readonly stage: 'source' | 'patch' | 'build' | 'verify',
    readonly output: string,
  ) {
    super(message);
    this.name = 'EngineImageError';
  }
}

/** Short, stable hash of a patch text (the part of an agent image's tag that names the patch). */
export function patchHash(patch: string): string {
  return createHash('sha256').update(patch).digest('hex').slice(0, 12);
}

/** `benchsweep/demo-engine:<commit 12>` or `...:<commit 12>-p<patch hash>`. */
export function engineImageTag(commit: string, patchHashHex?: string): string {
  const c = commit.toLowerCase().slice(0, 12);
  return `${ENGINE_IMAGE_REPO}:${patchHashHex ? `${c}-p${patchHashHex.slice(0, 12)}` : c}`;
}

export interface BuildEngineImageOptions {
  repoDir: string;
  commit: string;
  /** Image reference to build; default engineImageTag(commit, patchHash(patch)). */
  tag?: string;
  /** A unified diff applied (git apply) on top of `commit` before the build. */
  patch?: string;
  log?: (line: string) => void;
  /** Reuse an existing image with this tag when it holds the same commit and patch (default true). */
  reuse?: boolean;
}

export interface EngineImage {
  image: string;
  seconds: number;
  /** True when an existing image was reused. */
  cached: boolean;
  commit: string;
}

function dockerfile(commit: string, patch: string | undefined): string {
  return [
    `FROM ${BASE_IMAGE}`,
    // Dataset lines say `python`; the image's interpreter is python3.
    'RUN ln -sf /usr/bin/python3 /usr/local/bin/python',
    'COPY site/ /opt/engine/site/',
    'COPY benchmarks/ /opt/engine/benchmarks/',
    'WORKDIR /opt/engine',
    'ENV PYTHONPATH=/opt/engine/site PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1',
    `LABEL benchsweep.commit=${commit}${patch ? ` benchsweep.patch=${patchHash(patch)}` : ''}`,
    '',
  ].join('\n');
}

async function labels(image: string): Promise<Record<string, string>> {
  const r = await execa('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', image], { reject: false });
  if (r.exitCode !== 0) return {};
  try {
    return (JSON.parse(r.stdout) as Record<string, string> | null) ?? {};
  } catch {
    return {};
  }
}

/** Reads the commit recorded in an engine image (`demo_engine._commit.COMMIT`). */
export async function imageCommit(image: string): Promise<string> {
  const r = await execa('docker', ['run', '--rm', '--network', 'none', image, 'python3', '-c', `import ${ENGINE_PACKAGE}._commit as c; print(c.COMMIT)`], {
    reject: false,
  });
  if (r.exitCode !== 0) throw new EngineImageError(`cannot read the commit of ${image}`, 'verify', `${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

export async function buildEngineImage(options: BuildEngineImageOptions): Promise<EngineImage> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const commit = await resolveCommit(options.repoDir, options.commit).catch((e: unknown) => {
    throw new EngineImageError(`commit ${options.commit} not found in ${options.repoDir}`, 'source', String(e));
  });
  const tag = options.tag ?? engineImageTag(commit, options.patch ? patchHash(options.patch) : undefined);

  if (options.reuse !== false && (await imageExists(tag))) {
    const l = await labels(tag);
    if (l['benchsweep.commit'] === commit && (l['benchsweep.patch'] ?? '') === (options.patch ? patchHash(options.patch) : '')) {
      log(`${tag}: reusing the image built for ${commit.slice(0, 12)}`);
      return { image: tag, seconds: (Date.now() - started) / 1000, cached: true, commit };
    }
  }

  await ensureBaseImage({ log });
  const ctx = await mkdtemp(join(tmpdir(), 'benchsweep-engine-'));
  try {
    const src = join(ctx, 'src');
    await mkdir(src);
    const archive = await execa('git', ['-C', options.repoDir, 'archive', '--format=tar', commit], { encoding: 'buffer' });
    await execa('tar', ['-x', '-C', src], { input: archive.stdout });

    if (options.patch) {
      const patchFile = join(ctx, 'agent.patch');
      await writeFile(patchFile, options.patch);
      // The extracted tree is not a repository: git apply works as a strict `patch` there.
      const r = await execa('git', ['apply', '--whitespace=nowarn', patchFile], {
        cwd: src,
        reject: false,
        env: { GIT_CEILING_DIRECTORIES: ctx },
      });
      if (r.exitCode !== 0) throw new EngineImageError(`the patch does not apply to ${commit.slice(0, 12)}`, 'patch', r.stderr);
      log(`applied the patch (${patchHash(options.patch)}) on ${commit.slice(0, 12)}`);
    }

    const site = join(ctx, 'site');
    await mkdir(site);
    await rename(join(src, ENGINE_PACKAGE), join(site, ENGINE_PACKAGE)).catch((e: unknown) => {
      throw new EngineImageError(`${ENGINE_PACKAGE}/ missing at ${commit.slice(0, 12)}`, 'source', String(e));
    });
    await writeFile(
      join(site, ENGINE_PACKAGE, '_commit.py'),
      `# Written by benchsweep's image build.\nCOMMIT = "${commit}"\n` +
        (options.patch ? `PATCH_SHA256 = "${createHash('sha256').update(options.patch).digest('hex')}"\n` : ''),
    );
    await rename(join(src, 'benchmarks'), join(ctx, 'benchmarks')).catch(async () => {
      await mkdir(join(ctx, 'benchmarks'));
    });
    await rm(src, { recursive: true, force: true });
    await writeFile(join(ctx, 'Dockerfile'), dockerfile(commit, options.patch));

    log(`docker build ${tag}`);
    // The legacy builder: works with a bare docker.io (no buildx) and never contacts a registry here.
    const build = await execa('docker', ['build', '--network', 'none', '-t', tag, ctx], {
      reject: false,
      all: true,
      env: { DOCKER_BUILDKIT: '0' },
    });
    if (build.exitCode !== 0) throw new EngineImageError(`docker build of ${tag} failed`, 'build', String(build.all));

    const recorded = await imageCommit(tag);
    if (recorded !== commit) {
      throw new EngineImageError(`${tag} holds commit ${recorded}, expected ${commit}`, 'verify', recorded);
    }
    const seconds = (Date.now() - started) / 1000;
    log(`${tag}: built and verified (${commit.slice(0, 12)}) in ${seconds.toFixed(1)} s`);
    return { image: tag, seconds, cached: false, commit };
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
