import { describe, expect, it } from 'vitest';
import { affectedTasks, decideApproval, decidePrGate, parseChangedFiles } from '../../src/core/github/pr-gate.js';
import { parseDataset } from '../../src/core/dataset/dataset.js';

const BASE = 'octo/bench';
const HEAD_SHA = 'a'.repeat(40);

function prEvent(opts: { action: string; headRepo?: string | null; labels?: string[]; label?: string }) {
  return {
    action: opts.action,
    number: 7,
    ...(opts.label ? { label: { name: opts.label } } : {}),
    pull_request: {
      number: 7,
      head: {
        sha: HEAD_SHA,
        ref: 'feature',
        repo: opts.headRepo === null ? null : { full_name: opts.headRepo ?? BASE },
      },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: BASE } },
      labels: (opts.labels ?? []).map((name) => ({ name })),
    },
    repository: { full_name: BASE },
  };
}

describe('decidePrGate: fork pull requests', () => {
  it('refuses a fork PR without the label', () => {
    const d = decidePrGate('pull_request', prEvent({ action: 'opened', headRepo: 'mallory/bench' }));
    expect(d.allowed).toBe(false);
    expect(d.fork).toBe(true);
    expect(d.reason).toMatch(/maintainer.*safe-to-bench/);
  });

  it('allows a fork PR on the event of the label being applied, pinned to that head commit', () => {
    const d = decidePrGate(
      'pull_request',
      prEvent({ action: 'labeled', headRepo: 'mallory/bench', label: 'safe-to-bench', labels: ['safe-to-bench'] }),
    );
    expect(d.allowed).toBe(true);
    expect(d.headSha).toBe(HEAD_SHA);
    expect(d.headRepo).toBe('mallory/bench');
    expect(d.prNumber).toBe(7);
  });

  it('refuses a new push after the label, and asks for the label to be removed', () => {
    const d = decidePrGate(
      'pull_request',
      prEvent({ action: 'synchronize', headRepo: 'mallory/bench', labels: ['safe-to-bench'] }),
    );
    expect(d.allowed).toBe(false);
    expect(d.removeLabel).toBe(true);
    expect(d.reason).toMatch(/pushed after the "safe-to-bench" label/);
  });

  it('refuses a fork PR whose label is present but was not applied by this event (reopened)', () => {
    const d = decidePrGate(
      'pull_request',
      prEvent({ action: 'reopened', headRepo: 'mallory/bench', labels: ['safe-to-bench'] }),
    );
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/re-apply/);
  });

  it('refuses when another label is added to a fork PR that still carries a stale gate label', () => {
    const d = decidePrGate(
      'pull_request',
      prEvent({ action: 'labeled', headRepo: 'mallory/bench', label: 'docs', labels: ['safe-to-bench', 'docs'] }),
    );
    expect(d.allowed).toBe(false);
  });

  it('refuses a labeled event whose label was removed again before the run (not in the PR labels)', () => {
    const d = decidePrGate(
      'pull_request',
      prEvent({ action: 'labeled', headRepo: 'mallory/bench', label: 'safe-to-bench', labels: [] }),
    );
    expect(d.allowed).toBe(false);
  });

  it('honours a custom gate label and ignores the default one then', () => {
    const custom = prEvent({ action: 'labeled', headRepo: 'mallory/bench', label: 'run-gpu', labels: ['run-gpu'] });
    expect(decidePrGate('pull_request', custom, { label: 'run-gpu' }).allowed).toBe(true);
    const def = prEvent({
      action: 'labeled',
      headRepo: 'mallory/bench',
      label: 'safe-to-bench',
      labels: ['safe-to-bench'],
    });
    expect(decidePrGate('pull_request', def, { label: 'run-gpu' }).allowed).toBe(false);
  });

  it('treats a PR from a deleted fork as a fork', () => {
    const d = decidePrGate('pull_request', prEvent({ action: 'opened', headRepo: null }));
    expect(d.fork).toBe(true);
    expect(d.allowed).toBe(false);
  });

  it('refuses the same way under pull_request_target', () => {
    expect(decidePrGate('pull_request_target', prEvent({ action: 'opened', headRepo: 'mallory/bench' })).allowed).toBe(
      false,
    );
  });

  it('refuses a pull_request event without a readable payload', () => {
    expect(decidePrGate('pull_request', {}).allowed).toBe(false);
    expect(decidePrGate('pull_request', { pull_request: { number: 'x' } }).allowed).toBe(false);
  });
});

describe('decidePrGate: same-repository pull requests and other events', () => {
  it('allows a same-repository PR on open and on every push', () => {
    for (const action of ['opened', 'synchronize', 'reopened']) {
      const d = decidePrGate('pull_request', prEvent({ action }));
      expect(d.allowed, action).toBe(true);
      expect(d.fork).toBe(false);
    }
  });

  it('compares repository names case-insensitively', () => {
    expect(decidePrGate('pull_request', prEvent({ action: 'opened', headRepo: 'Octo/Bench' })).fork).toBe(false);
  });

  it('does not rerun a same-repository PR for an unrelated label', () => {
    const d = decidePrGate('pull_request', prEvent({ action: 'labeled', label: 'docs', labels: ['docs'] }));
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/not a reason to rerun/);
  });

  it('trusts dispatch and schedule events (the repository’s own code)', () => {
    expect(decidePrGate('workflow_dispatch', {}).allowed).toBe(true);
    expect(decidePrGate('schedule', {}).allowed).toBe(true);
  });
});

const HEAD = 'c'.repeat(40);
const OLD = 'd'.repeat(40);
const pull = (over: Record<string, unknown> = {}) => ({
  number: 7,
  state: 'open',
  head: { sha: HEAD, repo: { full_name: 'mallory/bench' } },
  base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: BASE } },
  ...over,
});
const review = (login: string, state: string, commit: string, assoc = 'MEMBER') => ({
  user: { login },
  state,
  commit_id: commit,
  author_association: assoc,
});
const labelEvent = (headSha = HEAD) => ({
  action: 'labeled',
  label: { name: 'safe-to-bench' },
  pull_request: {
    number: 7,
    head: { sha: headSha, repo: { full_name: 'mallory/bench' } },
    base: { sha: 'b'.repeat(40), repo: { full_name: BASE } },
    labels: [{ name: 'safe-to-bench' }],
  },
});
const commentEvent = (body: string, assoc = 'MEMBER', login = 'maint') => ({
  comment: { body, author_association: assoc, user: { login } },
  issue: { number: 7, pull_request: { url: 'x' } },
});

describe('decideApproval: approval bound to a SHA', () => {
  it('a maintainer’s approving review of the current head + the label: allowed, pinned to that SHA', () => {
    const d = decideApproval({
      eventName: 'pull_request_target',
      payload: labelEvent(),
      pull: pull(),
      reviews: [review('maint', 'APPROVED', HEAD)],
    });
    expect(d).toMatchObject({
      allowed: true,
      sha: HEAD,
      headRepo: 'mallory/bench',
      prNumber: 7,
      fork: true,
      via: 'review',
      approvedBy: 'maint',
    });
  });

  it('a review of an older commit approves nothing after a push', () => {
    const d = decideApproval({
      eventName: 'pull_request_target',
      payload: labelEvent(),
      pull: pull(),
      reviews: [review('maint', 'APPROVED', OLD)],
    });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/approved dddddddddddd, not the head cccccccccccc/);
  });

  it('a push between the label and the run: refused (the head moved)', () => {
    const d = decideApproval({
      eventName: 'pull_request_target',
      payload: labelEvent(OLD),
      pull: pull(),
      reviews: [review('maint', 'APPROVED', HEAD)],
    });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/head moved/);
  });

  it('the label alone, a non-maintainer’s approval, or a later change request: refused', () => {
    expect(
      decideApproval({ eventName: 'pull_request_target', payload: labelEvent(), pull: pull(), reviews: [] }).allowed,
    ).toBe(false);
    expect(
      decideApproval({
        eventName: 'pull_request_target',
        payload: labelEvent(),
        pull: pull(),
        reviews: [review('mallory', 'APPROVED', HEAD, 'CONTRIBUTOR')],
      }).allowed,
    ).toBe(false);
    const withdrawn = [review('maint', 'APPROVED', HEAD), review('maint', 'CHANGES_REQUESTED', HEAD)];
    expect(
      decideApproval({ eventName: 'pull_request_target', payload: labelEvent(), pull: pull(), reviews: withdrawn })
        .allowed,
    ).toBe(false);
    // A plain comment-review after the approval does not withdraw it.
    const commented = [review('maint', 'APPROVED', HEAD), review('maint', 'COMMENTED', HEAD)];
    expect(
      decideApproval({ eventName: 'pull_request_target', payload: labelEvent(), pull: pull(), reviews: commented })
        .allowed,
    ).toBe(true);
  });

  it('another label does not ask for a run', () => {
    const ev = { ...labelEvent(), label: { name: 'docs' } };
    expect(
      decideApproval({
        eventName: 'pull_request_target',
        payload: ev,
        pull: pull(),
        reviews: [review('maint', 'APPROVED', HEAD)],
      }).allowed,
    ).toBe(false);
  });

  it('a maintainer’s comment naming the current head (full or ≥ 12 characters): allowed', () => {
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`/benchsweep run ${HEAD}`),
        pull: pull(),
        reviews: [],
      }),
    ).toMatchObject({ allowed: true, sha: HEAD, via: 'comment' });
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`looks good\n/benchsweep run ${HEAD.slice(0, 12)}`),
        pull: pull(),
        reviews: [],
      }).allowed,
    ).toBe(true);
  });

  it('a comment naming an older SHA, too short a SHA, or by a non-maintainer: refused', () => {
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`/benchsweep run ${OLD}`),
        pull: pull(),
        reviews: [],
      }).reason,
    ).toMatch(/is now cccccccccccc/);
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`/benchsweep run ${HEAD.slice(0, 7)}`),
        pull: pull(),
        reviews: [],
      }).allowed,
    ).toBe(false);
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`/benchsweep run ${HEAD}`, 'CONTRIBUTOR', 'mallory'),
        pull: pull(),
        reviews: [],
      }).reason,
    ).toMatch(/mallory \(CONTRIBUTOR\) cannot approve/);
    expect(
      decideApproval({
        eventName: 'issue_comment',
        payload: commentEvent(`/benchsweep run ${HEAD}`, 'NONE'),
        pull: pull(),
        reviews: [],
      }).allowed,
    ).toBe(false);
  });

  it('a closed PR, a deleted fork, an unreadable PR, another event: refused', () => {
    const ok = { payload: commentEvent(`/benchsweep run ${HEAD}`), reviews: [] };
    expect(decideApproval({ ...ok, eventName: 'issue_comment', pull: pull({ state: 'closed' }) }).allowed).toBe(false);
    expect(
      decideApproval({ ...ok, eventName: 'issue_comment', pull: pull({ head: { sha: HEAD, repo: null } }) }).allowed,
    ).toBe(false);
    expect(decideApproval({ ...ok, eventName: 'issue_comment', pull: {} }).allowed).toBe(false);
    expect(decideApproval({ ...ok, eventName: 'pull_request', pull: pull() }).allowed).toBe(false);
  });
});

const ROWS = [
  {
    commit_hash: '1111111111aaaaaaaaaa1111111111aaaaaaaaaa',
    perf_command: 'python benchmarks/benchmark_latency.py --model m',
  },
  {
    commit_hash: '2222222222bbbbbbbbbb2222222222bbbbbbbbbb',
    perf_command: 'python benchmarks/benchmark_latency.py --model m',
    patch_path: 'patches/22222222.diff',
  },
  {
    commit_hash: '3333333333cccccccccc3333333333cccccccccc',
    perf_command: 'python benchmarks/benchmark_latency.py --model m',
  },
];
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const tasks = (rows: object[]) => parseDataset(jsonl(rows), 'datasets/tasks.jsonl').tasks;

describe('affectedTasks', () => {
  it('plans rows the PR adds or changes, not rows that only moved', () => {
    const base = tasks(ROWS.slice(0, 2));
    const headRows = [
      { ...ROWS[1]! },
      { ...ROWS[0]!, perf_command: 'python benchmarks/benchmark_latency.py --model m2' },
      ROWS[2]!,
    ];
    const a = affectedTasks({
      changedFiles: ['datasets/tasks.jsonl'],
      datasetPath: './datasets/tasks.jsonl',
      headTasks: tasks(headRows),
      baseTasks: base,
    });
    expect(a.ids).toEqual(['11111111', '33333333']);
    expect(a.reasons['11111111']).toEqual(['row changed']);
    expect(a.reasons['33333333']).toEqual(['row added']);
    expect(a.reasons['22222222']).toBeUndefined();
  });

  it('plans every row of a dataset the base does not have', () => {
    const a = affectedTasks({
      changedFiles: ['datasets/tasks.jsonl'],
      datasetPath: 'datasets/tasks.jsonl',
      headTasks: tasks(ROWS),
      baseTasks: null,
    });
    expect(a.ids).toHaveLength(3);
  });

  it('plans tasks whose agent patch changed, by patch_path or by a <task id>.diff name', () => {
    const head = tasks(ROWS);
    const a = affectedTasks({
      changedFiles: ['patches/22222222.diff', 'agents/x/33333333.patch', 'README.md'],
      datasetPath: 'datasets/tasks.jsonl',
      headTasks: head,
      baseTasks: head,
    });
    expect(a.ids).toEqual(['22222222', '33333333']);
    expect(a.reasons['22222222']![0]).toMatch(/agent patch patches\/22222222.diff changed/);
  });

  it('plans nothing when the PR touches neither the dataset nor a patch', () => {
    const head = tasks(ROWS);
    expect(
      affectedTasks({
        changedFiles: ['README.md'],
        datasetPath: 'datasets/tasks.jsonl',
        headTasks: head,
        baseTasks: head,
      }).ids,
    ).toEqual([]);
  });

  it('reads git diff --name-only output', () => {
    expect(parseChangedFiles('a/b.jsonl\r\n\n./patches/x.diff\n')).toEqual(['a/b.jsonl', 'patches/x.diff']);
  });
});
