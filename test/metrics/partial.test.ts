/**
 * Result blocks as people paste them: cut at the start (any section rule or row), cut at the end,
 * interleaved with other output, quoted; and every row vLLM has printed, by vLLM's JSON key names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetricsScanner, parseBenchmarkOutput, parseResultJson } from '../../src/core/metrics/parse.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'metrics');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

/** The percentile rows of the fixtures: base × (1 + 0.25 i) for Mean, Median, P50, P75, P90, P95, P99. */
function stats(metric: string, base: number): Record<string, number> {
  const names = ['mean', 'median', 'p50', 'p75', 'p90', 'p95', 'p99'];
  return Object.fromEntries(names.map((n, i) => [`${n}_${metric}_ms`, Number((base * (1 + i * 0.25)).toFixed(2))]));
}
const HEAD = {
  completed: 1000,
  failed: 0,
  max_concurrency: 64,
  request_rate: 16,
  duration: 61.24,
  total_input_tokens: 215196,
  total_output_tokens: 197195,
  request_throughput: 16.33,
  request_goodput: 12.5,
  output_throughput: 3220,
  peak_output_throughput: 4480,
  peak_concurrent_requests: 64,
  total_token_throughput: 6733.96,
};

describe('every row vLLM has printed', () => {
  it('goodput, the configured rate, max concurrency, peak rows and P50/P75/P90/P95/P99 of every section', () => {
    const r = parseBenchmarkOutput(fixture('every-row-2025.txt'));
    expect(r.metrics).toEqual({
      ...HEAD,
      ...stats('ttft', 100),
      ...stats('tpot', 20),
      ...stats('itl', 18),
      ...stats('e2el', 4000),
    });
    expect(r.blocks[0]).toMatchObject({ complete: true, partial: false });
  });

  it('the same names as vLLM’s JSON result (request_rate included, "inf" skipped)', () => {
    const printed = parseBenchmarkOutput(fixture('every-row-2025.txt')).metrics;
    const json = parseResultJson({ ...printed, request_rate: 16, std_ttft_ms: 1 });
    expect(json.metrics).toMatchObject(printed);
    expect(parseResultJson({ request_rate: 'inf', output_throughput: 1 }).metrics).toEqual({ output_throughput: 1 });
  });

  it('the preamble’s finite rate belongs to the block after it (2024 `X`, 2025 `X RPS.`); `inf` gives none', () => {
    expect(parseBenchmarkOutput(fixture('preamble-rate-2024.txt')).metrics).toMatchObject({
      request_rate: 10,
      output_throughput: 1940.2,
    });
    expect(parseBenchmarkOutput(fixture('preamble-rate-rps-2025.txt')).metrics).toMatchObject({ request_rate: 7.5 });
    expect(parseBenchmarkOutput(fixture('serving-late-2025.txt')).metrics).not.toHaveProperty('request_rate');
    // A rate alone makes no block.
    expect(parseBenchmarkOutput('Traffic request rate: 10.0\n').blocks).toEqual([]);
  });
});

describe('partial pastes: every value shown is read, and the block says it is partial', () => {
  it('starts at a section rule (header and first rows gone), ends with the closing rule', () => {
    const r = parseBenchmarkOutput(fixture('partial-from-section-rule.txt'));
    expect(r.metrics).toEqual({ ...stats('ttft', 100), ...stats('tpot', 20), ...stats('itl', 18) });
    expect(r.blocks).toEqual([
      expect.objectContaining({ kind: 'serving', complete: true, partial: true, startLine: 4 }),
    ]);
  });

  it('starts at a metric row and ends early (no closing rule)', () => {
    const r = parseBenchmarkOutput(fixture('partial-mid-row-cut.txt'));
    expect(r.metrics).toEqual({
      request_throughput: 16.33,
      request_goodput: 12.5,
      output_throughput: 3220,
      peak_output_throughput: 4480,
      peak_concurrent_requests: 64,
      total_token_throughput: 6733.96,
      mean_ttft_ms: 100,
      median_ttft_ms: 125,
      p50_ttft_ms: 150,
    });
    expect(r.blocks[0]).toMatchObject({ complete: false, partial: true, startLine: 1 });
  });

  it('interleaved with engine logs, worker warnings and progress bars after every other row', () => {
    const r = parseBenchmarkOutput(fixture('partial-interleaved.txt'));
    expect(r.metrics).toEqual({ ...HEAD, ...stats('ttft', 100), ...stats('tpot', 20) });
    expect(r.blocks).toEqual([expect.objectContaining({ complete: true, partial: false })]);
  });

  it('quoted in a comment, starting at the padded concurrency row (a table row, not the preamble)', () => {
    const r = parseBenchmarkOutput(fixture('partial-quoted-from-concurrency.txt'));
    const { completed: _c, failed: _f, ...rest } = HEAD;
    expect(r.metrics).toEqual({ ...rest, ...stats('ttft', 100) });
    expect(r.blocks[0]).toMatchObject({ partial: true });
  });

  it('the flat v0.3.1 lines from the middle', () => {
    const r = parseBenchmarkOutput(fixture('partial-flat-v031.txt'));
    expect(r.metrics).toEqual({
      request_throughput: 5.12,
      input_throughput: 1201.55,
      output_throughput: 998.1,
      mean_ttft_ms: 210.45,
      median_ttft_ms: 180.02,
      p99_ttft_ms: 900.77,
      mean_tpot_ms: 40.12,
    });
    expect(r.blocks[0]).toMatchObject({ partial: true, complete: false });
  });

  it('a complete block is not partial; a block of the whole fixture set streamed in odd chunks gives the same answer', () => {
    expect(parseBenchmarkOutput(fixture('serving-table-v0.4.txt')).blocks[0]).toMatchObject({
      complete: true,
      partial: false,
    });
    const text = ['partial-from-section-rule.txt', 'partial-interleaved.txt', 'partial-mid-row-cut.txt']
      .map(fixture)
      .join('');
    const whole = parseBenchmarkOutput(text);
    const scanner = createMetricsScanner();
    for (let i = 0; i < text.length; i += 11) scanner.push(text.slice(i, i + 11));
    expect(scanner.end()).toEqual(whole);
    expect(whole.blocks.map((b) => b.partial)).toEqual([true, false, true]);
  });

  it('the preamble concurrency line alone still yields nothing (unpadded)', () => {
    expect(parseBenchmarkOutput('Maximum request concurrency: 64\n').blocks).toEqual([]);
  });
});
