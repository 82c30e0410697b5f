/**
 * Checks an agent patch before any image is built for it: the policy (no edits to the benchmark,
 * its inputs or the tests → PATCH_REJECTED) and whether it applies to the parent (PATCH_FAILED,
 * with git's own message as the evidence).
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPatchPolicy } from '../core/dataset/patch-policy.js';

export type PatchCheck =
  | { ok: true; paths: string[] }
  | { ok: false; category: 'PATCH_FAILED' | 'PATCH_REJECTED'; reason: string; evidence: string; offending?: string[] };

/**
 * `git apply --check` against the parent's tree. A throw-away index (GIT_INDEX_FILE) stands in for
 * a worktree: the same check without checking out thousands of files of the engine, and without
 * touching the repository's own index or worktrees.
 */
export async function checkPatchApplies(
  repoDir: string,
  parent: string,
  patch: string,
): Promise<{ ok: boolean; message: string }> {
  if (!patch.trim()) return { ok: false, message: 'the agent patch is empty' };
  const tmp = await mkdtemp(join(tmpdir(), 'benchsweep-patch-'));
  const env = { GIT_INDEX_FILE: join(tmp, 'index') };
  try {
    const read = await execa('git', ['read-tree', parent], { cwd: repoDir, env, reject: false });
    if (read.exitCode !== 0)
      return { ok: false, message: `cannot read the parent ${parent}: ${String(read.stderr).trim()}` };
    const r = await execa('git', ['apply', '--check', '--cached', '-v', '-'], {
      cwd: repoDir,
      env,
      input: patch,
      reject: false,
    });
    const message = [String(r.stderr), String(r.stdout)]
      .filter((s) => s.trim())
      .join('\n')
      .trim();
    return {
      ok: r.exitCode === 0,
      message: message || (r.exitCode === 0 ? 'applies cleanly' : `git apply exited ${r.exitCode}`),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function checkAgentPatch(opts: {
  repoDir: string;
  parent: string;
  patch: string;
  protectedFiles?: string[];
}): Promise<PatchCheck> {
  const policy = checkPatchPolicy(opts.patch, opts.protectedFiles ?? []);
  if (!policy.allowed) {
    return {
      ok: false,
      category: 'PATCH_REJECTED',
      reason: policy.reason,
      evidence: policy.offending.join('\n'),
      offending: policy.offending,
    };
  }
  const applies = await checkPatchApplies(opts.repoDir, opts.parent, opts.patch);
  if (!applies.ok) {
    return {
      ok: false,
      category: 'PATCH_FAILED',
      reason: `the agent patch does not apply to ${opts.parent.slice(0, 12)}`,
      evidence: applies.message,
    };
  }
  return { ok: true, paths: policy.paths };
}
