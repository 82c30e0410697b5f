import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report/report.js';
import { renderMarkdown } from '../../src/core/report/report-markdown.js';
import {
  annotationsFor,
  checkRunFor,
  fitComment,
  fitSummary,
  STICKY_MARKER,
} from '../../src/core/github/github-surfaces.js';
import { loadResultRecords } from '../../src/adapters/results-dir.js';
import { writeReports } from '../../src/adapters/report-files.js';
import { runReport } from '../../src/commands/report.js';
import type { ResultRecord } from '../../src/core/schemas.js';
import { realisticRecords } from '../fixtures/report/realistic.js';
import { runCli } from '../helpers/cli.js';

const report = buildReport(realisticRecords(), { generatedAt: '2026-11-28T20:30:00Z' });
const task = (id: string) => report.tasks.find((t) => t.task === id)!;

describe('buildReport', () => {
  it('counts outcomes from the tasks and keeps the counts consistent', () => {
    const c = report.counts;
    expect(c.tasks).toBe(report.tasks.length);
    expect(c.agent_wins + c.human_wins + c.tie + c.agent_failed + c.not_evaluable).toBe(c.tasks);
    expect(c.evaluable).toBe(c.tasks - c.not_evaluable);
    expect(c).toMatchObject({ tasks: 20, agent_wins: 1, human_wins: 2, agent_failed: 3 });
    expect(report.gpus.map((g) => [g.gpus, g.tasks])).toEqual([
      [1, 16],
      [2, 1],
      [4, 1],
      [8, 2],
    ]);
    expect(report.gpus.reduce((s, g) => s + g.tasks, 0)).toBe(c.tasks);
  });

  it('the latest attempt wins; the earlier one is history', () => {
    const t = task('e5e5e5e5');
    expect(t.variants.agent).toMatchObject({ status: 'success', attempt: 2 });
    expect(t.history).toEqual([
      {
        variant: 'agent',
        attempt: 1,
        status: 'failed',
        category: 'TRANSIENT_INFRA',
        log: 'results/e5e5e5e5/logs/agent/attempt-1/sample-1/server.log',
      },
    ]);
    expect(report.failures.find((f) => f.category === 'TRANSIENT_INFRA')).toBeUndefined();
    // Whatever order the files come in.
    const shuffled = buildReport([...realisticRecords()].reverse());
    expect(shuffled.tasks.find((x) => x.task === 'e5e5e5e5')!.variants.agent.attempt).toBe(2);
    expect(shuffled.counts).toEqual(report.counts);
  });

  it('failure rows: category, stage, fixable and action from the taxonomy, tasks counted once', () => {
    const oom = report.failures.find((f) => f.category === 'OOM')!;
    expect(oom).toMatchObject({
      stage: 'server',
      count: 1,
      fixable: 'infrastructure',
      tasks: ['0d243f2a'],
      variants: { baseline: 1, human: 1, agent: 1 },
    });
    expect(oom.action).toMatch(/more GPUs/);
    expect(report.failures.find((f) => f.category === 'PATCH_REJECTED')).toMatchObject({
      fixable: 'agent',
      tasks: ['f00dbabe'],
    });
    expect(report.failures.find((f) => f.category === 'NO_PERF_COMMAND')).toMatchObject({
      stage: 'preflight',
      fixable: 'dataset',
    });
    expect(task('f00dbabe').outcome).toBe('agent_failed');
    expect(task('22dd9c27').evaluability).toBe('all_failed');
    expect(task('c0ffee12')).toMatchObject({ outcome: 'tie' });
    expect(task('c0ffee12').reason).toMatch(/^could not tell/);
    expect(task('d15ea5e0')).toMatchObject({
      outcome: 'human_wins',
      primary_metric: 'avg_latency',
      higher_is_better: false,
    });
  });

  it('an unclassified failure and a category outside the taxonomy still get a row', () => {
    const r = buildReport([
      {
        task: 'x',
        variant: 'human',
        attempt: 1,
        status: 'success',
        metrics: { output_throughput: 5 },
        samples: [],
        caveats: [],
      },
      { task: 'x', variant: 'agent', attempt: 1, status: 'failed', metrics: {}, samples: [], caveats: [] },
    ] as ResultRecord[]);
    expect(r.failures).toEqual([expect.objectContaining({ category: 'UNCLASSIFIED', fixable: 'unknown', count: 1 })]);
    expect(r.tasks[0]!.outcome).toBe('agent_failed');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report, { logsBaseUrl: 'https://github.test/acme/bench/actions/runs/9/artifacts' });

  it('has the headline, the three-way table, failures, GPU sizes, caveats and a mermaid chart', () => {
    expect(md).toContain('**20 tasks** · **17 evaluable**'.replace('17', String(report.counts.evaluable)));
    expect(md).toMatch(
      /\| `67da5720` \| Qwen\/Qwen2.5-7B-Instruct +\| output_throughput ↑ \| +2,377.09 \| +2,415.81 \| +2,375.44 \| +\+1.63% ¹ \| +-0.07% ¹ \| +-1.67% ¹ \|/,
    );
    expect(md).toMatch(/\| `a1b2c3d4` .*\(n=5\).*✓.*\*\*agent wins\*\*/);
    expect(md).toMatch(/tie \(could not tell: detects ±\d+\.\d%\)/);
    expect(md).toContain('| Category');
    expect(md).toMatch(/\| `OOM` +\| server +\| +1 \| infrastructure \|/);
    expect(md).toContain('### By GPU count');
    expect(md).toContain('```mermaid\npie showData title Outcomes of 20 tasks');
    expect(md).toContain('xychart-beta');
    expect(md).toContain('fix recipe aimv2-exist-ok applied to baseline only, not human, agent');
  });

  it('every failure excerpt says where the whole log is', () => {
    expect(md).toContain(
      '- `35fad35a` agent: **SERVER_CRASH** — whole log: [results/35fad35a/logs/agent/attempt-1/sample-1/server.log](https://github.test/acme/bench/actions/runs/9/artifacts/results/35fad35a/logs/agent/attempt-1/sample-1/server.log)',
    );
    expect(md).toContain('- `3127e975` all variants: **NO_PERF_COMMAND** — not run (preflight)');
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
    for (const line of details.split('\n').filter((l) => l.startsWith('- ')))
      expect(line).toMatch(/whole log: |not run \(preflight\)|no log recorded/);
  });

  it('shrinks to maxChars: details first, then table rows with a pointer to the full report', () => {
    const small = renderMarkdown(report, { maxChars: 9000 });
    expect(small.length).toBeLessThanOrEqual(9000);
    expect(small).toContain('Failure evidence omitted for size');
    expect(small).toMatch(/… \d+ more tasks: see the full report/);
  });
});

describe('GitHub surfaces (pure)', () => {
  it('fitSummary keeps a summary under 1 MiB, cut at a line, with a note', () => {
    expect(fitSummary('small')).toBe('small');
    const big = Array.from({ length: 40_000 }, (_, i) => `| row ${i} | ${'é'.repeat(20)} |`).join('\n');
    const fitted = fitSummary(big);
    expect(Buffer.byteLength(fitted, 'utf8')).toBeLessThanOrEqual(1024 * 1024);
    expect(fitted).toMatch(/Truncated: this summary was [\d,]+ bytes/);
    expect(fitted.split('\n> [!NOTE]')[0]!.trimEnd().endsWith('|')).toBe(true);
  });

  it('fitComment keeps the marker, fits 65,536 characters and closes an open code fence', () => {
    const body = fitComment('```text\n' + 'line\n'.repeat(20_000), 'https://github.test/run/1');
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(STICKY_MARKER)).toBe(true);
    expect(body).toContain('The whole report: https://github.test/run/1');
    expect((body.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('one annotation per failed task; an agent failure is a warning', () => {
    const annotations = annotationsFor(report);
    const failedTasks = report.tasks.filter((t) =>
      Object.values(t.variants).some((v) => v.status === 'failed' || (v.status === 'skipped' && v.category)),
    );
    expect(annotations.map((a) => a.task)).toEqual(failedTasks.map((t) => t.task));
    expect(annotations.find((a) => a.task === '35fad35a')).toMatchObject({ level: 'warning' });
    expect(annotations.find((a) => a.task === '0d243f2a')!.level).toBe('error');
    expect(annotations.find((a) => a.task === '0d243f2a')!.message).toContain(
      'log: results/0d243f2a/logs/human/attempt-1/sample-1/server.log',
    );
  });

  it('checkRunFor: success when every task is measured, failure otherwise, neutral when empty', () => {
    const good = buildReport(realisticRecords().filter((r) => r.task === 'a1b2c3d4'));
    expect(checkRunFor(good).conclusion).toBe('success');
    expect(checkRunFor(report).conclusion).toBe('failure');
    expect(checkRunFor(buildReport([])).conclusion).toBe('neutral');
    expect(checkRunFor(report, { failOn: [] }).conclusion).toBe('success');
  });
});

async function writeResultsDir(records: ResultRecord[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-results-'));
  for (const r of records) {
    const d = join(dir, `job-${r.task.slice(0, 2)}`, r.task);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, `${r.variant}.attempt-${r.attempt}.json`), JSON.stringify(r));
  }
  return dir;
}

describe('results directory, report files and the command', () => {
  it('loads records recursively; a bad file is an error naming it, others go on', async () => {
    const dir = await writeResultsDir(realisticRecords());
    await writeFile(join(dir, 'broken.json'), '{"task": "zz", "variant": "human", ');
    await writeFile(
      join(dir, 'wrong.json'),
      JSON.stringify({ task: 'zz', variant: 'robot', status: 'success', metrics: {} }),
    );
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFile(join(dir, 'logs', 'vllm-result.json'), JSON.stringify({ output_throughput: 12, completed: 10 }));
    const loaded = await loadResultRecords(dir);
    expect(loaded.records).toHaveLength(realisticRecords().length);
    expect(loaded.errors.map((e) => e.file)).toEqual(['broken.json', 'wrong.json']);
    expect(loaded.errors[1]!.message).toMatch(/variant/);
    expect(loaded.skipped).toEqual(['logs/vllm-result.json']);
  });

  it('writeReports writes json, md and html atomically (no temp files left)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'bs-out-'));
    const written = await writeReports(out, report);
    expect((await readdir(out)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(JSON.parse(await readFile(written.json!, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(await readFile(written.md!, 'utf8')).toContain('### Three-way results');
  });

  it('runReport returns the report, the summary and action outputs', async () => {
    const dir = await writeResultsDir(realisticRecords());
    const result = await runReport({ results: dir, generatedAt: 'fixed' });
    expect(result.value.counts).toEqual(report.counts);
    expect(result.outputs).toMatchObject({ tasks: '20', 'agent-wins': '1', 'agent-failed': '3' });
    expect(result.summary).toContain('### Three-way results');
    await expect(runReport({ results: join(dir, 'nope') })).rejects.toThrow(/not a directory/);
  });

  it('runReport checks a summary file (--claims) against the rows and keeps secrets out', async () => {
    const leaky = realisticRecords().map((r) =>
      r.task === '0d243f2a' ? { ...r, evidence: 'HF_TOKEN=hf_secretvalue123 then CUDA out of memory' } : r,
    );
    const dir = await writeResultsDir(leaky);
    const claims = join(dir, 'claims.json');
    await writeFile(claims, JSON.stringify({ source: 'seeds/002', counts: { tasks: 22 } }));
    process.env['HF_TOKEN'] = 'hf_secretvalue123';
    try {
      const result = await runReport({ results: dir, claims });
      expect(result.value.notes).toContain(
        'seeds/002: its summary says tasks = 22, its rows give 20; this report counts the rows (20)',
      );
      expect(result.text).toContain('HF_TOKEN=*** then CUDA out of memory');
      expect(JSON.stringify(result.value)).not.toContain('hf_secretvalue123');
      expect(result.summary).not.toContain('hf_secretvalue123');
    } finally {
      delete process.env['HF_TOKEN'];
    }
    await writeFile(claims, '[{"counts": {}}]');
    await expect(runReport({ results: dir, claims })).rejects.toThrow(/each claim needs a "source"/);
  });

  it('CLI: --format json and --json print one JSON document; md by default; --out writes the files', async () => {
    const dir = await writeResultsDir(realisticRecords());
    const out = join(dir, 'report-out');
    const json = await runCli(['report', '--results', dir, '--format', 'json', '--out', out]);
    expect(json.exitCode, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.counts).toEqual(report.counts);
    expect(doc.tasks.find((t: { task: string }) => t.task === '67da5720').human_vs_baseline.ratio).toBeCloseTo(
      2415.81 / 2377.09,
      12,
    );
    expect((await readdir(out)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    const flag = await runCli(['report', '--results', dir, '--json']);
    expect(JSON.parse(flag.stdout).counts).toEqual(report.counts);
    const md = await runCli(['report', '--results', dir]);
    expect(md.stdout).toContain('## benchsweep: baseline / human / agent');
    const bad = await runCli(['report', '--results', join(dir, 'missing')]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('not a directory');
  });
});
