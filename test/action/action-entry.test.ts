/**
 * The action entry run the way the runner runs it (see entry-helpers.ts), for plan (with the PR
 * gate and the nightly's resume) and report (with the sticky comment and check run against a
 * GitHub stand-in on 127.0.0.1), from the sources and from a fresh esbuild bundle. The chain with
 * the demo engine in Docker is in action-chain.docker.test.ts.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-server.js';
import { lastResultsFromReport, ReportLike, selectReruns } from '../../src/core/github/rerun-select.js';
import { parse as parseYaml } from 'yaml';
import {
  buildEntryBundle,
  matrixOf,
  parseOutputFile,
  ROOT,
  runEntry as runSources,
  type EntryOptions,
} from './entry-helpers.js';

/** Most cases run the bundle (as the runner does, and fast); one per command also runs the sources through tsx. */
let bundle = '';
beforeAll(async () => {
  bundle = await buildEntryBundle();
}, 120_000);
const runEntry = (inputs: Record<string, string>, opts: EntryOptions = {}) =>
  runSources(inputs, { ...opts, entry: [bundle] });

const FIXTURES = join(ROOT, 'test', 'fixtures', 'action');
const DATASET = join(FIXTURES, 'dataset.jsonl');
const HF_TOKEN = 'hf_entryTestSecretValue42';

function forkEvent(action: string, opts: { label?: string; labels?: string[]; headRepo?: string } = {}) {
  return {
    action,
    number: 5,
    ...(opts.label ? { label: { name: opts.label } } : {}),
    pull_request: {
      number: 5,
      head: { sha: '9'.repeat(40), ref: 'rows', repo: { full_name: opts.headRepo ?? 'mallory/bench' } },
      base: { sha: '8'.repeat(40), ref: 'main', repo: { full_name: 'octo/bench' } },
      labels: (opts.labels ?? []).map((name) => ({ name })),
    },
    repository: { full_name: 'octo/bench' },
  };
}

const DECLARED_OUTPUTS = Object.keys(
  (parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { outputs: object }).outputs,
);
/** Every output a step sets is declared in action.yml (the shards matrix-<n> are numbered, so not listed). */
function expectDeclared(outputs: Record<string, string>) {
  expect(Object.keys(outputs).filter((k) => !/^matrix-\d+$/.test(k) && !DECLARED_OUTPUTS.includes(k))).toEqual([]);
}

/** Only ::add-mask:: lines may carry a secret: the runner reads them to mask it everywhere else. */
function expectNoSecret(text: string, secret: string) {
  const leaks = text.split('\n').filter((l) => l.includes(secret) && !l.startsWith('::add-mask::'));
  expect(leaks).toEqual([]);
}

describe('parseOutputFile', () => {
  it('reads heredoc blocks and legacy lines, multi-line values included', () => {
    expect(parseOutputFile('a<<EOF_1\nline 1\nline 2\nEOF_1\nb=2\n')).toEqual({ a: 'line 1\nline 2', b: '2' });
    expect(() => parseOutputFile('a<<X\nvalue\n')).toThrow(/never closes/);
  });
});

describe('plan through the entry', () => {
  it('sets the matrix, the counts and the job summary; masks HF_TOKEN', async () => {
    const r = await runEntry({ command: 'plan', dataset: DATASET, 'gpu-sizes': '1,2' }, { env: { HF_TOKEN } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const matrix = matrixOf(r);
    expect(matrix.include.map((e) => e.task).sort()).toEqual(['a1a1a1a1', 'c2c2c2c2']);
    for (const e of matrix.include) {
      expect(e.runs_on).toContain('self-hosted');
      expect(e.runs_on).toContain(`gpu-${e.gpus}`);
      expect(e.variants).toEqual(['baseline', 'human', 'agent']);
      expect(e.estimate_s).toBeGreaterThan(0);
      expect(e.shard).toBe(0);
    }
    expect(r.outputs).toMatchObject({
      'runnable-count': '2',
      'skipped-count': '1',
      'has-jobs': 'true',
      'shard-count': '1',
    });
    expect(r.outputs.tasks!.split(',').sort()).toEqual(['a1a1a1a1', 'c2c2c2c2']);
    expect(r.summary).toContain('NO_PERF_COMMAND');
    expectDeclared(r.outputs);
    expect(r.stdout).toContain(`::add-mask::${HF_TOKEN}`);
    expectNoSecret(r.stdout + r.stderr + r.summary + JSON.stringify(r.outputs), HF_TOKEN);
  });

  it('plans the real 96-row dataset into runner labels per GPU size', async () => {
    const r = await runEntry({
      command: 'plan',
      dataset: join(ROOT, 'examples', 'datasets', 'isobench-vllm.jsonl'),
      'max-gpus': '8',
    });
    expect(r.code, r.stdout).toBe(0);
    const matrix = matrixOf(r);
    expect(Number(r.outputs['runnable-count']) + Number(r.outputs['skipped-count'])).toBe(96);
    expect(matrix.include.length).toBe(Number(r.outputs['runnable-count']));
    expect(matrix.include.length).toBeLessThanOrEqual(256);
    for (const e of matrix.include) expect(e.runs_on).toContain(`gpu-${e.gpus}`);
  });

  it('fails the step naming the bad inputs', async () => {
    const r = await runEntry({ command: 'plan', dataset: DATASET, 'max-gpus': 'eight', variants: 'robot' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::input max-gpus: expected a positive integer \(got "eight"\)/);
    expect(r.outputs).toEqual({});
  });

  it('fails the step for an unknown command', async () => {
    const r = await runEntry({ command: 'bench' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::input command: expected one of plan, build, run, report, state/);
  });

  it('selects one shard as the matrix, and lists every shard for a matrix of workflow calls', async () => {
    const r = await runEntry({ command: 'plan', dataset: DATASET, shard: '0' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(
      matrixOf(r)
        .include.map((e) => e.task)
        .sort(),
    ).toEqual(['a1a1a1a1', 'c2c2c2c2']);
    expect(r.outputs).toMatchObject({ 'has-jobs': 'true', shards: '[0]', 'shard-count': '1' });
  });

  it('gives has-jobs=false with a warning for a shard out of range (never an empty matrix marked as jobs)', async () => {
    const r = await runEntry({ command: 'plan', dataset: DATASET, shard: '3' });
    expect(r.code).toBe(0);
    expect(matrixOf(r)).toEqual({ include: [] });
    expect(r.outputs).toMatchObject({ 'has-jobs': 'false', tasks: '' });
    expect(r.stdout).toMatch(/::warning::shard 3 is out of range: the plan has 1 shard\(s\)/);
    expect(r.summary).toMatch(/\*\*Shard:\*\* shard 3 is out of range/);
  });
});

describe('plan with the PR gate', () => {
  const gateInputs = async (changed: string[]) => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-gate-'));
    await writeFile(join(dir, 'changed.txt'), changed.join('\n') + '\n');
    return {
      command: 'plan',
      'pr-gate': 'true',
      dataset: 'test/fixtures/action/dataset.jsonl',
      'base-dataset': 'test/fixtures/action/dataset-base.jsonl',
      'changed-files': join(dir, 'changed.txt'),
    };
  };

  it('refuses a fork PR without the label: empty matrix, the reason in the summary, the step passes', async () => {
    const r = await runEntry(await gateInputs(['test/fixtures/action/dataset.jsonl']), {
      event: { name: 'pull_request', payload: forkEvent('opened') },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ allowed: 'false', fork: 'true', 'has-jobs': 'false', 'runnable-count': '0' });
    expect(matrixOf(r)).toEqual({ include: [] });
    expect(r.summary).toMatch(/PR gate:\*\* refused: fork PR from mallory\/bench/);
  });

  it('refuses the fork PR again after a new push, asking for the label to come off', async () => {
    const r = await runEntry(await gateInputs(['test/fixtures/action/dataset.jsonl']), {
      event: { name: 'pull_request', payload: forkEvent('synchronize', { labels: ['safe-to-bench'] }) },
    });
    expect(r.outputs).toMatchObject({ allowed: 'false', 'remove-label': 'true', 'has-jobs': 'false' });
  });

  it('allows a labelled fork PR and plans only the rows it adds or changes, pinned to the head commit', async () => {
    const r = await runEntry(await gateInputs(['test/fixtures/action/dataset.jsonl', 'README.md']), {
      event: {
        name: 'pull_request',
        payload: forkEvent('labeled', { label: 'safe-to-bench', labels: ['safe-to-bench'] }),
      },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      allowed: 'true',
      fork: 'true',
      'head-sha': '9'.repeat(40),
      'head-repo': 'mallory/bench',
      'pr-number': '5',
    });
    // The base has a1a1a1a1 and e3e3e3e3 unchanged; c2c2c2c2 is new.
    expect(matrixOf(r).include.map((e) => e.task)).toEqual(['c2c2c2c2']);
    expect(r.summary).toMatch(/Affected tasks:\*\* `c2c2c2c2` \(row added\)/);
    expectDeclared(r.outputs);
  });

  it('plans the task whose agent patch a same-repository PR changes', async () => {
    const r = await runEntry(await gateInputs(['patches/a1a1a1a1.patch']), {
      event: { name: 'pull_request', payload: forkEvent('synchronize', { headRepo: 'octo/bench' }) },
    });
    expect(r.outputs).toMatchObject({ allowed: 'true', fork: 'false' });
    expect(matrixOf(r).include.map((e) => e.task)).toEqual(['a1a1a1a1']);
  });

  it('plans nothing when the PR changes neither rows nor patches', async () => {
    const r = await runEntry(await gateInputs(['docs/index.md']), {
      event: { name: 'pull_request', payload: forkEvent('opened', { headRepo: 'octo/bench' }) },
    });
    expect(r.outputs).toMatchObject({ allowed: 'true', 'has-jobs': 'false' });
    expect(r.summary).toMatch(/Affected tasks:\*\* none/);
  });
});

describe('plan with rerun-from (the nightly)', () => {
  const reportWith = async (variants: Record<string, unknown>) => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-rerun-'));
    const file = join(dir, 'report.json');
    await writeFile(
      file,
      JSON.stringify({
        tasks: [
          { task: 'a1a1a1a1', variants },
          { task: 'c2c2c2c2', variants: { baseline: { status: 'success' } } },
        ],
        failures: [],
      }),
    );
    return file;
  };

  it('plans only the tasks whose last result is missing or retryable', async () => {
    const file = await reportWith({
      baseline: { status: 'success' },
      human: { status: 'failed', category: 'TRANSIENT_INFRA' },
    });
    const r = await runEntry({ command: 'plan', dataset: DATASET, 'rerun-from': file });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['rerun-count']).toBe('2');
    expectDeclared(r.outputs);
    // e3e3e3e3 was never reported: it is planned again (and preflight skips it again).
    expect(matrixOf(r).include.map((e) => e.task)).toEqual(['a1a1a1a1']);
    expect(r.summary).toMatch(/rerun `a1a1a1a1`: human failed with TRANSIENT_INFRA/);
  });

  it('plans nothing when every last result is final', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-rerun-'));
    const file = join(dir, 'report.json');
    const done = { baseline: { status: 'success' }, human: { status: 'failed', category: 'OOM' } };
    await writeFile(
      file,
      JSON.stringify({ tasks: ['a1a1a1a1', 'c2c2c2c2', 'e3e3e3e3'].map((task) => ({ task, variants: done })) }),
    );
    const r = await runEntry({ command: 'plan', dataset: DATASET, 'rerun-from': file });
    expect(r.outputs).toMatchObject({ 'rerun-count': '0', 'has-jobs': 'false' });
  });

  it('plans every task on the first night (no previous report)', async () => {
    const r = await runEntry({
      command: 'plan',
      dataset: DATASET,
      'rerun-from': join(tmpdir(), 'bs-does-not-exist', 'report.json'),
    });
    expect(r.code).toBe(0);
    expect(r.outputs['runnable-count']).toBe('2');
    expect(r.stdout).toMatch(/::warning::rerun-from .* does not exist/);
  });
});

/** Three variants of one task, measured three times each; a second task whose agent hit a transient error. */
async function writeResults(dir: string): Promise<void> {
  const values = { baseline: [100, 101, 99], human: [120, 121, 119], agent: [130, 131, 129] };
  for (const [variant, samples] of Object.entries(values)) {
    const log = `t0000001/logs/${variant}/attempt-1/sample-1/client.log`;
    await mkdir(join(dir, 't0000001', 'logs', variant, 'attempt-1', 'sample-1'), { recursive: true });
    await writeFile(join(dir, log), `Output token throughput (tok/s): ${samples[1]}\n`);
    await writeFile(
      join(dir, 't0000001', `${variant}.attempt-1.json`),
      JSON.stringify({
        schema: 'benchsweep/result@1',
        task: 't0000001',
        variant,
        attempt: 1,
        status: 'success',
        kind: 'serving',
        primary_metric: 'output_throughput',
        metrics: { output_throughput: samples[1] },
        samples: samples.map((v) => ({ output_throughput: v })),
        log,
        caveats: [],
      }),
    );
  }
  await mkdir(join(dir, 't0000002'), { recursive: true });
  for (const variant of ['baseline', 'human', 'agent']) {
    const failed = variant === 'agent';
    await writeFile(
      join(dir, 't0000002', `${variant}.attempt-1.json`),
      JSON.stringify({
        schema: 'benchsweep/result@1',
        task: 't0000002',
        variant,
        attempt: 1,
        status: failed ? 'failed' : 'success',
        kind: 'serving',
        primary_metric: 'output_throughput',
        metrics: failed ? {} : { output_throughput: 50 },
        samples: failed ? [] : [{ output_throughput: 50 }],
        ...(failed ? { category: 'TRANSIENT_INFRA', evidence: 'BrokenPipeError: [Errno 32] Broken pipe' } : {}),
        caveats: [],
      }),
    );
  }
}

describe('report through the entry', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub();
  });
  afterAll(async () => {
    await fake.close();
  });

  const TOKEN = 'ghs_entryTestTokenValue77';
  const prEnv = () => ({
    GITHUB_API_URL: fake.baseUrl,
    GITHUB_REPOSITORY: 'octo/bench',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'verify-pr',
    GITHUB_SERVER_URL: 'https://github.com',
    HF_TOKEN,
  });

  it('writes the report, its outputs and summary, upserts one sticky comment and sets a check run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'results'));
    const inputs = {
      command: 'report',
      results: join(dir, 'results'),
      format: 'json',
      out: join(dir, 'report'),
      comment: 'true',
      check: 'true',
      'github-token': TOKEN,
    };
    const event = { name: 'pull_request', payload: forkEvent('synchronize', { headRepo: 'octo/bench' }) };
    const first = await runEntry(inputs, { env: prEnv(), event });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['report-path']).toBe(join(dir, 'report', 'report.json'));
    const report = JSON.parse(await readFile(first.outputs['report-path']!, 'utf8')) as { counts: { tasks: number } };
    expect(report.counts.tasks).toBe(2);
    expect(JSON.parse(first.outputs['outcome-counts']!)).toMatchObject({ tasks: 2 });
    expectDeclared(first.outputs);
    expect(first.summary).toContain('t0000001');
    expect(first.summary).toContain('TRANSIENT_INFRA');
    // One annotation for the failed task.
    expect(first.stdout).toMatch(/::(error|warning) title=benchsweep t0000002/);

    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.issue).toBe(5);
    expect(fake.comments[0]!.body).toContain('t0000001');
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: '9'.repeat(40), name: 'benchsweep', status: 'completed' });
    expect(fake.requests.every((q) => q.authorization === `token ${TOKEN}`)).toBe(true);

    const second = await runEntry(inputs, { env: prEnv(), event });
    expect(second.code).toBe(0);
    expect(fake.comments).toHaveLength(1);
    expect(fake.requests.some((q) => q.method === 'PATCH' && /\/issues\/comments\/\d+$/.test(q.path))).toBe(true);

    for (const run of [first, second]) {
      expectNoSecret(run.stdout + run.stderr + run.summary + JSON.stringify(run.outputs), TOKEN);
      expectNoSecret(run.stdout + run.stderr + run.summary, HF_TOKEN);
    }
    expectNoSecret(fake.comments[0]!.body, TOKEN);
  });

  it('keeps the step green and warns when the token cannot write (a fork PR)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'results'));
    fake.faults.push({
      method: 'GET',
      path: /\/comments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const r = await runEntry(
      { command: 'report', results: join(dir, 'results'), comment: 'true', 'github-token': TOKEN },
      {
        env: prEnv(),
        event: {
          name: 'pull_request',
          payload: forkEvent('labeled', { label: 'safe-to-bench', labels: ['safe-to-bench'] }),
        },
      },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/::warning::could not publish the report to the pull request/);
    expect(r.summary).toContain('t0000001');
  });

  it('publishes on the PR and commit given as inputs when the event is not the PR (workflow_run)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'results'));
    const before = { comments: fake.comments.length, checks: fake.checkRuns.length };
    const r = await runEntry(
      {
        command: 'report',
        results: join(dir, 'results'),
        comment: 'true',
        check: 'true',
        'github-token': TOKEN,
        'pr-number': '31',
        'head-sha': '7'.repeat(40),
      },
      {
        env: { ...prEnv(), GITHUB_WORKFLOW: 'verify-pr-publish' },
        event: { name: 'workflow_run', payload: { workflow_run: { id: 1 } } },
      },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fake.comments.length).toBe(before.comments + 1);
    expect(fake.comments.at(-1)!.issue).toBe(31);
    expect(fake.checkRuns.length).toBe(before.checks + 1);
    expect(fake.checkRuns.at(-1)).toMatchObject({ head_sha: '7'.repeat(40) });
  });

  it('writes a report.json that the nightly’s resume reads: the transient failure is rerun, the measured task kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'results'));
    const r = await runEntry({ command: 'report', results: join(dir, 'results'), out: join(dir, 'state') });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = ReportLike.parse(JSON.parse(await readFile(r.outputs['report-path']!, 'utf8')));
    const selection = selectReruns(['t0000001', 't0000002'], lastResultsFromReport(report));
    expect(selection.rerun.map((x) => x.task)).toEqual(['t0000002']);
    expect(selection.rerun[0]!.reason).toMatch(/agent failed with TRANSIENT_INFRA/);
    expect(selection.skip).toEqual([{ task: 't0000001', reason: 'measured' }]);
  });

  it('carries the previous tasks forward into tonight’s results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'previous'));
    const r = await runEntry({
      command: 'report',
      results: join(dir, 'tonight'),
      'previous-results': join(dir, 'previous'),
      format: 'json',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.outputs['outcome-counts']!)).toMatchObject({ tasks: 2 });
    expect(existsSync(join(dir, 'tonight', 't0000001', 'human.attempt-1.json'))).toBe(true);
  });
});

describe('the sources through tsx (what the bundle is built from)', () => {
  it('plan: same matrix and summary as the bundle', async () => {
    const fromSources = await runSources({ command: 'plan', dataset: DATASET });
    expect(fromSources.code, fromSources.stdout + fromSources.stderr).toBe(0);
    const fromBundle = await runEntry({ command: 'plan', dataset: DATASET });
    expect(matrixOf(fromSources)).toEqual(matrixOf(fromBundle));
    expect(fromSources.summary).toBe(fromBundle.summary);
  });

  it('report: same outputs as the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-report-'));
    await writeResults(join(dir, 'results'));
    const fromSources = await runSources({ command: 'report', results: join(dir, 'results'), format: 'json' });
    expect(fromSources.code, fromSources.stdout + fromSources.stderr).toBe(0);
    const fromBundle = await runEntry({ command: 'report', results: join(dir, 'results'), format: 'json' });
    expect(fromSources.outputs).toEqual(fromBundle.outputs);
  });
});
