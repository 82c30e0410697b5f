/** Git edge: real git, argv only. Functions here are shared by the run engine and the artifacts. */
import { execa } from 'execa';

export async function git(cwd: string, args: string[], input?: string, env?: Record<string, string>): Promise<string> {
  const r = await execa('git', args, {
    cwd,
    ...(input === undefined ? {} : { input }),
    ...(env ? { env } : {}),
    stripFinalNewline: false,
  });
  return r.stdout;
}

export async function tryGit(
  cwd: string,
  args: string[],
  input?: string,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execa('git', args, { cwd, reject: false, ...(input === undefined ? {} : { input }) });
  return { ok: r.exitCode === 0, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function initRepo(dir: string): Promise<void> {
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'user.email', 'benchsweep@localhost']);
  await git(dir, ['config', 'user.name', 'benchsweep']);
  await git(dir, ['config', 'commit.gpgsign', 'false']);
}

/** `date` (ISO 8601) fixes author and committer dates: the same tree and message give the same commit. */
export async function commitAll(dir: string, message: string, date?: string): Promise<string> {
  await git(dir, ['add', '-A']);
  await git(
    dir,
    ['commit', '-q', '-m', message],
    undefined,
    date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : undefined,
  );
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

export async function resolveCommit(dir: string, rev: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--verify', `${rev}^{commit}`])).trim();
}

export type ChangeStatus = 'A' | 'M' | 'D';
/** Files changed between two commits (renames split into a delete and an add). */
export async function diffNameStatus(
  dir: string,
  from: string,
  to: string,
): Promise<Array<{ status: ChangeStatus; path: string }>> {
  const out = await git(dir, ['diff', '--no-renames', '--name-status', '-z', from, to]);
  const parts = out.split('\0').filter(Boolean);
  const changes: Array<{ status: ChangeStatus; path: string }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const s = parts[i]!.charAt(0);
    changes.push({ status: s === 'A' ? 'A' : s === 'D' ? 'D' : 'M', path: parts[i + 1]! });
  }
  return changes;
}

export async function showFile(dir: string, rev: string, path: string): Promise<string | null> {
  const r = await tryGit(dir, ['show', `${rev}:${path}`]);
  return r.ok ? r.stdout : null;
}
