/**
 * The shipped action (dist/index.js, run as the runner runs it: INPUT_* variables, output and
 * summary files, an event payload file) against a local GitHub API stand-in: the sticky comment
 * names the commit and links the run, one comment per `comment-key`, a missing or empty results
 * folder fails the step and leaves the comment alone, annotations are capped, invalid dataset rows
 * are annotated on their file and line, and the nightly's state comes only from the last
 * successful nightly on the default branch.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub, type StoredRun } from '../helpers/github-server.js';
import { stickyMarker } from '../../src/core/github/github-surfaces.js';
import { DIST_ENTRY, ROOT, runEntry as runWith, type EntryOptions } from './entry-helpers.js';

const runEntry = (inputs: Record<string, string>, opts: EntryOptions = {}) =>
  runWith(inputs, { ...opts, entry: DIST_ENTRY });

const TOKEN = 'ghs_githubTestTokenValue99';
const HEAD = 'abcdef0123456789abcdef0123456789abcdef01';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ pageSize: 50 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.comments.length = 0;
  fake.checkRuns.length = 0;
  fake.runs.length = 0;
  fake.requests.length = 0;
});

const env = (extra: Record<string, string> = {}) => ({
  GITHUB_API_URL: fake.baseUrl,
  GITHUB_REPOSITORY: 'octo/bench',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_NUMBER: '17',
  GITHUB_WORKFLOW: 'verify-pr',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_SHA: '1'.repeat(40),
  ...extra,
});

const prEvent = {
  name: 'pull_request',
  payload: {
    action: 'synchronize',
    number: 5,
    pull_request: {
      number: 5,
      head: { sha: HEAD, repo: { full_name: 'octo/bench' } },
      base: { sha: '8'.repeat(40), repo: { full_name: 'octo/bench' } },
      labels: [],
    },
    repository: { full_name: 'octo/bench', default_branch: 'main' },
  },
};

/** `failedTasks` tasks whose human variant failed (an error annotation each), one measured task. */
async function writeResults(dir: string, failedTasks = 0): Promise<void> {
  const record = (task: string, variant: string, ok: boolean) => ({
    schema: 'benchsweep/result@1',
    task,
    variant,
    attempt: 1,
    status: ok ? 'success' : 'failed',
    kind: 'serving',
    primary_metric: 'output_throughput',
    metrics: ok ? { output_throughput: variant === 'agent' ? 130 : variant === 'human' ? 120 : 100 } : {},
    samples: ok ? [{ output_throughput: 100 }] : [],
    caveats: [],
    ...(ok ? {} : { category: 'OOM', evidence: 'torch.OutOfMemoryError: CUDA out of memory' }),
  });
  const tasks = ['a0000000', ...Array.from({ length: failedTasks }, (_, i) => `f${String(i).padStart(7, '0')}`)];
  for (const task of tasks) {
    await mkdir(join(dir, task), { recursive: true });
    for (const variant of ['baseline', 'human', 'agent']) {
      await writeFile(
        join(dir, task, `${variant}.attempt-1.json`),
        JSON.stringify(record(task, variant, task === 'a0000000' || variant !== 'human')),
      );
    }
  }
}

describe('the sticky comment', () => {
  it('names the commit and links the run, and is updated in place on the next run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    await writeResults(join(dir, 'results'));
    const inputs = {
      command: 'report',
      results: join(dir, 'results'),
      comment: 'true',
      check: 'true',
      'github-token': TOKEN,
    };
    const first = await runEntry(inputs, { env: env(), event: prEvent });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(fake.comments).toHaveLength(1);
    const body = fake.comments[0]!.body;
    expect(body.startsWith(stickyMarker())).toBe(true);
    expect(body).toContain(`commit [\`${HEAD.slice(0, 12)}\`](https://github.com/octo/bench/commit/${HEAD})`);
    expect(body).toContain('[verify-pr run #17](https://github.com/octo/bench/actions/runs/4242)');
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: HEAD });
    expect(String((fake.checkRuns[0]!['output'] as { text: string }).text)).toContain(HEAD.slice(0, 12));

    const second = await runEntry(inputs, {
      env: env({ GITHUB_RUN_ID: '4243', GITHUB_RUN_NUMBER: '18' }),
      event: prEvent,
    });
    expect(second.code).toBe(0);
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body).toContain('run #18');
    expect(fake.comments[0]!.body).not.toContain('run #17');
  });

  it('keeps one comment per comment-key on the same PR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    await writeResults(join(dir, 'results'));
    const base = { command: 'report', results: join(dir, 'results'), comment: 'true', 'github-token': TOKEN };
    for (const key of ['nightly', 'verify-pr', 'nightly']) {
      const r = await runEntry({ ...base, 'comment-key': key }, { env: env(), event: prEvent });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(fake.comments).toHaveLength(2);
    expect(fake.comments.map((c) => c.body.split('\n')[0]).sort()).toEqual(
      [stickyMarker('nightly'), stickyMarker('verify-pr')].sort(),
    );
    expect(fake.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1);
  });

  it('refuses a comment-key that could break out of the marker', async () => {
    const r = await runEntry({ command: 'report', results: 'x', 'comment-key': 'a --> <script>' }, { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::input comment-key: expected 1-64 characters/);
  });
});

describe('a missing or empty results folder', () => {
  it('fails the step, writes no report and leaves the sticky comment untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    await writeResults(join(dir, 'results'));
    const inputs = { command: 'report', comment: 'true', 'github-token': TOKEN, out: join(dir, 'out') };
    const ok = await runEntry({ ...inputs, results: join(dir, 'results') }, { env: env(), event: prEvent });
    expect(ok.code).toBe(0);
    const before = fake.comments[0]!.body;
    const writes = () => fake.requests.filter((q) => q.method !== 'GET').length;
    const writesBefore = writes();

    const missing = await runEntry(
      { ...inputs, results: join(dir, 'nope') },
      { env: env({ GITHUB_RUN_NUMBER: '99' }), event: prEvent },
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::results folder .*nope does not exist/);
    expect(missing.outputs).toEqual({});

    await mkdir(join(dir, 'empty', 'logs'), { recursive: true });
    await writeFile(join(dir, 'empty', 'logs', 'vllm-result.json'), '{"completed": 3}');
    const empty = await runEntry(
      { ...inputs, results: join(dir, 'empty') },
      { env: env({ GITHUB_RUN_NUMBER: '99' }), event: prEvent },
    );
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/::error::results folder .*empty holds no result record/);

    expect(writes()).toBe(writesBefore);
    expect(fake.comments[0]!.body).toBe(before);
  });
});

describe('annotations', () => {
  it('caps the failed tasks at 10 annotations plus one line pointing to the summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    await writeResults(join(dir, 'results'), 14);
    const r = await runEntry({ command: 'report', results: join(dir, 'results') }, { env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /^::error title=benchsweep f\d{7}/.test(l))).toHaveLength(10);
    expect(
      lines.filter(
        (l) =>
          l.startsWith('::warning') &&
          /4 more annotations not shown \(4 errors; GitHub shows 10 per step\): every one is listed in the job summary/.test(
            l,
          ),
      ),
    ).toHaveLength(1);
    // The summary still lists all 14.
    for (let i = 0; i < 14; i++) expect(r.summary).toContain(`f${String(i).padStart(7, '0')}`);
  });

  it('puts each invalid dataset row on its file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    const dataset = join(dir, 'rows.jsonl');
    const good = (await import('node:fs'))
      .readFileSync(join(ROOT, 'test', 'fixtures', 'action', 'dataset.jsonl'), 'utf8')
      .split('\n')[0]!;
    await writeFile(
      dataset,
      [good, '{"parent_commit": "b1b1b1b1", "perf_command": "python3 x.py"}', '{not json'].join('\n') + '\n',
    );
    const r = await runEntry({ command: 'plan', dataset }, { env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rowErrors = r.stdout.split('\n').filter((l) => l.startsWith('::error ') && l.includes('invalid dataset row'));
    expect(rowErrors.map((l) => /line=(\d+)/.exec(l)?.[1])).toEqual(['2', '3']);
    expect(rowErrors.every((l) => l.includes(`,file=${dataset},`))).toBe(true);
  });
});

describe('shards: one dispatch runs every shard', () => {
  it('cuts 300 jobs into shards of at most 256, lists them, and gives each its own matrix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    const row = JSON.parse(
      (await import('node:fs'))
        .readFileSync(join(ROOT, 'test', 'fixtures', 'action', 'dataset.jsonl'), 'utf8')
        .split('\n')[0]!,
    ) as Record<string, unknown>;
    const rows = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ ...row, commit_hash: (i + 1).toString(16).padStart(8, '0') + 'a'.repeat(32) }),
    );
    const dataset = join(dir, 'rows.jsonl');
    await writeFile(dataset, rows.join('\n') + '\n');
    const all = await runEntry({ command: 'plan', dataset }, { env: env() });
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(all.outputs).toMatchObject({ shards: '[0,1]', 'shard-count': '2', 'runnable-count': '300' });
    const sizes = [0, 1].map(
      (n) => (JSON.parse(all.outputs[`matrix-${n}`]!) as { include: Array<{ shard: number }> }).include,
    );
    expect(sizes.map((m) => m.length)).toEqual([256, 44]);
    expect(sizes[1]!.every((e) => e.shard === 1)).toBe(true);
    const second = await runEntry({ command: 'plan', dataset, shard: '1' }, { env: env() });
    expect(JSON.parse(second.outputs.matrix!)).toEqual(JSON.parse(all.outputs['matrix-1']!));
    expect(second.outputs['has-jobs']).toBe('true');
  });
});

describe('text from data in the step’s log', () => {
  it('never reaches the runner as a workflow command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gh-'));
    await writeResults(join(dir, 'results'), 1);
    const file = join(dir, 'results', 'f0000000', 'human.attempt-1.json');
    const rec = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as Record<string, unknown>;
    rec.evidence = 'Traceback\n::add-mask::0.5\n  ::error file=x::forged\n##[warning]old style';
    await writeFile(file, JSON.stringify(rec));
    const r = await runEntry({ command: 'report', results: join(dir, 'results'), format: 'md' }, { env: env() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The evidence is printed (defused), and no line of it is a command the runner would run.
    expect(r.stdout).toContain('forged');
    const commands = r.stdout.split('\n').filter((l) => /^\s*(::|##\[)/.test(l));
    expect(
      commands.filter(
        (l) =>
          /add-mask|forged|old style/.test(l) && !l.startsWith('::error title=') && !l.startsWith('::warning title='),
      ),
    ).toEqual([]);
  });
});

describe('state: where the nightly resumes from', () => {
  const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T02:17:00Z`;
  const run = (id: number, d: number, over: Partial<StoredRun> = {}): StoredRun => ({
    id,
    workflow: 'nightly.yml',
    head_branch: 'main',
    event: 'schedule',
    status: 'completed',
    conclusion: 'success',
    created_at: day(d),
    artifacts: [{ name: 'benchsweep-nightly-state' }, { name: 'benchsweep-nightly-report' }],
    ...over,
  });
  const state = (
    extra: Record<string, string> = {},
    event: EntryOptions['event'] = { name: 'schedule', payload: { schedule: '17 2 * * *' } },
  ) =>
    runEntry(
      { command: 'state', 'state-workflow': 'nightly.yml', 'github-token': TOKEN, ...extra },
      { env: env({ GITHUB_WORKFLOW: 'nightly' }), event },
    );

  it('takes the last successful scheduled or dispatched nightly on the default branch, never a PR’s, a failed or another branch’s run', async () => {
    fake.runs.push(
      run(1, 20),
      run(2, 22, { event: 'workflow_dispatch' }),
      run(3, 23, { conclusion: 'failure' }),
      run(4, 24, { event: 'pull_request' }),
      run(5, 25, { head_branch: 'feature' }),
      run(6, 26, { status: 'in_progress', conclusion: null }),
      run(7, 21, { workflow: 'sweep.yml' }),
    );
    const r = await state();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({
      'state-source': 'state',
      'state-run-id': '2',
      'state-artifact': 'benchsweep-nightly-state',
    });
    expect(r.summary).toMatch(
      /Nightly state:\*\* resuming from the state of the last successful nightly on main, run 2/,
    );
    // The default branch came from the API (a schedule event's payload has no repository).
    expect(fake.requests.some((q) => q.path === '/repos/octo/bench')).toBe(true);
    const listed = fake.requests.filter((q) => q.path.endsWith('/actions/workflows/nightly.yml/runs'));
    expect(listed.length).toBe(2);
  });

  it('rebuilds from the last report when the state expired, with a note', async () => {
    fake.runs.push(
      run(10, 20),
      run(11, 21, {
        artifacts: [{ name: 'benchsweep-nightly-state', expired: true }, { name: 'benchsweep-nightly-report' }],
      }),
    );
    const r = await state(
      {},
      { name: 'workflow_dispatch', payload: { repository: { full_name: 'octo/bench', default_branch: 'main' } } },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({
      'state-source': 'report',
      'state-run-id': '11',
      'state-artifact': 'benchsweep-nightly-report',
    });
    expect(r.summary).toMatch(/missing or expired: rebuilding from its report/);
    expect(fake.requests.some((q) => q.path === '/repos/octo/bench')).toBe(false);
  });

  it('starts fresh, saying so, when there is no successful run or everything expired', async () => {
    const none = await state();
    expect(none.outputs).toMatchObject({ 'state-source': 'none', 'state-run-id': '', 'state-artifact': '' });
    expect(none.summary).toMatch(/no successful nightly run on main yet: starting fresh/);

    fake.runs.push(
      run(20, 20, {
        artifacts: [
          { name: 'benchsweep-nightly-state', expired: true },
          { name: 'benchsweep-nightly-report', expired: true },
        ],
      }),
    );
    const expired = await state();
    expect(expired.code).toBe(0);
    expect(expired.outputs).toMatchObject({ 'state-source': 'none', 'state-run-id': '' });
    expect(expired.summary).toMatch(/left no .* artifact \(expired\): starting fresh/);
  });

  it('fails the step without a workflow to look at', async () => {
    const r = await runEntry({ command: 'state', 'github-token': TOKEN }, { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::input state-workflow is required/);
  });
});
