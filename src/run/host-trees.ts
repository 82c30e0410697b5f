/**
 * The host executor's "images": one source tree per variant, each a git worktree of the engine
 * repository — baseline at the parent, human at the commit, agent at the parent with the agent's
 * patch applied — so the three variants run three different engines. (Running whatever is checked
 * out three times measured one tree thrice and still declared a winner.) A tree that cannot be
 * made is that variant's failure (PATCH_FAILED, MISSING_ARTIFACT); nothing falls back to the
 * current checkout.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { resolveCommit, tryGit } from '../adapters/git.js';
import type { ImageProvider, ImageRequest, ImageResolution } from './image-provider.js';

export interface WorktreeProvider extends ImageProvider {
  /** The trees made so far, by variant and task. */
  readonly trees: ReadonlyMap<string, { path: string; commit: string; patchSha256?: string }>;
  /** Removes every worktree this provider added. */
  close(): Promise<void>;
}

export async function createWorktreeProvider(o: {
  repoDir: string;
  dir?: string;
  log?: (line: string) => void;
}): Promise<WorktreeProvider> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'benchsweep-trees-')));
  await mkdir(dir, { recursive: true });
  const log = o.log ?? (() => {});
  const trees = new Map<string, { path: string; commit: string; patchSha256?: string }>();
  const added: Array<{ repo: string; path: string }> = [];

  async function resolve(req: ImageRequest): Promise<ImageResolution> {
    const started = Date.now();
    const repo = req.repoDir || o.repoDir;
    let commit: string;
    try {
      commit = await resolveCommit(repo, req.commit);
    } catch {
      return {
        ok: false,
        category: 'MISSING_ARTIFACT',
        reason: `commit ${req.commit} is not in ${repo}: the host executor needs the engine repository with every task's commits (--repo)`,
      };
    }
    const patchSha256 = req.patch ? sha256Hex(req.patch) : undefined;
    const name = `${req.task.id}-${req.variant}-${commit.slice(0, 12)}${patchSha256 ? `-p${patchSha256.slice(0, 12)}` : ''}`;
    const path = join(dir, name);
    if (existsSync(path)) {
      await tryGit(repo, ['worktree', 'remove', '--force', path]);
      await rm(path, { recursive: true, force: true });
    }
    const add = await tryGit(repo, ['worktree', 'add', '--detach', '--force', path, commit]);
    if (!add.ok)
      return {
        ok: false,
        category: 'MISSING_ARTIFACT',
        reason: `git worktree add ${commit.slice(0, 12)} failed`,
        evidence: add.stderr.trim(),
      };
    added.push({ repo, path });
    if (req.patch) {
      const patchFile = join(dir, `${name}.patch`);
      await writeFile(patchFile, req.patch);
      const applied = await tryGit(path, ['apply', '--whitespace=nowarn', patchFile]);
      if (!applied.ok)
        return {
          ok: false,
          category: 'PATCH_FAILED',
          reason: `the agent patch does not apply to ${commit.slice(0, 12)}`,
          evidence: applied.stderr.trim(),
        };
    }
    // The tree is what it claims: HEAD at the commit, and (agent) the patch present in the work tree.
    const head = await tryGit(path, ['rev-parse', 'HEAD']);
    if (!head.ok || head.stdout.trim() !== commit)
      return {
        ok: false,
        category: 'MISSING_ARTIFACT',
        reason: `worktree ${path} is at ${head.stdout.trim() || '?'}, expected ${commit}`,
      };
    if (req.patch) {
      const dirty = await tryGit(path, ['status', '--porcelain']);
      if (!dirty.stdout.trim())
        return { ok: false, category: 'PATCH_FAILED', reason: 'the agent patch changes nothing in the tree' };
    }
    trees.set(`${req.task.id}/${req.variant}`, { path, commit, ...(patchSha256 ? { patchSha256 } : {}) });
    log(
      `${req.task.id} ${req.variant}: source tree ${path} at ${commit.slice(0, 12)}${req.patch ? ' + agent patch' : ''}`,
    );
    return {
      ok: true,
      image: path,
      // A tree run as it is (a Python engine, or one built in place by the runner's own setup).
      artifact: {
        source: 'build',
        ref: `worktree ${commit}${patchSha256 ? ` + patch ${patchSha256.slice(0, 12)}` : ''}`,
      },
      seconds: (Date.now() - started) / 1000,
    };
  }

  return {
    builds: 0,
    trees,
    resolve,
    async close() {
      for (const t of added.splice(0)) {
        await tryGit(t.repo, ['worktree', 'remove', '--force', t.path]);
        await rm(t.path, { recursive: true, force: true });
      }
      if (!o.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
