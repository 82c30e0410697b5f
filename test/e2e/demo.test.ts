/**
 * The whole flow through the CLI with Docker: `benchsweep demo` (plan → images → three variants with
 * interleaved repeats → report) and `benchsweep run` on a task whose agent patch edits benchmarks/.
 * They run the committed bundle (node dist/cli.js), as README's first command does: CI rebuilds
 * dist/ and checks it matches the sources before the tests.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDemoRepo } from '../../src/adapters/demo-repo.js';
import { git } from '../../src/adapters/git.js';
import { ResultRecord } from '../../src/core/schemas.js';

const REPEATS = 3;
const work = useTempDir('e2e-demo-');

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { bundle: true, timeout: 240_000, env });

async function recordsIn(dir: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const task of await readdir(dir)) {
    if (!existsSync(join(dir, task)) || task.startsWith('.')) continue;
    for (const f of await readdir(join(dir, task))) {
      if (f.endsWith('.json')) out.push(ResultRecord.parse(JSON.parse(await readFile(join(dir, task, f), 'utf8'))));
    }
  }
  return out;
}

describe('benchsweep demo (Docker, CPU)', () => {
  it('runs three variants with repeats and reports the human commit faster than its parent', async () => {
    const results = join(work(), 'demo-results');
    const r = await cli([
      'demo',
      '--json',
      '--results',
      results,
      '--repeats',
      String(REPEATS),
      '--cache-dir',
      join(work(), 'cache'),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    // The baseline comes from the demo's per-commit wheel index (a wheel, no build); the human
    // and agent images are derived or built: something was made, and said so.
    expect(r.stderr).toMatch(/image builds: \d+/);
    const report = JSON.parse(r.stdout);
    expect(report.counts).toMatchObject({ tasks: 1, evaluable: 1, not_evaluable: 0 });
    const t = report.tasks[0];
    expect(t.primary_metric).toBe('output_throughput');
    for (const v of ['baseline', 'human', 'agent']) expect(t.variants[v].status).toBe('success');
    // The human commit halves the per-token delay: faster than its parent. The demo's workload is
    // short (~0.2 s a sample), so on a loaded 2-core runner throughput is noisy and the verdict may
    // be a tie; the per-token time below is the robust check of the three images.
    expect(t.human_vs_baseline.ratio).toBeGreaterThan(1);
    expect(['human_wins', 'tie']).toContain(t.outcome);

    const records = await recordsIn(results);
    expect(records.map((x) => `${x.variant}:${x.attempt}:${x.status}`).sort()).toEqual([
      'agent:1:success',
      'baseline:1:success',
      'human:1:success',
    ]);
    for (const rec of records) {
      expect(rec.samples).toHaveLength(REPEATS);
      expect(rec.metrics.output_throughput).toBeGreaterThan(0);
      expect(rec.argv).toBe(records[0]!.argv);
      expect(rec.artifact?.source).toMatch(/build|overlay|cache|wheel/);
      const log = await readFile(join(results, rec.log!), 'utf8');
      expect(log.length).toBeGreaterThan(0);
      for (let k = 1; k <= REPEATS; k++)
        expect(existsSync(join(results, rec.task, 'logs', rec.variant, 'attempt-1', `sample-${k}`, 'server.log'))).toBe(
          true,
        );
    }
    const tpot = Object.fromEntries(records.map((x) => [x.variant, x.metrics.median_tpot_ms!]));
    expect(tpot.human).toBeLessThan(tpot.baseline!);
    expect(tpot.agent).toBeLessThan(tpot.baseline!);
    // Interleaved: the samples ended in the order B1 H1 A1 B2 H2 A2 …
    const ended: Array<{ at: number; label: string }> = [];
    for (const rec of records) {
      for (let k = 1; k <= REPEATS; k++) {
        const at = (await stat(join(results, rec.task, 'logs', rec.variant, 'attempt-1', `sample-${k}`, 'client.log')))
          .mtimeMs;
        ended.push({ at, label: `${rec.variant[0]}${k}` });
      }
    }
    const order = ended.sort((a, b) => a.at - b.at).map((e) => e.label);
    expect(order).toEqual(Array.from({ length: REPEATS }, (_, i) => [`b${i + 1}`, `h${i + 1}`, `a${i + 1}`]).flat());
    expect(r.stderr).toContain(`results and logs: ${results}`);
  }, 240_000);

  it('a rerun with the warm cache builds nothing, and prints the three-way table', async () => {
    const results = join(work(), 'demo-text');
    const r = await cli(['demo', '--results', results, '--repeats', '1', '--cache-dir', join(work(), 'cache')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('image builds: 0');
    expect(r.stdout).toContain('0 image build(s)');
    const records = await recordsIn(results);
    // Everything from the runner-local cache: images, and the baseline's wheel (installed from the cache, not fetched).
    for (const x of records) expect(x.artifact?.source).toMatch(/^(cache|wheel)$/);
    expect(
      records.filter((x) => x.artifact?.source === 'wheel').every((x) => !/^https?:/.test(x.artifact?.ref ?? '')),
    ).toBe(true);
    expect(r.stdout).toMatch(/\| Task .*\| Baseline .*\| Human .*\| Agent/);
    expect(r.stdout).toContain(`Records: 3 (3 success) in ${results}`);
  }, 240_000);
});

describe('benchsweep demo without Docker', () => {
  it('exits non-zero and says Docker is not reachable', async () => {
    const r = await cli(['demo', '--repeats', '1'], { DOCKER_HOST: `unix://${join(work(), 'no-daemon.sock')}` });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Docker engine is not reachable/);
    expect(r.stdout).toBe('');
  }, 60_000);
});

describe('benchsweep run (Docker, CPU)', () => {
  it('an agent patch that edits benchmarks/ is PATCH_REJECTED; baseline and human still run', async () => {
    const demo = await createDemoRepo(join(work(), 'run'));
    const script = join(demo.dir, 'benchmarks', 'benchmark_serving.py');
    const original = await readFile(script, 'utf8');
    await writeFile(script, original + '\n# the agent lowers the bar\n');
    const evil = (await git(demo.dir, ['diff', 'HEAD~1', '--', 'benchmarks/benchmark_serving.py'])) + demo.agentPatch;
    await git(demo.dir, ['checkout', '-q', '--', '.']);
    const patchFile = join(work(), 'run', 'evil.patch');
    await writeFile(patchFile, evil);
    const row = JSON.parse((await readFile(demo.datasetFile, 'utf8')).trim());
    const dataset = join(work(), 'run', 'evil.jsonl');
    await writeFile(dataset, JSON.stringify({ ...row, patch_path: patchFile }) + '\n');

    const results = join(work(), 'run-results');
    const r = await cli([
      'run',
      '--dataset',
      dataset,
      '--repo',
      demo.dir,
      '--results',
      results,
      '--repeats',
      '1',
      '--cache',
      join(work(), 'run-cache'),
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { records: ResultRecord[] };
    const by = Object.fromEntries(out.records.map((x) => [x.variant, x]));
    expect(by.agent).toMatchObject({ status: 'failed', category: 'PATCH_REJECTED' });
    expect(by.agent!.evidence).toContain('benchmarks/benchmark_serving.py');
    expect(by.baseline!.status).toBe('success');
    expect(by.human!.status).toBe('success');
    expect((await recordsIn(results)).length).toBe(3);
  }, 240_000);
});
