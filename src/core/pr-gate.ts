/**
 * May this pull request's code run on self-hosted runners? And which tasks does it touch?
 *
 * Self-hosted GPU runners keep state between jobs (caches, HF_TOKEN in the runner's environment,
 * the Docker daemon), so code from a fork must not reach them unreviewed. A fork PR is let through
 * only by the event of a maintainer applying the gate label (only users with triage access can
 * label): that event's payload names the head commit as it was when the label went on, and the
 * self-hosted jobs check out exactly that commit. A later push is a `synchronize` event, which this
 * gate refuses whatever labels the PR still carries (and asks for the label to be removed), so a
 * review never covers code pushed after it.
 */
import { z } from 'zod';
import type { Task } from './task.js';

const Repo = z.looseObject({ full_name: z.string() });
const Label = z.looseObject({ name: z.string() });

export const PullRequestPayload = z.looseObject({
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
  /** The self-hosted jobs may run. */
  allowed: boolean;
  reason: string;
  /** The head lives in another repository (or a deleted one). */
  fork: boolean;
  /** The commit the self-hosted jobs must check out (the one the gate decided on). */
  headSha?: string;
  headRepo?: string;
  baseSha?: string;
  prNumber?: number;
  /** The gate label is on the PR but no longer counts (a push came after it): take it off. */
  removeLabel: boolean;
}

export interface GateOptions {
  /** The label a maintainer applies after reviewing a fork PR. */
  label?: string;
}

export const DEFAULT_GATE_LABEL = 'safe-to-bench';

/** Events whose code is the repository's own (dispatch, schedule, push) are trusted. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review']);

export function decidePrGate(eventName: string, payload: unknown, options: GateOptions = {}): GateDecision {
  const label = options.label ?? DEFAULT_GATE_LABEL;
  if (!PULL_REQUEST_EVENTS.has(eventName)) {
    return { allowed: true, reason: `${eventName} event: the repository's own code`, fork: false, removeLabel: false };
  }
  const parsed = PullRequestPayload.safeParse(payload);
  const pr = parsed.success ? parsed.data.pull_request : undefined;
  if (!parsed.success || !pr) {
    return { allowed: false, reason: `${eventName} event without a readable pull_request payload`, fork: true, removeLabel: false };
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

  if (!fork) {
    if (labelEventOther) {
      return { ...common, allowed: false, reason: `label "${event.label?.name ?? '?'}" changed: not a reason to rerun`, removeLabel: false };
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
    if (t.patchPath && changed.has(normalizePath(t.patchPath))) add(t.id, `agent patch ${normalizePath(t.patchPath)} changed`);
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
