/**
 * The failure taxonomy of DESIGN.md as data: one row per category, with its stage, whether a retry
 * can help, whether a user can fix it, and what to do. Every other module names categories through
 * this table so that the report, the classifier and the retry policy never disagree.
 */
import { z } from 'zod';

const STAGES = ['preflight', 'artifact', 'environment', 'server', 'benchmark', 'patch', 'any'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

export interface CategoryRow {
  stage: Stage;
  retryable: boolean;
  /** Who can make it pass: the dataset's curator, the infrastructure, the agent, nobody. */
  fixable: 'dataset' | 'infrastructure' | 'environment' | 'agent' | 'no' | 'retry';
  action: string;
}

export const CATEGORIES = {
  NO_PERF_COMMAND: {
    stage: 'preflight',
    retryable: false,
    fixable: 'dataset',
    action: 'Add a benchmark command to the dataset row.',
  },
  INVALID_COMMAND: {
    stage: 'preflight',
    retryable: false,
    fixable: 'dataset',
    action: 'Fix the command in the dataset (placeholders, brackets, scripts, paths, data files).',
  },
  WRONG_HARDWARE: {
    stage: 'preflight',
    retryable: false,
    fixable: 'no',
    action: 'Skip: the commit targets other hardware (ROCm, Neuron, TPU, CPU).',
  },
  INSUFFICIENT_GPUS: {
    stage: 'preflight',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Add a runner with enough GPUs (see the GPU-size breakdown) or raise --max-gpus.',
  },
  KNOWN_VERSION_BUG: {
    stage: 'preflight',
    retryable: false,
    fixable: 'dataset',
    action: 'Use the suggested workaround (e.g. the throughput benchmark) or skip.',
  },
  UNSUPPORTED_MODEL: {
    stage: 'preflight',
    retryable: false,
    fixable: 'dataset',
    action: 'Use a model the engine version supports, or record a substitution as a caveat.',
  },
  MISSING_ARTIFACT: {
    stage: 'artifact',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Build the artifact on a CPU runner (benchsweep build) before the GPU job.',
  },
  ARTIFACT_DOWNLOAD_FAILED: {
    stage: 'artifact',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Build from source instead of downloading.',
  },
  BUILD_FAILED: {
    stage: 'artifact',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Read the build log; apply the dependency recipe if one matches.',
  },
  BUILD_TIMEOUT: {
    stage: 'artifact',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Raise the build timeout or MAX_JOBS on a larger CPU runner.',
  },
  DEPENDENCY_CONFLICT: {
    stage: 'environment',
    retryable: false,
    fixable: 'environment',
    action: 'Apply the named fix recipe to every variant and record it as a caveat.',
  },
  BROKEN_BUILD: {
    stage: 'environment',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Rebuild the image: a module of the engine itself is missing.',
  },
  MODEL_ACCESS: {
    stage: 'server',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Provide an HF_TOKEN with access to the gated model.',
  },
  OOM: {
    stage: 'server',
    retryable: false,
    fixable: 'infrastructure',
    action: 'Use more GPUs or lower --gpu-memory-utilization / max model length.',
  },
  SERVER_CRASH: {
    stage: 'server',
    retryable: false,
    fixable: 'no',
    action: 'Read the traceback: an agent patch that crashes the server is an agent failure.',
  },
  SERVER_TIMEOUT: {
    stage: 'server',
    retryable: false,
    fixable: 'infrastructure',
    action: 'The server never became ready: raise the readiness timeout or check the log.',
  },
  PORT_BIND: { stage: 'server', retryable: true, fixable: 'retry', action: 'Retried on a fresh port.' },
  BENCHMARK_FAILED: {
    stage: 'benchmark',
    retryable: false,
    fixable: 'dataset',
    action: 'The benchmark client failed: read its log.',
  },
  BENCHMARK_TIMEOUT: {
    stage: 'benchmark',
    retryable: false,
    fixable: 'dataset',
    action: 'Reduce the workload (prompts, rate, lengths) or raise the timeout.',
  },
  NO_METRICS: {
    stage: 'benchmark',
    retryable: false,
    fixable: 'dataset',
    action: 'The benchmark ran but printed no result block: read its log.',
  },
  PATCH_FAILED: {
    stage: 'patch',
    retryable: false,
    fixable: 'agent',
    action: 'The agent patch does not apply to the parent commit.',
  },
  PATCH_REJECTED: {
    stage: 'patch',
    retryable: false,
    fixable: 'agent',
    action: 'The agent patch touches the benchmark or its inputs.',
  },
  TRANSIENT_INFRA: { stage: 'any', retryable: true, fixable: 'retry', action: 'Retried with backoff.' },
} as const satisfies Record<string, CategoryRow>;

export type Category = keyof typeof CATEGORIES;
export const Category = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]);

export function categoryInfo(category: Category): CategoryRow {
  return CATEGORIES[category];
}
