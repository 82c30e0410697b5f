/**
 * The GPU job's side of a wheel: a runtime image = the artifact config's runtime base (vLLM: CUDA +
 * torch; the demo: the base image) + the wheel installed with pip offline (`--no-deps --no-index`:
 * the runtime base already holds the dependencies, and nothing is fetched) + the repository
 * directories the engine layout names (the demo's benchmarks/) + the runtime settings. The image is
 * used only after the package imports and reports the commit (the caller runs verifyImage).
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Category } from '../core/taxonomy.js';
import { ensureBuildBase } from './base-image.js';

/**
 * vLLM wheels carry the commit only in their version (`0.6.4.dev12+g1234abcd`): the stamp checks that
 * the installed `_version.py` names the commit, then records `__commit__` for the verification.
 */
const VLLM_STAMP = String.raw`
import importlib.util, os, re, sys
pkg, commit = sys.argv[1], sys.argv[2]
spec = importlib.util.find_spec(pkg)
if spec is None or not spec.submodule_search_locations:
    print('benchsweep-wheel: ' + pkg + ' is not installed', file=sys.stderr); sys.exit(3)
path = os.path.join(list(spec.submodule_search_locations)[0], '_version.py')
text = open(path).read() if os.path.exists(path) else ''
named = re.findall(r'\+g([0-9a-f]{7,40})', text) + re.findall(r'__commit__\s*=\s*["\']([0-9a-f]{7,40})', text)
if not any(commit.startswith(n) for n in named):
    print('benchsweep-wheel: the wheel version does not name commit ' + commit + ': ' + text.strip()[:300], file=sys.stderr); sys.exit(3)
open(path, 'a').write('\n__commit__ = "' + commit + '"\n')
`;

export interface InstallWheelOptions {
  wheelPath: string;
  runtimeBase: string;
  tag: string;
  commit: string;
  /** pip --target (the demo: /opt/engine/site, on its PYTHONPATH); absent: the interpreter's site-packages. */
  target?: string;
  /** Dockerfile lines after the install (ENV, WORKDIR) so the image runs like an engine image. */
  runtimeLines?: string[];
  /** Repository directories copied from git at the commit (the demo's benchmarks/). */
  extraDirs?: Array<{ repoDir: string; installedPath: string }>;
  repoDir?: string;
  /** vLLM: record `__commit__` in `<package>/_version.py` after checking the version names the commit. */
  stampCommitFor?: string;
  labels?: Record<string, string>;
  log?: (line: string) => void;
}

export type InstallWheelResult =
  | { ok: true; image: string; seconds: number }
  | { ok: false; category: Category; reason: string; evidence?: string; seconds: number };

/** Extracts `dir` of the repository at `commit` to `dest` (missing at that commit: an empty folder). */
async function extractRepoDir(repoDir: string, commit: string, dir: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const clean = dir.replace(/\/+$/, '');
  const archive = await execa('git', ['archive', '--format=tar', commit, '--', clean], {
    cwd: repoDir,
    encoding: 'buffer',
    reject: false,
  });
  if (archive.exitCode !== 0) return;
  const depth = clean.split('/').filter(Boolean).length;
  await execa('tar', ['-x', '-C', dest, `--strip-components=${depth}`], { input: archive.stdout });
}

/** Shell of a Dockerfile `RUN` line (shell form, or exec form as a quoted argv). */
function runLineShell(line: string): string {
  const body = line.replace(/^RUN\s+/i, '').trim();
  if (!body.startsWith('[')) return body;
  const argv = JSON.parse(body) as string[];
  return argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
}

async function imageConfig(ref: string): Promise<{ Entrypoint: string[] | null; Cmd: string[] | null }> {
  const r = await execa('docker', ['image', 'inspect', '--format', '{{json .Config}}', ref]);
  const c = JSON.parse(r.stdout) as { Entrypoint?: string[] | null; Cmd?: string[] | null };
  return { Entrypoint: c.Entrypoint ?? null, Cmd: c.Cmd ?? null };
}

/**
 * One container from the runtime base gets the wheel (and the extra directories) as a tar on stdin,
 * pip-installs it and runs the runtime `RUN` lines; `docker commit` then records the other runtime
 * lines (ENV, WORKDIR, LABEL) and restores the base's entrypoint and command. One container start
 * and one commit: a Dockerfile build of the same steps commits a layer per instruction (twice the
 * time on the demo).
 */
export async function installWheelImage(o: InstallWheelOptions): Promise<InstallWheelResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const ctx = await mkdtemp(join(tmpdir(), 'bs-wheel-install-'));
  const container = `bs-wheel-${randomBytes(6).toString('hex')}`;
  try {
    const file = basename(o.wheelPath);
    const rootDir = join(ctx, 'root');
    const wheelDir = join(rootDir, 'tmp', 'benchsweep-wheel');
    await mkdir(wheelDir, { recursive: true });
    await copyFile(o.wheelPath, join(wheelDir, file));
    const extras = o.repoDir ? (o.extraDirs ?? []) : [];
    for (const e of extras) await extractRepoDir(o.repoDir!, o.commit, e.repoDir, join(rootDir, e.installedPath));
    if (o.stampCommitFor) await writeFile(join(wheelDir, 'stamp.py'), VLLM_STAMP);
    const tarFile = join(ctx, 'root.tar');
    await execa('tar', ['-c', '-f', tarFile, '-C', rootDir, '.']);

    const runtime = o.runtimeLines ?? [];
    const runLines = runtime.filter((l) => /^RUN\s/i.test(l)).map(runLineShell);
    const changes = runtime.filter((l) => !/^RUN\s/i.test(l) && l.trim() && !/^#/.test(l.trim()));
    const pip = [
      'python3',
      '-m',
      'pip',
      'install',
      '--no-deps',
      '--no-index',
      '--no-compile',
      '--disable-pip-version-check',
      ...(o.target ? ['--target', o.target] : []),
      `/tmp/benchsweep-wheel/${file}`,
    ];
    const script = [
      'set -eu',
      'tar -x -C / -f -',
      // Debian marks its interpreter externally managed (PEP 668); older pips ignore the variable.
      `PIP_BREAK_SYSTEM_PACKAGES=1 ${pip.join(' ')}`,
      ...(o.stampCommitFor ? [`python3 /tmp/benchsweep-wheel/stamp.py ${o.stampCommitFor} ${o.commit}`] : []),
      'rm -rf /tmp/benchsweep-wheel',
      ...runLines,
    ].join('\n');
    const labels = {
      'benchsweep.commit': o.commit,
      'benchsweep.source': 'wheel',
      'benchsweep.wheel': file,
      ...o.labels,
    };
    o.log?.(`wheel: installing ${file} into ${o.runtimeBase} as ${o.tag}`);
    // benchsweep's own base image is made on first use (a fresh machine has none).
    await ensureBuildBase(o.runtimeBase, o.log);
    const baseConfig = await imageConfig(o.runtimeBase);
    // An entrypoint of the base (vLLM's server) is bypassed for the install and restored on commit
    // (`ENTRYPOINT []` does not clear one in `docker commit`, so a base without one keeps none).
    const entry = baseConfig.Entrypoint?.length
      ? ['--entrypoint', '/bin/sh', o.runtimeBase, '-c', script]
      : [o.runtimeBase, '/bin/sh', '-c', script];
    const run = await execa('docker', ['run', '-i', '--name', container, '--network', 'none', ...entry], {
      reject: false,
      all: true,
      inputFile: tarFile,
    });
    if (run.exitCode !== 0) {
      const out = String(run.all ?? '');
      const evidence = out
        .split('\n')
        .filter((l) => l.trim())
        .slice(-12)
        .join('\n');
      if (/benchsweep-wheel:/.test(out))
        return {
          ok: false,
          category: 'BUILD_FAILED',
          reason: `the wheel ${file} does not hold commit ${o.commit.slice(0, 12)}`,
          evidence,
          seconds: seconds(),
        };
      if (/No module named pip/.test(out))
        return {
          ok: false,
          category: 'MISSING_ARTIFACT',
          reason: `the runtime base ${o.runtimeBase} has no pip`,
          evidence,
          seconds: seconds(),
        };
      const category: Category = /is not a supported wheel on this platform|requires a different Python/.test(out)
        ? 'MISSING_ARTIFACT'
        : 'BUILD_FAILED';
      return {
        ok: false,
        category,
        reason: `installing ${file} into ${o.runtimeBase} failed`,
        evidence,
        seconds: seconds(),
      };
    }
    const commitArgs = [
      ...changes.flatMap((c) => ['--change', c]),
      '--change',
      `LABEL ${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')}`,
      ...(baseConfig.Entrypoint?.length ? ['--change', `ENTRYPOINT ${JSON.stringify(baseConfig.Entrypoint)}`] : []),
      '--change',
      `CMD ${JSON.stringify(baseConfig.Cmd ?? ['/bin/sh'])}`,
    ];
    const committed = await execa('docker', ['commit', ...commitArgs, container, o.tag], { reject: false, all: true });
    if (committed.exitCode !== 0)
      return {
        ok: false,
        category: 'BUILD_FAILED',
        reason: `docker commit of ${o.tag} failed`,
        evidence: String(committed.all ?? '').slice(-2000),
        seconds: seconds(),
      };
    return { ok: true, image: o.tag, seconds: seconds() };
  } finally {
    await execa('docker', ['rm', '-f', container], { reject: false });
    await rm(ctx, { recursive: true, force: true });
  }
}
