import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLog as classify, versionFits } from '../../src/core/failures/classify.js';
import { FAILURE_SIGNATURES } from '../../src/core/failures/rules/failure-signatures.js';
import {
  FIX_RECIPES,
  recipeById,
  recipeForClassification,
  recipesForText,
} from '../../src/core/failures/rules/fix-recipes.js';
import { CATEGORIES } from '../../src/core/taxonomy.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'classify');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

/** Signature rows that decided some test below: the last test checks that every row did. */
const decidedBy = new Set<string>();
function classifyLog(...args: Parameters<typeof classify>) {
  const c = classify(...args);
  if (c.signature) decidedBy.add(c.signature);
  return c;
}

describe('the seeds’ failures, from realistic logs', () => {
  it('missing fa_utils.py in a V1 engine (seed 003): the root cause wins over "Engine core initialization failed"', () => {
    const c = classifyLog(fixture('fa-utils-v1-engine.log'), { exitCode: 1, phase: 'server-start' });
    expect(c).toMatchObject({
      category: 'BROKEN_BUILD',
      stage: 'environment',
      retryable: false,
      fix: 'restore-fa-utils',
      matched: true,
    });
    expect(c.evidence).toBe("ModuleNotFoundError: No module named 'vllm.vllm_flash_attn.fa_utils'");
    expect(c.evidenceLines).toEqual([11]);
    expect(c.action).toContain('restore-fa-utils');
  });

  it('CUDA OOM behind worker tags; a harmless vllm._C warning and a broken-pipe warning first do not win', () => {
    const c = classifyLog(fixture('cuda-oom-misleading-first-line.log'), { exitCode: 1, phase: 'server-start' });
    expect(c).toMatchObject({ category: 'OOM', stage: 'server', retryable: false, matched: true });
    expect(c.evidence).toContain('CUDA out of memory');
    expect(c.evidenceLines).toEqual([12, 16]);
    expect(c.fix).toBeUndefined();
  });

  it('port binding on vLLM 0.6.4 is the known version bug #8791, not a retryable PORT_BIND', () => {
    const c = classifyLog(fixture('port-bind-8791.log'), { exitCode: 1, phase: 'server-start' });
    expect(c).toMatchObject({
      category: 'KNOWN_VERSION_BUG',
      retryable: false,
      matched: true,
      signature: 'port-bind-8791',
    });
    expect(c.evidence.split('\n')).toEqual([
      'vLLM API server version 0.6.4.post2.dev375+g25ebed2f',
      'OSError: [Errno 98] Address already in use',
    ]);
    expect(c.evidenceLines).toEqual([1, 7]);
  });

  it('the same port error on another version (or none) is PORT_BIND, retryable', () => {
    expect(classifyLog(fixture('port-bind-transient.log'), { exitCode: 1 })).toMatchObject({
      category: 'PORT_BIND',
      retryable: true,
      stage: 'server',
    });
    expect(classifyLog('OSError: [Errno 98] Address already in use\n')).toMatchObject({
      category: 'PORT_BIND',
      retryable: true,
    });
    expect(classifyLog('OSError: [Errno 98] Address already in use\n', { engineVersion: '0.6.3.post1' }).category).toBe(
      'KNOWN_VERSION_BUG',
    );
  });

  it('aimv2 behind compose prefixes, CI timestamps, ANSI colour and CRLF', () => {
    const c = classifyLog(fixture('aimv2-compose-crlf.log'), { exitCode: 1 });
    expect(c).toMatchObject({ category: 'DEPENDENCY_CONFLICT', fix: 'aimv2-exist-ok', stage: 'environment' });
    expect(c.evidence).toBe("ValueError: 'aimv2' is already used by a Transformers config, pick another name.");
    expect(c.evidenceLines).toEqual([6]);
  });

  it('numpy.lib.function_base under outlines (2f192835, 30172b49)', () => {
    expect(classifyLog(fixture('numpy-function-base.log'))).toMatchObject({
      category: 'DEPENDENCY_CONFLICT',
      fix: 'numpy-lt-2',
    });
  });

  it('an early handled exception with a signature does not outrank the later fatal one', () => {
    const text = [
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      'WARNING retrying the download (1/3)',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3.10/site-packages/torch/__init__.py", line 1, in <module>',
      'RuntimeError: Numpy is not available',
      'Exception ignored in atexit callback',
    ].join('\n');
    expect(classifyLog(text, { exitCode: 1 })).toMatchObject({
      category: 'DEPENDENCY_CONFLICT',
      fix: 'numpy-lt-2',
      evidenceLines: [5],
    });
  });

  it('the last exception of a chained traceback decides', () => {
    const c = classifyLog(fixture('chained-traceback.log'), { exitCode: 1 });
    expect(c).toMatchObject({ category: 'PORT_BIND', evidence: 'OSError: [Errno 98] Address already in use' });
  });

  it('an agent patch that crashes the server: the AttributeError, not the wrapper, not the vllm._C warning', () => {
    const c = classifyLog(fixture('agent-crash.log'), { exitCode: 1, phase: 'server-start' });
    expect(c).toMatchObject({ category: 'SERVER_CRASH', matched: true, signature: 'python-exception' });
    expect(c.evidence).toBe("AttributeError: 'Sampler' object has no attribute '_fast_topk'");
  });

  it('gated model: 401 / GatedRepoError', () => {
    const c = classifyLog(fixture('gated-401.log'), { exitCode: 1 });
    expect(c).toMatchObject({ category: 'MODEL_ACCESS', stage: 'server', retryable: false });
    expect(c.evidence).toContain('GatedRepoError');
  });
});

describe('hangs and unknown failures: the context decides', () => {
  it('a server that never became ready (no exception, timed out) is SERVER_TIMEOUT, at the step it stopped in', () => {
    const c = classifyLog(fixture('server-hang.log'), { timedOut: true, phase: 'server-start' });
    expect(c).toMatchObject({
      category: 'SERVER_TIMEOUT',
      stage: 'server',
      matched: true,
      signature: 'hang-cuda-graph-capture',
    });
    expect(c.evidence).toContain('Capturing cudagraphs');
    expect(c.evidenceLines).toEqual([3]);
    // Without the timeout the same progress lines prove nothing: the context decides.
    const crashed = classifyLog(fixture('server-hang.log'), { exitCode: 1, phase: 'server-start' });
    expect(crashed).toMatchObject({ category: 'SERVER_CRASH', matched: false });
    expect(crashed.evidence.split('\n')).toHaveLength(4);
    expect(crashed.evidenceLines).toEqual([1, 2, 3, 4]);
    expect(crashed.explain.context).toBe('no signature matched: exit code 1 in phase server-start → SERVER_CRASH');
  });

  it('a benchmark stuck in its progress bar is BENCHMARK_TIMEOUT', () => {
    expect(classifyLog(fixture('benchmark-hang.log'), { timedOut: true, phase: 'benchmark' })).toMatchObject({
      category: 'BENCHMARK_TIMEOUT',
      stage: 'benchmark',
      matched: false,
    });
  });

  it('a build that ran out of time is BUILD_TIMEOUT', () => {
    expect(
      classifyLog('[412/980] Building CUDA object csrc/attention.cu.o\n', { timedOut: true, phase: 'build' }).category,
    ).toBe('BUILD_TIMEOUT');
  });

  it('non-zero exit, nothing recognisable: SERVER_CRASH in the server phase, BENCHMARK_FAILED in the benchmark phase', () => {
    const text = 'starting\nloading weights\n\nsomething went wrong\n\n';
    const server = classifyLog(text, { exitCode: 1, phase: 'server-start' });
    expect(server).toMatchObject({
      category: 'SERVER_CRASH',
      matched: false,
      evidence: 'starting\nloading weights\nsomething went wrong',
    });
    expect(server.evidenceLines).toEqual([1, 2, 4]);
    expect(classifyLog(text, { exitCode: 2, phase: 'benchmark' })).toMatchObject({
      category: 'BENCHMARK_FAILED',
      matched: false,
    });
    expect(classifyLog(text, { exitCode: 2, stage: 'benchmark' }).category).toBe('BENCHMARK_FAILED');
  });

  it('an exception beats a timeout (the server crashed, then the wait ran out)', () => {
    expect(
      classifyLog(fixture('cuda-oom-misleading-first-line.log'), { timedOut: true, phase: 'server-start' }).category,
    ).toBe('OOM');
  });

  it('a generic exception in the benchmark phase is BENCHMARK_FAILED', () => {
    const c = classifyLog('Traceback (most recent call last):\n  File "bench.py", line 3\nKeyError: \'choices\'\n', {
      exitCode: 1,
      phase: 'benchmark',
    });
    expect(c).toMatchObject({ category: 'BENCHMARK_FAILED', matched: true, evidence: "KeyError: 'choices'" });
  });

  it('exit 0 in the benchmark phase with nothing recognisable is NO_METRICS', () => {
    expect(classifyLog('done\n', { exitCode: 0, phase: 'benchmark' }).category).toBe('NO_METRICS');
  });
});

describe('every signature the seeds list, one line each', () => {
  const cases: Array<
    [string, string, { category: string; fix?: string; retryable?: boolean }, Parameters<typeof classifyLog>[1]?]
  > = [
    [
      'numpy 2 (function_base)',
      "ModuleNotFoundError: No module named 'numpy.lib.function_base'",
      { category: 'DEPENDENCY_CONFLICT', fix: 'numpy-lt-2' },
    ],
    [
      'numpy not available',
      'RuntimeError: Numpy is not available',
      { category: 'DEPENDENCY_CONFLICT', fix: 'numpy-lt-2' },
    ],
    [
      'numpy ABI',
      'A module that was compiled using NumPy 1.x cannot be run in',
      { category: 'DEPENDENCY_CONFLICT', fix: 'numpy-lt-2' },
    ],
    [
      'aimv2',
      "ValueError: 'aimv2' is already used by a Transformers config, pick another name.",
      { category: 'DEPENDENCY_CONFLICT', fix: 'aimv2-exist-ok' },
    ],
    [
      'fa_utils',
      "ModuleNotFoundError: No module named 'vllm.vllm_flash_attn.fa_utils'",
      { category: 'BROKEN_BUILD', fix: 'restore-fa-utils' },
    ],
    [
      'LogitsWarper',
      "ImportError: cannot import name 'LogitsWarper' from 'transformers.generation.logits_process'",
      { category: 'DEPENDENCY_CONFLICT', fix: 'transformers-lt-4.46' },
    ],
    [
      'pyairports',
      "ModuleNotFoundError: No module named 'pyairports'",
      { category: 'DEPENDENCY_CONFLICT', fix: 'outlines-no-pyairports' },
    ],
    [
      'mllama (transformers too old)',
      "ModuleNotFoundError: No module named 'transformers.models.mllama'",
      { category: 'DEPENDENCY_CONFLICT' },
    ],
    ['vllm itself missing', "ModuleNotFoundError: No module named 'vllm'", { category: 'BROKEN_BUILD' }],
    ['vllm._C not compiled', "ModuleNotFoundError: No module named 'vllm._C'", { category: 'BROKEN_BUILD' }],
    [
      'wrong CUDA arch',
      'RuntimeError: CUDA error: no kernel image is available for execution on the device',
      { category: 'BROKEN_BUILD' },
    ],
    ['CUDA OOM', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB', { category: 'OOM' }],
    ['old torch OOM', 'torch.cuda.OutOfMemoryError: CUDA out of memory.', { category: 'OOM' }],
    [
      'KV cache too small',
      "ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (50000).",
      { category: 'OOM' },
    ],
    [
      'gated 401',
      'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/x/y',
      { category: 'MODEL_ACCESS' },
    ],
    [
      'gated repo',
      'Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json.',
      { category: 'MODEL_ACCESS' },
    ],
    [
      'repo not found',
      'huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error.',
      { category: 'MODEL_ACCESS' },
    ],
    [
      'port in use',
      "ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 8000): address already in use",
      { category: 'PORT_BIND', retryable: true },
    ],
    [
      'broken pipe (Modal)',
      'BrokenPipeError: [Errno 32] Broken pipe',
      { category: 'TRANSIENT_INFRA', retryable: true },
    ],
    [
      'connection reset',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      { category: 'TRANSIENT_INFRA', retryable: true },
    ],
    [
      'runner lost',
      'The self-hosted runner: gpu-1 lost communication with the server.',
      { category: 'TRANSIENT_INFRA', retryable: true },
    ],
    [
      'git timeout (eefbf4a6)',
      "fatal: unable to access 'https://github.com/vllm-project/vllm.git/': Operation timed out",
      { category: 'TRANSIENT_INFRA' },
    ],
    ['disk full', 'OSError: [Errno 28] No space left on device', { category: 'TRANSIENT_INFRA' }],
    ['no GPU visible', 'RuntimeError: No CUDA GPUs are available', { category: 'TRANSIENT_INFRA' }],
    [
      'too few GPUs',
      'ValueError: The number of required GPUs exceeds the total number of available GPUs in the placement group.',
      { category: 'INSUFFICIENT_GPUS' },
    ],
    [
      'Qwen3 on old vLLM',
      "ValueError: Model architectures ['Qwen3ForCausalLM'] are not supported for now.",
      { category: 'UNSUPPORTED_MODEL' },
    ],
    [
      'gemma3 on old transformers',
      'ValueError: The checkpoint you are trying to load has model type `gemma3` but Transformers does not recognize this architecture.',
      { category: 'UNSUPPORTED_MODEL' },
    ],
    [
      'rope_scaling on v0.4',
      'ValueError: `rope_scaling` must be a dictionary with with two fields, `type` and `factor`, got {...}',
      { category: 'UNSUPPORTED_MODEL' },
    ],
    [
      'deprecated script stub',
      'DEPRECATED: This script has been moved to the vLLM CLI.',
      { category: 'INVALID_COMMAND' },
    ],
    [
      'missing script (moe_mem.py)',
      "python3: can't open file '/workspace/benchmarks/kernels/moe_mem.py': [Errno 2] No such file or directory",
      { category: 'INVALID_COMMAND' },
    ],
    [
      'missing ShareGPT (9badee53)',
      "FileNotFoundError: [Errno 2] No such file or directory: 'ShareGPT_V3_unfiltered_cleaned_split.json'",
      { category: 'INVALID_COMMAND' },
    ],
    [
      'bad --model argument (19d98e0c)',
      'benchmark_serving.py: error: argument --model: expected one argument',
      { category: 'INVALID_COMMAND' },
    ],
    [
      'unrecognized argument',
      'benchmark_latency.py: error: unrecognized arguments: --use-v2-block-manager',
      { category: 'INVALID_COMMAND' },
    ],
    ['patch does not apply', 'error: patch failed: vllm/worker/model_runner.py:120', { category: 'PATCH_FAILED' }],
    [
      'build failed (nvcc)',
      "error: command '/usr/local/cuda/bin/nvcc' failed with exit code 1",
      { category: 'BUILD_FAILED' },
    ],
    ['build failed (wheel)', 'ERROR: Failed building wheel for vllm', { category: 'BUILD_FAILED' }],
    [
      'wheel 404',
      'ERROR: HTTP error 404 while getting https://wheels.vllm.ai/8936316d/vllm-1.0.0.dev-cp38-abi3-manylinux1_x86_64.whl',
      { category: 'ARTIFACT_DOWNLOAD_FAILED' },
    ],
    [
      'image missing',
      'Error response from daemon: manifest for anonymous/vllm-baseline:baseline-a6d795d59304 not found: manifest unknown',
      { category: 'MISSING_ARTIFACT' },
    ],
    [
      'server died under the client',
      'aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host localhost:8000 ssl:default [Connection refused]',
      { category: 'SERVER_CRASH' },
    ],
    [
      'V1 wrapper alone',
      'RuntimeError: Engine core initialization failed. See root cause above.',
      { category: 'SERVER_CRASH' },
    ],
    ['CPU torch', 'AssertionError: Torch not compiled with CUDA enabled', { category: 'DEPENDENCY_CONFLICT' }],
    [
      'libtorch_cuda missing',
      'OSError: libtorch_cuda.so: cannot open shared object file: No such file or directory',
      { category: 'BROKEN_BUILD' },
    ],
    [
      'FA2 on Turing',
      'ValueError: Cannot use FlashAttention-2 backend for Volta and Turing GPUs.',
      { category: 'WRONG_HARDWARE' },
    ],
    [
      'a path as a repo id',
      "huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/data/models/llama'. Use `repo_type` argument if needed.",
      { category: 'INVALID_COMMAND' },
    ],
    [
      'pip: could not build',
      'ERROR: Could not build wheels for vllm, which is required to install pyproject.toml-based projects',
      { category: 'BUILD_FAILED' },
    ],
    ['torch extension', 'RuntimeError: Error compiling objects for extension', { category: 'BUILD_FAILED' }],
    ['disk quota', 'OSError: [Errno 122] Disk quota exceeded', { category: 'TRANSIENT_INFRA', retryable: true }],
    [
      'GPU not passed to the container',
      'docker: Error response from daemon: failed to create task for container: nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown.',
      { category: 'TRANSIENT_INFRA' },
    ],
    ['no platform', 'RuntimeError: Failed to infer device type', { category: 'TRANSIENT_INFRA' }],
    [
      'torchrun wrapper',
      'torch.distributed.elastic.multiprocessing.errors.ChildFailedError:',
      { category: 'SERVER_CRASH' },
    ],
  ];

  it.each(cases)('%s', (_name, line, expected, context) => {
    const c = classifyLog(`INFO 01-01 00:00:00 [x.py:1] starting\n${line}\n`, context ?? { exitCode: 1 });
    expect(c.category).toBe(expected.category);
    expect(c.fix).toBe(expected.fix);
    expect(c.matched).toBe(true);
    expect(c.evidence).toBe(line);
    expect(c.evidenceLines).toEqual([2]);
    expect(c.retryable).toBe(expected.retryable ?? CATEGORIES[c.category].retryable);
  });

  it.each([
    ['(VllmWorker rank=0 pid=123) ', 'worker tag'],
    ['2025-12-26T10:00:00.123456Z ', 'CI timestamp'],
    ['[2025-12-26 10:00:00] ', 'bracketed timestamp'],
    ['server-1  | ', 'compose service'],
    ['> ', 'quoting'],
    ['\x1b[31m', 'ANSI colour'],
    ['ERROR 01-07 21:59:25 [core.py:123] ', 'vLLM logger'],
  ])('tolerates a %s prefix (%s)', (prefix) => {
    const c = classifyLog(`${prefix}ModuleNotFoundError: No module named 'pyairports'\r\n`);
    expect(c).toMatchObject({
      category: 'DEPENDENCY_CONFLICT',
      fix: 'outlines-no-pyairports',
      evidence: "ModuleNotFoundError: No module named 'pyairports'",
    });
  });

  it('vLLM’s harmless vllm._C import warning alone is not a broken build', () => {
    const c = classifyLog(
      `WARNING 01-01 00:00:00 [_custom_ops.py:20] Failed to import from vllm._C with ModuleNotFoundError("No module named 'vllm._C'")\n`,
      {
        exitCode: 1,
        phase: 'server-start',
      },
    );
    expect(c).toMatchObject({ category: 'SERVER_CRASH', matched: false });
  });

  it('a transient fault reports the stage it struck in', () => {
    expect(classifyLog('BrokenPipeError: [Errno 32] Broken pipe\n', { phase: 'benchmark' }).stage).toBe('benchmark');
    expect(classifyLog('BrokenPipeError: [Errno 32] Broken pipe\n').stage).toBe('any');
  });

  it('evidence keeps at most three lines of the deciding signature, ending with the decisive one', () => {
    const text = Array.from(
      { length: 6 },
      (_, i) => `ConnectionResetError: [Errno 104] Connection reset by peer (${i})`,
    ).join('\n');
    const c = classifyLog(text);
    expect(c.evidenceLines).toEqual([4, 5, 6]);
  });
});

describe('one classifier: what builder.ts detected on its own (dependencyConflictIn) is in the table', () => {
  it.each([
    'ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/',
    'ERROR: Cannot install vllm==0.6.4 and torch==2.3.0 because these package versions have conflicting dependencies.',
    "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.",
    'ERROR: No matching distribution found for xformers==0.0.99',
    '  × No solution found when resolving dependencies:',
  ])('%s', (line) => {
    const c = classifyLog(`#8 12.3 Collecting vllm\n#8 14.1 ${line}\n`, { exitCode: 1, phase: 'build' });
    expect(c).toMatchObject({ category: 'DEPENDENCY_CONFLICT', matched: true, evidenceLines: [2] });
  });
});

describe('normalisation: shapes that hide the text', () => {
  const line = "ModuleNotFoundError: No module named 'vllm._C'";
  it.each([
    ['Ray replica tag', `(ServeReplica:default:VLLMDeployment pid=2841, ip=10.0.1.5) ${line}`],
    ['Ray worker tag', `(RayWorkerWrapper pid=4123) ${line}`],
    ['bare pid tag and Ray de-duplication note', `(pid=77) ${line} [repeated 3x across cluster]`],
    ['torchrun rank', `[rank0]: ${line}`],
    ['ESC rendered', `ESC[36m(VllmWorker rank=1 pid=88)ESC[0m ${line}ESC[0m`],
    ['\\x1b rendered', `\\x1b[0;31m${line}\\x1b[0m`],
    ['^[ rendered', `^[[1;31m${line}^[[0m`],
    ['bare SGR left after the escape byte was lost', `[1m[31m${line}[0m`],
    ['inline code', `\`${line}\``],
    ['leading elision', `...${line}`],
    ['BuildKit', `#12 31.512 ${line}`],
  ])('%s', (_name, shaped) => {
    const c = classifyLog(`${shaped}\n`, { exitCode: 1 });
    expect(c).toMatchObject({ category: 'BROKEN_BUILD', signature: 'engine-module-missing', evidence: line });
  });

  it('a whole traceback on one physical line: split at Traceback, File and the exception', () => {
    const oneLine =
      'INFO 05-01 12:00:02 [api_server.py:1043] vLLM API server version 0.9.1   Traceback (most recent call last):   File "/x/vllm/v1/engine/core.py", line 10, in run     self.step()   ' +
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB   RuntimeError: Engine core initialization failed. See root cause above.';
    const c = classifyLog(oneLine + '\n', { exitCode: 1 });
    expect(c).toMatchObject({
      category: 'OOM',
      evidence: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB',
      evidenceLines: [1],
    });
    expect(c.explain.runnersUp.map((h) => h.signature)).toEqual(['engine-core-wrapper']);
  });

  it('a log kept as a JSON string (literal \\n), inside Markdown fences with elisions', () => {
    const json = JSON.stringify({
      log: "INFO start\nTraceback (most recent call last):\nValueError: 'aimv2' is already used by a Transformers config, pick another name.\n",
    });
    expect(classifyLog(json + '\n')).toMatchObject({ category: 'DEPENDENCY_CONFLICT', fix: 'aimv2-exist-ok' });
    const md = [
      '```',
      'Traceback (most recent call last):',
      '...',
      '[...]',
      'RuntimeError: Numpy is not available',
      '```',
    ].join('\n');
    expect(classifyLog(md)).toMatchObject({
      category: 'DEPENDENCY_CONFLICT',
      evidence: 'RuntimeError: Numpy is not available',
      evidenceLines: [5],
    });
  });

  it('a symptom (collective timeout) never outranks a cause (an exception on another rank)', () => {
    const text = [
      '[rank1]: AssertionError: expected 4096 got 2048',
      '[rank0]:[E1201 12:00:00.1 7 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=3) ran for 600000 milliseconds before timing out.',
    ].join('\n');
    expect(classifyLog(text, { exitCode: 1, phase: 'server-start' })).toMatchObject({
      category: 'SERVER_CRASH',
      signature: 'python-exception',
    });
    expect(classifyLog(text.split('\n')[1]!, { exitCode: 1 })).toMatchObject({
      category: 'TRANSIENT_INFRA',
      signature: 'collective-timeout',
      retryable: true,
    });
  });

  it('a transient warning before a fatal exception does not explain it; an optional import warning is not a conflict', () => {
    const text = [
      'WARNING 05-01 12:00:01 [hub.py:1] huggingface.co: Read timed out, retrying (1/5)',
      "WARNING 05-01 12:00:02 [__init__.py:9] Failed to import triton: ImportError: cannot import name 'AttrsDescriptor' from 'triton.backends.compiler'",
      '(EngineCore_0 pid=1) Traceback (most recent call last):',
      "(EngineCore_0 pid=1) AttributeError: 'Sampler' object has no attribute '_fast_topk'",
    ].join('\n');
    const c = classifyLog(text, { exitCode: 1, phase: 'server-start' });
    expect(c).toMatchObject({ category: 'SERVER_CRASH', signature: 'python-exception' });
    expect(c.explain.runnersUp.map((h) => h.signature)).toEqual(['hub-unavailable']);
  });

  it('a bare "Killed" is the OOM killer, unless the caller’s timeout killed the process', () => {
    expect(classifyLog('loading\nKilled\n', { exitCode: 137 }).category).toBe('OOM');
    expect(classifyLog('loading\nKilled\n', { timedOut: true, phase: 'server-start' })).toMatchObject({
      category: 'SERVER_TIMEOUT',
      matched: false,
    });
  });
});

describe('rule tables', () => {
  it('every signature row has an id, a source and a known category; ids are unique', () => {
    const ids = new Set<string>();
    for (const row of FAILURE_SIGNATURES) {
      expect(row.source).toMatch(
        /^(seeds\/\d{3}_[0-9a-f]{16}\.txt|vllm#\d+|DESIGN\.md|(?:pip|uv|nccl|torch|ray|huggingface_hub|tokenizers|cuda|python|linux|vllm|setuptools): \S.*)$/,
      );
      expect(Object.keys(CATEGORIES)).toContain(row.category);
      expect(ids.has(row.id)).toBe(false);
      ids.add(row.id);
      if (row.fix) expect(recipeById(row.fix)).toBeDefined();
    }
  });

  it('the five recipes of the seeds, each triggered by its signatures', () => {
    expect(FIX_RECIPES.map((r) => r.id)).toEqual([
      'numpy-lt-2',
      'aimv2-exist-ok',
      'restore-fa-utils',
      'transformers-lt-4.46',
      'outlines-no-pyairports',
    ]);
    for (const r of FIX_RECIPES) {
      expect(r.trigger.signatures.length).toBeGreaterThan(0);
      expect(r.caveat).not.toBe('');
      expect(r.source).toMatch(/^seeds\//);
    }
    expect(recipeById('numpy-lt-2')!.action).toEqual({ type: 'pip-constraint', spec: 'numpy<2' });
    expect(recipeById('aimv2-exist-ok')!.action).toMatchObject({
      type: 'file-patch',
      replace: 'AutoConfig.register("aimv2", AIMv2Config, exist_ok=True)',
    });
    expect(recipeById('restore-fa-utils')!.action).toEqual({
      type: 'file-restore',
      path: 'vllm/vllm_flash_attn/fa_utils.py',
    });
    expect(recipeById('transformers-lt-4.46')!.action).toEqual({ type: 'pip-constraint', spec: 'transformers<4.46' });
  });

  it('recipeForClassification and recipesForText', () => {
    expect(recipeForClassification(classifyLog(fixture('numpy-function-base.log')))!.id).toBe('numpy-lt-2');
    expect(recipeForClassification(classifyLog(fixture('gated-401.log')))).toBeUndefined();
    const build = "No module named 'pyairports'\nRuntimeError: Numpy is not available\n";
    expect(recipesForText(build).map((r) => r.id)).toEqual(['numpy-lt-2', 'outlines-no-pyairports']);
  });

  it('version ranges are inclusive on major.minor.patch and need a version', () => {
    const range = { min: '0.6.3', max: '0.6.4' };
    expect(versionFits(range, '0.6.4.post2.dev375+g25ebed2f')).toBe(true);
    expect(versionFits(range, '0.6.3')).toBe(true);
    expect(versionFits(range, '0.6.2')).toBe(false);
    expect(versionFits(range, '0.6.5')).toBe(false);
    expect(versionFits(range, undefined)).toBe(false);
    expect(versionFits(undefined, undefined)).toBe(true);
  });
});

describe('coverage of the signature table', () => {
  it('every row decided at least one test above or one log of the corpus (test/classify/corpus.test.ts)', () => {
    const manifest = JSON.parse(readFileSync(join(FIX, 'corpus', 'manifest.json'), 'utf8')) as Array<{ rule?: string }>;
    const covered = new Set([...decidedBy, ...manifest.flatMap((e) => (e.rule ? [e.rule] : []))]);
    // A row that marks the end of a step never decides: it stops an earlier step from deciding.
    expect(
      FAILURE_SIGNATURES.filter((r) => !r.done)
        .map((r) => r.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
  });
});
