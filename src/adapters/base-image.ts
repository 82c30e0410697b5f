/**
 * The offline base image for containers that stand in for an engine image in tests and the demo:
 * a Debian root filesystem made with debootstrap (python3, git, patch), imported into Docker.
 * Built once per machine; the image tag is the cache.
 */
import { execa, type Options } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE_IMAGE = 'benchsweep/base:bookworm-py3';
const PACKAGES = ['python3-minimal', 'python3-venv', 'git', 'patch', 'ca-certificates', 'procps'];

export async function imageExists(ref: string): Promise<boolean> {
  const r = await execa('docker', ['image', 'inspect', ref], { reject: false });
  return r.exitCode === 0;
}

export async function ensureBaseImage(opts: { mirror?: string; log?: (line: string) => void } = {}): Promise<string> {
  if (await imageExists(BASE_IMAGE)) return BASE_IMAGE;
  const mirror = opts.mirror ?? process.env.BENCHSWEEP_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const root = await mkdtemp(join(tmpdir(), 'benchsweep-rootfs-'));
  try {
    opts.log?.(`debootstrap bookworm into ${root} (once per machine)`);
    await asRoot('debootstrap', ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', root, mirror], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const tar = asRoot('tar', ['-C', root, '-c', '.'], { buffer: false, stdout: 'pipe' });
    const imp = execa('docker', ['import', '--change', 'CMD ["/bin/bash"]', '-', BASE_IMAGE], { stdin: 'pipe' });
    tar.stdout!.pipe(imp.stdin!);
    await Promise.all([tar, imp]);
    return BASE_IMAGE;
  } finally {
    if (isRoot()) await rm(root, { recursive: true, force: true });
    else await execa('sudo', ['-n', 'rm', '-rf', '--', root], { reject: false });
  }
}

const isRoot = () => process.getuid?.() === 0;

/** debootstrap needs root: on a hosted runner (passwordless sudo) it runs through `sudo -n`. */
function asRoot<O extends Options>(file: string, args: string[], options: O) {
  return isRoot() ? execa(file, args, options) : execa('sudo', ['-n', file, ...args], options);
}
