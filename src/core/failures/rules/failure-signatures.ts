/**
 * Failure signatures: the error texts of vLLM, PyTorch (c10d, NCCL, gloo), pip and uv, Ray, the
 * Hugging Face hub, CUDA, git/docker/the runner, and the seeds' post-mortems, as ordered data. The
 * classifier (src/core/failures/classify.ts) normalises every line first (ANSI codes real or rendered,
 * worker/Ray/logger prefixes, Markdown, elisions, tracebacks glued into one line) and tests the rows
 * in order; when several rows match one line the first row wins, so specific rows come first.
 *
 * `strength` says how much a match proves, from most to least:
 * - 'specific' (default): names the cause. The last one decides (an exception line before any line).
 * - 'exception': any Python exception line; decides only when nothing specific matched.
 * - 'symptom': a consequence that names no cause (a collective that timed out, a worker connection
 *   dropped because its peer died); decides only when no cause (specific or exception) is in the log.
 * - 'wrapper': an exception that only reports another one ("See root cause above").
 * - 'progress': what the process was doing (loading weights, capturing CUDA graphs); decides only
 *   when the caller says the phase timed out and nothing else matched (a hang prints no exception).
 *   A row with `done: true` marks the end of such a step: a hang after it is not in that step.
 *
 * `source` is where the text comes from: a seed post-mortem, a vLLM issue, DESIGN.md, or
 * `<library>: <where the message is raised>` for a library's own error text.
 */
import type { Category } from '../../taxonomy.js';

export type Phase = 'server-start' | 'benchmark' | 'build' | 'patch';

/** The environment fixes a signature can name (the recipes, src/core/failures/rules/fix-recipes.ts, follow this list). */
export const FIX_RECIPE_IDS = [
  'numpy-lt-2',
  'aimv2-exist-ok',
  'restore-fa-utils',
  'transformers-lt-4.46',
  'outlines-no-pyairports',
] as const;
export type FixRecipeId = (typeof FIX_RECIPE_IDS)[number];

export type SignatureStrength = 'specific' | 'exception' | 'symptom' | 'wrapper' | 'progress';

export interface FailureSignature {
  id: string;
  category: Category;
  pattern: RegExp;
  fix?: FixRecipeId;
  source: string;
  note?: string;
  strength?: SignatureStrength;
  /** The category depends on where the log came from (a traceback in a build is a build failure). */
  categoryByPhase?: Partial<Record<Phase, Category>>;
  /** Only for these engine versions (inclusive, compared on major.minor.patch); needs a known version. */
  versionRange?: { min?: string; max?: string };
  /** A 'progress' row that marks the end of a step. */
  done?: boolean;
  /** Not evidence when the caller's timeout killed the process (a bare "Killed" is then the timeout's). */
  ignoredOnTimeout?: boolean;
}

const S000 = 'seeds/000_cc6954765d4c8c41.txt';
const S002 = 'seeds/002_f130af2cc98f1551.txt';
const S003 = 'seeds/003_3832605d3a1027c0.txt';
const S004 = 'seeds/004_394875ce6bc9e493.txt';

/** A timeout in the benchmark phase is the benchmark's; elsewhere the server's. */
const HANG = { benchmark: 'BENCHMARK_TIMEOUT', build: 'BUILD_TIMEOUT' } as const;

export const FAILURE_SIGNATURES: readonly FailureSignature[] = [
  // --- our own harness and the dataset ----------------------------------------------------------
  {
    id: 'no-perf-command',
    category: 'NO_PERF_COMMAND',
    pattern: /\bno_perf_command\b|[Nn]o (?:perf(?:ormance)?|benchmark) command (?:defined|found|given|in the dataset)/,
    source: S004,
    note: 'The seeds’ runner wrote `status: no_perf_command` for rows without a benchmark command.',
  },
  {
    id: 'patch-rejected',
    category: 'PATCH_REJECTED',
    pattern: /the agent patch touches the benchmark or its inputs/,
    source: 'DESIGN.md',
    note: 'Written by src/core/dataset/patch-policy.ts.',
  },

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
    id: 'vllm-version-missing',
    category: 'BROKEN_BUILD',
    pattern:
      /^(?:ModuleNotFoundError|ImportError): No module named '?vllm\._version'?|cannot import name '?__version(?:_tuple)?__'? from '?vllm\._version/,
    source: 'setuptools: setuptools-scm writes vllm/_version.py at build time (vLLM ≥ 2024-09, #4738)',
    note: 'A source checkout used as the package without being built.',
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
    id: 'compiled-op-missing',
    category: 'BROKEN_BUILD',
    pattern:
      /'_OpNamespace' '_(?:\w+_)?C' object has no attribute|torch\.ops\._(?:\w+_)?C(?:\.\w+)* (?:has no attribute|is not available|not found)|No such operator _(?:\w+_)?C::\w+/,
    source: 'torch: torch/_ops.py _OpNamespace.__getattr__',
    note: 'torch.ops._C.<op> missing: vLLM’s kernels were not built (or built without this op).',
  },
  {
    id: 'source-tree-shadows-package',
    category: 'BROKEN_BUILD',
    pattern:
      /cannot import name '?_C'? from (?:partially initialized module )?'?vllm'?|from partially initialized module '?vllm'?|cannot import name '?\w+'? from '?vllm\._(?:C|moe_C|custom_ops|version)'?/,
    source: 'python: importlib, a `vllm/` source folder in the working directory shadows the installed package',
    note: 'Running from a checkout imports its unbuilt vllm/ instead of site-packages.',
  },
  {
    id: 'extension-undefined-symbol',
    category: 'BROKEN_BUILD',
    pattern: /(?:vllm|_C|flash_attn|xformers|vllm_flash_attn|flashinfer)[\w.\-/]*\.so: undefined symbol/,
    source: 'python: dlopen of a C++ extension built against another torch',
  },
  {
    id: 'no-kernel-image',
    category: 'BROKEN_BUILD',
    pattern: /no kernel image is available for execution on the device/,
    source: S000,
    note: 'Built for another GPU architecture (TORCH_CUDA_ARCH_LIST).',
  },
  {
    id: 'cuda-driver-too-old',
    category: 'BROKEN_BUILD',
    pattern: /CUDA driver version is insufficient for CUDA runtime version|The NVIDIA driver on your system is too old/,
    source: 'cuda: cudaErrorInsufficientDriver / torch/cuda/__init__.py _check_driver',
    note: 'The image targets a newer CUDA than the runner’s driver: rebuild for that CUDA (not transient).',
  },
  {
    id: 'cuda-runtime-library-missing',
    category: 'BROKEN_BUILD',
    pattern:
      /lib(?:cudart|cublas|cublasLt|cudnn|nccl|cuda|nvrtc|torch_cuda|c10_cuda)\.so[\d.]*: cannot open shared object file/,
    source: 'python: dlopen, a CUDA library missing from the image',
  },

  // --- dependency conflicts ---------------------------------------------------------------------
  {
    id: 'numpy-function-base',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /No module named '?numpy\.lib\.function_base'?/,
    fix: 'numpy-lt-2',
    source: S000,
  },
  {
    id: 'numpy-not-available',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /Numpy is not available/,
    fix: 'numpy-lt-2',
    source: S000,
  },
  {
    id: 'numpy-abi',
    category: 'DEPENDENCY_CONFLICT',
    pattern:
      /A module that was compiled using NumPy 1\.x cannot be run in|numpy\.core\.multiarray failed to import|_ARRAY_API not found/,
    fix: 'numpy-lt-2',
    source: S000,
    note: 'The import-time form of the same NumPy 2 break.',
  },
  {
    id: 'aimv2-registered',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /'aimv2' is already used by a Transformers config/,
    fix: 'aimv2-exist-ok',
    source: S000,
  },
  {
    id: 'logits-warper-removed',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /cannot import name '?LogitsWarper'? from '?transformers/,
    fix: 'transformers-lt-4.46',
    source: S000,
    note: 'transformers 4.46 removed LogitsWarper, which lm-format-enforcer imports.',
  },
  {
    id: 'pyairports-missing',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /No module named '?pyairports'?/,
    fix: 'outlines-no-pyairports',
    source: S000,
  },
  {
    id: 'transformers-too-old',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /No module named '?transformers\.models\.\w+'?/,
    source: S003,
    note: 'The installed transformers predates a model the engine imports (e.g. mllama).',
  },
  {
    id: 'pip-resolution-impossible',
    category: 'DEPENDENCY_CONFLICT',
    pattern:
      /ResolutionImpossible|conflicting dependencies|The conflict is caused by:|pip's dependency resolver|requires [\w.\-[\]]+[<>=!~]=?[^,]*, but you have [\w.\-]+ [\w.+]+ which is incompatible/,
    source: 'pip: src/pip/_internal/resolution/resolvelib/factory.py (ResolutionImpossible) and check.py',
    note: 'Also everything src/adapters/builder.ts detected on its own before (one classifier).',
  },
  {
    id: 'uv-no-solution',
    category: 'DEPENDENCY_CONFLICT',
    pattern:
      /No solution found when resolving (?:dependencies|`--with` dependencies)|(?:requirements|dependencies) are unsatisfiable|we can conclude that .* (?:is|are) unsatisfiable|(?:your|the) requirements are unsatisfiable/,
    source: 'uv: crates/uv-resolver/src/error.rs (NoSolution, pubgrub report)',
  },
  {
    id: 'wheel-download-failed',
    category: 'ARTIFACT_DOWNLOAD_FAILED',
    pattern:
      /(?:404|403) (?:Client Error|Not Found|Forbidden).*\.whl|HTTP error 404 while getting \S+\.whl|No matching distribution found for vllm\b|NoSuchKey.*\.whl|\.whl.*NoSuchKey/,
    source: S004,
  },
  {
    id: 'pip-no-matching-distribution',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /No matching distribution found for|Could not find a version that satisfies the requirement/,
    source: 'pip: src/pip/_internal/resolution/resolvelib/factory.py (DistributionNotFound)',
    note: 'A pinned dependency (torch==2.1.2+cu121, xformers ...) does not exist for this Python/platform.',
  },
  {
    id: 'tokenizers-too-old',
    category: 'DEPENDENCY_CONFLICT',
    pattern:
      /data did not match any variant of untagged enum (?:ModelWrapper|PyPreTokenizerTypeWrapper|PreTokenizerWrapper)/,
    source: 'tokenizers: serde error reading a tokenizer.json written by a newer tokenizers',
  },
  {
    id: 'library-name-missing',
    category: 'DEPENDENCY_CONFLICT',
    // Anchored on the exception: vLLM logs optional imports that fail as harmless warnings.
    pattern:
      /^ImportError: cannot import name '?\w+'? from '?(?:transformers|torch|numpy|xformers|triton|flashinfer|huggingface_hub|tokenizers|pydantic|fastapi|openai|outlines|ray|compressed_tensors|mistral_common|xgrammar|lm_format_enforcer|accelerate|safetensors|vllm_flash_attn|flash_attn)\b/,
    source: 'python: ImportError of a name a newer or older library release no longer has',
  },
  {
    id: 'hardware-module-missing',
    category: 'WRONG_HARDWARE',
    // The module part anchored on the exception: platform probing logs these imports harmlessly.
    pattern:
      /^(?:ModuleNotFoundError|ImportError): No module named '?(?:torch_neuronx|neuronxcc|transformers_neuronx|torch_xla|intel_extension_for_pytorch|habana_frameworks|amdsmi|torch_npu)'?|No HIP GPUs are available|hipErrorNoDevice|HIP error: (?:no ROCm-capable device|invalid device ordinal)/,
    source: S000,
    note: 'Code for Neuron, TPU, XPU/CPU, Gaudi or ROCm run on an NVIDIA runner (0d243f2a: ROCm-specific).',
  },
  {
    id: 'third-party-module-missing',
    category: 'DEPENDENCY_CONFLICT',
    pattern: /^(?:ModuleNotFoundError|ImportError): No module named '?(?!vllm\b)[\w.]+'?/,
    source: S000,
    note: 'A library the engine imports is not installed in the image (the seeds’ ad8d696a: numpy missing).',
  },
  {
    id: 'cuda-version-mismatch',
    category: 'DEPENDENCY_CONFLICT',
    pattern:
      /The detected CUDA version \([\d.]+\) mismatches the version that was used to compile\s*PyTorch|Torch not compiled with CUDA enabled/,
    categoryByPhase: { build: 'BUILD_FAILED' },
    source: 'torch: torch/utils/cpp_extension.py _check_cuda_version',
  },

  // --- hardware that does not fit -----------------------------------------------------------------
  {
    id: 'gpu-capability-too-low',
    category: 'WRONG_HARDWARE',
    pattern:
      /is not supported for the current GPU\. Minimum capability|Cannot use FlashAttention-2 backend for Volta and Turing GPUs|Bfloat16 is only supported on GPUs with compute capability of at least|FlashAttention only supports Ampere GPUs or newer|requires (?:a )?GPU with compute capability (?:>= ?)?\d/,
    source: 'vllm: model_executor/layers/quantization and platforms (capability checks)',
    note: 'An FP8 / bf16 / FlashAttention path on an older GPU than the task needs.',
  },

  // --- resources and access -------------------------------------------------------------------
  {
    id: 'ray-oom',
    category: 'OOM',
    pattern: /ray\.exceptions\.OutOfMemoryError|Task was killed due to the node running low on memory/,
    source: 'ray: python/ray/exceptions.py OutOfMemoryError (memory monitor)',
  },
  {
    id: 'cuda-oom',
    category: 'OOM',
    pattern:
      /CUDA out of memory|OutOfMemoryError|CUDA error: out of memory|HIP out of memory|Cuda failure 'out of memory'/,
    source: S000,
  },
  {
    id: 'kv-cache-too-small',
    category: 'OOM',
    pattern:
      /No available memory for the cache blocks|larger than the maximum number of tokens that can be stored in KV cache|larger than the available KV cache memory|Insufficient memory to (?:allocate|hold)/,
    source: S000,
    note: 'The weights fit but the KV cache for max_model_len does not.',
  },
  {
    id: 'gpu-memory-taken',
    category: 'OOM',
    pattern: /Free memory on device \([\d./ ]+GiB\) on startup is less than desired GPU memory utilization/,
    source: 'vllm: v1/worker/gpu_worker.py (startup memory check, 2025)',
    note: 'Another process holds the GPU memory, or --gpu-memory-utilization is too high for the card.',
  },
  {
    id: 'host-oom-killed',
    category: 'OOM',
    pattern: /^Killed$|Out of memory: Killed process|oom-kill|"?OOMKilled"?:\s*true|Killed signal terminated program/,
    ignoredOnTimeout: true,
    categoryByPhase: { build: 'BUILD_FAILED' },
    source: 'linux: the OOM killer (SIGKILL, exit 137)',
    note: 'Host memory, not GPU memory; in a build it is cc1plus with too high MAX_JOBS (a build failure).',
  },
  {
    id: 'gated-model',
    category: 'MODEL_ACCESS',
    pattern:
      /GatedRepoError|Cannot access gated repo|gated repo|Access to model \S+ is restricted|401 Client Error|Invalid user token|You must be authenticated to access it|403 Client Error.*huggingface\.co/i,
    source: S000,
  },
  {
    id: 'model-path-missing',
    category: 'INVALID_COMMAND',
    pattern:
      /'\/[^']+' is not a local folder and is not a valid model identifier|HFValidationError: Repo id must be in the form 'repo_name' or 'namespace\/repo_name': '\/|Incorrect path_or_model_id: '\/[^']+'|Can't load the configuration of '\/[^']+'/,
    source: S004,
    note: 'A machine-specific model path (fa63e710: /data/users/ktong/llama/llm_8b_oss).',
  },
  {
    id: 'model-not-found',
    category: 'MODEL_ACCESS',
    pattern:
      /RepositoryNotFoundError|Repository Not Found for url|(?<![\w/.'-])'?[A-Za-z0-9][\w.-]*\/[\w.-]+'? is not a local folder and is not a valid model identifier|couldn't connect to 'https:\/\/huggingface\.co' to load (?:this file|the files)|LocalEntryNotFoundError/,
    source: S000,
    note: 'Without a token the hub answers a private or gated repository with "not found"; offline, the model is not cached.',
  },
  {
    id: 'insufficient-gpus',
    category: 'INSUFFICIENT_GPUS',
    pattern:
      /number of required GPUs exceeds the total number of available GPUs|tensor parallel size \(?\d+\)? (?:is )?(?:greater than|exceeds) the number of (?:available )?GPUs|Total number of devices \(\d+\) is less than|(?:is|are) (?:greater|larger) than the number of (?:available )?GPUs|No available node types can fulfill resource request \{[^}]*'GPU'|Current node has no GPU available|requires? \d+ GPUs?,? but (?:only )?\d+ (?:is |are )?(?:available|visible|found)|invalid device ordinal/i,
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
    pattern:
      /Model architectures? \[[^\]]*\] (?:are|is) not supported|does not recognize this architecture|model type `[\w-]+` but Transformers does not recognize|Model architectures? \[[^\]]*\] failed to be inspected|Unrecognized model in \S+\. Should have a `model_type` key/,
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
  {
    id: 'unknown-quantization',
    category: 'UNSUPPORTED_MODEL',
    pattern:
      /Unknown quantization method: \S+|Quantization method specified in the model config \(\S+\) does not match|quantization method \S+ is not supported/i,
    source: 'vllm: config.py _verify_quantization',
  },

  // --- the command itself ---------------------------------------------------------------------
  {
    id: 'deprecated-benchmark-script',
    category: 'INVALID_COMMAND',
    pattern: /DEPRECATED: This script has been moved to the vLLM CLI/,
    source: 'vllm#24411',
    note: 'benchmarks/benchmark_*.py became stubs (≈v0.10.2): use `vllm bench serve|throughput|latency`.',
  },
  {
    id: 'missing-script',
    category: 'INVALID_COMMAND',
    pattern: /can't open file .*\[Errno 2\] No such file or directory/,
    source: S004,
  },
  {
    id: 'missing-data-file',
    category: 'INVALID_COMMAND',
    pattern: /No such file or directory: '[^']*(?:ShareGPT|\.jsonl?|\.csv|\.parquet|\.txt)'/,
    source: S000,
    note: 'A dataset file the command names (e.g. ShareGPT) is not there.',
  },
  {
    id: 'bad-arguments',
    category: 'INVALID_COMMAND',
    pattern:
      /error: (?:unrecognized arguments|argument [-\w/ ]+: (?:expected|invalid)|the following arguments are required)/,
    source: S004,
  },
  {
    id: 'model-name-mismatch',
    category: 'INVALID_COMMAND',
    pattern: /The model `[^`]+` does not exist|"The model `[^`]+` does not exist/,
    source: 'vllm: entrypoints/openai/serving_engine.py (404 for an unknown --model)',
    note: 'The client asks for a model name the server does not serve.',
  },
  {
    id: 'max-model-len',
    category: 'INVALID_COMMAND',
    pattern:
      /User-specified max_model_len \(\d+\) is greater than the derived max_model_len|is longer than the maximum model length of \d+|maximum context length is \d+ tokens\. However, you requested/,
    source: 'vllm: config.py _get_and_verify_max_len / input processing',
    note: 'The command asks for more context than the model (or --max-model-len) allows.',
  },
  {
    id: 'initial-test-run-failed',
    category: 'BENCHMARK_FAILED',
    pattern: /Initial test run failed - Please make sure benchmark arguments are correctly specified/,
    source: 'vllm: benchmarks/benchmark_serving.py (#5044)',
  },

  // --- patch, build, artifacts ----------------------------------------------------------------
  {
    id: 'patch-does-not-apply',
    category: 'PATCH_FAILED',
    pattern:
      /error: patch failed|patch does not apply|Hunk #\d+ FAILED|corrupt patch at line|can't find file to patch|Only garbage was found in the patch input/,
    source: 'DESIGN.md',
  },
  {
    id: 'build-failed',
    category: 'BUILD_FAILED',
    pattern:
      /Failed building wheel for vllm|Failed to build (?:vllm|installable wheels|`vllm)|Could not build wheels for vllm|Error compiling objects for extension|error: externally-managed-environment|CMake Error|error: command '[^']*(?:nvcc|gcc|g\+\+|c\+\+)' failed|ninja: build stopped|nvcc fatal|CUDA_HOME environment variable is not set|fatal error: [\w/.]+\.h: No such file or directory/,
    source: S000,
  },
  {
    id: 'image-missing',
    category: 'MISSING_ARTIFACT',
    pattern:
      /manifest (?:for \S+ )?(?:not found|unknown)|pull access denied|repository does not exist or may require 'docker login'|No such image: |\bno_wheel\b|no (?:pre-?built )?wheel (?:is )?available for/i,
    source: S003,
  },

  // --- transient infrastructure -----------------------------------------------------------------
  { id: 'broken-pipe', category: 'TRANSIENT_INFRA', pattern: /Broken pipe|BrokenPipeError/, source: S000 },
  {
    id: 'hub-unavailable',
    category: 'TRANSIENT_INFRA',
    pattern:
      /huggingface\.co.*(?:5\d\d Server Error|Max retries exceeded|timed out|Connection aborted)|(?:502|503|504) Server Error.*huggingface|HfHubHTTPError: 5\d\d/,
    source: 'huggingface_hub: utils/_http.py hf_raise_for_status (5xx) and requests retries',
  },
  {
    id: 'worker-connection-lost',
    category: 'TRANSIENT_INFRA',
    strength: 'symptom',
    pattern:
      /gloo\/transport\/tcp\/\w+\.cc:\d+\]|Connection closed by (?:remote )?peer|NCCL WARN (?:NET\/Socket|Net ?:|socket|Call to (?:connect|recv))|socketStartConnect|socketPollConnect|remote process exited or there was a network error|ncclRemoteError|Connection reset by peer.*(?:TCPStore|c10d|store)|(?:TCPStore|c10d).*Connection reset by peer/,
    source: 'nccl: ncclRemoteError / socket transport; gloo: transport/tcp/pair.cc; torch: c10d TCPStore',
    note: 'A link between workers dropped. Decided TRANSIENT_INFRA (a retry on healthy nodes passes), but only as a symptom: a peer that died of a real cause (OOM, an exception) outranks it.',
  },
  {
    id: 'collective-timeout',
    category: 'TRANSIENT_INFRA',
    strength: 'symptom',
    pattern:
      /Watchdog caught collective operation timeout|ProcessGroupNCCL's watchdog got stuck|ran for \d+ milliseconds before timing out|\[Rank \d+\] Timeout at NCCL work|Gloo connectFullMesh failed|Timed out waiting \d+ms for recv operation|Socket Timeout|DistStoreError: (?:Timed out|Socket Timeout)|wait timeout after \d+ms, keys:/,
    source: 'torch: c10d ProcessGroupNCCL watchdog, gloo and TCPStore timeouts',
    note: 'A collective never completed: with no cause in the log, a stalled link or node (TRANSIENT_INFRA, retried once); a rank that crashed outranks it.',
  },
  {
    id: 'nccl-system-error',
    category: 'TRANSIENT_INFRA',
    strength: 'symptom',
    pattern:
      /NCCL error(?: in: \S+)?[,:]? (?:unhandled system error|internal error|remote process exited)|ncclSystemError|ncclInternalError|Error while creating shared memory segment|NCCL WARN .*(?:shm|shared memory)/,
    source: 'nccl: ncclSystemError / ncclInternalError (NCCL_DEBUG=INFO names the call)',
    note: 'Socket, shared memory (docker --shm-size) or IB setup of the runner, not the commit: TRANSIENT_INFRA, never an agent failure; a named cause elsewhere in the log outranks it.',
  },
  {
    id: 'nccl-invalid-usage',
    category: 'SERVER_CRASH',
    pattern: /NCCL error(?: in: \S+)?[,:]? invalid usage|ncclInvalidUsage|ncclInvalidArgument|Duplicate GPU detected/,
    source: 'nccl: ncclInvalidUsage (a program error: two ranks on one GPU, mismatched collectives)',
  },
  {
    id: 'connection-reset',
    category: 'TRANSIENT_INFRA',
    pattern: /Connection reset by peer|ConnectionResetError/,
    source: 'DESIGN.md',
  },
  {
    id: 'ray-node-died',
    category: 'TRANSIENT_INFRA',
    pattern:
      /has been marked dead because the detector has missed too many heartbeats|ray\.exceptions\.(?:NodeDiedError|RaySystemError|GetTimeoutError)|Failed to connect to GCS|The node .* has been marked dead|raylet (?:died|crashed)/,
    source: 'ray: python/ray/exceptions.py (NodeDiedError, RaySystemError) and the GCS health check',
  },
  {
    id: 'runner-lost',
    category: 'TRANSIENT_INFRA',
    pattern:
      /lost communication with the server|The runner has received a shutdown signal|Cannot connect to the Docker daemon|toomanyrequests: |TLS handshake timeout|The operation was canceled\.?$/,
    source: 'DESIGN.md',
  },
  {
    id: 'disk-full',
    category: 'TRANSIENT_INFRA',
    pattern: /No space left on device|Disk quota exceeded/,
    source: S000,
    note: 'Images of 17-22 GB filled the runner disk.',
  },
  {
    id: 'network-timeout',
    category: 'TRANSIENT_INFRA',
    pattern:
      /fatal: unable to access|Could not resolve host|Temporary failure in name resolution|RPC failed|Read timed out|ReadTimeout|ConnectTimeout|429 Client Error|Too Many Requests|Network is unreachable/,
    source: S000,
    note: 'A git or hub download that timed out (eefbf4a6: git timeout).',
  },
  {
    id: 'gpu-fault',
    category: 'TRANSIENT_INFRA',
    pattern:
      /uncorrectable ECC error|CUDA error: unspecified launch failure|GPU is lost|Xid \d+|CUDA-capable device\(s\) is\/are busy or unavailable|cudaErrorDevicesUnavailable/,
    source: 'cuda: cudaErrorECCUncorrectable / cudaErrorLaunchFailure / nvidia-smi "GPU is lost"',
    note: 'A failing GPU on the runner; another GPU passes.',
  },
  {
    id: 'no-gpu-visible',
    category: 'TRANSIENT_INFRA',
    pattern:
      /No CUDA GPUs are available|Found no NVIDIA driver|NVIDIA-SMI has failed|could not select device driver|nvidia-container-cli: initialization error|Failed to infer device type/,
    source: 'DESIGN.md',
    note: 'The runner lost its GPU; another runner can pass.',
  },
  {
    id: 'cuda-kernel-fault',
    category: 'SERVER_CRASH',
    categoryByPhase: { benchmark: 'BENCHMARK_FAILED', build: 'BUILD_FAILED' },
    pattern:
      /CUDA error: (?:an illegal memory access was encountered|device-side assert triggered|misaligned address|an illegal instruction was encountered)|Segmentation fault|core dumped|Fatal Python error: /,
    source: 'cuda: cudaErrorIllegalAddress / cudaErrorAssert; python: faulthandler',
    note: 'A kernel or native crash: an agent patch that causes one is an agent failure.',
  },
  {
    id: 'cuda-reinit-fork',
    category: 'SERVER_CRASH',
    pattern: /Cannot re-initialize CUDA in forked subprocess/,
    source: 'torch: torch/cuda/__init__.py _lazy_init',
    note: 'CUDA touched before the workers fork (VLLM_WORKER_MULTIPROC_METHOD=spawn avoids it).',
  },
  {
    id: 'server-unreachable',
    category: 'SERVER_CRASH',
    // In a build there is no server: a refused connection is the package index or a mirror.
    categoryByPhase: { build: 'TRANSIENT_INFRA' },
    pattern:
      /Connection refused|Cannot connect to host|ClientConnectorError|Server disconnected|ServerDisconnectedError|RemoteProtocolError: peer closed connection/,
    source: S004,
    note: 'The client found no server: it died during the run.',
  },

  // --- general: decide only when nothing specific matched -------------------------------------
  {
    id: 'engine-core-wrapper',
    category: 'SERVER_CRASH',
    pattern:
      /Engine core initialization failed|EngineCore failed to start|Engine process failed to start|See root cause above|WorkerProc initialization failed|EngineDeadError|AsyncEngineDeadError|Background loop has errored already|RayActorError: The actor died|Worker failed with error|ChildFailedError/,
    strength: 'wrapper',
    source: S000,
    note: 'The V1 engine (and Ray, and the V0 async engine) report a worker failure here; the cause is an earlier exception.',
  },
  {
    id: 'python-exception',
    category: 'SERVER_CRASH',
    categoryByPhase: { benchmark: 'BENCHMARK_FAILED', build: 'BUILD_FAILED', patch: 'PATCH_FAILED' },
    pattern: /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)(?:\([\w.]+\))?(?::|$)/,
    strength: 'exception',
    source: S002,
    note: 'An agent patch that crashes the server is an agent failure.',
  },

  // --- hangs: what the process was doing when the caller's timeout struck ------------------------
  {
    id: 'hang-cuda-graph-capture',
    category: 'SERVER_TIMEOUT',
    categoryByPhase: HANG,
    strength: 'progress',
    pattern:
      /Capturing (?:the model for )?CUDA graphs?|Capturing cudagraphs?|Capturing CUDA graph shapes|Capturing batches/i,
    source: S000,
    note: '0ec82edd: "CUDA graph timeout"; capture of large models can stall on memory.',
  },
  {
    id: 'hang-torch-compile',
    category: 'SERVER_TIMEOUT',
    categoryByPhase: HANG,
    strength: 'progress',
    pattern:
      /Compiling a graph for (?:dynamic|general) shape|Dynamo bytecode transform time|torch\.compile (?:is|takes)|Start compiling/,
    source: 'vllm: compilation/backends.py (torch.compile in V1)',
  },
  {
    id: 'hang-model-loading',
    category: 'SERVER_TIMEOUT',
    categoryByPhase: HANG,
    strength: 'progress',
    pattern:
      /Loading (?:safetensors|pt) checkpoint shards|Starting to load model|Loading model weights|Loading weights from|Downloading (?:shards|model)|Fetching \d+ files/,
    source: S000,
    note: '296f927f: "Server didn’t start in 600s" while loading.',
  },
  {
    id: 'hang-distributed-init',
    category: 'SERVER_TIMEOUT',
    categoryByPhase: HANG,
    strength: 'progress',
    pattern:
      /init_distributed_environment|NCCL INFO (?:Bootstrap|NET\/|Channel|Connected all)|world_size=\d+ rank=\d+ local_rank=\d+ distributed_init_method|Waiting for (?:the )?(?:workers|engine core|core engine)/,
    source: 'torch: c10d init_process_group; vllm: distributed/parallel_state.py',
    note: 'Workers that never met: a collective stuck in setup.',
  },
  {
    id: 'hang-benchmark-running',
    category: 'BENCHMARK_TIMEOUT',
    strength: 'progress',
    pattern:
      /Starting main benchmark run|Starting initial single prompt test run|Warming up with \d+ requests|Warming up\.\.\.|Processed prompts:/,
    source: S004,
    note: 'a3223766, 299ebb62: the 1-hour benchmark timeout with a workload too large.',
  },
  {
    id: 'step-finished',
    category: 'SERVER_TIMEOUT',
    categoryByPhase: HANG,
    strength: 'progress',
    done: true,
    pattern:
      /Graph capturing finished in|Loading weights took|Model loading took|Application startup complete|Uvicorn running on|Initial test run completed|Available routes are|init engine \(profile, create kv cache, warmup model\) took/,
    source: S000,
    note: 'The end of a step: a hang after it is no longer in that step.',
  },
];
