/**
 * Which pull-request code may reach the self-hosted runners, and which tasks a PR touches.
 *
 * Self-hosted GPU runners keep state between jobs (caches, the Docker daemon, maybe a runner-local
 * HF_TOKEN), so code a PR defines must not reach them unreviewed. Two rules hold that, whatever a
 * fork edits:
 * - A `pull_request` workflow is defined by the PR itself (a fork can edit it or add one), so it
 *   runs only hosted jobs: verify-pr.yml plans, nothing else. decidePrGate lets every
 *   `pull_request` event plan (hosted, read-only, no secrets); the runner guard
 *   (core/github/runner-guard.ts) refuses any self-hosted job whose workflow is not on the default branch.
 * - The benchmarks of a PR run from a default-branch workflow (verify-pr-bench.yml, on
 *   `pull_request_target` or a maintainer's comment), at a commit a maintainer approved by its
 *   SHA: an approving review whose commit_id is the PR's current head, or a comment
 *   `/benchsweep run <sha>` naming the current head. A later push changes the head, so it is never
 *   covered by an earlier approval (decideApproval).
 */
import { z } from 'zod';
import type { Task } from '../task.js';

const Repo = z.looseObject({ full_name: z.string() });
const Label = z.looseObject({ name: z.string() });

const PullRequestPayload = z.looseObject({
  action: z.string().optional(),
  number: z.number().optional(),
  label: Label.optional(),
  pull_request: z
    .looseObject({
      number: z.number(),
      head: z.looseObject({ sha: z.string(), ref: z.string().optional(), repo: Repo.nullish() }),
      base: z.looseObject({ sha: z.string(), ref: z.string().optional(), repo: Repo }),
      labels: z.array(Label).default([]),
    })
    .optional(),
  repository: Repo.optional(),
});
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

export interface GateDecision {
  /** verify-pr may plan this event (hosted jobs only: no pull_request workflow has a self-hosted job). */
  allowed: boolean;
  reason: string;
  /** The head lives in another repository (or a deleted one). */
  fork: boolean;
  headSha?: string;
  headRepo?: string;
  baseSha?: string;
  prNumber?: number;
  /** The gate label is on the PR but no longer counts (a push came after it): take it off. */
  removeLabel: boolean;
}

export interface GateOptions {
  /** The label a maintainer applies to ask for a benchmark run (the approval itself is SHA-bound). */
  label?: string;
}

const DEFAULT_GATE_LABEL = 'safe-to-bench';

/** Events whose code is the repository's own (dispatch, schedule, push) are trusted. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'issue_comment']);

/**
 * The planning gate of verify-pr.yml (a `pull_request` workflow with hosted jobs only: it plans,
 * it never runs anything on a self-hosted runner). Same-repository PRs are planned on every push;
 * a fork's PR when a maintainer applies the label, for the head of that moment; a later push is
 * refused (and the label asked off). Events of the default-branch workflow that runs benchmarks
 * (pull_request_target, issue_comment) are not decided here: they need the approval evidence
 * (decideApproval).
 */
export function decidePrGate(eventName: string, payload: unknown, options: GateOptions = {}): GateDecision {
  const label = options.label ?? DEFAULT_GATE_LABEL;
  if (!PULL_REQUEST_EVENTS.has(eventName)) {
    return { allowed: true, reason: `${eventName} event: the repository's own code`, fork: false, removeLabel: false };
  }
  const parsed = PullRequestPayload.safeParse(payload);
  const pr = parsed.success ? parsed.data.pull_request : undefined;
  if (!parsed.success || !pr) {
    return {
      allowed: false,
      reason: `${eventName} event without a readable pull_request payload`,
      fork: true,
      removeLabel: false,
    };
  }
  const event = parsed.data;
  const headRepo = pr.head.repo?.full_name;
  const baseRepo = pr.base.repo.full_name;
  const fork = headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase();
  const hasLabel = pr.labels.some((l) => l.name === label);
  const common = {
    fork,
    headSha: pr.head.sha,
    ...(headRepo ? { headRepo } : {}),
    baseSha: pr.base.sha,
    prNumber: pr.number,
  };
  const labelEventOther = (event.action === 'labeled' || event.action === 'unlabeled') && event.label?.name !== label;
  if (eventName !== 'pull_request') {
    return {
      ...common,
      allowed: false,
      reason: `${eventName}: a benchmark run needs a maintainer's approval of the head SHA (decideApproval), not this gate`,
      removeLabel: false,
    };
  }

  if (!fork) {
    if (labelEventOther) {
      return {
        ...common,
        allowed: false,
        reason: `label "${event.label?.name ?? '?'}" changed: not a reason to rerun`,
        removeLabel: false,
      };
    }
    if (event.action === 'unlabeled') {
      return { ...common, allowed: false, reason: `label "${label}" removed: nothing to run`, removeLabel: false };
    }
    return { ...common, allowed: true, reason: `pull request from ${baseRepo} itself`, removeLabel: false };
  }

  const from = headRepo ?? 'a deleted fork';
  if (event.action === 'labeled' && event.label?.name === label && hasLabel) {
    return {
      ...common,
      allowed: true,
      reason: `fork PR from ${from}: label "${label}" applied at head ${pr.head.sha.slice(0, 12)}`,
      removeLabel: false,
    };
  }
  if (event.action === 'synchronize') {
    return {
      ...common,
      allowed: false,
      reason: `fork PR from ${from}: new commits were pushed${hasLabel ? ` after the "${label}" label` : ''}; a maintainer must review them and apply "${label}" again`,
      removeLabel: hasLabel,
    };
  }
  if (hasLabel) {
    return {
      ...common,
      allowed: false,
      reason: `fork PR from ${from}: "${label}" is present but was not applied by this event (${event.action ?? 'unknown action'}); a maintainer must re-apply it to the current head`,
      removeLabel: false,
    };
  }
  return {
    ...common,
    allowed: false,
    reason: `fork PR from ${from}: self-hosted runners run fork code only after a maintainer reviews it and applies "${label}"`,
    removeLabel: false,
  };
}

// ---- approval bound to a SHA (verify-pr-bench.yml) ------------------------------------------------

/** Who may approve: GitHub's author_association of people with write access to the repository. */
const MAINTAINER_ASSOCIATIONS: ReadonlySet<string> = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** `/benchsweep run <sha>` at the start of a line of a comment. */
const RUN_COMMAND = /^\/benchsweep\s+run\s+([0-9a-f]{12,40})\s*$/im;

const User = z.looseObject({ login: z.string(), type: z.string().optional() });

/** GET /repos/{owner}/{repo}/pulls/{n}: the PR as it is now. */
const PullRequestState = z.looseObject({
  number: z.number(),
  state: z.string(),
  head: z.looseObject({ sha: z.string(), repo: Repo.nullish() }),
  base: z.looseObject({ sha: z.string(), ref: z.string(), repo: Repo }),
});

/** GET /repos/{owner}/{repo}/pulls/{n}/reviews (all pages, in order). */
const Review = z.looseObject({
  state: z.string(),
  commit_id: z.string().nullish(),
  author_association: z.string().optional(),
  user: User.nullish(),
});

const CommentEvent = z.looseObject({
  comment: z.looseObject({ body: z.string(), author_association: z.string().optional(), user: User.nullish() }),
  issue: z.looseObject({ number: z.number(), pull_request: z.unknown().optional() }),
});

export interface ApprovalInput {
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH). */
  payload: unknown;
  /** The PR as the API shows it now (not as the event remembers it). */
  pull: unknown;
  /** The PR's reviews, in the API's order (oldest first). */
  reviews: unknown[];
  label?: string;
}

export interface ApprovalDecision {
  allowed: boolean;
  reason: string;
  /** The approved commit: the benchmark jobs read the PR's dataset rows and patches at exactly this SHA. */
  sha?: string;
  headRepo?: string;
  prNumber?: number;
  fork: boolean;
  approvedBy?: string;
  via?: 'review' | 'comment';
}

/**
 * May verify-pr-bench run the PR's tasks, and at which commit? Only at the PR's current head, and
 * only when a maintainer approved exactly that commit: by an approving review whose commit_id is
 * the head (the maintainer's latest review counts), or by a comment naming the head's SHA. The
 * label (pull_request_target `labeled`) only asks for the run; it approves nothing.
 */
export function decideApproval(input: ApprovalInput): ApprovalDecision {
  const pull = PullRequestState.safeParse(input.pull);
  if (!pull.success) return { allowed: false, reason: 'the pull request could not be read from the API', fork: true };
  const pr = pull.data;
  const headRepo = pr.head.repo?.full_name;
  const fork = headRepo === undefined || headRepo.toLowerCase() !== pr.base.repo.full_name.toLowerCase();
  const head = pr.head.sha.toLowerCase();
  const common = { fork, prNumber: pr.number, ...(headRepo ? { headRepo } : {}) };
  const refuse = (reason: string): ApprovalDecision => ({ ...common, allowed: false, reason });
  if (pr.state !== 'open') return refuse(`PR #${pr.number} is ${pr.state}`);
  if (!headRepo) return refuse(`PR #${pr.number}: its head repository was deleted`);
  const label = input.label ?? DEFAULT_GATE_LABEL;

  if (input.eventName === 'issue_comment') {
    const ev = CommentEvent.safeParse(input.payload);
    if (!ev.success || ev.data.issue.pull_request === undefined)
      return refuse('issue_comment: not a comment on a pull request');
    if (ev.data.issue.number !== pr.number)
      return refuse(`the comment is on #${ev.data.issue.number}, not on #${pr.number}`);
    const who = ev.data.comment.user?.login ?? 'someone';
    const assoc = ev.data.comment.author_association ?? 'NONE';
    const m = RUN_COMMAND.exec(ev.data.comment.body);
    if (!m) return refuse(`the comment by ${who} is not "/benchsweep run <sha>"`);
    if (!MAINTAINER_ASSOCIATIONS.has(assoc))
      return refuse(`${who} (${assoc}) cannot approve a benchmark run: only owners, members and collaborators can`);
    const named = m[1]!.toLowerCase();
    if (!head.startsWith(named)) {
      return refuse(
        `${who} approved ${named.slice(0, 12)}, but the head of #${pr.number} is now ${head.slice(0, 12)}: review the new commits and comment again with that SHA`,
      );
    }
    return {
      ...common,
      allowed: true,
      sha: pr.head.sha,
      approvedBy: who,
      via: 'comment',
      reason: `${who} approved head ${head.slice(0, 12)} by comment`,
    };
  }

  if (input.eventName === 'pull_request_target') {
    const ev = PullRequestPayload.safeParse(input.payload);
    const event = ev.success ? ev.data : undefined;
    if (event?.action !== 'labeled' || event.label?.name !== label)
      return refuse(`pull_request_target ${event?.action ?? '?'}: only the "${label}" label asks for a run`);
    const labelledAt = event.pull_request?.head.sha.toLowerCase();
    if (labelledAt && labelledAt !== head)
      return refuse(
        `the head moved from ${labelledAt.slice(0, 12)} to ${head.slice(0, 12)} after "${label}" was applied: approve the new head`,
      );
    // Each maintainer's latest decisive review (APPROVED / CHANGES_REQUESTED / DISMISSED) counts; comments do not.
    const latest = new Map<string, z.infer<typeof Review>>();
    for (const raw of input.reviews) {
      const r = Review.safeParse(raw);
      if (!r.success || !r.data.user) continue;
      if (!['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.data.state)) continue;
      latest.set(r.data.user.login, r.data);
    }
    const approval = [...latest.values()].find(
      (r) =>
        r.state === 'APPROVED' &&
        MAINTAINER_ASSOCIATIONS.has(r.author_association ?? 'NONE') &&
        (r.commit_id ?? '').toLowerCase() === head,
    );
    if (!approval) {
      const stale = [...latest.values()].find(
        (r) => r.state === 'APPROVED' && MAINTAINER_ASSOCIATIONS.has(r.author_association ?? 'NONE'),
      );
      return refuse(
        stale
          ? `${stale.user!.login} approved ${String(stale.commit_id).slice(0, 12)}, not the head ${head.slice(0, 12)}: new commits need a new approving review (or "/benchsweep run ${head}")`
          : `no maintainer's approving review of head ${head.slice(0, 12)}: approve it in a review (or comment "/benchsweep run ${head}")`,
      );
    }
    return {
      ...common,
      allowed: true,
      sha: pr.head.sha,
      approvedBy: approval.user!.login,
      via: 'review',
      reason: `${approval.user!.login} approved head ${head.slice(0, 12)} in a review`,
    };
  }
  return refuse(
    `${input.eventName}: benchmarks of a PR run on a "${label}" label or a "/benchsweep run <sha>" comment`,
  );
}

/**
 * Why a PR's `patch_path` cannot be read on a runner: it must name a file inside the repository
 * (relative, no `..`), or the runner would read one of its own files (its .credentials, .env) as
 * the "patch" and carry it into a build log.
 */
export function unsafePatchPath(path: string): string | undefined {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('~'))
    return `patch_path ${JSON.stringify(path)} is absolute: it must be a path inside the repository`;
  if (p.split('/').includes('..'))
    return `patch_path ${JSON.stringify(path)} climbs out with "..": it must be a path inside the repository`;
  if (/[\0\r\n]/.test(p)) return 'patch_path holds a control character';
  return undefined;
}

/** Tasks a fork PR may not run: they need a token the fork's containers do not get. */
export function gatedTaskRefusals(
  tasks: Task[],
  modelOf: (t: Task) => string | undefined,
  isGated: (model: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tasks) {
    const model = modelOf(t);
    const why = model ? isGated(model) : undefined;
    if (why)
      out[t.id] =
        `${model} is a gated model (${why}): fork PRs run without HF_TOKEN, so this task is benchmarked only from a maintainer's branch`;
  }
  return out;
}

/** Path as git prints it, for comparing a dataset's patch_path with a PR's changed files. */
function normalizePath(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

/** A task's row as data, without where it sat in the file (moving a row is not changing it). */
function rowKey(task: Task): string {
  const { origin: _origin, ...rest } = task;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

export interface AffectedInput {
  /** Files the PR changes (paths relative to the repository root). */
  changedFiles: string[];
  /** The dataset's path in the repository. */
  datasetPath: string;
  /** The dataset's tasks at the PR's head. */
  headTasks: Task[];
  /** The dataset's tasks at the base, or null when the base has no such file. */
  baseTasks: Task[] | null;
}

export interface AffectedTasks {
  /** Task ids to plan, in dataset order. */
  ids: string[];
  reasons: Record<string, string[]>;
}

/**
 * The tasks a PR affects: rows the PR adds or changes in the dataset, and tasks whose agent patch
 * file it changes (by `patch_path`, or a file named `<task id>.diff|.patch`). Removed rows are not
 * planned (nothing left to run).
 */
export function affectedTasks(input: AffectedInput): AffectedTasks {
  const changed = new Set(input.changedFiles.map(normalizePath));
  const reasons: Record<string, string[]> = {};
  const add = (id: string, why: string) => (reasons[id] ??= []).push(why);

  if (changed.has(normalizePath(input.datasetPath))) {
    const base = new Map((input.baseTasks ?? []).map((t) => [t.id, rowKey(t)]));
    for (const t of input.headTasks) {
      const before = base.get(t.id);
      if (before === undefined) add(t.id, 'row added');
      else if (before !== rowKey(t)) add(t.id, 'row changed');
    }
  }
  for (const t of input.headTasks) {
    if (t.patchPath && changed.has(normalizePath(t.patchPath)))
      add(t.id, `agent patch ${normalizePath(t.patchPath)} changed`);
    else {
      const byName = [...changed].find((p) => new RegExp(`(^|/)${escapeRegExp(t.id)}\\.(diff|patch)$`, 'i').test(p));
      if (byName) add(t.id, `agent patch ${byName} changed`);
    }
  }
  return { ids: input.headTasks.map((t) => t.id).filter((id) => reasons[id]), reasons };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `git diff --name-only` output (or one path per line) → paths. */
export function parseChangedFiles(text: string): string[] {
  return text.split(/\r?\n/).map(normalizePath).filter(Boolean);
}
