/**
 * A big sweep on GitHub: the capped comment / check run keeps the summary counts, the failure
 * breakdown, the charts and the GPU table, and cuts the per-task rows first, with a pointer to the
 * full report. `report --format md --max-chars N` prints exactly that.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report/report.js';
import { renderMarkdown } from '../../src/core/report/report-markdown.js';
import {
  cappedReport,
  checkRunFor,
  COMMENT_MAX_CHARS,
  fitComment,
  stickyMarker,
  CHECK_OUTPUT_MAX_CHARS,
} from '../../src/core/github/github-surfaces.js';
import { NoResultsError, runReport } from '../../src/commands/report.js';
import type { ResultRecord } from '../../src/core/schemas.js';
import { runCli } from '../helpers/cli.js';

const V = ['baseline', 'human', 'agent'] as const;

/** 500 tasks: wins, ties, OOMs, rejected patches, preflight skips, on 1/2/4/8 GPUs, with evidence. */
function bigSweep(n = 500): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (let i = 0; i < n; i++) {
    const task = (0x10000000 + i * 7919).toString(16).slice(0, 8);
    const gpus = [1, 1, 2, 4, 8][i % 5]!;
    const base = {
      schema: 'benchsweep/result@1' as const,
      task,
      attempt: 1,
      caveats: [],
      gpus,
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      kind: 'serving' as const,
    };
    const log = (v: string) => `results/${task}/logs/${v}/attempt-1/sample-1/server.log`;
    if (i % 10 === 3) {
      for (const v of V)
        out.push({
          ...base,
          variant: v,
          status: 'failed',
          category: 'OOM',
          metrics: {},
          samples: [],
          log: log(v),
          evidence: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n'.repeat(6),
        } as ResultRecord);
      continue;
    }
    if (i % 10 === 7) {
      for (const v of V)
        out.push({
          ...base,
          variant: v,
          status: 'skipped',
          category: 'NO_PERF_COMMAND',
          metrics: {},
          samples: [],
          evidence: 'the row has no perf_command',
        } as ResultRecord);
      continue;
    }
    for (const v of V) {
      if (v === 'agent' && i % 10 === 5) {
        out.push({
          ...base,
          variant: v,
          status: 'failed',
          category: 'PATCH_REJECTED',
          metrics: {},
          samples: [],
          log: log(v),
          evidence: 'error: patch failed: vllm/worker.py:120',
        } as ResultRecord);
        continue;
      }
      const centre = 2000 * (v === 'baseline' ? 1 : v === 'human' ? 1.05 : 1 + ((i % 7) - 2) / 50);
      out.push({
        ...base,
        variant: v,
        status: 'success',
        metrics: { output_throughput: centre },
        samples: [{ output_throughput: centre }],
        log: log(v),
      } as ResultRecord);
    }
  }
  return out;
}

const report = buildReport(bigSweep(), { generatedAt: '2026-11-30T12:00:00Z' });

function mustKeep(md: string): void {
  // Summary counts.
  expect(md).toContain(`**${report.counts.tasks} tasks**`);
  expect(md).toContain(`agent wins **${report.counts.agent_wins}**`);
  // Failure breakdown: every category row.
  expect(md).toContain('### Failures');
  for (const f of report.failures)
    expect(md).toMatch(new RegExp(`\\| \`${f.category}\` +\\| ${f.stage} +\\| +${f.count} \\|`));
  // Chart and GPU table.
  expect(md).toContain(`pie showData title Outcomes of ${report.counts.tasks} tasks`);
  expect(md).toContain('### By GPU count');
  for (const g of report.gpus) expect(md).toMatch(new RegExp(`\\n\\| ${g.gpus} +\\| +${g.tasks} \\|`));
  // Fences balanced.
  expect((md.match(/```/g) ?? []).length % 2).toBe(0);
}

describe('capped report of a 500-task sweep', () => {
  it('the whole report is far bigger than a comment', () => {
    expect(report.counts.tasks).toBe(500);
    expect(renderMarkdown(report).length).toBeGreaterThan(COMMENT_MAX_CHARS * 2);
  });

  it.each([COMMENT_MAX_CHARS, 20_000, 8_000])('within %i characters: per-task rows cut first, the rest kept', (max) => {
    const md = renderMarkdown(report, {
      maxChars: max,
      fullReportUrl: 'https://github.test/acme/bench/actions/runs/9/artifacts/42',
    });
    expect(md.length).toBeLessThanOrEqual(max);
    mustKeep(md);
    const rows = (md.match(/^\| `[0-9a-f]{8}` \|/gm) ?? []).length;
    expect(rows).toBeLessThan(500);
    expect(md).toContain(
      `… ${500 - rows} more tasks: see the full report (report.md, report.json, report.html in the run's \`benchsweep-report\` artifact: https://github.test/acme/bench/actions/runs/9/artifacts/42).`,
    );
    expect(md).toContain('Failure evidence omitted for size');
  });

  it('a comment body built from it is never cut at its tail (the marker and header fit)', () => {
    const marker = stickyMarker('sweep.yml');
    const header = '**Commit** abc1234 · [run 9](https://github.test/acme/bench/actions/runs/9)';
    const body = cappedReport(report, COMMENT_MAX_CHARS, header);
    const comment = fitComment(`${marker}\n${body}`, 'https://github.test/run/9', COMMENT_MAX_CHARS, marker);
    expect(comment).toBe(`${marker}\n${body}`);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(comment).not.toContain('Truncated to fit');
    expect(body.startsWith(`${header}\n\n## benchsweep`)).toBe(true);
    mustKeep(body);
  });

  it('a limit too small for even the summary is cut at a line with a pointer, never over the limit', () => {
    for (const max of [2_000, 500, 50]) {
      const md = renderMarkdown(report, { maxChars: max });
      expect(md.length).toBeLessThanOrEqual(max);
      expect((md.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(renderMarkdown(report, { maxChars: 2_000 })).toContain('see the full report');
  });

  it('the check run summary keeps the failing tasks and the breakdown, cutting per-task lines', () => {
    const check = checkRunFor(report, { runUrl: 'https://github.test/run/9' });
    expect(check.output.summary.length).toBeLessThanOrEqual(CHECK_OUTPUT_MAX_CHARS);
    expect(check.conclusion).toBe('failure');
    expect(check.output.summary).toMatch(/Failing \(agent_failed \/ not_evaluable fail this check\): /);
    for (const f of report.failures) expect(check.output.summary).toContain(`- \`${f.category}\``);
  });
});

describe('report CLI and command: capped output and loud failures', () => {
  async function resultsDir(records: ResultRecord[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'bs-capped-'));
    for (const r of records) {
      await mkdir(join(dir, r.task), { recursive: true });
      await writeFile(join(dir, r.task, `${r.variant}.attempt-${r.attempt}.json`), JSON.stringify(r));
    }
    return dir;
  }

  it('report --format md --max-chars N prints exactly what the capped comment holds', async () => {
    const dir = await resultsDir(bigSweep());
    const r = await runCli(['report', '--results', dir, '--format', 'md', '--max-chars', '30000']);
    expect(r.exitCode, r.stderr).toBe(0);
    const fromCommand = await runReport({ results: dir, format: 'md', maxChars: 30_000 });
    // execa strips the final newline of stdout.
    expect(r.stdout).toBe(fromCommand.text.replace(/\n$/, ''));
    expect(fromCommand.text).toBe(cappedReport(fromCommand.value, 30_000));
    expect(r.stdout.length).toBeLessThanOrEqual(30_000);
    expect(r.stdout).toMatch(/… \d+ more tasks: see the full report/);
    const bad = await runCli(['report', '--results', dir, '--max-chars', 'lots']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--max-chars');
  });

  it('a missing or empty results folder is an error (exit 2) a caller can tell apart', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bs-empty-'));
    await expect(runReport({ results: join(empty, 'nope') })).rejects.toMatchObject({
      name: 'NoResultsError',
      code: 'NO_RESULTS',
      reason: 'missing',
    });
    const err = await runReport({ results: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoResultsError);
    expect(err).toMatchObject({ reason: 'empty', results: empty });
    await writeFile(join(empty, 'junk.json'), '{"task": "x", "variant": "agent", "status": "maybe"}');
    await expect(runReport({ results: empty })).rejects.toThrow(
      /no result record \(1 file\(s\) are not valid records, e.g. junk.json/,
    );
    const cli = await runCli(['report', '--results', empty, '--json']);
    expect(cli.exitCode).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('no result record');
  });
});

describe('job summary of a huge sweep', () => {
  it('fits 1 MiB in bytes and keeps the breakdown, charts and GPU table', async () => {
    const { reportSummary } = await import('../../src/core/github/github-surfaces.js');
    const huge = buildReport(bigSweep(500), { generatedAt: '2026-11-30T12:00:00Z' });
    // A small byte limit stands in for 1 MiB: the same shrinking applies.
    const md = reportSummary(huge, {}, 40_000);
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(40_000);
    expect(md).not.toContain('Truncated: this summary was');
    expect(md).toContain('### By GPU count');
    expect(md).toContain('pie showData');
    expect(md).toMatch(/… \d+ more tasks: see the full report/);
    expect(reportSummary(huge)).toBe(renderMarkdown(huge));
  });
});
