import { describe, expect, it } from 'vitest';
import { benchmarkInputs, checkPatchPolicy, protectedReason } from '../../src/core/dataset/patch-policy.js';
import { checkMetricsSanity, medianMetrics } from '../../src/core/compare/samples.js';
import { backoffS, backoffSchedule, isRetryable, shouldRetry } from '../../src/core/failures/retry-policy.js';
import { buildWorkload, DEMO_ENGINE, VLLM_ENGINE, withoutFlags } from '../../src/core/argv/client-argv.js';
import type { BenchCommand, ParsedPerfCommand } from '../../src/core/dataset/perf-command-types.js';

const diff = (path: string) => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-a\n+b\n`;

describe('patch policy', () => {
  it('allows engine changes', () => {
    expect(checkPatchPolicy(diff('vllm/worker/model_runner.py'))).toEqual({
      allowed: true,
      paths: ['vllm/worker/model_runner.py'],
    });
  });
  it('rejects benchmark scripts, tests, CI and vllm/benchmarks with the offending paths', () => {
    const patch = [
      diff('vllm/core/scheduler.py'),
      diff('benchmarks/benchmark_serving.py'),
      diff('tests/test_x.py'),
      diff('.buildkite/pipeline.yml'),
      diff('vllm/benchmarks/serve.py'),
    ].join('');
    const d = checkPatchPolicy(patch);
    expect(d.allowed).toBe(false);
    if (d.allowed) return;
    expect(d.category).toBe('PATCH_REJECTED');
    expect(d.offending).toEqual([
      'benchmarks/benchmark_serving.py',
      'tests/test_x.py',
      '.buildkite/pipeline.yml',
      'vllm/benchmarks/serve.py',
    ]);
    expect(d.reason).toContain('benchmarks/benchmark_serving.py (inside benchmarks/)');
  });
  it('a file named like a protected directory is not protected', () => {
    expect(protectedReason('vllm/benchmarks.py')).toBeUndefined();
  });
  it('rejects the benchmark input files named by the command', () => {
    const perf = fakePerf({
      script: 'benchmarks/benchmark_serving.py',
      options: [
        { flag: '--dataset-path', value: 'data/ShareGPT.json' },
        { flag: '--model', value: 'm' },
      ],
    });
    const inputs = benchmarkInputs({ ...perf, datasetPath: 'data/ShareGPT.json' });
    expect(inputs).toEqual(['benchmarks/benchmark_serving.py', 'data/ShareGPT.json']);
    const d = checkPatchPolicy(diff('data/ShareGPT.json') + diff('vllm/x.py'), inputs);
    expect(d.allowed ? [] : d.offending).toEqual(['data/ShareGPT.json']);
  });
});

describe('samples', () => {
  it('the median per metric over the samples that have it', () => {
    expect(medianMetrics([{ a: 1, b: 10 }, { a: 3 }, { a: 2, b: 20 }])).toEqual({ a: 2, b: 15 });
  });
  it('sanity: primary metric finite and positive, others finite and non-negative', () => {
    expect(checkMetricsSanity({ output_throughput: 10, failed: 0 }, 'output_throughput')).toEqual({ ok: true });
    expect(checkMetricsSanity({ output_throughput: 0 }, 'output_throughput').ok).toBe(false);
    expect(checkMetricsSanity({ output_throughput: Number.NaN }, 'output_throughput').ok).toBe(false);
    expect(checkMetricsSanity({ completed: 5 }, 'output_throughput')).toEqual({
      ok: false,
      problems: ['primary metric output_throughput is missing'],
    });
    expect(checkMetricsSanity({ output_throughput: 3, mean_ttft_ms: -1 }, 'output_throughput').ok).toBe(false);
    expect(checkMetricsSanity({}, 'output_throughput').ok).toBe(false);
    expect(checkMetricsSanity(undefined).ok).toBe(false);
  });
});

describe('retry policy', () => {
  it('retries only retryable categories, up to maxAttempts', () => {
    expect(isRetryable('PORT_BIND')).toBe(true);
    expect(isRetryable('TRANSIENT_INFRA')).toBe(true);
    expect(isRetryable('SERVER_CRASH')).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
    expect(shouldRetry('TRANSIENT_INFRA', 1)).toBe(true);
    expect(shouldRetry('TRANSIENT_INFRA', 3)).toBe(false);
    expect(shouldRetry('OOM', 1)).toBe(false);
  });
  it('backs off exponentially with a cap', () => {
    expect(backoffSchedule({ maxAttempts: 5, baseDelayS: 5, maxDelayS: 30 })).toEqual([5, 10, 20, 30]);
    expect(backoffS(1)).toBe(0);
  });
});

function fakeCommand(over: Partial<BenchCommand>): BenchCommand {
  return { argv: [], env: {}, role: 'benchmark', options: [], positionals: [], ...over };
}
function fakePerf(bench: Partial<BenchCommand>, over: Partial<ParsedPerfCommand> = {}): ParsedPerfCommand {
  const b = fakeCommand(bench);
  return { raw: b.argv.join(' '), commands: [b], benchmark: b, tensorParallel: 1, errors: [], ...over };
}

describe('client argv', () => {
  const servingArgv = [
    'python',
    'benchmarks/benchmark_serving.py',
    '--model',
    'meta-llama/Llama-3.1-8B',
    '--port',
    '8001',
    '--host=0.0.0.0',
    '--num-prompts',
    '100',
  ];
  it('serving: the server from the model/tp flags, the client without host/port, python → python3', () => {
    const perf = fakePerf(
      { argv: servingArgv, kind: 'serving', env: { VLLM_USE_V1: '1' } },
      { kind: 'serving', model: 'meta-llama/Llama-3.1-8B', tensorParallel: 4, dtype: 'float16' },
    );
    const r = buildWorkload(perf, VLLM_ENGINE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.workload.server!.argv).toEqual([
      'python3',
      '-m',
      'vllm.entrypoints.openai.api_server',
      '--model',
      'meta-llama/Llama-3.1-8B',
      '--dtype',
      'float16',
      '--tensor-parallel-size',
      '4',
    ]);
    expect(r.workload.client.argv).toEqual([
      'python3',
      'benchmarks/benchmark_serving.py',
      '--model',
      'meta-llama/Llama-3.1-8B',
      '--num-prompts',
      '100',
    ]);
    expect(r.workload.client.env).toEqual({ VLLM_USE_V1: '1' });
    expect(r.workload.server!.env).toEqual({ VLLM_USE_V1: '1' });
  });
  it('the demo engine serves from its own module', () => {
    const perf = fakePerf(
      { argv: ['python3', 'benchmarks/benchmark_serving.py', '--model', 'demo-model'], kind: 'serving' },
      { kind: 'serving', model: 'demo-model' },
    );
    const r = buildWorkload(perf, DEMO_ENGINE);
    expect(r.ok && r.workload.server!.argv).toEqual(['python3', '-m', 'demo_engine.server', '--model', 'demo-model']);
  });
  it('an explicit server line is kept, minus host and port', () => {
    const server = fakeCommand({
      argv: ['vllm', 'serve', 'm', '--port', '9000', '--enable-prefix-caching'],
      role: 'server',
    });
    const perf = fakePerf(
      { argv: ['python', 'benchmarks/benchmark_serving.py', '--model', 'm'], kind: 'serving' },
      { kind: 'serving', server, model: 'm' },
    );
    const r = buildWorkload(perf);
    expect(r.ok && r.workload.server!.argv).toEqual(['vllm', 'serve', 'm', '--enable-prefix-caching']);
  });
  it('throughput runs as one process with its argv unchanged', () => {
    const argv = ['python', 'benchmarks/benchmark_throughput.py', '--model', 'm', '--input-len', '256'];
    const r = buildWorkload(fakePerf({ argv, kind: 'throughput' }, { kind: 'throughput' }));
    expect(r.ok && r.workload).toEqual({
      kind: 'throughput',
      client: { argv: ['python3', ...argv.slice(1)], env: {} },
    });
  });
  it('refuses commands with parse errors or no benchmark', () => {
    expect(buildWorkload(fakePerf({ argv: ['x'] }, { errors: ['unbalanced quote'] }))).toEqual({
      ok: false,
      reason: 'unbalanced quote',
    });
    expect(buildWorkload({ raw: '', commands: [], tensorParallel: 1, errors: [] }).ok).toBe(false);
  });
  it('withoutFlags drops flag values but keeps a following flag', () => {
    expect(withoutFlags(['a', '--port', '--x', '--host', 'h', 'b'], new Set(['--port', '--host']))).toEqual([
      'a',
      '--x',
      'b',
    ]);
  });
});
