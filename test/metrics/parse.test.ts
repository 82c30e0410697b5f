import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMetricsScanner,
  outputCaveats,
  parseBenchmarkOutput,
  parseResultJson,
  primaryMetricFor,
} from '../../src/core/metrics/parse.js';
import { countNewlines } from '../../src/core/metrics/scanner.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'metrics');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

/** The metrics every v0.6+ fixture block prints (table_v06 in generate.py). */
const V06_LATENCY_METRICS = {
  mean_ttft_ms: 845.21,
  median_ttft_ms: 702.9,
  p90_ttft_ms: 1500,
  p95_ttft_ms: 1800.25,
  'p99.9_ttft_ms': 2950.5,
  mean_tpot_ms: 33.1,
  'p99.9_tpot_ms': 70.12,
  mean_itl_ms: 30.5,
  p90_itl_ms: 55,
  'p99.9_itl_ms': 300.33,
  mean_e2el_ms: 7010.44,
  median_e2el_ms: 6805.2,
  p95_e2el_ms: 12500.8,
  'p99.9_e2el_ms': 19000.9,
};

describe('serving output, every era', () => {
  it('2023 free text (#145): request throughput and the average latencies in seconds', () => {
    const r = parseBenchmarkOutput(fixture('serving-2023.txt'));
    expect(r.kind).toBe('serving');
    expect(r.metrics).toEqual({
      duration: 166.88,
      request_throughput: 5.99,
      avg_latency: 67.59,
      avg_latency_per_token: 0.21,
      avg_latency_per_output_token: 1.1,
    });
    expect(r.blocks[r.used!]!.complete).toBe(true);
  });

  it('flat key: value lines of v0.3.1 (#2433), including the {:2f} six-decimal duration', () => {
    const r = parseBenchmarkOutput(fixture('serving-flat-v0.3.1.txt'));
    expect(r.kind).toBe('serving');
    expect(r.metrics).toEqual({
      completed: 1000,
      duration: 294.101467,
      total_input_tokens: 215196,
      total_output_tokens: 185023,
      request_throughput: 3.4,
      input_throughput: 731.71,
      output_throughput: 629.11,
      mean_ttft_ms: 1203.33,
      median_ttft_ms: 1011.5,
      p99_ttft_ms: 3390.02,
      mean_tpot_ms: 41.27,
      median_tpot_ms: 39.91,
      p99_tpot_ms: 96.4,
    });
    expect(r.blocks).toHaveLength(1);
    expect(r.blocks[0]!.complete).toBe(true);
  });

  it('the tabular block of v0.4 (#3277): padded values, input throughput, TTFT and TPOT', () => {
    const r = parseBenchmarkOutput(fixture('serving-table-v0.4.txt'));
    expect(r.metrics).toEqual({
      completed: 1000,
      duration: 61.24,
      total_input_tokens: 215196,
      total_output_tokens: 197195,
      request_throughput: 16.33,
      input_throughput: 3513.96,
      output_throughput: 3220,
      mean_ttft_ms: 1203.11,
      median_ttft_ms: 1110.45,
      p99_ttft_ms: 3411.07,
      mean_tpot_ms: 41.22,
      median_tpot_ms: 39.87,
      p99_tpot_ms: 96.34,
    });
    expect(r.blocks).toEqual([expect.objectContaining({ kind: 'serving', startLine: 3, endLine: 19, complete: true })]);
  });

  it('ITL section of v0.5 (#5263) after the v0.4.3 preamble', () => {
    const r = parseBenchmarkOutput(fixture('serving-table-v0.5-itl.txt'));
    expect(r.metrics).toMatchObject({
      mean_itl_ms: 38.5,
      median_itl_ms: 30.12,
      p99_itl_ms: 210.66,
      output_throughput: 3220,
    });
  });

  it('generic percentiles and E2EL of v0.6 (#7759), Total Token throughput (#8164), goodput (#9338)', () => {
    const r = parseBenchmarkOutput(fixture('serving-table-v0.6-percentiles.txt'));
    expect(r.metrics).toMatchObject({
      ...V06_LATENCY_METRICS,
      total_token_throughput: 8227.77,
      request_goodput: 15.5,
      completed: 980,
    });
    expect(r.metrics).not.toHaveProperty('input_throughput');
    // "Maximum request concurrency: None" of the preamble is not a metric
    expect(r.metrics).not.toHaveProperty('max_concurrency');
  });

  it('`vllm bench serve` (2025): Namespace and platform lines around it, concurrency from the table only', () => {
    const r = parseBenchmarkOutput(fixture('serving-vllm-bench-2025.txt'));
    expect(r.kind).toBe('serving');
    expect(r.metrics).toMatchObject({
      ...V06_LATENCY_METRICS,
      max_concurrency: 64,
      output_throughput: 4002.36,
      request_rate: 20,
    });
    expect(r.blocks).toHaveLength(1);
  });

  it('late 2025: failed and peak lines, lower-case "Total token throughput", trailing failed-request dump', () => {
    const r = parseBenchmarkOutput(fixture('serving-late-2025.txt'));
    expect(r.metrics).toMatchObject({
      completed: 980,
      failed: 20,
      max_concurrency: 32,
      peak_output_throughput: 5120,
      peak_concurrent_requests: 23,
      total_token_throughput: 8227.77,
      ...V06_LATENCY_METRICS,
    });
    expect(r.blocks).toHaveLength(1);
    expect(r.blocks[0]!.complete).toBe(true);
  });

  it('an embedding run (#23000) has no output throughput: the primary metric falls back', () => {
    const r = parseBenchmarkOutput(fixture('serving-embedding.txt'));
    expect(r.metrics).toEqual({
      completed: 500,
      duration: 12.5,
      total_input_tokens: 64000,
      request_throughput: 40,
      total_token_throughput: 5120,
      mean_e2el_ms: 210.5,
      median_e2el_ms: 199,
      p99_e2el_ms: 450.75,
    });
    expect(primaryMetricFor('serving', r.metrics)).toEqual({ name: 'total_token_throughput', higherIsBetter: true });
  });
});

describe('throughput and latency output', () => {
  it('pre-v0.1 single tokens/s line', () => {
    expect(parseBenchmarkOutput(fixture('throughput-tokens-only.txt'))).toMatchObject({
      kind: 'throughput',
      metrics: { tokens_per_second: 1234.56 },
    });
  });

  it('two-value line (#137): the second number is all tokens/s; tqdm "est. speed" is ignored', () => {
    const r = parseBenchmarkOutput(fixture('throughput-two-value.txt'));
    expect(r).toMatchObject({ kind: 'throughput' });
    expect(r.metrics).toEqual({ requests_per_second: 47.89, tokens_per_second: 24521.13 });
  });

  it('three-value line (#8914) and the prompt/output totals with two spaces (#14654)', () => {
    const r = parseBenchmarkOutput(fixture('throughput-three-value.txt'));
    expect(r.metrics).toEqual({
      requests_per_second: 48.49,
      tokens_per_second: 24826.51,
      output_tokens_per_second: 12413.25,
      total_prompt_tokens: 256000,
      total_output_tokens: 256000,
    });
    expect(r.blocks[0]).toMatchObject({ startLine: 4, endLine: 6, complete: true });
  });

  it('latency: the unformatted float repr, exactly as printed; s/it progress bars ignored', () => {
    const r = parseBenchmarkOutput(fixture('latency-avg-only.txt'));
    expect(r).toMatchObject({ kind: 'latency', metrics: { avg_latency: 5.184098243713379 } });
    expect(Object.keys(r.metrics)).toEqual(['avg_latency']);
  });

  it('latency percentiles (#3889), including an exponent', () => {
    const r = parseBenchmarkOutput(fixture('latency-percentiles.txt'));
    expect(r.metrics).toEqual({
      avg_latency: Number('0.24305725892384846'),
      latency_p10: 0.2401,
      latency_p25: 0.24155,
      latency_p50: 0.2430120239,
      latency_p75: 0.2445,
      latency_p90: 0.2461,
      latency_p99: 0.25,
    });
    expect(r.blocks[0]!.complete).toBe(true);
  });

  it('a latency block cut between its percentiles is incomplete', () => {
    const text = fixture('latency-percentiles.txt').split('\n').slice(0, 7).join('\n');
    const r = parseBenchmarkOutput(text);
    expect(r.blocks[0]!.complete).toBe(false);
  });
});

describe('JSON result files', () => {
  it('serving --save-result: flat keys, peak renamed, arrays and nulls dropped', () => {
    const r = parseBenchmarkOutput(fixture('serving-result.json'));
    expect(r.kind).toBe('serving');
    expect(r.metrics).toMatchObject({
      completed: 980,
      failed: 20,
      duration: 47.5,
      output_throughput: 4002.36,
      total_token_throughput: 8227.77,
      peak_output_throughput: 5120,
      peak_concurrent_requests: 23,
      std_ttft_ms: 120.5,
      'p99.9_itl_ms': 300.33,
    });
    expect(r.metrics).not.toHaveProperty('max_concurrency'); // null in the file
    expect(r.metrics).not.toHaveProperty('request_goodput');
    expect(r.metrics).not.toHaveProperty('num_prompts');
    expect(r.blocks).toHaveLength(1);
  });

  it('throughput --output-json', () => {
    expect(parseResultJson(JSON.parse(fixture('throughput-result.json')))).toEqual({
      kind: 'throughput',
      metrics: {
        requests_per_second: 47.89,
        tokens_per_second: 24521.13,
        elapsed_time: 20.88,
        num_requests: 1000,
        total_num_tokens: 512000,
      },
    });
  });

  it('latency --output-json: percentiles become latency_pN', () => {
    const r = parseResultJson(JSON.parse(fixture('latency-result.json')));
    expect(r.kind).toBe('latency');
    expect(r.metrics).toMatchObject({ avg_latency: 0.24305725892384846, latency_p10: 0.2401, latency_p99: 0.25 });
    expect(r.metrics).not.toHaveProperty('latencies');
  });

  it('PyTorch benchmark records', () => {
    expect(parseBenchmarkOutput(fixture('throughput-pytorch.json'))).toMatchObject({
      kind: 'throughput',
      metrics: { requests_per_second: 47.89, tokens_per_second: 24521.13 },
    });
  });

  it('foreign JSON gives no metrics, and --kind filters JSON too', () => {
    expect(parseResultJson({ hello: 1 })).toEqual({ metrics: {} });
    expect(parseResultJson('nope')).toEqual({ metrics: {} });
    expect(parseBenchmarkOutput(fixture('throughput-result.json'), { kind: 'serving' }).metrics).toEqual({});
  });
});

describe('noise around blocks', () => {
  it('ANSI codes, CRLF, compose prefixes, CI timestamps and interleaved engine logs', () => {
    const r = parseBenchmarkOutput(fixture('noisy-ansi-crlf-prefixes.txt'));
    expect(r.kind).toBe('serving');
    expect(r.metrics).toMatchObject({
      ...V06_LATENCY_METRICS,
      completed: 980,
      output_throughput: 4002.36,
      total_token_throughput: 8227.77,
    });
    expect(r.blocks).toEqual([expect.objectContaining({ complete: true, startLine: 2 })]);
  });

  it('a table with 100 engine log lines between its rows loses no row', () => {
    const lines = fixture('serving-table-v0.5-itl.txt').split('\n');
    const at = lines.findIndex((l) => l.startsWith('Mean ITL'));
    const noise = Array.from({ length: 100 }, (_, i) => `(VllmWorker rank=0 pid=1) DEBUG step ${i}`);
    const r = parseBenchmarkOutput([...lines.slice(0, at), ...noise, ...lines.slice(at)].join('\n'));
    expect(r.metrics).toMatchObject({ mean_itl_ms: 38.5, median_itl_ms: 30.12, p99_itl_ms: 210.66 });
    expect(r.blocks[0]!.complete).toBe(true);
  });

  it('a progress bar glued to the header by carriage returns', () => {
    const r = parseBenchmarkOutput(fixture('glued-tqdm.txt'));
    expect(r.metrics).toMatchObject({ completed: 1000, output_throughput: 3220, p99_itl_ms: 210.66 });
    expect(r.blocks[0]).toMatchObject({ startLine: 2, complete: true });
  });

  it('a block quoted in an issue (`> `)', () => {
    expect(parseBenchmarkOutput(fixture('quoted-issue.txt')).metrics).toMatchObject({
      output_throughput: 3220,
      p99_tpot_ms: 96.34,
    });
  });

  it('a run cut mid-block after a complete one: the complete block is used', () => {
    const r = parseBenchmarkOutput(fixture('truncated-after-complete.txt'));
    expect(r.blocks.map((b) => b.complete)).toEqual([true, false]);
    expect(r.used).toBe(0);
    expect(r.metrics.output_throughput).toBe(3220);
    expect(r.blocks[1]!.metrics.input_throughput).toBe(9999.99);
  });

  it('several complete runs: the last is used, --all lists them all', () => {
    const r = parseBenchmarkOutput(fixture('three-runs.txt'), { all: true });
    expect(r.blocks.map((b) => b.metrics.output_throughput)).toEqual([3000.01, 3100.02, 3200.03]);
    expect(r.used).toBe(2);
    expect(r.metrics.output_throughput).toBe(3200.03);
  });

  it('only an incomplete block: it is used and says so', () => {
    const lines = fixture('serving-table-v0.4.txt').split('\n');
    const r = parseBenchmarkOutput(lines.slice(0, 12).join('\n'));
    expect(r.blocks).toHaveLength(1);
    expect(r.blocks[0]!.complete).toBe(false);
    expect(r.used).toBe(0);
    expect(r.metrics.output_throughput).toBe(3220);
  });

  it('a table whose header was lost still ends with its rule', () => {
    const lines = fixture('serving-table-v0.4.txt').split('\n');
    const r = parseBenchmarkOutput(lines.slice(3).join('\n'));
    expect(r.blocks).toEqual([expect.objectContaining({ complete: true })]);
    expect(r.metrics.p99_tpot_ms).toBe(96.34);
  });

  it('--kind keeps only blocks of that kind', () => {
    const text =
      fixture('throughput-two-value.txt') + fixture('serving-table-v0.4.txt') + fixture('latency-avg-only.txt');
    expect(parseBenchmarkOutput(text).kind).toBe('latency');
    expect(parseBenchmarkOutput(text, { kind: 'serving' })).toMatchObject({
      kind: 'serving',
      metrics: { output_throughput: 3220 },
    });
    expect(parseBenchmarkOutput(text, { kind: 'throughput' })).toMatchObject({
      kind: 'throughput',
      metrics: { tokens_per_second: 24521.13 },
    });
    expect(parseBenchmarkOutput(text, { kind: 'auto' }).blocks).toHaveLength(3);
  });
});

describe('lines that look like results but are not', () => {
  it('engine periodic logs, tqdm speeds, Namespace, preamble, source lines, nan, the DEPRECATED stub', () => {
    const r = parseBenchmarkOutput(fixture('lookalikes.txt'));
    expect(r).toEqual({ metrics: {}, blocks: [] });
  });

  it.each([
    [
      'engine v0',
      'INFO 01-07 21:59:25 metrics.py:351] Avg prompt throughput: 5123.4 tokens/s, Avg generation throughput: 987.6 tokens/s',
    ],
    ['engine v1', 'Engine 000: Avg prompt throughput: 8123.0 tokens/s, Avg generation throughput: 1500.2 tokens/s'],
    ['tqdm it/s', '100%|██████████| 1000/1000 [01:01<00:00, 16.33it/s]'],
    ['tqdm s/it', 'Profiling iterations: 100%|██████████| 3/3 [00:15<00:00,  5.18s/it]'],
    [
      'tqdm est. speed',
      'Processed prompts: 100%|█| 1000/1000 [00:20<00:00, 47.89it/s, est. speed input: 12260.34 toks/s, output: 12260.79 toks/s]',
    ],
    ['request rate', 'Traffic request rate: inf'],
    ['burstiness', 'Burstiness factor: 1.0 (Poisson process)'],
    ['namespace', "Namespace(backend='vllm', request_rate=inf, max_concurrency=64, num_prompts=1000)"],
    ['preamble concurrency', 'Maximum request concurrency: 64'],
    ['word glued to a label', 'XRequest throughput (req/s): 12.5'],
    ['label without a number', 'Request throughput (req/s): N/A'],
    ['failed-request dump header', 'Failed requests during benchmark run detected (capping to 10):'],
    ['a label written by the engine logger', 'INFO 01-07 21:59:25 [serving.py:10] Request throughput (req/s): 12.5'],
    [
      'a label written by the old engine logger',
      'INFO 01-07 21:59:25 api_server.py:585] Throughput: 5.99 requests/s, 10.0 tokens/s',
    ],
  ])('%s', (_name, line) => {
    expect(parseBenchmarkOutput(`${line}\n`).blocks).toEqual([]);
  });
});

describe('streaming scanner', () => {
  it('gives the same result for any chunking, including chunks that split lines, CRLF and UTF-8', () => {
    const text =
      fixture('noisy-ansi-crlf-prefixes.txt') +
      fixture('throughput-three-value.txt') +
      fixture('truncated-after-complete.txt');
    const whole = parseBenchmarkOutput(text, { all: true });
    for (const size of [1, 7, 64, 1000]) {
      const scanner = createMetricsScanner();
      for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size));
      expect(scanner.end()).toEqual(whole);
    }
    expect(whole.blocks.length).toBe(4);
  });

  it('raw bytes cut anywhere (inside UTF-8 characters too) give the same result', () => {
    const text =
      fixture('glued-tqdm.txt') + fixture('noisy-ansi-crlf-prefixes.txt') + fixture('latency-percentiles.txt');
    const whole = parseBenchmarkOutput(text, { all: true });
    const bytes = Buffer.from(text);
    for (const size of [1, 5, 13, 4096]) {
      const scanner = createMetricsScanner();
      for (let i = 0; i < bytes.length; i += size) scanner.pushBytes(bytes.subarray(i, i + size));
      expect(scanner.end()).toEqual(whole);
    }
    expect(whole.blocks.map((b) => b.kind)).toEqual(['serving', 'serving', 'latency']);
  });

  it('streams JSON result files too', () => {
    const text = fixture('serving-result.json');
    const scanner = createMetricsScanner();
    for (let i = 0; i < text.length; i += 100) scanner.push(text.slice(i, i + 100));
    expect(scanner.end().metrics.output_throughput).toBe(4002.36);
  });

  it('a block after a very long line without newlines is still found', () => {
    const scanner = createMetricsScanner();
    const junk = 'x'.repeat(1 << 16);
    for (let i = 0; i < 40; i++) scanner.push(junk); // 2.5 MB in one line: only its tail is kept
    scanner.push('\n' + fixture('throughput-two-value.txt'));
    expect(scanner.end().metrics).toEqual({ requests_per_second: 47.89, tokens_per_second: 24521.13 });
  });

  it('line numbers count lines across chunks', () => {
    const text = 'a\n'.repeat(1000) + fixture('throughput-tokens-only.txt');
    const scanner = createMetricsScanner();
    for (let i = 0; i < text.length; i += 333) scanner.push(text.slice(i, i + 333));
    expect(scanner.end().blocks[0]).toMatchObject({ startLine: 1002, endLine: 1002 });
  });
});

describe('countNewlines', () => {
  it('counts exactly on any alignment, next to bytes that differ from \\n in one bit', () => {
    const text = Buffer.from('a\nb\x0b\n\x0e\n\n\x8a\x0a\x0a\x01\x0a█\n'.repeat(37));
    for (let from = 0; from < 9; from++) {
      for (const to of [text.length, text.length - 3, from + 5]) {
        const sub = text.subarray(from, to);
        const expected = [...sub].filter((b) => b === 10).length;
        expect(countNewlines(sub, 0, sub.length)).toBe(expected);
        expect(countNewlines(text, from, to)).toBe(expected);
      }
    }
  });
});

describe('primaryMetricFor', () => {
  it('serving output_throughput ↑, throughput tokens_per_second ↑, latency avg_latency ↓', () => {
    expect(primaryMetricFor('serving')).toEqual({ name: 'output_throughput', higherIsBetter: true });
    expect(primaryMetricFor('throughput')).toEqual({ name: 'tokens_per_second', higherIsBetter: true });
    expect(primaryMetricFor('latency')).toEqual({ name: 'avg_latency', higherIsBetter: false });
  });

  it('falls back for outputs without the primary metric (2023 serving)', () => {
    expect(primaryMetricFor('serving', parseBenchmarkOutput(fixture('serving-2023.txt')).metrics).name).toBe(
      'request_throughput',
    );
    expect(primaryMetricFor('serving', { output_throughput: 1 }).name).toBe('output_throughput');
  });
});

describe('outputCaveats', () => {
  it('E2EL mean/median swapped in v0.6.0-v0.6.3 outputs (#9984); nothing without a version or an E2EL metric', () => {
    const metrics = parseBenchmarkOutput(fixture('serving-table-v0.6-percentiles.txt')).metrics;
    expect(outputCaveats('serving', metrics, '0.6.3.post1')).toEqual([expect.stringContaining('E2EL')]);
    expect(outputCaveats('serving', metrics, '0.6.4')).toEqual([]);
    expect(outputCaveats('serving', metrics, undefined)).toEqual([]);
    expect(outputCaveats('serving', { output_throughput: 1 }, '0.6.1')).toEqual([]);
  });
});
