import { describe, expect, it } from 'vitest';
import { runnerSize, sizeGpus } from '../../src/core/preflight/preflight.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';
import { dtypeBytes, modelSize, quantizationBytes } from '../../src/core/preflight/rules/model-sizes.js';

describe('model sizes and GPU sizing', () => {
  it('finds MoE models by row (all experts count) and dense ones by the size in the id', () => {
    expect(modelSize('mistralai/Mixtral-8x7B-Instruct-v0.1')?.paramsB).toBe(46.7);
    expect(modelSize('deepseek-ai/DeepSeek-R1')).toMatchObject({ paramsB: 671, bytesPerParam: 1 });
    expect(modelSize('deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct')?.paramsB).toBe(15.7);
    expect(modelSize('Qwen/Qwen3-30B-A3B-FP8')).toMatchObject({ paramsB: 30.5, bytesPerParam: 1 });
    expect(modelSize('someorg/Dense-13B-chat')).toMatchObject({ paramsB: 13, source: 'the size in the model id' });
    expect(modelSize('someorg/tiny-350m')?.paramsB).toBeCloseTo(0.35);
    expect(modelSize('someorg/Big-70B-AWQ')?.bytesPerParam).toBe(0.5);
    expect(modelSize('someorg/no-size-here')).toBeUndefined();
  });

  it('bytes per parameter: --quantization, then the checkpoint, then --dtype', () => {
    expect(quantizationBytes('fp8')).toBe(1);
    expect(quantizationBytes('awq_marlin')).toBe(0.5);
    expect(quantizationBytes('mystery')).toBeUndefined();
    expect(dtypeBytes('bfloat16')).toBe(2);
    expect(dtypeBytes('float32')).toBe(4);
    // An FP8 checkpoint stays FP8 under --dtype float16 (the dtype is the activations').
    const fp8 = sizeGpus(
      parsePerfCommand('python benchmarks/benchmark_serving.py --model Qwen/Qwen3-30B-A3B-FP8 --dtype float16'),
      'Qwen/Qwen3-30B-A3B-FP8',
      'H100:1',
      80,
    );
    expect(fp8).toMatchObject({ bytesPerParam: 1, bytesFrom: 'checkpoint', gpus: 1 });
    const f32 = sizeGpus(
      parsePerfCommand('python benchmarks/benchmark_latency.py --model m/x-30b --dtype float32'),
      'm/x-30b',
      undefined,
      80,
    );
    expect(f32).toMatchObject({ bytesPerParam: 4, bytesFrom: 'dtype', memoryGpus: 2, gpus: 2 });
  });

  it('rounds GPU needs up to runner sizes', () => {
    expect([1, 2, 3, 4, 5, 8, 10, 16].map(runnerSize)).toEqual([1, 2, 4, 4, 8, 8, 16, 16]);
    // tp × pp is the command's GPU count.
    expect(sizeGpus(parsePerfCommand('vllm serve m/x-1b -tp 2 -pp 3'), 'm/x-1b', undefined, 80).gpus).toBe(8);
  });
});
