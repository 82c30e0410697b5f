/**
 * Failure signatures: the error texts the seeds' post-mortems list (and the taxonomy of DESIGN.md
 * names), as ordered data. The classifier (src/core/classify.ts) tests every row against each line
 * of a log, with prefixes, ANSI codes and carriage returns removed first; when several rows match
 * one line the first row wins, so specific rows come before general ones.
 *
 * `strength` says how much a match proves:
 * - 'specific' (default): names the cause.
 * - 'exception': any Python exception line; decides only when nothing specific matched.
 * - 'wrapper': an exception that only reports another one ("See root cause above"); decides last.
 */
import type { Category } from '../taxonomy.js';
import type { FixRecipeId } from './fix-recipes.js';

export type Phase = 'server-start' | 'benchmark' | 'build' | 'patch';

export interface FailureSignature {
  id: string;
  category: Category;
  pattern: RegExp;
  fix?: FixRecipeId;
  source: string;
  note?: string;
  strength?: 'specific' | 'exception' | 'wrapper';
  /** The category depends on where the log came from (a traceback in a build is a build failure). */
  categoryByPhase?: Partial<Record<Phase, Category>>;
  /** Only for these engine versions (inclusive, compared on major.minor.patch); needs a known version. */
  versionRange?: { min?: string; max?: string };
}

const S000 = 'seeds/000_cc6954765d4c8c41.txt';
const S002 = 'seeds/002_f130af2cc98f1551.txt';
const S003 = 'seeds/003_3832605d3a1027c0.txt';
const S004 = 'seeds/004_394875ce6bc9e493.txt';

export const FAILURE_SIGNATURES: readonly FailureSignature[] = [
  // --- the engine itself is incomplete -------------------------------------------------------
  {
    id: 'fa-utils-missing',
    category: 'BROKEN_BUILD',
    pattern: /No module named '?vllm\.vllm_flash_attn\.fa_utils'?/,
    fix: 'restore-fa-utils',
    source: S003,
    note: 'Human images of V1-era commits shipped without vllm/vllm_flash_attn/fa_utils.py.',
  },
  {
    id: 'engine-module-missing',
    category: 'BROKEN_BUILD',
    // Anchored on the exception so that vLLM's harmless startup warning
    // `Failed to import from vllm._C with ModuleNotFoundError("No module named 'vllm._C'")` never matches.
    pattern: /^(?:ModuleNotFoundError|ImportError): No module named '?vllm(?:\.[\w.]+)?'?/,
    source: S003,
    note: "`No module named 'vllm._C'`: the CUDA extensions were not compiled, or vLLM is not installed.",
  },
  {
    id: 'no-kernel-image',
    category: 'BROKEN_BUILD',
    pattern: /no kernel image is available for execution on the device/,
    source: S000,
    note: 'Built for another GPU architecture (TORCH_CUDA_ARCH_LIST).',
  },

  // --- dependency conflicts with a known recipe ---------------------------------------------
  { id: 'numpy-function-base', category: 'DEPENDENCY_CONFLICT', pattern: /No module named '?numpy\.lib\.function_base'?/, fix: 'numpy-lt-2', source: S000 },
  { id: 'numpy-not-available', category: 'DEPENDENCY_CONFLICT', pattern: /Numpy is not available/, fix: 'numpy-lt-2', source: S000 },
  {
    id: 'numpy-abi',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /A module that was compiled using NumPy 1\.x cannot be run in|numpy\.core\.multiarray failed to import|_ARRAY_API not found/,
    fix: 'numpy-lt-2',
    source: S000,
    note: 'The import-time form of the same NumPy 2 break.',
  },
  { id: 'aimv2-registered', category: 'DEPENDENCY_CONFLICT', pattern: /'aimv2' is already used by a Transformers config/, fix: 'aimv2-exist-ok', source: S000 },
  {
    id: 'logits-warper-removed',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /cannot import name '?LogitsWarper'? from '?transformers/,
    fix: 'transformers-lt-4.46',
    source: S000,
    note: 'transformers 4.46 removed LogitsWarper, which lm-format-enforcer imports.',
  },
  { id: 'pyairports-missing', category: 'DEPENDENCY_CONFLICT', pattern: /No module named '?pyairports'?/, fix: 'outlines-no-pyairports', source: S000 },
  {
    id: 'transformers-too-old',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /No module named '?transformers\.models\.\w+'?/,
    source: S003,
    note: 'The installed transformers predates a model the engine imports (e.g. mllama).',
  },

  // --- resources and access -------------------------------------------------------------------
  {
    id: 'cuda-oom',
    category: 'OOM',
    pattern: /CUDA out of memory|OutOfMemoryError|CUDA error: out of memory|HIP out of memory/,
    source: S000,
  },
  {
    id: 'kv-cache-too-small',
    category: 'OOM',
    pattern: /No available memory for the cache blocks|larger than the maximum number of tokens that can be stored in KV cache|larger than the available KV cache memory|Insufficient memory to (?:allocate|hold)/,
    source: S000,
    note: 'The weights fit but the KV cache for max_model_len does not.',
  },
  {
    id: 'gated-model',
    category: 'MODEL_ACCESS',
    pattern: /GatedRepoError|Cannot access gated repo|gated repo|Access to model \S+ is restricted|401 Client Error|Invalid user token|You must be authenticated to access it/i,
    source: S000,
  },
  {
    id: 'model-not-found',
    category: 'MODEL_ACCESS',
    pattern: /RepositoryNotFoundError|Repository Not Found for url/,
    source: S000,
    note: 'Without a token the hub answers a private or gated repository with "not found".',
  },
  {
    id: 'insufficient-gpus',
    category: 'INSUFFICIENT_GPUS',
    pattern: /number of required GPUs exceeds the total number of available GPUs|tensor parallel size \(?\d+\)? (?:is )?(?:greater than|exceeds) the number of (?:available )?GPUs|Total number of devices \(\d+\) is less than/i,
    source: S004,
  },

  // --- the engine version and the model do not fit together ---------------------------------
  {
    id: 'port-bind-8791',
    category: 'KNOWN_VERSION_BUG',
    pattern: /address already in use|error while attempting to bind on address/i,
    versionRange: { min: '0.6.3', max: '0.6.4' },
    source: 'vllm#8791',
    note: 'vLLM 0.6.3-0.6.4 fail to start the OpenAI server on a port bind; a retry does not help.',
  },
  {
    id: 'port-bind',
    category: 'PORT_BIND',
    pattern: /address already in use|error while attempting to bind on address|\[Errno 98\]/i,
    source: S002,
  },
  {
    id: 'unsupported-architecture',
    category: 'UNSUPPORTED_MODEL',
    pattern: /Model architectures? \[[^\]]*\] (?:are|is) not supported|does not recognize this architecture|model type `[\w-]+` but Transformers does not recognize/,
    source: S000,
    note: 'A model newer than the engine (Qwen3, Gemma 3, Llama 4 on an older vLLM).',
  },
  {
    id: 'rope-scaling-format',
    category: 'UNSUPPORTED_MODEL',
    pattern: /rope_scaling`? must be a dictionary with (?:with )?two fields/,
    source: S000,
    note: 'vLLM 0.4.x cannot read the rope_scaling of Llama 3.1 and later.',
  },

  // --- the command itself ---------------------------------------------------------------------
  {
    id: 'deprecated-benchmark-script',
    category: 'INVALID_COMMAND',
    pattern: /DEPRECATED: This script has been moved to the vLLM CLI/,
    source: 'vllm#24411',
    note: 'benchmarks/benchmark_*.py became stubs (≈v0.10.2): use `vllm bench serve|throughput|latency`.',
  },
  { id: 'missing-script', category: 'INVALID_COMMAND', pattern: /can't open file .*\[Errno 2\] No such file or directory/, source: S004 },
  {
    id: 'missing-data-file',
    category: 'INVALID_COMMAND',
    pattern: /No such file or directory: '[^']*(?:ShareGPT|\.jsonl?|\.csv|\.parquet)'/,
    source: S000,
    note: 'A dataset file the command names (e.g. ShareGPT) is not there.',
  },
  {
    id: 'bad-arguments',
    category: 'INVALID_COMMAND',
    pattern: /error: (?:unrecognized arguments|argument [-\w/ ]+: (?:expected|invalid)|the following arguments are required)/,
    source: S004,
  },

  // --- patch, build, artifacts ----------------------------------------------------------------
  {
    id: 'patch-does-not-apply',
    category: 'PATCH_FAILED',
    pattern: /error: patch failed|patch does not apply|Hunk #\d+ FAILED|corrupt patch at line|can't find file to patch/,
    source: 'DESIGN.md',
  },
  {
    id: 'build-failed',
    category: 'BUILD_FAILED',
    pattern: /Failed building wheel for vllm|Failed to build (?:vllm|installable wheels)|CMake Error|error: command '[^']*(?:nvcc|gcc|g\+\+|c\+\+)' failed|ninja: build stopped/,
    source: S000,
  },
  {
    id: 'wheel-download-failed',
    category: 'ARTIFACT_DOWNLOAD_FAILED',
    pattern: /(?:404|403) (?:Client Error|Not Found|Forbidden).*\.whl|HTTP error 404 while getting \S+\.whl|No matching distribution found for vllm/,
    source: S004,
  },
  {
    id: 'image-missing',
    category: 'MISSING_ARTIFACT',
    pattern: /manifest (?:for \S+ )?(?:not found|unknown)|pull access denied|repository does not exist or may require 'docker login'/,
    source: S003,
  },

  // --- transient infrastructure -----------------------------------------------------------------
  { id: 'broken-pipe', category: 'TRANSIENT_INFRA', pattern: /Broken pipe|BrokenPipeError/, source: S000 },
  { id: 'connection-reset', category: 'TRANSIENT_INFRA', pattern: /Connection reset by peer|ConnectionResetError/, source: 'DESIGN.md' },
  {
    id: 'runner-lost',
    category: 'TRANSIENT_INFRA',
    pattern: /lost communication with the server|The runner has received a shutdown signal|Cannot connect to the Docker daemon/,
    source: 'DESIGN.md',
  },
  { id: 'disk-full', category: 'TRANSIENT_INFRA', pattern: /No space left on device/, source: S000, note: 'Images of 17-22 GB filled the runner disk.' },
  {
    id: 'network-timeout',
    category: 'TRANSIENT_INFRA',
    pattern: /fatal: unable to access|Could not resolve host|Temporary failure in name resolution|RPC failed|Read timed out|ReadTimeout|ConnectTimeout|429 Client Error|Too Many Requests/,
    source: S000,
    note: 'A git or hub download that timed out (eefbf4a6: git timeout).',
  },
  {
    id: 'no-gpu-visible',
    category: 'TRANSIENT_INFRA',
    pattern: /No CUDA GPUs are available|Found no NVIDIA driver|NVIDIA-SMI has failed|could not select device driver/,
    source: 'DESIGN.md',
    note: 'The runner lost its GPU; another runner can pass.',
  },
  {
    id: 'server-unreachable',
    category: 'SERVER_CRASH',
    pattern: /Connection refused|Cannot connect to host|ClientConnectorError/,
    source: S004,
    note: 'The client found no server: it died during the run.',
  },

  // --- general: decide only when nothing specific matched -------------------------------------
  {
    id: 'engine-core-wrapper',
    category: 'SERVER_CRASH',
    pattern: /Engine core initialization failed|EngineCore failed to start|Engine process failed to start|See root cause above|WorkerProc initialization failed/,
    strength: 'wrapper',
    source: S000,
    note: 'The V1 engine reports a worker failure here; the cause is an earlier exception.',
  },
  {
    id: 'python-exception',
    category: 'SERVER_CRASH',
    categoryByPhase: { benchmark: 'BENCHMARK_FAILED', build: 'BUILD_FAILED', patch: 'PATCH_FAILED' },
    pattern: /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)(?::|$)/,
    strength: 'exception',
    source: S002,
    note: 'An agent patch that crashes the server is an agent failure.',
  },
];
