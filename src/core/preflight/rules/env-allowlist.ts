/**
 * Environment assignments a dataset row may make (`VLLM_USE_V1=1 python3 benchmarks/...`), as a
 * table. A row's assignments go into the benchmark's container and nowhere else: never into the
 * environment of a host process (the docker CLI, the runner, a host-executor child's program
 * lookup). Only names listed in ENV_ALLOWED pass; everything else is INVALID_COMMAND at plan time
 * and refused again when the workload is built for `run`.
 *
 * What a name may do decides the list: a name that only switches which engine code path runs
 * (attention backend, V0/V1, a kernel) changes what is measured and is the point of the row; a
 * name that chooses what program, library, interpreter code, network route, endpoint, credential
 * or GPU is used would let a row run other code or send the runner's token elsewhere, and is
 * refused, with the reason from ENV_REFUSED when one matches.
 *
 * Sources: `data/isobench-vllm.jsonl` (rows that use the name), a seed file, `vllm/envs.py`
 * (vLLM's own list of the variables it reads, with their meaning), or the documentation of the
 * program that reads the variable.
 */

export interface AllowedEnv {
  name: string;
  /** Why a benchmark may set it: what it changes inside the engine. */
  reason: string;
  source: string;
}

export interface RefusedEnv {
  /** The names this row covers. */
  pattern: RegExp;
  /** Why no dataset may set them (shown in the plan). */
  reason: string;
  source: string;
}

const ENVS_PY = 'vllm/envs.py';
const DATASET = 'data/isobench-vllm.jsonl';

export const ENV_ALLOWED: readonly AllowedEnv[] = [
  {
    name: 'VLLM_USE_V1',
    reason: 'selects the V0 or V1 engine: the code path a 0.7/0.8-era task measures',
    source: DATASET,
  },
  {
    name: 'VLLM_ATTENTION_BACKEND',
    reason: 'selects the attention kernel (FLASH_ATTN, FLASHINFER, XFORMERS ...)',
    source: DATASET,
  },
  { name: 'VLLM_USE_TRITON_FLASH_ATTN', reason: 'selects the Triton flash-attention kernel', source: ENVS_PY },
  { name: 'VLLM_FLASH_ATTN_VERSION', reason: 'selects flash-attention 2 or 3', source: ENVS_PY },
  { name: 'VLLM_USE_FLASHINFER_SAMPLER', reason: 'selects the FlashInfer sampling kernel', source: ENVS_PY },
  { name: 'VLLM_MLA_DISABLE', reason: 'turns multi-head latent attention off (DeepSeek models)', source: ENVS_PY },
  { name: 'VLLM_USE_DEEP_GEMM', reason: 'selects DeepGEMM kernels for FP8 GEMMs', source: ENVS_PY },
  { name: 'VLLM_USE_TRITON_AWQ', reason: 'selects the Triton AWQ kernel', source: ENVS_PY },
  { name: 'VLLM_MARLIN_USE_ATOMIC_ADD', reason: 'a Marlin kernel variant', source: ENVS_PY },
  { name: 'VLLM_FUSED_MOE_CHUNK_SIZE', reason: 'chunk size of the fused MoE kernel', source: ENVS_PY },
  {
    name: 'VLLM_ENABLE_V1_MULTIPROCESSING',
    reason: 'runs the V1 engine core in its own process or in-process',
    source: ENVS_PY,
  },
  { name: 'VLLM_WORKER_MULTIPROC_METHOD', reason: 'fork or spawn for worker processes', source: ENVS_PY },
  { name: 'VLLM_ALLOW_LONG_MAX_MODEL_LEN', reason: 'lets --max-model-len exceed the model config', source: ENVS_PY },
  {
    name: 'VLLM_DISABLE_COMPILE_CACHE',
    reason: 'compiles torch.compile graphs afresh instead of reading a cache',
    source: ENVS_PY,
  },
  { name: 'VLLM_V1_OUTPUT_PROC_CHUNK_SIZE', reason: 'output processing chunk size of the V1 engine', source: ENVS_PY },
  { name: 'VLLM_SKIP_P2P_CHECK', reason: 'skips the GPU peer-to-peer probe at start-up', source: ENVS_PY },
  {
    name: 'VLLM_ENGINE_ITERATION_TIMEOUT_S',
    reason: 'how long one engine step may take before the engine gives up',
    source: ENVS_PY,
  },
  { name: 'VLLM_LOGGING_LEVEL', reason: 'log verbosity (the logs are kept whole either way)', source: ENVS_PY },
  {
    name: 'VLLM_NO_USAGE_STATS',
    reason: 'turns the usage report off (runners have no network for it anyway)',
    source: ENVS_PY,
  },
  { name: 'VLLM_DO_NOT_TRACK', reason: 'turns the usage report off', source: ENVS_PY },
  {
    name: 'TOKENIZERS_PARALLELISM',
    reason: 'thread use of the Hugging Face tokenizers',
    source: 'huggingface.co/docs/tokenizers',
  },
  {
    name: 'OMP_NUM_THREADS',
    reason: 'CPU threads of OpenMP kernels',
    source: 'openmp.org/spec-html/5.0/openmpse50.html',
  },
  {
    name: 'NCCL_P2P_DISABLE',
    reason: 'NCCL transport choice between GPUs of one runner',
    source: 'docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html',
  },
  {
    name: 'NCCL_IB_DISABLE',
    reason: 'NCCL transport choice (no InfiniBand)',
    source: 'docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html',
  },
  {
    name: 'HF_HUB_OFFLINE',
    reason: 'forbids downloads: the model must already be in the cache',
    source: 'huggingface.co/docs/huggingface_hub/package_reference/environment_variables',
  },
  {
    name: 'HF_HUB_ENABLE_HF_TRANSFER',
    reason: 'download method only (the endpoint and token stay the runner’s)',
    source: 'huggingface.co/docs/huggingface_hub/package_reference/environment_variables',
  },
];

const CREDENTIALS: RefusedEnv = {
  pattern: /(^|_)(TOKEN|SECRET|PASSWORD|API_KEY|ACCESS_KEY)(_|$)/,
  reason: 'credentials are the runner’s: a row neither sets nor replaces them',
  source: ENVS_PY,
};

/** Known dangerous names, with the reason the plan gives. Any name not allowed is refused anyway. */
export const ENV_REFUSED: readonly RefusedEnv[] = [
  {
    pattern: /^PATH$/,
    reason: 'chooses which program runs (a `docker` or `python3` of the row’s choosing)',
    source: 'pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html',
  },
  {
    pattern: /^(LD_|DYLD_)/,
    reason: 'loads libraries of the row’s choosing into every program (LD_PRELOAD, LD_LIBRARY_PATH)',
    source: 'man7.org/linux/man-pages/man8/ld.so.8.html',
  },
  {
    pattern: /^PYTHON/,
    reason:
      'runs or imports Python code of the row’s choosing before the benchmark (PYTHONPATH, PYTHONSTARTUP, PYTHONHOME); the runner sets the interpreter’s environment',
    source: 'docs.python.org/3/using/cmdline.html#environment-variables',
  },
  {
    pattern: /^DOCKER_/,
    reason: 'redirects the docker CLI (DOCKER_HOST, DOCKER_CONFIG)',
    source: 'docs.docker.com/reference/cli/docker/#environment-variables',
  },
  {
    pattern: /^NODE_/,
    reason: 'runs code in Node.js (NODE_OPTIONS=--require)',
    source: 'nodejs.org/api/cli.html#environment-variables',
  },
  {
    pattern: /^(HTTPS?_PROXY|ALL_PROXY|NO_PROXY|FTP_PROXY)$/i,
    reason: 'routes downloads, and the token sent with them, through another host',
    source: 'curl.se/docs/manpage.html#ENVIRONMENT',
  },
  {
    pattern: /^(SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE)$/,
    reason: 'replaces the certificates that downloads trust',
    source: 'requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification',
  },
  {
    pattern: /^(HF_ENDPOINT|HF_HOME|HF_HUB_CACHE|HUGGINGFACE_HUB_CACHE|TRANSFORMERS_CACHE|HF_DATASETS_CACHE)$/,
    reason: 'redirects model downloads (with the runner’s HF token) or the shared model cache',
    source: 'huggingface.co/docs/huggingface_hub/package_reference/environment_variables',
  },
  CREDENTIALS,
  {
    pattern:
      /^(VLLM_USE_MODELSCOPE|VLLM_MODEL_REDIRECT_PATH|VLLM_PLUGINS|VLLM_CONFIG_ROOT|VLLM_CACHE_ROOT|VLLM_NCCL_SO_PATH|VLLM_CUDART_SO_PATH|VLLM_LOGGING_CONFIG_PATH|VLLM_ALLOW_INSECURE_SERIALIZATION)$/,
    reason: 'loads code, libraries or models from somewhere else than the image and the hub',
    source: ENVS_PY,
  },
  {
    pattern: /^(VLLM_HOST_IP|VLLM_PORT|VLLM_RPC_BASE_PATH|VLLM_LOOPBACK_IP)$/,
    reason: 'the runner owns the server’s address and port',
    source: ENVS_PY,
  },
  {
    pattern: /^(CUDA_VISIBLE_DEVICES|NVIDIA_VISIBLE_DEVICES|HIP_VISIBLE_DEVICES|LOCAL_RANK)$/,
    reason: 'the runner assigns the GPUs',
    source: ENVS_PY,
  },
  {
    pattern: /^(HOME|SHELL|IFS|ENV|BASH_ENV|BASH_FUNC_.*|PS4|TMPDIR|USER)$/,
    reason: 'shell start-up code and the process’s identity and files',
    source: 'www.gnu.org/software/bash/manual/bash.html#Bash-Variables',
  },
  {
    pattern: /^GIT_/,
    reason: 'git configuration, hooks and programs',
    source: 'git-scm.com/book/en/v2/Git-Internals-Environment-Variables',
  },
  {
    pattern: /^(GITHUB_|ACTIONS_|RUNNER_)/,
    reason: 'the workflow runtime’s own variables',
    source: 'docs.github.com/en/actions/reference/variables-reference',
  },
];

const ALLOWED_ENV_NAMES: ReadonlySet<string> = new Set(ENV_ALLOWED.map((r) => r.name));

export interface EnvRefusal {
  name: string;
  reason: string;
  source: string;
}

/** Why a dataset may not set `name`, or undefined when it may. */
export function envRefusal(name: string): EnvRefusal | undefined {
  if (ALLOWED_ENV_NAMES.has(name)) return undefined;
  const row = ENV_REFUSED.find((r) => r.pattern.test(name));
  if (row) return { name, reason: row.reason, source: row.source };
  return {
    name,
    reason:
      'not in the allowlist of variables a dataset may set (src/core/preflight/rules/env-allowlist.ts; add it there with a reason and a source)',
    source: 'src/core/preflight/rules/env-allowlist.ts',
  };
}

/** The refused assignments among `env`, in order. */
export function refusedEnv(env: Record<string, string>): EnvRefusal[] {
  return Object.keys(env)
    .map(envRefusal)
    .filter((r): r is EnvRefusal => r !== undefined);
}

/** One line per refused name: `PATH (chooses which program runs ...)`. */
export function describeRefusedEnv(refusals: readonly EnvRefusal[]): string {
  return `environment assignments a dataset may not make: ${refusals.map((r) => `${r.name} (${r.reason})`).join('; ')}`;
}

/**
 * Names a sample spec's per-process environment never passes on, whoever built the spec: the
 * executors drop them (defence in depth behind the plan's refusal). Everything ENV_REFUSED lists
 * except credentials, which the executors keep out of argv and logs by other means. The runner's
 * own environment (process.env, the executor settings) is not affected.
 */
export function isExecutorDroppedEnv(name: string): boolean {
  if (ALLOWED_ENV_NAMES.has(name)) return false;
  return ENV_REFUSED.some((r) => r !== CREDENTIALS && r.pattern.test(name));
}

/** `env` without the names isExecutorDroppedEnv refuses, and the names dropped. */
export function withoutDangerousEnv(env: Record<string, string> | undefined): {
  env: Record<string, string>;
  dropped: string[];
} {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(env ?? {})) {
    if (isExecutorDroppedEnv(k)) dropped.push(k);
    else kept[k] = v;
  }
  return { env: kept, dropped };
}
