/**
 * The action's step helpers as data: the explained build failure (category, evidence, the log's tail, where the whole log is), the run's
 * job summary, cache-hit, the comment's header, and the nightly's choice of state.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainBuildFailures, LOG_TAIL_LINES } from '../../src/action/build-step.js';
import { runSummary } from '../../src/action/run-step.js';
import { commentHeader, runLink } from '../../src/action/publish.js';
import { chooseNightlyState, type StateRun } from '../../src/core/github/rerun-select.js';
import type { BuildReport } from '../../src/commands/build.js';
import type { ResultRecord } from '../../src/core/schemas.js';

const report = (variants: BuildReport['tasks'][number]['variants']): BuildReport =>
  ({
    tasks: [{ id: 'a1a1a1a1', variants, plan: {} as never }],
    plan_summary: {} as never,
    builds: 1,
    overlays: 0,
    failed: 1,
    pushed: 0,
    push_failed: 0,
    dry_run: false,
  }) as BuildReport;

describe('explained build failures', () => {
  it('puts the category, the evidence, the log’s tail and where the whole log is into the summary and an annotation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bs-buildlog-'));
    const log = join(dir, 'key.build.log');
    const lines = Array.from({ length: 100 }, (_, i) => `step ${i + 1}`);
    lines.push('error: command "gcc" failed: ```fence```', 'BUILD RESULT: BUILD_FAILED: compiler error');
    await writeFile(log, lines.join('\n') + '\n');
    const out = await explainBuildFailures(
      report({
        baseline: { ok: true, source: 'cache' },
        human: {
          ok: false,
          category: 'BUILD_FAILED',
          reason: 'docker build exited 1',
          evidence: 'error: command "gcc" failed',
          log,
        },
      }),
      join(dir, 'logs'),
    );
    expect(out.summary).toContain('#### ✗ a1a1a1a1 human: BUILD_FAILED');
    expect(out.summary).toContain('docker build exited 1');
    expect(out.summary).toContain('error: command "gcc" failed');
    expect(out.summary).toContain(`last ${LOG_TAIL_LINES} of 102 lines`);
    expect(out.summary).toContain('step 100');
    expect(out.summary).not.toContain('step 50\n');
    // A log carrying ``` cannot close the fence around it.
    expect(out.summary).toContain('````');
    const copied = join(dir, 'logs', 'a1a1a1a1-human.key.build.log');
    expect(out.summary).toContain(copied);
    expect(await readFile(copied, 'utf8')).toBe(lines.join('\n') + '\n');
    expect(out.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        title: 'benchsweep build a1a1a1a1 human: BUILD_FAILED',
        message: expect.stringContaining(`Whole log: ${copied}`),
      }),
    ]);
    const message = out.annotations[0]!.message;
    expect(message).toContain('Evidence:\nerror: command "gcc" failed');
    expect(message).toContain('Log tail:\nstep 93\n');
    expect(message).toContain('BUILD RESULT: BUILD_FAILED: compiler error\nWhole log:');
    expect(message).not.toContain('step 92\n');
  });

  it('says so when a failure left no log', async () => {
    const out = await explainBuildFailures(
      report({ baseline: { ok: false, category: 'MISSING_ARTIFACT', reason: 'no parent commit in the row' } }),
      join(tmpdir(), 'unused'),
    );
    expect(out.summary).toContain('no log was written');
    expect(out.annotations[0]!.message).toContain('Whole log: none');
  });

  it('has nothing to say when every build resolved', async () => {
    expect(await explainBuildFailures(report({ baseline: { ok: true, source: 'build' } }), tmpdir())).toEqual({
      summary: '',
      annotations: [],
    });
  });
});

describe('runSummary', () => {
  it('lists what ran: status, the metric or the failure, the log', () => {
    const records = [
      {
        task: 'a1a1a1a1',
        variant: 'baseline',
        attempt: 1,
        status: 'success',
        primary_metric: 'output_throughput',
        metrics: { output_throughput: 101.5 },
        samples: [{}, {}, {}],
        log: 'a1a1a1a1/logs/baseline/attempt-1/sample-1/client.log',
      },
      {
        task: 'a1a1a1a1',
        variant: 'agent',
        attempt: 2,
        status: 'failed',
        category: 'SERVER_CRASH',
        evidence: 'Segmentation fault | core dumped\nmore',
        metrics: {},
        samples: [],
      },
    ] as unknown as ResultRecord[];
    const md = runSummary(records, '/w/results');
    expect(md).toContain('2 result record(s), 1 success, in `/w/results`');
    expect(md).toContain(
      '| `a1a1a1a1` | baseline | 1 | success | output_throughput = 101.5 (n=3) | `a1a1a1a1/logs/baseline/attempt-1/sample-1/client.log` |',
    );
    expect(md).toContain('| `a1a1a1a1` | agent | 2 | failed | SERVER_CRASH: Segmentation fault \\| core dumped |  |');
    expect(runSummary([], '/w/results')).toContain('Nothing ran.');
  });
});

describe('the comment header', () => {
  const env = {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo/bench',
    GITHUB_RUN_ID: '9',
    GITHUB_RUN_NUMBER: '3',
    GITHUB_WORKFLOW: 'nightly',
    GITHUB_RUN_ATTEMPT: '2',
  };
  it('names the commit and links the run (and its attempt)', () => {
    const link = runLink(env);
    expect(link).toEqual({ url: 'https://github.com/octo/bench/actions/runs/9/attempts/2', label: 'nightly run #3' });
    expect(commentHeader('a'.repeat(40), link, env)).toBe(
      `**benchsweep** results for commit [\`${'a'.repeat(12)}\`](https://github.com/octo/bench/commit/${'a'.repeat(40)}) · [nightly run #3](https://github.com/octo/bench/actions/runs/9/attempts/2)`,
    );
    expect(commentHeader('not a sha](evil)', link, env)).toContain('an unknown commit');
  });
});

describe('chooseNightlyState', () => {
  const names = { state: 'S', report: 'R' };
  const run = (id: number, artifacts: StateRun['artifacts']): StateRun => ({
    id,
    created_at: `2026-11-${id}T00:00:00Z`,
    artifacts,
  });
  it('takes the newest run with its state, else its report, else starts fresh', () => {
    expect(
      chooseNightlyState(
        [run(12, [{ name: 'S', expired: false }]), run(11, [{ name: 'S', expired: false }])],
        names,
        'main',
      ),
    ).toMatchObject({ source: 'state', runId: 12, artifact: 'S' });
    expect(
      chooseNightlyState(
        [
          run(12, [
            { name: 'S', expired: true },
            { name: 'R', expired: false },
          ]),
        ],
        names,
        'main',
      ),
    ).toMatchObject({ source: 'report', runId: 12, artifact: 'R' });
    const older = chooseNightlyState([run(12, []), run(11, [{ name: 'S', expired: false }])], names, 'main');
    expect(older).toMatchObject({ source: 'state', runId: 11 });
    expect(older.note).toMatch(/newer successful run\(s\) left no usable state/);
    expect(chooseNightlyState([], names, 'main')).toMatchObject({ source: 'none' });
    expect(chooseNightlyState([run(12, [{ name: 'S', expired: true }])], names, 'trunk').note).toMatch(
      /on trunk left no "S" or "R" artifact/,
    );
  });
});
