import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagName, optionValue, parsePerfCommand } from '../../src/core/dataset/perf-command.js';

describe('parsePerfCommand: benchmark scripts', () => {
  it('reads a serving client with its workload flags', () => {
    const p = parsePerfCommand(
      'python benchmarks/benchmark_serving.py --model meta-llama/Llama-3.1-8B-Instruct --tokenizer meta-llama/Llama-3.1-8B-Instruct --dataset-name sharegpt --dataset-path ShareGPT_V3_unfiltered_cleaned_split.json --num-prompts 100 --request-rate inf --sharegpt-output-len 128 --seed 0',
    );
    expect(p.kind).toBe('serving');
    expect(p.benchmark?.script).toBe('benchmarks/benchmark_serving.py');
    expect(p.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(p.tokenizer).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(p.datasetName).toBe('sharegpt');
    expect(p.datasetPath).toBe('ShareGPT_V3_unfiltered_cleaned_split.json');
    expect(p.numPrompts).toBe(100);
    expect(p.requestRate).toBe('inf');
    expect(p.outputLen).toBe(128);
    expect(p.tensorParallel).toBe(1);
    expect(p.tensorParallelExplicit).toBe(false);
    // Everything else stays as argv options, in order.
    expect(p.benchmark?.options.map((o) => o.flag)).toContain('--seed');
    expect(optionValue(p.benchmark, 'seed')).toBe('0');
  });

  it('reads python3, env prefixes, quoted values, underscores in flags and -tp', () => {
    const p = parsePerfCommand(
      'VLLM_USE_V1=1 python3 benchmarks/benchmark_latency.py --model "/data/users/x/llm 8b" --tensor-parallel-size 1 --input_len 1000 --batch_size 32 -tp 4',
    );
    expect(p.kind).toBe('latency');
    expect(p.benchmark?.env).toEqual({ VLLM_USE_V1: '1' });
    expect(p.benchmark?.argv[0]).toBe('python3');
    expect(p.model).toBe('/data/users/x/llm 8b');
    expect(p.inputLen).toBe(1000);
    expect(p.batchSize).toBe(32);
    // The last tensor-parallel flag of the command wins over an earlier one.
    expect(p.tensorParallel).toBe(4);
    expect(p.tensorParallelExplicit).toBe(true);
    expect(flagName('--input_len')).toBe('input-len');
  });

  it('recognises throughput, python -m and path prefixes', () => {
    expect(
      parsePerfCommand(
        'python benchmarks/benchmark_throughput.py --input-len 256 --output-len 256 --model google/gemma-2b',
      ).kind,
    ).toBe('throughput');
    const m = parsePerfCommand('python -m benchmarks.benchmark_latency --model facebook/opt-125m');
    expect(m.kind).toBe('latency');
    expect(m.benchmark?.module).toBe('benchmarks.benchmark_latency');
    expect(parsePerfCommand('python vllm/benchmarks/benchmark_serving.py --model x/y').kind).toBe('serving');
    expect(
      parsePerfCommand('python /home/ray/vllm/benchmarks/benchmark_latency.py --model x/y').benchmark?.script,
    ).toBe('/home/ray/vllm/benchmarks/benchmark_latency.py');
    // After the script, -m is just an option: the benchmarks have no -m model alias.
    const afterScript = parsePerfCommand('python benchmarks/benchmark_latency.py -m x/y');
    expect(afterScript.model).toBeUndefined();
    expect(afterScript.benchmark?.options).toEqual([{ flag: '-m', value: 'x/y' }]);
  });

  it('keeps scripts it does not know as benchmark commands without a kind', () => {
    const p = parsePerfCommand(
      'python benchmarks/benchmark_prefix_caching.py --model m/n --output-len 200 --enable-prefix-caching',
    );
    expect(p.benchmark?.script).toBe('benchmarks/benchmark_prefix_caching.py');
    expect(p.kind).toBeUndefined();
    expect(p.outputLen).toBe(200);
  });

  it('reads quantization, dtype, load format, pipeline parallel and the speculative model', () => {
    const p = parsePerfCommand(
      "python benchmarks/benchmark_latency.py --model m/n --dtype float16 -q fp8 --load-format dummy -pp 2 --speculative-model '[ngram]'",
    );
    expect(p.dtype).toBe('float16');
    expect(p.quantization).toBe('fp8');
    expect(p.loadFormat).toBe('dummy');
    expect(p.pipelineParallel).toBe(2);
    expect(p.speculativeModel).toBe('[ngram]');
  });

  it('keeps a literal [--flag] after a boolean flag as a word of its own', () => {
    const p = parsePerfCommand(
      'python3 benchmarks/benchmark_prefix_caching.py --enable-prefix-caching [--use-v2-block-manager]',
    );
    expect(p.benchmark?.options).toContainEqual({ flag: '--enable-prefix-caching' });
    expect(p.benchmark?.positionals).toEqual(['[--use-v2-block-manager]']);
  });
});

describe('parsePerfCommand: vllm CLI and servers', () => {
  it('reads vllm bench serve|throughput|latency', () => {
    const s = parsePerfCommand(
      'vllm bench serve --model Qwen/Qwen2.5-1.5B-Instruct --request-rate 1 --num-prompts 100 --random-input-len 1000 --random-output-len 100',
    );
    expect(s.kind).toBe('serving');
    expect(s.benchmark?.cliSubcommand).toBe('serve');
    expect(s.inputLen).toBe(1000);
    expect(s.outputLen).toBe(100);
    expect(parsePerfCommand('vllm bench throughput --model Qwen/Qwen3-30B-A3B --load-format dummy').kind).toBe(
      'throughput',
    );
    expect(parsePerfCommand('vllm bench latency --model m/n').kind).toBe('latency');
  });

  it('splits a server and a client joined by & and newlines; the model of vllm serve is positional', () => {
    const p = parsePerfCommand(
      'vllm serve meta-llama/Llama-3.1-8B-Instruct --tensor-parallel-size 2 --max-model-len 4096 &\nvllm bench serve --model meta-llama/Llama-3.1-8B-Instruct --num-prompts 10',
    );
    expect(p.commands).toHaveLength(2);
    expect(p.server?.role).toBe('server');
    expect(p.server?.positionals[0]).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(p.benchmark?.role).toBe('benchmark');
    expect(p.tensorParallel).toBe(2);
    expect(p.numPrompts).toBe(10);
  });

  it('takes the model from the server when the client names none', () => {
    const p = parsePerfCommand(
      'python -m vllm.entrypoints.openai.api_server --model m/server-model --tp 4 && python benchmarks/benchmark_serving.py --num-prompts 5',
    );
    expect(p.server?.module).toBe('vllm.entrypoints.openai.api_server');
    expect(p.model).toBe('m/server-model');
    expect(p.tensorParallel).toBe(4);
  });

  it('joins backslash-continued lines into one command', () => {
    const p = parsePerfCommand('python benchmarks/benchmark_throughput.py \\\n  --model m/n \\\n  --input-len 10');
    expect(p.commands).toHaveLength(1);
    expect(p.inputLen).toBe(10);
  });
});

describe('parsePerfCommand: the string is data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfcmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`--model x; rm -rf /` is two commands and the second is only recognised as "other"', () => {
    const p = parsePerfCommand('python benchmarks/benchmark_serving.py --model x; rm -rf /');
    expect(p.commands).toHaveLength(2);
    expect(p.model).toBe('x');
    expect(p.commands[1]).toMatchObject({ role: 'other', argv: ['rm', '-rf', '/'] });
    expect(p.benchmark?.argv).toEqual(['python', 'benchmarks/benchmark_serving.py', '--model', 'x']);
  });

  it('never evaluates $(...), backticks or chained commands', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    const p = parsePerfCommand(
      `python benchmarks/benchmark_serving.py --model "$(touch ${a})" --tokenizer \`touch ${b}\`; touch ${c}`,
    );
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
    expect(existsSync(c)).toBe(false);
    expect(p.errors.join(' ')).toMatch(/\$\(\.\.\.\) command substitution/);
    expect(p.errors.join(' ')).toMatch(/backtick/);
    expect(p.commands.at(-1)).toMatchObject({ role: 'other', argv: ['touch', c] });
  });

  it('keeps $VAR and ${VAR} visible as placeholders instead of expanding them', () => {
    const p = parsePerfCommand(
      'HOME_MODEL=$HOME python benchmarks/benchmark_latency.py --model $MODEL --batch-size ${BS}',
    );
    expect(p.model).toBe('$MODEL');
    expect(optionValue(p.benchmark, 'batch-size')).toBe('$BS');
    expect(p.benchmark?.env['HOME_MODEL']).toBe('$HOME');
  });

  it('reads <model> as a word, not as a redirection', () => {
    const p = parsePerfCommand('python benchmarks/benchmark_latency.py --model <model> --input-len 10');
    expect(p.model).toBe('<model>');
    expect(p.benchmark?.redirects).toBeUndefined();
  });

  it('reports unbalanced quotes and keeps redirections out of argv', () => {
    expect(parsePerfCommand('python benchmarks/benchmark_latency.py --model "m/n').errors).toContain(
      'unbalanced double quote',
    );
    const r = parsePerfCommand('python benchmarks/benchmark_latency.py --model m/n > out.log');
    expect(r.benchmark?.argv).toEqual(['python', 'benchmarks/benchmark_latency.py', '--model', 'm/n']);
    expect(r.benchmark?.redirects).toEqual(['> out.log']);
    expect(r.errors).toEqual([]);
  });

  it('a pipe separates commands', () => {
    const p = parsePerfCommand('python benchmarks/benchmark_latency.py --model m/n | tee log.txt');
    expect(p.commands.map((c) => c.role)).toEqual(['benchmark', 'other']);
  });
});
