/**
 * The CPU build job: builds one commit (optionally with a patch) into an image inside a builder
 * image, with MAX_JOBS / NVCC_THREADS / TORCH_CUDA_ARCH_LIST from the config, under a hard timeout.
 * The whole log is kept. A build is a success only when the package imports and reports the commit
 * (the seeds' builds "completed" 0 of 72 times and nobody checked until the GPU job).
 * GPU runners never call this.
 */
import { execa } from 'execa';
import { runStreamed } from './streamed-process.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { classifyLog } from '../core/failures/classify.js';
import { createBuildLog, type BuildFailure } from './build-log.js';
import { dockerUnreachable } from './docker-daemon.js';
import { ensureBuildBase } from './base-image.js';
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

/** What every build (an image here, a wheel in wheel-builder.ts) starts from. */
export interface BuildInputs {
  repoDir: string;
  /** Full 40-character sha. */
  commit: string;
  /** A unified diff applied on top of `commit` (agent patches that touch compiled files). */
  patch?: string;
  builderImage: string;
  env: BuildEnv;
  timeoutS: number;
  /** The whole build log. */
  logFile: string;
  log?: (line: string) => void;
}

export interface BuildArtifactOptions extends BuildInputs {
  tag: string;
  packageName?: string;
  buildScript?: string;
  commitRecord?: CommitRecord;
  /** Extra Dockerfile lines after the build (ENV, WORKDIR) so the image runs like an engine image. */
  runtimeLines?: string[];
}

export type BuildResult = { ok: true; image: string; seconds: number; logFile: string } | BuildFailure;

/** The demo image's runtime settings: the COMMON.md layout (package on PYTHONPATH=/opt/engine/site, WORKDIR /opt/engine). */
export const DEMO_RUNTIME_LINES = [
  'RUN ln -sf /usr/bin/python3 /usr/local/bin/python',
  'WORKDIR /opt/engine',
  'ENV PYTHONPATH=/opt/engine/site PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1',
];

export async function buildArtifact(o: BuildArtifactOptions): Promise<BuildResult> {
  const {
    parts: logParts,
    seconds,
    write: writeLog,
    fail,
  } = createBuildLog({
    logFile: o.logFile,
    resultLabel: 'BUILD RESULT',
    what: `build ${o.tag}`,
    ...(o.log ? { log: o.log } : {}),
  });
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
      `LABEL benchsweep.commit=${o.commit} benchsweep.source=build` +
        (o.patch ? ` benchsweep.patch=${sha256Hex(o.patch).slice(0, 12)}` : ''),
    ];
    await writeFile(join(ctx, 'Dockerfile'), dockerfile.join('\n') + '\n');
    // The builder image must exist before `docker build` (benchsweep's own base is made here, once
    // per machine; any other image is pulled by the build as usual).
    try {
      await ensureBuildBase(o.builderImage, o.log);
    } catch (err) {
      const lost = await dockerUnreachable();
      if (lost) return fail('TRANSIENT_INFRA', lost);
      return fail(
        'BUILD_FAILED',
        `the builder image ${o.builderImage} could not be made: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    logParts.push(
      `# benchsweep build ${o.tag}: commit ${o.commit}${o.patch ? ' + patch' : ''} on ${o.builderImage}`,
      `# ${JSON.stringify(o.env)} timeout ${o.timeoutS}s`,
      ...dockerfile.map((l) => `# ${l}`),
    );
    o.log?.(`build ${o.tag} (${o.commit.slice(0, 12)}), timeout ${o.timeoutS} s`);
    // Docker's progress goes into the log file and the job log as it comes, with a heartbeat at
    // least every 30 s: a 40-minute build is never silent. The file is rewritten whole at the end.
    await writeLog();
    const built = await runStreamed('docker', ['build', '--network', 'none', '-t', o.tag, ctx], {
      what: `build ${o.tag}`,
      logFile: o.logFile,
      ...(o.log ? { log: o.log } : {}),
      execa: { timeout: o.timeoutS * 1000, killSignal: 'SIGKILL', env: { DOCKER_BUILDKIT: '0' } },
    });
    logParts.push(built.all);
    if (built.timedOut) return fail('BUILD_TIMEOUT', `the build ran past its ${o.timeoutS} s limit and was killed`);
    if (built.exitCode !== 0) {
      const text = String(built.all ?? '');
      // The one failure table (src/core/failures/rules/failure-signatures.ts: recipes, pip/uv resolver conflicts, a lost daemon).
      const c = classifyLog(text, { exitCode: built.exitCode ?? 1, phase: 'build' });
      if (c.matched && c.category !== 'BUILD_FAILED')
        return fail(c.category, `the build log matches ${c.signature ?? c.category}`, c.evidence, c.fix);
      // A daemon that went away mid-build is the runner's fault, whatever the build printed.
      const lost = await dockerUnreachable();
      if (lost) return fail('TRANSIENT_INFRA', `the Docker engine went away during the build: ${lost}`);
      return fail('BUILD_FAILED', `docker build exited ${built.exitCode}`, c.evidence);
    }
    const verified = await verifyImage(o.tag, packageName, o.commit, o.commitRecord ?? DEMO_COMMIT_RECORD);
    logParts.push(
      `# verification: ${verified.ok ? `${packageName} reports ${verified.reported}` : `${verified.reason}\n${verified.evidence ?? ''}`}`,
    );
    if (!verified.ok) {
      // A check that failed for lack of a daemon says nothing about the image: keep it, retry later.
      const lost = await dockerUnreachable();
      if (lost)
        return fail(
          'TRANSIENT_INFRA',
          `the Docker engine went away while verifying the image: ${lost}`,
          verified.evidence,
        );
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
  return `${repository}:${key
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '-')
    .slice(0, 128)}`;
}
