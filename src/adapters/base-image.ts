/**
 * The offline base image for containers that stand in for an engine image in tests and the demo:
 * a Debian root filesystem made with debootstrap (python3, pip, git, patch), imported into Docker.
 * Built once per machine; the image tag (derived from the package list, src/core/artifacts/base-image-spec.ts)
 * is the cache. BENCHSWEEP_BASE_IMAGE names another tag to build and use (CI uses a tag unique to
 * the run, so the demo must make its base on a fresh machine).
 */
import { execa, type Options } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE_IMAGE_PACKAGES,
  BASE_IMAGE_REPO,
  BASE_IMAGE_SUITE,
  BASE_IMAGE_VARIANT,
  DEFAULT_BASE_IMAGE,
} from '../core/artifacts/base-image-spec.js';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { assertDockerReachable } from './docker-daemon.js';
import { processAlive } from './executor.js';

const BASE_IMAGE_ENV = 'BENCHSWEEP_BASE_IMAGE';

/** The base image tag this process uses: BENCHSWEEP_BASE_IMAGE, else the tag of the package list. */
export function baseImageTag(env: NodeJS.ProcessEnv = process.env): string {
  return env[BASE_IMAGE_ENV]?.trim() || DEFAULT_BASE_IMAGE;
}

/** The base image tag at startup (tests and callers that name it directly). */
export const BASE_IMAGE = baseImageTag();

/** True for a tag this module builds (the default, the override, or any `benchsweep/base:` tag). */
export function isBaseImageTag(ref: string): boolean {
  return ref === baseImageTag() || ref === DEFAULT_BASE_IMAGE || ref.startsWith(`${BASE_IMAGE_REPO}:`);
}

export async function imageExists(ref: string): Promise<boolean> {
  const r = await execa('docker', ['image', 'inspect', ref], { reject: false });
  return r.exitCode === 0;
}

/**
 * One build per machine at a time: parallel test files, helpers and a demo would otherwise each
 * debootstrap the same root filesystem (minutes of two cores each). A lock directory holds the
 * builder's pid; a lock whose process is gone is taken over.
 */
async function withBuildLock<T>(tag: string, fn: () => Promise<T>, log?: (line: string) => void): Promise<T> {
  const lock = join(tmpdir(), `benchsweep-base-${sha256Hex(tag).slice(0, 12)}.lock`);
  let said = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      if (pid && !processAlive(pid)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!said) log?.(`waiting for another process (pid ${pid || '?'}) building ${tag}`);
      said = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure the base image `tag` (default baseImageTag()) exists, building it when missing, and
 * returns the tag. Throws when Docker is unreachable or debootstrap fails (the caller says why).
 */
export async function ensureBaseImage(
  opts: { tag?: string; mirror?: string; log?: (line: string) => void } = {},
): Promise<string> {
  const tag = opts.tag ?? baseImageTag();
  if (await imageExists(tag)) return tag;
  return withBuildLock(
    tag,
    async () => {
      if (await imageExists(tag)) return tag;
      await assertDockerReachable();
      const mirror = opts.mirror ?? process.env.BENCHSWEEP_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
      const root = await mkdtemp(join(tmpdir(), 'benchsweep-rootfs-'));
      const started = Date.now();
      try {
        opts.log?.(`building the base image ${tag}: debootstrap ${BASE_IMAGE_SUITE} into ${root} (once per machine)`);
        await asRoot(
          'debootstrap',
          [
            `--variant=${BASE_IMAGE_VARIANT}`,
            `--include=${BASE_IMAGE_PACKAGES.join(',')}`,
            BASE_IMAGE_SUITE,
            root,
            mirror,
          ],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        // Debian's pip refuses to install outside a venv (PEP 668); the image is a throwaway root.
        await asRoot(
          'rm',
          ['-f', ...['3.11', '3.12', '3.13'].map((v) => join(root, `usr/lib/python${v}/EXTERNALLY-MANAGED`))],
          {},
        );
        const tar = asRoot('tar', ['-C', root, '-c', '.'], { buffer: false, stdout: 'pipe' });
        const imp = execa('docker', ['import', '--change', 'CMD ["/bin/bash"]', '-', tag], { stdin: 'pipe' });
        tar.stdout!.pipe(imp.stdin!);
        await Promise.all([tar, imp]);
        opts.log?.(`base image ${tag} built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        return tag;
      } finally {
        if (isRoot()) await rm(root, { recursive: true, force: true });
        else await execa('sudo', ['-n', 'rm', '-rf', '--', root], { reject: false });
      }
    },
    opts.log,
  );
}

/** Builds `ref` when it is a benchsweep base image that is missing; other images are the caller's (a registry or an earlier step). */
export async function ensureBuildBase(ref: string, log?: (line: string) => void): Promise<void> {
  if (isBaseImageTag(ref)) await ensureBaseImage({ tag: ref, ...(log ? { log } : {}) });
}

const isRoot = () => process.getuid?.() === 0;

/** debootstrap needs root: on a hosted runner (passwordless sudo) it runs through `sudo -n`. */
function asRoot<O extends Options>(file: string, args: string[], options: O) {
  return isRoot() ? execa(file, args, options) : execa('sudo', ['-n', file, ...args], options);
}
