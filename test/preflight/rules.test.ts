/**
 * A positive and a negative case for every row of the preflight rule table. `fires` and
 * `silent` record which rules were exercised; the last test fails when a rule has no pair.
 */
import { describe, expect, it } from 'vitest';
import type { PreflightOptions, PreflightResult } from '../../src/core/preflight/preflight.js';
import { DATASET_FILES } from '../../src/core/preflight/rules/data-files.js';
import { HARDWARE } from '../../src/core/preflight/rules/hardware.js';
import { UNKNOWN_MODEL_IDS } from '../../src/core/preflight/rules/model-ids.js';
import { MODEL_SIZES } from '../../src/core/preflight/rules/model-sizes.js';
import { MODEL_SUPPORT } from '../../src/core/preflight/rules/model-support.js';
import { PREFLIGHT_RULES } from '../../src/core/preflight/rules/preflight-rules.js';
import { VERSION_BUGS } from '../../src/core/preflight/rules/version-bugs.js';
import { CATEGORIES } from '../../src/core/taxonomy.js';
import { byRule, pre } from './helpers.js';

const positives = new Set<string>();
const negatives = new Set<string>();

/** Asserts `rule` reports (blocking unless said otherwise) and returns its first finding. */
function fires(rule: string, row: Record<string, unknown>, opts: Partial<PreflightOptions> = {}, blocking = true) {
  const r = pre(row, opts);
  const found = byRule(r, rule);
  expect(
    found.length,
    `${rule} should report for ${JSON.stringify(row)}: ${JSON.stringify(r.findings)}`,
  ).toBeGreaterThan(0);
  expect(found[0]!.blocking).toBe(blocking);
  if (blocking) positives.add(rule);
  return { result: r, finding: found[0]! };
}

function silent(rule: string, row: Record<string, unknown>, opts: Partial<PreflightOptions> = {}): PreflightResult {
  const r = pre(row, opts);
  expect(
    byRule(r, rule).filter((f) => f.blocking),
    `${rule} should not block ${JSON.stringify(row)}`,
  ).toEqual([]);
  negatives.add(rule);
  return r;
}

const serve = (extra = '') =>
  `python benchmarks/benchmark_serving.py --model meta-llama/Llama-3.1-8B-Instruct --dataset-name random --random-input-len 512 ${extra}`.trim();

describe('preflight rules', () => {
  it('no-perf-command', () => {
    const { result } = fires('no-perf-command', { perf_command: null });
    expect(result).toMatchObject({ runnable: false, category: 'NO_PERF_COMMAND' });
    expect(fires('no-perf-command', { perf_command: '   ' }).result.category).toBe('NO_PERF_COMMAND');
    expect(silent('no-perf-command', { perf_command: serve() }).runnable).toBe(true);
  });

  it('hardware-device-flag', () => {
    const { result } = fires('hardware-device-flag', { perf_command: serve('--device neuron') });
    expect(result.category).toBe('WRONG_HARDWARE');
    expect(
      fires('hardware-device-flag', { perf_command: `VLLM_TARGET_DEVICE=rocm ${serve()}` }).finding.reason,
    ).toMatch(/ROCm/);
    silent('hardware-device-flag', { perf_command: serve('--device cuda') });
  });

  it('hardware-commit: by changed paths, by title, and not for shared code', () => {
    const rocm = fires('hardware-commit', {
      perf_command: serve(),
      commit_subject: '[ROCm][MoE] mi300 mixtral8x7B perf for specific BS (#13577)',
      files_changed: [
        'vllm/model_executor/layers/fused_moe/configs/E=8,N=14336,device_name=AMD_Instinct_MI300X.json',
        'docs/x.md',
      ],
    });
    expect(rocm.result.category).toBe('WRONG_HARDWARE');
    expect(
      fires('hardware-commit', {
        perf_command: serve(),
        commit_subject: 'fix neuron performance issue',
        files_changed: ['vllm/worker/neuron_worker.py'],
      }).finding.reason,
    ).toMatch(/Neuron/);
    expect(
      fires('hardware-commit', { perf_command: serve(), commit_subject: '[TPU] faster thing', files_changed: null })
        .finding.reason,
    ).toMatch(/TPU/);
    expect(
      fires('hardware-commit', {
        perf_command: serve(),
        commit_subject: 'x',
        files_changed: ['csrc/cpu/attention.cpp', 'vllm/worker/cpu_model_runner.py'],
      }).finding.reason,
    ).toMatch(/CPU/);
    // A title tag without engine changes, or on a change to shared code, only warns.
    fires(
      'hardware-commit',
      { perf_command: serve(), commit_subject: '[ROCm] docs', files_changed: ['docs/rocm.md'] },
      {},
      false,
    );
    fires(
      'hardware-commit',
      {
        perf_command: serve(),
        commit_subject: '[Kernel][ROCM] Upstream prefix prefill speed up (#13305)',
        files_changed: ['vllm/attention/ops/prefix_prefill.py'],
      },
      {},
      false,
    );
    // "CPU overheads" is not the CPU backend; cpu_gpu_block_allocator is shared code.
    silent('hardware-commit', {
      perf_command: serve(),
      commit_subject: '[V1] Further reduce CPU overheads in flash-attn (#10989)',
      files_changed: ['vllm/v1/attention/backends/flash_attn.py', 'vllm/core/block/cpu_gpu_block_allocator.py'],
    });
    silent('hardware-commit', {
      perf_command: serve(),
      commit_subject: '[torch.compile] x',
      files_changed: ['vllm/worker/tpu_model_runner.py', 'vllm/compilation/wrapper.py'],
    });
  });

  it('shell-constructs', () => {
    expect(fires('shell-constructs', { perf_command: `${serve()} --seed $(date +%s)` }).result.category).toBe(
      'INVALID_COMMAND',
    );
    fires('shell-constructs', { perf_command: `${serve()} --seed \`date\`` });
    fires('shell-constructs', { perf_command: `${serve()} --served-model-name "x` });
    silent('shell-constructs', { perf_command: `${serve()} --served-model-name "a b"` });
  });

  it('env-assignments', () => {
    expect(fires('env-assignments', { perf_command: `PATH=/tmp/x:/usr/bin ${serve()}` }).finding.reason).toMatch(
      /PATH \(chooses which program runs/,
    );
    fires('env-assignments', { perf_command: `LD_PRELOAD=/tmp/x.so ${serve()}` });
    fires('env-assignments', { perf_command: `VLLM_USE_V1=1 HTTPS_PROXY=http://evil:3128 ${serve()}` });
    silent('env-assignments', { perf_command: `VLLM_USE_V1=1 VLLM_ATTENTION_BACKEND=FLASHINFER ${serve()}` });
  });

  it('no-benchmark-command', () => {
    expect(
      fires('no-benchmark-command', { perf_command: 'vllm serve meta-llama/Llama-3.1-8B-Instruct --tp 1' }).result
        .category,
    ).toBe('INVALID_COMMAND');
    fires('no-benchmark-command', { perf_command: 'pip install vllm' });
    silent('no-benchmark-command', { perf_command: `vllm serve meta-llama/Llama-3.1-8B-Instruct & ${serve()}` });
  });

  it('placeholders: MODEL, BS, INPUT_LEN, $VAR, <model>, {model}', () => {
    const r = fires('placeholders', {
      perf_command:
        'python benchmarks/benchmark_latency.py --dtype bfloat16 --load-format dummy --batch-size BS --input-len INPUT_LEN --output-len OUTPUT_LEN --model MODEL',
    });
    expect(r.result.category).toBe('INVALID_COMMAND');
    expect(r.finding.reason).toMatch(/BS.*INPUT_LEN.*OUTPUT_LEN.*MODEL/);
    expect(
      fires('placeholders', { perf_command: 'python benchmarks/benchmark_latency.py --model $MODEL_PATH' }).finding
        .reason,
    ).toMatch(/\$MODEL_PATH/);
    expect(
      fires('placeholders', { perf_command: 'python benchmarks/benchmark_latency.py --model ${MODEL}' }).finding.reason,
    ).toMatch(/\$MODEL/);
    expect(
      fires('placeholders', { perf_command: 'python benchmarks/benchmark_latency.py --model <model>' }).finding.reason,
    ).toMatch(/<model>/);
    expect(
      fires('placeholders', { perf_command: 'python benchmarks/benchmark_latency.py --model {model} --tp {tp}' })
        .finding.reason,
    ).toMatch(/\{model\}/);
    expect(
      fires('placeholders', { perf_command: 'python benchmarks/benchmark_latency.py --model m/n --num-iters N_ITERS' })
        .finding.reason,
    ).toMatch(/N_ITERS/);
    // Real all-caps values: an attention backend in the environment, an fp8 method name.
    silent('placeholders', {
      perf_command: `VLLM_ATTENTION_BACKEND=FLASHMLA ${serve('--kv-cache-dtype FP8 --endpoint /v1/completions')}`,
    });
    silent('placeholders', {
      perf_command:
        "python benchmarks/benchmark_latency.py --model m/n --speculative-model '[ngram]' --override-generation-config '{\"temperature\": 0}'",
    });
  });

  it('optional-brackets', () => {
    const r = fires('optional-brackets', {
      perf_command:
        'python benchmarks/benchmark_latency.py --model m/n --enable-prefix-caching [--use-v2-block-manager]',
    });
    expect(r.result.category).toBe('INVALID_COMMAND');
    expect(r.finding.reason).toContain('[--use-v2-block-manager]');
    silent('optional-brackets', {
      perf_command: "python benchmarks/benchmark_latency.py --model m/n --speculative-model '[ngram]'",
    });
  });

  it('machine-paths', () => {
    expect(
      fires('machine-paths', {
        perf_command:
          'VLLM_USE_V1=1 python3 benchmarks/benchmark_latency.py --model "/data/users/ktong/llama/llm_8b_oss" --input_len 1000',
      }).finding.reason,
    ).toContain('/data/users/ktong/llama/llm_8b_oss');
    fires('machine-paths', {
      perf_command: 'python /home/ray/default/vllm_public/benchmarks/benchmark_latency.py --model m/n',
    });
    fires('machine-paths', { perf_command: 'python benchmarks/benchmark_latency.py --model=/mnt/models/x' });
    fires('machine-paths', { perf_command: 'python benchmarks/benchmark_latency.py --model ~/models/x' });
    silent('machine-paths', {
      perf_command: `${serve('--endpoint /v1/completions --result-dir /tmp/out')} > /dev/null`,
    });
  });

  it('script-missing-at-commit (only when a checkout is given)', () => {
    const cmd = 'python benchmarks/kernels/moe_mem.py --model deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct';
    const r = fires('script-missing-at-commit', { perf_command: cmd }, { scriptExists: () => false });
    expect(r.result.category).toBe('INVALID_COMMAND');
    expect(r.finding.reason).toContain('benchmarks/kernels/moe_mem.py');
    silent(
      'script-missing-at-commit',
      { perf_command: serve() },
      { scriptExists: (p) => p === 'benchmarks/benchmark_serving.py' },
    );
    silent('script-missing-at-commit', { perf_command: cmd });
  });

  it('unknown-benchmark', () => {
    expect(
      fires('unknown-benchmark', { perf_command: 'python benchmarks/kernels/moe_mem.py --model m/n' }).result.category,
    ).toBe('INVALID_COMMAND');
    fires('unknown-benchmark', { perf_command: 'python benchmark_guided.py --model m/n --dataset xgrammar_bench' });
    fires('unknown-benchmark', { perf_command: 'python benchmarks/benchmark_prefix_caching.py --model m/n' });
    // A known script outside the benchmarks directory would not be found from the repository root.
    expect(
      fires('unknown-benchmark', { perf_command: 'python benchmark_serving.py --model m/n --dataset-name random' })
        .finding.suggestion,
    ).toMatch(/benchmarks\/benchmark_serving\.py/);
    silent('unknown-benchmark', { perf_command: 'python benchmark/benchmark_latency.py --model facebook/opt-13b' });
    silent('unknown-benchmark', { perf_command: 'vllm bench throughput --model m/n --input-len 10 --output-len 10' });
  });

  it('unknown-model-id', () => {
    const r = fires('unknown-model-id', {
      perf_command: 'python benchmarks/benchmark_serving.py --model Qwen/Qwen3-7B-Instruct --dataset-name random',
    });
    expect(r.result.category).toBe('INVALID_COMMAND');
    expect(r.result.suggestion).toBe('Use Qwen/Qwen3-8B.');
    silent('unknown-model-id', {
      perf_command: 'python benchmarks/benchmark_serving.py --model Qwen/Qwen3-8B --dataset-name random',
    });
  });

  it('no-model', () => {
    expect(
      fires('no-model', { perf_command: 'python benchmarks/benchmark_serving.py --dataset-name random' }).result
        .category,
    ).toBe('INVALID_COMMAND');
    // Offline scripts fall back to their default model: a warning, and the model is reported.
    const offline = fires('no-model', { perf_command: 'python benchmarks/benchmark_latency.py' }, {}, false);
    expect(offline.result).toMatchObject({ runnable: true, model: 'facebook/opt-125m' });
    silent('no-model', { perf_command: serve() });
  });

  it('known-version-bug: serving with pipeline parallelism on vLLM 0.6.3–0.6.4 (vllm#8791)', () => {
    const pp2 = serve('--pipeline-parallel-size 2');
    const r = fires('known-version-bug', {
      perf_command: pp2,
      vllm_release_approx: 'after v0.6.4, first release ~v0.6.5',
    });
    expect(r.result).toMatchObject({ runnable: false, category: 'KNOWN_VERSION_BUG' });
    expect(r.finding.source).toBe('vllm#8791');
    expect(r.result.suggestion).toMatch(/throughput/);
    // An installed version string overrides the row's approximation.
    fires(
      'known-version-bug',
      { perf_command: pp2, vllm_release_approx: 'after v0.8.4, first release ~v0.8.5' },
      { engineVersion: '0.6.3.post2.dev398' },
    );
    // The bug's condition is pp > 1: one pipeline stage binds and serves (25ebed2f, f092153f, b2e0ad3b).
    silent('known-version-bug', { perf_command: serve(), vllm_release_approx: 'after v0.6.4, first release ~v0.6.5' });
    silent('known-version-bug', {
      perf_command: serve('--tensor-parallel-size 2'),
      vllm_release_approx: 'after v0.6.4, first release ~v0.6.5',
    });
    // Not for the offline benchmarks, not after the range, only a warning when the range is unclear.
    silent('known-version-bug', {
      perf_command: 'python benchmarks/benchmark_throughput.py --model m/n --input-len 8 --output-len 8 -pp 2',
      vllm_release_approx: 'after v0.6.4, first release ~v0.6.5',
    });
    silent('known-version-bug', { perf_command: pp2, vllm_release_approx: 'after v0.6.5, first release ~v0.6.6' });
    fires(
      'known-version-bug',
      { perf_command: pp2, vllm_release_approx: 'after v0.6.2, first release ~v0.6.4' },
      {},
      false,
    );
  });

  it('engine-flags: every flag is accepted where it is routed, at the commit each variant runs', () => {
    // vLLM 0.6.6's benchmark_serving.py has no --dtype: routed to the server, which has it (release table).
    const routed = fires(
      'engine-flags',
      { perf_command: serve('--dtype float16'), vllm_release_approx: 'after v0.6.6, first release ~v0.7.0' },
      {},
      false,
    );
    expect(routed.result.runnable).toBe(true);
    expect(routed.finding.reason).toMatch(/--dtype is an engine flag/);
    expect(routed.finding.source).toMatch(/release table/);
    expect(routed.result.argv?.human?.server).toEqual(expect.arrayContaining(['--dtype', 'float16']));
    expect(routed.result.argv?.human?.client).not.toContain('--dtype');
    // A flag neither side has (0.5.3: --input-len was not a flag of benchmark_serving.py).
    const bad = fires('engine-flags', {
      perf_command: 'python benchmarks/benchmark_serving.py --model Qwen/Qwen1.5-0.5B --num-prompts 8 --input-len 1024',
      vllm_release_approx: 'after v0.5.3, first release ~v0.5.4',
    });
    expect(bad.result.category).toBe('INVALID_COMMAND');
    expect(bad.finding.reason).toMatch(
      /--input-len is not accepted by the benchmark client benchmarks\/benchmark_serving\.py/,
    );
    silent('engine-flags', { perf_command: serve(), vllm_release_approx: 'after v0.6.6, first release ~v0.7.0' });
  });

  it('unsupported-model: architectures newer than the engine', () => {
    // (No parsers: the 0.4.0 client's missing --dataset-name is engine-flags' business, not this rule's.)
    const r = fires(
      'unsupported-model',
      { perf_command: serve(), vllm_release_approx: 'after v0.4.0, first release ~v0.4.1' },
      { parsers: () => undefined },
    );
    expect(r.result).toMatchObject({ runnable: false, category: 'UNSUPPORTED_MODEL' });
    expect(r.result.suggestion).toMatch(/Meta-Llama-3-8B-Instruct/);
    fires('unsupported-model', {
      perf_command: 'python benchmarks/benchmark_serving.py --model google/gemma-3-12b-it --dataset-name random',
      vllm_release_approx: 'after v0.7.3, first release ~v0.8.0',
    });
    // The speculative (draft) model must load too.
    fires('unsupported-model', {
      perf_command:
        'python benchmarks/benchmark_latency.py --model meta-llama/Meta-Llama-3-8B-Instruct --speculative-model meta-llama/Llama-3.2-1B-Instruct',
      vllm_release_approx: 'after v0.5.5, first release ~v0.6.0',
    });
    silent('unsupported-model', { perf_command: serve(), vllm_release_approx: 'after v0.5.3, first release ~v0.5.4' });
    // The row's bounds straddle Mixtral's first release: a warning, not a verdict.
    fires(
      'unsupported-model',
      {
        perf_command:
          'python benchmarks/benchmark_throughput.py --model mistralai/Mixtral-8x7B-v0.1 --tensor-parallel-size 8',
        vllm_release_approx: 'after v0.2.1, first release ~v0.2.5',
      },
      {},
      false,
    );
  });

  it('insufficient-gpus: from tensor parallelism and from weight memory', () => {
    const tp = fires('insufficient-gpus', { perf_command: serve('--tensor-parallel-size 8') }, { maxGpus: 4 });
    expect(tp.result).toMatchObject({ runnable: false, category: 'INSUFFICIENT_GPUS', gpus: 8 });
    // DeepSeek-V3: 671B FP8 parameters × 1.2 headroom do not fit 8 × 80 GiB.
    const mem = fires('insufficient-gpus', {
      perf_command:
        'python benchmarks/benchmark_serving.py --model deepseek-ai/DeepSeek-V3 --dtype float16 --dataset-name random',
    });
    expect(mem.result.gpus).toBe(16);
    expect(mem.finding.reason).toMatch(/671B/);
    // Llama-3-70B in bf16 needs 2 GPUs, in fp8 one.
    const r70 = silent('insufficient-gpus', {
      perf_command: 'python benchmarks/benchmark_serving.py --model meta-llama/Meta-Llama-3-70B --dataset-name random',
    });
    expect(r70).toMatchObject({ runnable: true, gpus: 2 });
    expect(
      silent('insufficient-gpus', {
        perf_command:
          'python benchmarks/benchmark_serving.py --model meta-llama/Meta-Llama-3-70B --quantization fp8 --dataset-name random',
      }).gpus,
    ).toBe(1);
    // A 3-GPU need rounds up to a 4-GPU runner; gpu_config is a floor.
    expect(
      silent('insufficient-gpus', {
        perf_command:
          'python benchmarks/benchmark_serving.py --model meta-llama/Llama-4-Scout-17B-16E-Instruct --dataset-name random',
        vllm_release_approx: 'after v0.10.0, first release ~v0.10.1',
      }).gpus,
    ).toBe(4);
    expect(silent('insufficient-gpus', { perf_command: serve(), gpu_config: 'H100:2' }).gpus).toBe(2);
  });

  it('weights-exceed-tensor-parallel: a pinned -tp that cannot hold the weights', () => {
    const r = fires('weights-exceed-tensor-parallel', {
      perf_command:
        'python benchmarks/benchmark_latency.py --model meta-llama/Llama-2-70b-hf --dtype float16 --tensor-parallel-size 1',
    });
    expect(r.result).toMatchObject({ runnable: false, category: 'OOM' });
    silent('weights-exceed-tensor-parallel', {
      perf_command:
        'python benchmarks/benchmark_latency.py --model meta-llama/Llama-2-70b-hf --dtype float16 --tensor-parallel-size 2',
    });
  });

  it('missing-data-file: ShareGPT named, implied, or provided by the config', () => {
    const named = fires(
      'missing-data-file',
      {
        perf_command:
          'python benchmarks/benchmark_serving.py --model m/n-8b --dataset-path ShareGPT_V3_unfiltered_cleaned_split.json',
      },
      { dataFiles: [] },
    );
    expect(named.result.category).toBe('INVALID_COMMAND');
    const implied = fires(
      'missing-data-file',
      { perf_command: 'python benchmarks/benchmark_serving.py --model m/n-8b --backend vllm --num-prompts 100' },
      { dataFiles: [] },
    );
    expect(implied.finding.reason).toMatch(/sharegpt/);
    // Before v0.4 the serving script took the file as --dataset.
    const old = pre(
      {
        perf_command: 'python benchmarks/benchmark_serving.py --model facebook/opt-125m',
        vllm_release_approx: 'after v0.2.0, first release ~v0.2.1',
      },
      { dataFiles: [] },
    );
    expect(old.dataFiles?.[0]).toMatchObject({ implicit: true, passAs: '--dataset' });
    fires(
      'missing-data-file',
      {
        perf_command:
          'python benchmark_throughput.py --model m/n --dataset ../data/ShareGPT_V3_unfiltered_cleaned_split.json',
      },
      { dataFiles: [] },
    );
    // Provided by the config (matched by file name), a random dataset, the CLI's random default, a file in the repo.
    const provided = silent('missing-data-file', {
      perf_command:
        'python benchmarks/benchmark_serving.py --model m/n-8b --dataset-path ./ShareGPT_V3_unfiltered_cleaned_split.json',
    });
    expect(provided.dataFiles?.[0]?.providedBy).toBe('ShareGPT_V3_unfiltered_cleaned_split.json');
    silent('missing-data-file', { perf_command: serve() }, { dataFiles: [] });
    // Files the benchmark writes are not inputs.
    silent(
      'missing-data-file',
      { perf_command: serve('--save-result --result-filename benchmark_result.json --output-json lat.json') },
      { dataFiles: [] },
    );
    // The implied default is a fact about vLLM's script, not about another engine's (the demo's).
    silent(
      'missing-data-file',
      { perf_command: 'python benchmarks/benchmark_serving.py --model demo/tiny', repo: 'benchsweep/demo-engine' },
      { dataFiles: [] },
    );
    silent(
      'missing-data-file',
      { perf_command: 'vllm bench serve --model m/n-8b --random-input-len 10' },
      { dataFiles: [] },
    );
    silent(
      'missing-data-file',
      {
        perf_command:
          'python benchmarks/benchmark_serving.py --model m/n-8b --dataset-name sonnet --dataset-path benchmarks/sonnet.txt',
      },
      { dataFiles: [] },
    );
  });

  it('ignored-commands: other commands are data, reported and not run', () => {
    const r = pre({ perf_command: `${serve()}; rm -rf /` });
    const f = byRule(r, 'ignored-commands');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ blocking: false, reason: expect.stringContaining('rm -rf /') });
    expect(r.runnable).toBe(true);
    expect(r.parsed?.commands.map((c) => c.role)).toEqual(['benchmark', 'other']);
    positives.add('ignored-commands');
    silent('ignored-commands', { perf_command: serve() });
    expect(byRule(pre({ perf_command: serve() }), 'ignored-commands')).toEqual([]);
  });

  it('every rule of the table has a positive and a negative test', () => {
    const ids = PREFLIGHT_RULES.map((r) => r.id);
    expect(ids.filter((id) => !positives.has(id))).toEqual([]);
    expect(ids.filter((id) => !negatives.has(id))).toEqual([]);
  });
});

describe('preflight result', () => {
  it('the first blocking finding in table order decides, and every finding is kept', () => {
    const r = pre({
      perf_command: 'python /home/u/benchmarks/benchmark_latency.py --model MODEL',
      commit_subject: '[ROCm] x',
      files_changed: ['csrc/rocm/attention.cu'],
    });
    expect(r.category).toBe('WRONG_HARDWARE');
    expect(r.findings.filter((f) => f.blocking).map((f) => f.rule)).toEqual([
      'hardware-commit',
      'placeholders',
      'machine-paths',
    ]);
  });

  it('every rule row and every data row names its source (a seed file or a vLLM issue)', () => {
    const SOURCE = /^(seeds\/\d{3}_[0-9a-f]+\.txt|vllm#\d+)$/;
    for (const rule of PREFLIGHT_RULES) {
      expect(rule.source).toMatch(SOURCE);
      expect(Object.keys(CATEGORIES)).toContain(rule.category);
    }
    for (const row of [...HARDWARE, ...VERSION_BUGS, ...MODEL_SUPPORT, ...UNKNOWN_MODEL_IDS, ...DATASET_FILES])
      expect(row.source).toMatch(SOURCE);
    // Sizes come from the seeds or the model cards.
    for (const row of MODEL_SIZES) expect(row.source).toMatch(/^(seeds\/|model card hf\.co\/)/);
  });

  it('reports kind, model, engine version and weight size for a runnable task', () => {
    const r = pre({ perf_command: serve(), vllm_release_approx: 'after v0.8.4, first release ~v0.8.5' });
    expect(r).toMatchObject({
      runnable: true,
      gpus: 1,
      kind: 'serving',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      engineVersion: 'after v0.8.4, first release ~v0.8.5',
    });
    expect(r.weightsGiB).toBeCloseTo(15, 0);
    expect(r.category).toBeUndefined();
  });
});
