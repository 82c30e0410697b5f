/**
 * The CPU build job's wheel build: `pip wheel --no-deps --no-build-isolation` of one commit
 * (optionally with a patch) inside the builder image, under MAX_JOBS / NVCC_THREADS /
 * TORCH_CUDA_ARCH_LIST and a hard timeout. The source goes in and the wheel comes out as tar streams
 * (no bind mounts, no image left behind); the whole log is kept. A wheel is far smaller than an
 * image, so it is what gets cached and shared; the GPU job installs it (src/adapters/wheel-install.ts).
 */
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { classifyLog } from '../core/failures/classify.js';
import { parseWheelName } from '../core/artifacts/wheel-index.js';
import { sha256File } from './artifact-cache.js';
import type { BuildInputs } from './builder.js';
import { treeWithPatch } from './overlay-image.js';
import { ensureBuildBase } from './base-image.js';
import { createBuildLog, type BuildFailure } from './build-log.js';

/** Before `pip wheel`, in the source tree: the demo package records its commit in `_commit.py` (COMMON.md layout). */
export const DEMO_WHEEL_PREPARE = [
  'printf \'# Written by benchsweep when the wheel was built.\\nCOMMIT = "%s"\\n\' "$BENCHSWEEP_COMMIT" > demo_engine/_commit.py',
  'if [ -n "${BENCHSWEEP_PATCH_SHA256:-}" ]; then printf \'PATCH_SHA256 = "%s"\\n\' "$BENCHSWEEP_PATCH_SHA256" >> demo_engine/_commit.py; fi',
].join('\n');

/**
 * vLLM: setuptools-scm needs a version without .git; the local part names the commit
 * (`+g<sha12>`), which the install step checks before it records `__commit__`.
 */
export const VLLM_WHEEL_PREPARE = 'export SETUPTOOLS_SCM_PRETEND_VERSION="0.0.0+g$(printf %.12s "$BENCHSWEEP_COMMIT")"';

export interface BuildWheelOptions extends BuildInputs {
  /** Where the .whl is written. */
  outDir: string;
  prepareScript?: string;
  /** vLLM's CMake fetches sources; the demo builds offline. */
  network?: boolean;
}

export type WheelBuildResult =
  { ok: true; path: string; fileName: string; sha256: string; seconds: number; logFile: string } | BuildFailure;

export async function buildWheel(o: BuildWheelOptions): Promise<WheelBuildResult> {
  const {
    parts: logParts,
    seconds,
    write: writeLog,
    fail,
  } = createBuildLog({
    logFile: o.logFile,
    resultLabel: 'WHEEL BUILD RESULT',
    what: `wheel build of ${o.commit.slice(0, 12)}`,
    ...(o.log ? { log: o.log } : {}),
  });
  if (!/^[0-9a-f]{40}$/.test(o.commit)) return fail('BUILD_FAILED', `not a full commit sha: ${o.commit}`);
  let rev = o.commit;
  if (o.patch) {
    const t = await treeWithPatch(o.repoDir, o.commit, o.patch);
    if (!t.ok) return fail('PATCH_FAILED', 'the patch does not apply to the commit', t.error);
    rev = t.tree;
  }
  const ctx = await mkdtemp(join(tmpdir(), 'bs-wheel-'));
  try {
    const srcTar = join(ctx, 'src.tar');
    const outTar = join(ctx, 'wheels.tar');
    await execa('git', ['archive', '--format=tar', '-o', srcTar, rev], { cwd: o.repoDir });
    const script = [
      'set -eu',
      'mkdir -p /tmp/bs-src /tmp/bs-wheels',
      'tar -x -C /tmp/bs-src',
      'cd /tmp/bs-src',
      o.prepareScript ?? '',
      'python3 -m pip wheel --no-deps --no-build-isolation --no-index --disable-pip-version-check -v -w /tmp/bs-wheels . >&2',
      'tar -C /tmp/bs-wheels -cf - .',
    ].join('\n');
    const env: Record<string, string> = {
      MAX_JOBS: String(o.env.MAX_JOBS),
      NVCC_THREADS: String(o.env.NVCC_THREADS),
      TORCH_CUDA_ARCH_LIST: o.env.TORCH_CUDA_ARCH_LIST,
      BENCHSWEEP_COMMIT: o.commit,
      ...(o.patch ? { BENCHSWEEP_PATCH_SHA256: sha256Hex(o.patch) } : {}),
    };
    const argv = [
      'run',
      '--rm',
      '-i',
      ...(o.network ? [] : ['--network', 'none']),
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      o.builderImage,
      'sh',
      '-c',
      script,
    ];
    logParts.push(
      `# benchsweep wheel build: ${o.commit}${o.patch ? ' + patch' : ''} on ${o.builderImage}`,
      `# ${JSON.stringify(o.env)} timeout ${o.timeoutS}s`,
    );
    o.log?.(`wheel build ${o.commit.slice(0, 12)} on ${o.builderImage}, timeout ${o.timeoutS} s`);
    // benchsweep's own base image is made on first use (a fresh machine has none).
    await ensureBuildBase(o.builderImage, o.log);
    const run = await execa('docker', argv, {
      reject: false,
      inputFile: srcTar,
      stdout: { file: outTar },
      timeout: o.timeoutS * 1000,
      killSignal: 'SIGKILL',
    });
    const text = String(run.stderr ?? '');
    logParts.push(text);
    if (run.timedOut) return fail('BUILD_TIMEOUT', `the wheel build ran past its ${o.timeoutS} s limit and was killed`);
    if (run.exitCode !== 0) {
      const c = classifyLog(text, { exitCode: run.exitCode ?? 1, phase: 'build' });
      if (c.matched && c.category !== 'BUILD_FAILED')
        return fail(c.category, `the build log matches ${c.signature ?? c.category}`, c.evidence, c.fix);
      if (/No module named pip/.test(text))
        return fail(
          'BUILD_FAILED',
          `the builder image ${o.builderImage} has no pip`,
          text.split('\n').slice(-5).join('\n'),
        );
      return fail(
        'BUILD_FAILED',
        `pip wheel exited ${run.exitCode}`,
        c.evidence ?? text.split('\n').slice(-10).join('\n'),
      );
    }
    const unpacked = join(ctx, 'out');
    await mkdir(unpacked);
    await execa('tar', ['-x', '-C', unpacked, '-f', outTar]);
    const wheels = (await readdir(unpacked)).filter((f) => f.endsWith('.whl') && parseWheelName(f));
    if (wheels.length !== 1)
      return fail(
        'BUILD_FAILED',
        `pip wheel produced ${wheels.length} wheels (${wheels.join(', ') || 'none'}), expected one`,
      );
    const fileName = wheels[0]!;
    await mkdir(o.outDir, { recursive: true });
    const path = join(o.outDir, fileName);
    await rename(join(unpacked, fileName), path).catch(() => copyFile(join(unpacked, fileName), path));
    const sha256 = await sha256File(path);
    logParts.push(`WHEEL BUILD RESULT: success in ${seconds().toFixed(1)} s: ${fileName} sha256 ${sha256}`);
    await writeLog();
    o.log?.(`wheel ${fileName} built in ${seconds().toFixed(1)} s`);
    return { ok: true, path, fileName, sha256, seconds: seconds(), logFile: o.logFile };
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
