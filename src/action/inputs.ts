/**
 * The action's validated inputs (src/core/github/action-inputs.ts) mapped onto the options the CLI
 * commands take, so that a step and a terminal run the same code with the same settings.
 */
import type { PlanOptions } from '../commands/plan.js';
import type { BuildOptions } from '../commands/build.js';
import type { RunOptions } from '../commands/run.js';
import type { ReportOptions } from '../commands/report.js';
import { ActionInputError, type ActionInputs } from '../core/github/action-inputs.js';

type Env = Record<string, string | undefined>;

type StringInput = 'dataset' | 'repo' | 'results';
function required(inputs: ActionInputs, name: StringInput): string {
  const value = inputs[name];
  if (!value) throw new ActionInputError(`input ${name} is required for command ${inputs.command}`);
  return value;
}

/** Adds `key: value` only when the value is defined (options use optional fields, not undefined). */
function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export function planOptions(inputs: ActionInputs): PlanOptions {
  const sizes = inputs['gpu-sizes'];
  return {
    dataset: required(inputs, 'dataset'),
    ...opt('only', inputs.only),
    ...opt('maxGpus', inputs['max-gpus'] ?? (sizes?.length ? Math.max(...sizes) : undefined)),
    ...opt('gpuSizes', sizes?.length ? sizes : undefined),
    ...opt('artifacts', inputs.artifacts),
    ...opt('config', inputs.config),
    ...opt('pool', inputs.pool),
  };
}

/** Where images and wheels live between jobs on a self-hosted runner when no cache-dir is given. */
export function defaultCacheDir(env: Env): string {
  const base = env.RUNNER_TOOL_CACHE || (env.HOME ? `${env.HOME}/.cache` : '/tmp');
  return `${base.replace(/\/+$/, '')}/benchsweep`;
}

export function buildOptions(inputs: ActionInputs, env: Env): BuildOptions {
  return {
    dataset: required(inputs, 'dataset'),
    ...opt('only', inputs.only),
    repo: required(inputs, 'repo'),
    cacheDir: inputs['cache-dir'] ?? defaultCacheDir(env),
    ...opt('artifacts', inputs.artifacts),
    ...opt('artifactConfig', inputs['artifact-config']),
    ...opt('engine', inputs.engine),
    ...opt('push', inputs.push),
  };
}

export function runOptions(inputs: ActionInputs, env: Env): RunOptions {
  return {
    dataset: required(inputs, 'dataset'),
    ...opt('only', inputs.only),
    results: inputs.results ?? 'benchsweep-results',
    ...opt('repo', inputs.repo),
    executor: inputs.executor ?? 'docker',
    ...opt('repeats', inputs.repeats),
    ...opt('warmup', inputs.warmup),
    ...opt('variants', inputs.variants),
    cache: inputs['cache-dir'] ?? defaultCacheDir(env),
    ...opt('engine', inputs.engine),
    ...opt('artifactConfig', inputs['artifact-config']),
    ...opt('artifacts', inputs.artifacts),
    ...opt('config', inputs.config),
  };
}

export function reportOptions(inputs: ActionInputs): ReportOptions {
  return {
    results: inputs.results ?? 'benchsweep-results',
    ...opt('format', inputs.format),
    ...opt('out', inputs.out),
  };
}
