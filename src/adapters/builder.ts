/**
 * The CPU build job: builds one commit (optionally with a patch) into an image inside a builder
 * image, with MAX_JOBS / NVCC_THREADS / TORCH_CUDA_ARCH_LIST from the config, under a hard timeout.
 * The whole log is kept. A build is a success only when the package imports and reports the commit
 * (the seeds' builds "completed" 0 of 72 times and nobody checked until the GPU job).
 * GPU runners never call this.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Category } from '../core/taxonomy.js';
import { sha256Hex } from '../core/artifact-keys.js';
import { classifyLog } from '../core/classify.js';
import { DEMO_COMMIT_RECORD, treeWithPatch, verifyImage, type CommitRecord } from './overlay-image.js';

export interface BuildEnv {
  MAX_JOBS: number;
  NVCC_THREADS: number;
  TORCH_CUDA_ARCH_LIST: string;
}

/**
 * Shell run inside the builder image with the source at /opt/engine/src and BENCHSWEEP_COMMIT set.
 * The demo's "build": install the package and scripts into the COMMON.md layout, record the
 * commit, byte-compile (a syntax error fails the build, as a compile error would).
 */
export const DEMO_BUILD_SCRIPT = [
  'set -eu',
  'mkdir -p /opt/engine/site',
  'mv /opt/engine/src/demo_engine /opt/engine/site/demo_engine',
  'if [ -d /opt/engine/src/benchmarks ]; then mv /opt/engine/src/benchmarks /opt/engine/benchmarks; else mkdir -p /opt/engine/benchmarks; fi',
  'printf \'# Written by benchsweep when the image was built.\\nCOMMIT = "%s"\\n\' "$BENCHSWEEP_COMMIT" > /opt/engine/site/demo_engine/_commit.py',
  'if [ -n "${BENCHSWEEP_PATCH_SHA256:-}" ]; then printf \'PATCH_SHA256 = "%s"\\n\' "$BENCHSWEEP_PATCH_SHA256" >> /opt/engine/site/demo_engine/_commit.py; fi',
  'python3 -m compileall -q /opt/engine/site/demo_engine',
  'rm -rf /opt/engine/src',
].join('\n');

/** vLLM on a CUDA builder image: a non-isolated install against the builder's torch. */
export const VLLM_BUILD_SCRIPT = [
  'set -eu',
  'cd /opt/engine/src',
  'python3 -m pip install --no-build-isolation -v .',
  'printf \'__commit__ = "%s"\\n\' "$BENCHSWEEP_COMMIT" >> "$(python3 -c \'import os, vllm; print(os.path.dirname(vllm.__file__))\')/_version.py"',
].join('\n');

export interface BuildArtifactOptions {
  repoDir: string;
  commit: string;
  /** A unified diff applied on top of `commit` (agent patches that touch compiled files). */
  patch?: string;
  builderImage: string;
  env: BuildEnv;
  timeoutS: number;
  /** The whole build log (docker build output and the verification). */
  logFile: string;
  tag: string;
  packageName?: string;
  buildScript?: string;
  commitRecord?: CommitRecord;
  /** Extra Dockerfile lines after the build (ENV, WORKDIR) so the image runs like an engine image. */
  runtimeLines?: string[];
  log?: (line: string) => void;
}

export type BuildResult =
  | { ok: true; image: string; seconds: number; logFile: string }
  | { ok: false; category: Category; reason: string; evidence?: string; fix?: string; seconds: number; logFile: string };

/** The demo image's runtime settings (same layout as src/adapters/engine-image.ts). */
export const DEMO_RUNTIME_LINES = ['RUN ln -sf /usr/bin/python3 /usr/local/bin/python', 'WORKDIR /opt/engine', 'ENV PYTHONPATH=/opt/engine/site PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1'];

/**
 * A resolver conflict in a build log, for the shapes pip prints that classifyLog's signature table
 * (src/core/rules/failure-signatures.ts) does not carry yet.
 */
export function dependencyConflictIn(log: string): { evidence: string } | undefined {
  const lines = log.split('\n');
  const i = lines.findIndex((l) => /ResolutionImpossible|conflicting dependencies|pip's dependency resolver|No matching distribution found/.test(l));
  if (i < 0) return undefined;
  const evidence = lines.slice(Math.max(0, i - 2), i + 4).join('\n');
  return { evidence };
}

export async function buildArtifact(o: BuildArtifactOptions): Promise<BuildResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const logParts: string[] = [];
  const writeLog = async () => {
    await mkdir(dirname(o.logFile), { recursive: true });
    await writeFile(o.logFile, logParts.join('\n') + '\n');
  };
  const fail = async (category: Category, reason: string, evidence?: string, fix?: string): Promise<BuildResult> => {
    logParts.push(`BUILD RESULT: ${category}: ${reason}`);
    await writeLog();
    o.log?.(`build ${o.tag} failed: ${category}: ${reason}`);
    return { ok: false, category, reason, ...(evidence ? { evidence } : {}), ...(fix ? { fix } : {}), seconds: seconds(), logFile: o.logFile };
  };
  if (!/^[0-9a-f]{40}$/.test(o.commit)) return fail('BUILD_FAILED', `not a full commit sha: ${o.commit}`);
  const packageName = o.packageName ?? 'demo_engine';

  let rev = o.commit;
  if (o.patch) {
    const t = await treeWithPatch(o.repoDir, o.commit, o.patch);
    if (!t.ok) return fail('PATCH_FAILED', 'the patch does not apply to the commit', t.error);
    rev = t.tree;
  }
  const ctx = await mkdtemp(join(tmpdir(), 'bs-build-'));
  try {
    await execa('git', ['archive', '--format=tar', '-o', join(ctx, 'src.tar'), rev], { cwd: o.repoDir });
    await writeFile(join(ctx, 'build.sh'), (o.buildScript ?? DEMO_BUILD_SCRIPT) + '\n');
    const dockerfile = [
      `FROM ${o.builderImage}`,
      `ENV MAX_JOBS=${o.env.MAX_JOBS} NVCC_THREADS=${o.env.NVCC_THREADS} TORCH_CUDA_ARCH_LIST="${o.env.TORCH_CUDA_ARCH_LIST.replace(/[^0-9.;+ A-Za-z]/g, '')}"`,
      `ENV BENCHSWEEP_COMMIT=${o.commit}` + (o.patch ? ` BENCHSWEEP_PATCH_SHA256=${sha256Hex(o.patch)}` : ''),
      // ADD of a local tar extracts it: the source never passes through a shell on the host.
      'ADD src.tar /opt/engine/src/',
      'COPY build.sh /opt/engine/build.sh',
      'RUN ["/bin/sh", "/opt/engine/build.sh"]',
      ...(o.runtimeLines ?? DEMO_RUNTIME_LINES),
      `LABEL benchsweep.commit=${o.commit} benchsweep.source=build` + (o.patch ? ` benchsweep.patch=${sha256Hex(o.patch).slice(0, 12)}` : ''),
    ];
    await writeFile(join(ctx, 'Dockerfile'), dockerfile.join('\n') + '\n');
    logParts.push(`# benchsweep build ${o.tag}: commit ${o.commit}${o.patch ? ' + patch' : ''} on ${o.builderImage}`, `# ${JSON.stringify(o.env)} timeout ${o.timeoutS}s`, ...dockerfile.map((l) => `# ${l}`));
    o.log?.(`build ${o.tag} (${o.commit.slice(0, 12)}), timeout ${o.timeoutS} s`);
    const built = await execa('docker', ['build', '--network', 'none', '-t', o.tag, ctx], {
      reject: false,
      all: true,
      timeout: o.timeoutS * 1000,
      killSignal: 'SIGKILL',
      env: { DOCKER_BUILDKIT: '0' },
    });
    logParts.push(String(built.all ?? ''));
    if (built.timedOut) return fail('BUILD_TIMEOUT', `the build ran past its ${o.timeoutS} s limit and was killed`);
    if (built.exitCode !== 0) {
      const text = String(built.all ?? '');
      // The shared failure signatures first (pyairports and the other recipes), then pip's resolver shapes.
      const c = classifyLog(text, { exitCode: built.exitCode ?? 1, phase: 'build' });
      if (c.matched && c.category !== 'BUILD_FAILED') return fail(c.category, `the build log matches ${c.signature ?? c.category}`, c.evidence, c.fix);
      const conflict = dependencyConflictIn(text);
      if (conflict) return fail('DEPENDENCY_CONFLICT', 'the dependency resolver found a conflict', conflict.evidence);
      return fail('BUILD_FAILED', `docker build exited ${built.exitCode}`, c.evidence);
    }
    const verified = await verifyImage(o.tag, packageName, o.commit, o.commitRecord ?? DEMO_COMMIT_RECORD);
    logParts.push(`# verification: ${verified.ok ? `${packageName} reports ${verified.reported}` : `${verified.reason}\n${verified.evidence ?? ''}`}`);
    if (!verified.ok) {
      await execa('docker', ['rmi', '-f', o.tag], { reject: false });
      return fail(verified.category ?? 'BUILD_FAILED', verified.reason ?? 'verification failed', verified.evidence);
    }
    logParts.push(`BUILD RESULT: success in ${seconds().toFixed(1)} s`);
    await writeLog();
    return { ok: true, image: o.tag, seconds: seconds(), logFile: o.logFile };
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}

/** The image tag of an artifact key (lowercase, docker-safe). */
export function imageTagForKey(repository: string, key: string): string {
  return `${repository}:${key.toLowerCase().replace(/[^a-z0-9_.-]/g, '-').slice(0, 128)}`;
}
