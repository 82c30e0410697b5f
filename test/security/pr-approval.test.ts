/**
 * `benchsweep pr-approval`, as verify-pr-bench's gate runs it: files the workflow wrote from the
 * API (the PR, its reviews as `gh api --paginate --slurp` pages, the changed files) and the PR's
 * dataset at the approved SHA; the outputs it appends for the workflow.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('benchsweep-approval-');
const HEAD = 'c'.repeat(40);
const LATENCY = 'python benchmarks/benchmark_latency.py --input-len 32 --output-len 32';

async function files(opts: { fork: boolean; reviewCommit: string }) {
  const dir = join(tmp(), `${opts.fork}-${opts.reviewCommit.slice(0, 4)}`);
  await mkdir(join(dir, 'pr', 'datasets'), { recursive: true });
  const w = async (name: string, v: unknown) => {
    await writeFile(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
    return join(dir, name);
  };
  const rows = [
    { commit_hash: '1111111111aaaaaaaaaa1111111111aaaaaaaaaa', perf_command: `${LATENCY} --model facebook/opt-125m` },
    {
      commit_hash: '2222222222bbbbbbbbbb2222222222bbbbbbbbbb',
      perf_command: `${LATENCY} --model meta-llama/Llama-3.1-8B-Instruct`,
    },
    {
      commit_hash: '3333333333cccccccccc3333333333cccccccccc',
      perf_command: `${LATENCY} --model facebook/opt-125m`,
      patch_path: '../../../home/runner/actions-runner/.credentials',
    },
    {
      commit_hash: '4444444444dddddddddd4444444444dddddddddd',
      perf_command: `${LATENCY} --model facebook/opt-125m`,
      patch_path: '/home/runner/actions-runner/.env',
    },
  ];
  return {
    event: await w('event.json', {
      action: 'labeled',
      label: { name: 'safe-to-bench' },
      pull_request: {
        number: 7,
        head: { sha: HEAD, repo: { full_name: opts.fork ? 'mallory/bench' : 'octo/bench' } },
        base: { sha: 'b'.repeat(40), repo: { full_name: 'octo/bench' } },
        labels: [],
      },
    }),
    pull: await w('pull.json', {
      number: 7,
      state: 'open',
      head: { sha: HEAD, repo: { full_name: opts.fork ? 'mallory/bench' : 'octo/bench' } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'octo/bench' } },
    }),
    reviews: await w('reviews.json', [
      [{ user: { login: 'maint' }, state: 'APPROVED', commit_id: opts.reviewCommit, author_association: 'OWNER' }],
      [],
    ]),
    changed: await w('changed.txt', 'datasets/tasks.jsonl\n'),
    dataset: await w('pr/datasets/tasks.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
    output: await w('github-output', ''),
  };
}

const args = (f: Awaited<ReturnType<typeof files>>) => [
  'pr-approval',
  '--event',
  f.event,
  '--event-name',
  'pull_request_target',
  '--pull',
  f.pull,
  '--reviews',
  f.reviews,
  '--dataset',
  f.dataset,
  '--dataset-path',
  'datasets/tasks.jsonl',
  '--changed-files',
  f.changed,
  '--github-output',
  f.output,
  '--json',
];

describe('benchsweep pr-approval', () => {
  it('a fork’s approved head: its tasks, minus the gated-model one (no HF_TOKEN for forks), with the reason', async () => {
    const f = await files({ fork: true, reviewCommit: HEAD });
    const r = await runCli(args(f));
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as {
      allowed: boolean;
      sha: string;
      tasks: string[];
      refused: Record<string, string>;
    };
    expect(v).toMatchObject({ allowed: true, sha: HEAD, tasks: ['11111111'] });
    expect(v.refused['22222222']).toMatch(
      /meta-llama\/Llama-3\.1-8B-Instruct is a gated model .*fork PRs run without HF_TOKEN/,
    );
    // A patch_path outside the repository would make the runner read its own files as the patch.
    expect(v.refused['33333333']).toMatch(/climbs out/);
    expect(v.refused['44444444']).toMatch(/is absolute/);
    const out = await readFile(f.output, 'utf8');
    expect(out).toContain(`sha=${HEAD}\n`);
    expect(out).toContain('tasks=11111111\n');
    expect(out).toContain('allowed=true\n');
    for (const line of out.trim().split('\n')) expect(line).toMatch(/^[a-z-]+=[^\n]*$/);
  });

  it('a same-repository PR keeps its gated-model task', async () => {
    const f = await files({ fork: false, reviewCommit: HEAD });
    const v = JSON.parse((await runCli(args(f))).stdout) as { tasks: string[] };
    expect(v.tasks).toEqual(['11111111', '22222222']);
    expect(Object.keys((JSON.parse((await runCli(args(f))).stdout) as { refused: object }).refused)).toEqual([
      '33333333',
      '44444444',
    ]);
  });

  it('a review of another commit: not approved, no tasks, exit 0 (the decision is the output)', async () => {
    const f = await files({ fork: true, reviewCommit: 'd'.repeat(40) });
    const r = await runCli(args(f));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: false });
    expect(await readFile(f.output, 'utf8')).toContain('allowed=false\n');
    expect(await readFile(f.output, 'utf8')).toContain('has-tasks=false\n');
  });
});
