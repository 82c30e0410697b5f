/**
 * Failures that must be red, and reports that must not crash: a dataset with no valid row exits 2
 * with file:line of each error (plan, build, run), and `report` with a secret-looking variable
 * whose value is common (`SKIP_TOKEN=true`) still writes valid JSON, with a real secret redacted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('benchsweep-cli-fail-');

describe('a dataset with no valid row', () => {
  it.each([
    ['plan', (d: string) => ['plan', '--dataset', d]],
    [
      'build',
      (d: string) => ['build', '--dataset', d, '--repo', tmp(), '--cache-dir', join(tmp(), 'cache'), '--dry-run'],
    ],
    ['run', (d: string) => ['run', '--dataset', d, '--results', join(tmp(), 'results'), '--executor', 'host']],
  ])('%s exits 2 naming file:line of every row', async (_cmd, argv) => {
    const dataset = join(tmp(), 'all-bad.jsonl');
    await writeFile(
      dataset,
      [
        JSON.stringify({ commit_hash: '../../..' }),
        '{oops',
        JSON.stringify({ commit_hash: 'abcdef0', id: 'x\n::error::pwned' }),
      ].join('\n'),
    );
    const r = await runCli(argv(dataset));
    expect(r.exitCode, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/no valid row \(3 errors\)/);
    for (const where of [`${dataset}:1 field commit_hash`, `${dataset}:2`, `${dataset}:3 field id`])
      expect(r.stderr).toContain(where);
    for (const line of r.stderr.split('\n')) expect(line).not.toMatch(/^\s*::/);
  });
});

describe('report with secret-looking variables', () => {
  it('SKIP_TOKEN=true neither crashes nor corrupts the JSON; a real token is redacted', async () => {
    const results = join(tmp(), 'results-report');
    await mkdir(join(results, 't1'), { recursive: true });
    const token = 'hf_RealSecretTokenValue987654321';
    for (const variant of ['baseline', 'human', 'agent']) {
      await writeFile(
        join(results, 't1', `${variant}.attempt-1.json`),
        JSON.stringify({
          schema: 'benchsweep/result@1',
          task: 't1',
          variant,
          attempt: 1,
          status: variant === 'agent' ? 'failed' : 'success',
          kind: 'throughput',
          ...(variant === 'agent' ? { category: 'SERVER_CRASH', evidence: `crashed with ${token} true "quoted"` } : {}),
          metrics: variant === 'agent' ? {} : { tokens_per_second: variant === 'human' ? 110 : 100 },
          samples: [],
          caveats: [],
        }),
      );
    }
    const r = await runCli(['report', '--results', results, '--format', 'json'], {
      env: { SKIP_TOKEN: 'true', HF_TOKEN: token },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { tasks: Array<{ task: string }> };
    expect(doc.tasks.map((t) => t.task)).toEqual(['t1']);
    expect(r.stdout).not.toContain(token);
    expect(r.stdout).toContain('true');
    expect(r.stderr).toMatch(/warning: SKIP_TOKEN looks like a secret but is not redacted/);
  });
});

describe('the action with a dataset that has no valid row', () => {
  it('fails the step (red), naming file:line, with no workflow command smuggled through the data', async () => {
    const { runEntry } = await import('../action/entry-helpers.js');
    const dataset = join(tmp(), 'action-bad.jsonl');
    await writeFile(
      dataset,
      [
        JSON.stringify({ commit_hash: 'abcdef0', id: 'a\n::add-mask::x' }),
        JSON.stringify({ commit_hash: 'nothex!' }),
      ].join('\n'),
    );
    const r = await runEntry({ command: 'plan', dataset });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error::.*no valid row \(2 errors\)/);
    expect(r.stdout).toContain(`${dataset}:1 field id`);
    expect(r.stdout).toContain(`${dataset}:2 field commit_hash`);
    for (const line of r.stdout.split('\n')) expect(line).not.toMatch(/^\s*::add-mask::/);
  }, 120_000);
});
