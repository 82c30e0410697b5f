/**
 * The action's inputs as data: read from an env-like record the way the runner passes them
 * (`INPUT_<NAME>`: the name upper-cased, spaces → underscores, dashes kept), validated with zod,
 * and mapped to each command's options. Pure: the entry (src/action.ts) hands in `process.env`.
 */
import { z } from 'zod';
import type { PlanOptions } from '../commands/plan.js';
import type { BuildOptions } from '../commands/build.js';
import type { RunOptions } from '../commands/run.js';
import type { ReportOptions } from '../commands/report.js';
import { VARIANTS } from './schemas.js';

export const COMMANDS = ['plan', 'build', 'run', 'report'] as const;
export type ActionCommand = (typeof COMMANDS)[number];

/** Every input action.yml declares (keep the two in step: test/action/action-yml.test.ts checks). */
export const INPUT_NAMES = [
  'command',
  'dataset',
  'only',
  'max-gpus',
  'gpu-sizes',
  'artifacts',
  'config',
  'artifact-config',
  'engine',
  'pool',
  'shard',
  'results',
  'repo',
  'executor',
  'repeats',
  'warmup',
  'variants',
  'cache-dir',
  'format',
  'out',
  'github-token',
  'comment',
  'check',
  'pr-number',
  'head-sha',
  'pr-gate',
  'gate-label',
  'changed-files',
  'base-dataset',
  'rerun-from',
  'previous-results',
  'push',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** The runner's environment name for an input (what @actions/core's getInput reads). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Known inputs present (non-blank) in `env`, trimmed as getInput trims them. */
export function rawInputsFromEnv(env: Record<string, string | undefined>): Partial<Record<InputName, string>> {
  const raw: Partial<Record<InputName, string>> = {};
  for (const name of INPUT_NAMES) {
    const value = env[inputEnvName(name)]?.trim();
    if (value) raw[name] = value;
  }
  return raw;
}

/** Comma- or newline-separated list, blanks dropped. */
const List = z.string().transform((s) => s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean));
const PositiveInt = z
  .string()
  .regex(/^\d+$/, 'expected a positive integer')
  .transform(Number)
  .pipe(z.number().int().positive());
const NonNegativeInt = z.string().regex(/^\d+$/, 'expected a non-negative integer').transform(Number);
/** getBooleanInput's YAML 1.2 core-schema booleans, nothing else. */
const Bool = z
  .enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], { message: 'expected true or false' })
  .transform((s) => s.toLowerCase() === 'true');
const Variants = List.pipe(z.array(z.enum(VARIANTS, { message: `expected variants among ${VARIANTS.join(', ')}` })));

export const ActionInputs = z.object({
  command: z.enum(COMMANDS, { message: `expected one of ${COMMANDS.join(', ')}` }),
  dataset: z.string().optional(),
  only: List.optional(),
  'max-gpus': PositiveInt.optional(),
  /** GPU counts of the runners the pool has, e.g. 1,2,4,8: the largest bounds the plan. */
  'gpu-sizes': List.pipe(z.array(z.string().regex(/^\d+$/, 'expected GPU counts like 1,2,4,8').transform(Number).pipe(z.number().int().positive()))).optional(),
  artifacts: z.string().optional(),
  config: z.string().optional(),
  /** The artifact config (toolchain, build limits, engine layout) of the build command. */
  'artifact-config': z.string().optional(),
  /** Engine preset: vLLM's layout or the demo engine's (default: from the dataset's repo). */
  engine: z.enum(['vllm', 'demo'], { message: 'expected vllm or demo' }).optional(),
  pool: z.string().optional(),
  /** Which shard of a plan larger than one matrix (256 jobs) the `matrix` output carries. */
  shard: NonNegativeInt.optional(),
  results: z.string().optional(),
  repo: z.string().optional(),
  executor: z.enum(['docker', 'host'], { message: 'expected docker or host' }).optional(),
  repeats: PositiveInt.optional(),
  /** One uncounted warm-up sample per variant. */
  warmup: Bool.optional(),
  variants: Variants.optional(),
  'cache-dir': z.string().optional(),
  format: z.enum(['md', 'json', 'html'], { message: 'expected md, json or html' }).optional(),
  out: z.string().optional(),
  'github-token': z.string().optional(),
  comment: Bool.default(false),
  check: Bool.default(false),
  /** The PR to comment on and the commit to check, when the event is not that PR's (workflow_run). */
  'pr-number': PositiveInt.optional(),
  'head-sha': z.string().regex(/^[0-9a-f]{40}$/i, 'expected a full commit sha').optional(),
  'pr-gate': Bool.default(false),
  'gate-label': z.string().default('safe-to-bench'),
  'changed-files': z.string().optional(),
  'base-dataset': z.string().optional(),
  'rerun-from': z.string().optional(),
  'previous-results': z.string().optional(),
  /** build: docker push every resolved image to its registry template (artifact-config `registry`). */
  push: Bool.optional(),
});
export type ActionInputs = z.output<typeof ActionInputs>;

export class ActionInputError extends Error {
  override name = 'ActionInputError';
}

export function parseActionInputs(raw: Partial<Record<InputName, string>>): ActionInputs {
  const parsed = ActionInputs.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? 'input');
    // Echo the value for usage errors, except the token (its value is a secret).
    const value = name === 'github-token' ? '' : raw[name as InputName] === undefined ? ' (missing)' : ` (got "${raw[name as InputName]}")`;
    return `input ${name}: ${i.message}${value}`;
  });
  throw new ActionInputError(lines.join('\n'));
}

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

// The action maps its inputs onto the same option types the CLI commands take (types only: no runtime import).
export type PlanInputOptions = Pick<PlanOptions, 'dataset' | 'only' | 'maxGpus' | 'artifacts' | 'config' | 'pool'>;
export type BuildInputOptions = Pick<BuildOptions, 'dataset' | 'only' | 'repo' | 'cacheDir' | 'artifacts' | 'artifactConfig' | 'engine' | 'push'>;
export type RunInputOptions = Pick<RunOptions, 'dataset' | 'only' | 'results' | 'repo' | 'repeats' | 'warmup' | 'variants' | 'engine' | 'artifactConfig' | 'artifacts'> &
  Required<Pick<RunOptions, 'executor' | 'cache'>>;
export type ReportInputOptions = Pick<ReportOptions, 'results' | 'format' | 'out'>;

export function planOptions(inputs: ActionInputs): PlanInputOptions {
  return {
    dataset: required(inputs, 'dataset'),
    ...opt('only', inputs.only),
    ...opt('maxGpus', inputs['max-gpus'] ?? (inputs['gpu-sizes']?.length ? Math.max(...inputs['gpu-sizes']) : undefined)),
    ...opt('artifacts', inputs.artifacts),
    ...opt('config', inputs.config),
    ...opt('pool', inputs.pool),
  };
}

/** Where images and wheels live between jobs on a self-hosted runner when no cache-dir is given. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  const base = env.RUNNER_TOOL_CACHE || (env.HOME ? `${env.HOME}/.cache` : '/tmp');
  return `${base.replace(/\/+$/, '')}/benchsweep`;
}

export function buildOptions(inputs: ActionInputs, env: Record<string, string | undefined>): BuildInputOptions {
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

export function runOptions(inputs: ActionInputs, env: Record<string, string | undefined>): RunInputOptions {
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
  };
}

export function reportOptions(inputs: ActionInputs): ReportInputOptions {
  return {
    results: inputs.results ?? 'benchsweep-results',
    ...opt('format', inputs.format),
    ...opt('out', inputs.out),
  };
}

export { DEMO_ENGINE_REPO, engineForRepos } from './engine-kind.js';
