/**
 * Overlay: derive a commit's engine image from a neighbour's image without compiling, by replaying
 * the git diff into the installed package (added and changed files copied from git, deleted files
 * removed) in a `docker build` FROM the neighbour, then rewriting the recorded commit. Valid only
 * when every changed file ships as-is (src/core/artifacts/rules/rebuild-rules.ts decides); the derived image
 * is used only after it imports and reports the target commit.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type { Category } from '../core/taxonomy.js';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { classifyChange, buildReasons } from '../core/artifacts/rules/rebuild-rules.js';
import { diffNameStatus, type ChangeStatus } from './git.js';

/** How an image records the commit it holds, and how to read it back. */
export interface CommitRecord {
  /** The file under the installed package that holds the commit. */
  file: string;
  /** Its new content for `commit`, given the neighbour's content (null when absent). */
  render(commit: string, previous: string | null, patch?: string): string;
  /** Python that prints the commit the installed package reports (argv[1] is the package name). */
  probe: string;
  /** render() reads the neighbour's record (one extra container run). */
  usesPrevious?: boolean;
}

/** The demo engine: `_commit.py` with `COMMIT = "<full sha>"` (COMMON.md image layout). */
export const DEMO_COMMIT_RECORD: CommitRecord = {
  file: '_commit.py',
  render: (commit, _previous, patch) =>
    `# Written by benchsweep when the image was built or derived.\nCOMMIT = "${commit}"\n` +
    (patch ? `PATCH_SHA256 = "${sha256Hex(patch)}"\n` : ''),
  probe:
    'import importlib, sys; importlib.import_module(sys.argv[1]); c = importlib.import_module(sys.argv[1] + "._commit"); print(c.COMMIT)',
};

/**
 * vLLM: setuptools-scm writes `_version.py` with a version like `0.6.4.dev12+g1234abcd`; older trees
 * carry `__commit__` in `version.py`. The neighbour's sha (long or `g`-short form) is replaced.
 */
export function vllmCommitRecord(fromCommit: string): CommitRecord {
  return {
    file: '_version.py',
    render: (commit, previous) => {
      const base = previous ?? `__version__ = version = "0+g${commit.slice(0, 9)}"\n`;
      let out = base.replaceAll(fromCommit, commit);
      out = out.replace(/\+g([0-9a-f]{7,12})/g, (m, short: string) =>
        fromCommit.startsWith(short) ? `+g${commit.slice(0, short.length)}` : m,
      );
      return out + `__commit__ = "${commit}"\n`;
    },
    usesPrevious: true,
    probe:
      'import importlib, sys; m = importlib.import_module(sys.argv[1]); v = importlib.import_module(sys.argv[1] + "._version"); print(getattr(v, "__commit__", None) or getattr(m, "__commit__", ""))',
  };
}

export interface OverlayChange {
  status: ChangeStatus;
  /** Repository path. */
  path: string;
  /** Where it is in the image. */
  target: string;
}

export interface DeriveOverlayOptions {
  repoDir: string;
  fromImage: string;
  fromCommit: string;
  /** The target commit (for an agent patch: the commit the patch applies to). */
  toCommit: string;
  /** The package directory in the repository: 'demo_engine' or 'vllm'. */
  packageDir: string;
  /** Where the package is installed in the image; detected by importing it when absent. */
  installedPath?: string;
  commitRecord?: CommitRecord;
  /** Other repository directories installed in the image (the demo's benchmarks/). */
  extraDirs?: Array<{ repoDir: string; installedPath: string }>;
  tag: string;
  /** A unified diff applied on top of toCommit (Python-only agent patches). */
  patch?: string;
  log?: (line: string) => void;
}

export type OverlayResult =
  | { ok: true; image: string; seconds: number; changes: OverlayChange[]; log: string }
  | {
      ok: false;
      category: Category;
      reason: string;
      evidence?: string;
      seconds: number;
      changes: OverlayChange[];
      log: string;
    };

/** The tree of `commit` with `patch` applied, without touching the work tree, index or refs. */
export async function treeWithPatch(
  repoDir: string,
  commit: string,
  patch: string,
): Promise<{ ok: true; tree: string } | { ok: false; error: string }> {
  const tmp = await mkdtemp(join(tmpdir(), 'bs-patch-'));
  try {
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    const patchFile = join(tmp, 'agent.patch');
    await writeFile(patchFile, patch.endsWith('\n') ? patch : patch + '\n');
    await execa('git', ['read-tree', commit], { cwd: repoDir, env });
    const applied = await execa('git', ['apply', '--cached', '--whitespace=nowarn', patchFile], {
      cwd: repoDir,
      env,
      reject: false,
    });
    if (applied.exitCode !== 0) return { ok: false, error: String(applied.stderr) };
    const tree = await execa('git', ['write-tree'], { cwd: repoDir, env });
    return { ok: true, tree: String(tree.stdout).trim() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function gitBlob(repoDir: string, rev: string, path: string): Promise<Uint8Array> {
  const r = await execa('git', ['cat-file', 'blob', `${rev}:${path}`], {
    cwd: repoDir,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  return r.stdout;
}

/** The package's directory inside an image, from importing it. */
async function detectInstalledPath(image: string, packageName: string): Promise<string> {
  const r = await execa(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      image,
      'python3',
      '-c',
      'import importlib, os, sys; print(os.path.dirname(importlib.import_module(sys.argv[1]).__file__))',
      packageName,
    ],
    { reject: false },
  );
  if (r.exitCode !== 0) throw new Error(`cannot import ${packageName} in ${image}: ${String(r.stderr).slice(-2000)}`);
  return String(r.stdout).trim().split('\n').pop()!;
}

export interface ImageVerification {
  ok: boolean;
  reported?: string;
  category?: Category;
  reason?: string;
  evidence?: string;
}

/** A build or overlay is a success only when the package imports and reports the expected commit. */
export async function verifyImage(
  image: string,
  packageName: string,
  expectCommit: string,
  record: CommitRecord,
): Promise<ImageVerification> {
  const r = await execa(
    'docker',
    ['run', '--rm', '--network', 'none', image, 'python3', '-c', record.probe, packageName],
    { reject: false, all: true },
  );
  const out = String(r.all ?? '');
  if (r.exitCode !== 0) {
    const evidence = out.split('\n').filter(Boolean).slice(-6).join('\n');
    // A missing third-party module is the environment (seeds: pyairports for outlines); a missing
    // or broken module of the engine itself is a broken build (seeds: vllm_flash_attn.fa_utils).
    const missing = /No module named '([^']+)'/.exec(out)?.[1];
    const category: Category =
      missing && !missing.startsWith(packageName)
        ? 'DEPENDENCY_CONFLICT'
        : /Error/.test(out)
          ? 'BROKEN_BUILD'
          : 'BUILD_FAILED';
    return { ok: false, category, reason: `${packageName} does not import in ${image}`, evidence };
  }
  const reported = String(r.stdout).trim().split('\n').pop() ?? '';
  if (reported.toLowerCase() !== expectCommit.toLowerCase()) {
    return {
      ok: false,
      reported,
      category: 'BUILD_FAILED',
      reason: `${image} reports commit ${reported || '(none)'}, expected ${expectCommit}`,
      evidence: out.slice(-2000),
    };
  }
  return { ok: true, reported };
}

function mapTarget(path: string, maps: Array<{ repoDir: string; installedPath: string }>): string | undefined {
  for (const m of maps) {
    const prefix = m.repoDir.replace(/\/+$/, '') + '/';
    if (path.startsWith(prefix)) return posix.join(m.installedPath, path.slice(prefix.length));
  }
  return undefined;
}

export async function deriveOverlayImage(o: DeriveOverlayOptions): Promise<OverlayResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const logLines: string[] = [];
  const say = (line: string) => {
    logLines.push(line);
    o.log?.(line);
  };
  const fail = (category: Category, reason: string, changes: OverlayChange[], evidence?: string): OverlayResult => {
    say(`overlay failed: ${reason}`);
    return {
      ok: false,
      category,
      reason,
      ...(evidence ? { evidence } : {}),
      seconds: seconds(),
      changes,
      log: logLines.join('\n'),
    };
  };
  const packageName = posix.basename(o.packageDir.replace(/\/+$/, ''));
  const record = o.commitRecord ?? DEMO_COMMIT_RECORD;

  let toRev = o.toCommit;
  if (o.patch) {
    const t = await treeWithPatch(o.repoDir, o.toCommit, o.patch);
    if (!t.ok) return fail('PATCH_FAILED', 'the patch does not apply to the commit', [], t.error);
    toRev = t.tree;
  }
  const diff = await diffNameStatus(o.repoDir, o.fromCommit, toRev);
  const classification = classifyChange(diff.map((d) => d.path));
  if (classification.needs === 'build') {
    const why = buildReasons(classification)
      .map((r) => `${r.path} (${r.effect})`)
      .join(', ');
    return fail('MISSING_ARTIFACT', `not derivable without a build: ${why}`, []);
  }
  const installedPath = o.installedPath ?? (await detectInstalledPath(o.fromImage, packageName));
  const maps = [{ repoDir: o.packageDir, installedPath }, ...(o.extraDirs ?? [])];
  const changes: OverlayChange[] = [];
  for (const d of diff) {
    const target = mapTarget(d.path, maps);
    if (target) changes.push({ ...d, target });
  }
  say(
    `overlay ${o.fromImage} (${o.fromCommit.slice(0, 12)}) -> ${o.tag} (${o.toCommit.slice(0, 12)}${o.patch ? ' + patch' : ''}): ${changes.length} files`,
  );

  const ctx = await mkdtemp(join(tmpdir(), 'bs-overlay-'));
  try {
    const rootDir = join(ctx, 'root');
    await mkdir(rootDir, { recursive: true });
    const deleted: string[] = [];
    for (const c of changes) {
      if (c.status === 'D') {
        deleted.push(c.target);
        continue;
      }
      const dest = join(rootDir, c.target);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, await gitBlob(o.repoDir, toRev, c.path));
    }
    // The commit record: rendered from the neighbour's record so version strings keep their form.
    const recordTarget = posix.join(installedPath, record.file);
    const prev = record.usesPrevious
      ? await execa('docker', ['run', '--rm', '--network', 'none', o.fromImage, 'cat', recordTarget], { reject: false })
      : { exitCode: 1, stdout: '' };
    const recordDest = join(rootDir, recordTarget);
    await mkdir(dirname(recordDest), { recursive: true });
    await writeFile(
      recordDest,
      record.render(o.toCommit, prev.exitCode === 0 ? String(prev.stdout) + '\n' : null, o.patch),
    );

    const lines = [
      `FROM ${o.fromImage}`,
      `COPY root/ /`,
      ...(deleted.length ? [`RUN ${JSON.stringify(['rm', '-rf', '--', ...deleted])}`] : []),
      `LABEL benchsweep.commit="${o.toCommit}" benchsweep.source="overlay" benchsweep.from="${o.fromCommit}"` +
        (o.patch ? ` benchsweep.patch="${sha256Hex(o.patch).slice(0, 12)}"` : ''),
    ];
    await writeFile(join(ctx, 'Dockerfile'), lines.join('\n') + '\n');
    const built = await execa('docker', ['build', '-q', '-t', o.tag, ctx], {
      reject: false,
      all: true,
      env: { DOCKER_BUILDKIT: '0' },
    });
    say(String(built.all ?? ''));
    if (built.exitCode !== 0)
      return fail(
        'BUILD_FAILED',
        `docker build of the overlay failed (exit ${built.exitCode})`,
        changes,
        String(built.all ?? '').slice(-2000),
      );

    const verified = await verifyImage(o.tag, packageName, o.toCommit, record);
    if (!verified.ok) {
      await execa('docker', ['rmi', '-f', o.tag], { reject: false });
      return fail(
        verified.category ?? 'BUILD_FAILED',
        verified.reason ?? 'verification failed',
        changes,
        verified.evidence,
      );
    }
    say(`overlay verified: ${packageName} reports ${verified.reported} (${seconds().toFixed(1)} s)`);
    return { ok: true, image: o.tag, seconds: seconds(), changes, log: logLines.join('\n') };
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
}
