/**
 * The action's inputs as data: read from an env-like record the way the runner passes them
 * (`INPUT_<NAME>`: the name upper-cased, spaces → underscores, dashes kept) and validated with zod.
 * Pure: the entry (src/action/main.ts) hands in `process.env`; src/action/inputs.ts maps the
 * result onto each command's options.
 */
import { z } from 'zod';
import { VARIANTS } from '../schemas.js';

/** plan | build | run | report share the CLI's commands; `state` finds the nightly's last state (action only). */
export const COMMANDS = ['plan', 'build', 'run', 'report', 'state'] as const;

/** Every input action.yml declares (keep the two in step: test/workflows/workflows.test.ts checks). */
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
  'comment-key',
  'build-logs',
  'state-workflow',
  'state-artifact',
  'report-artifact',
  'default-branch',
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
const List = z.string().transform((s) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean),
);
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
  'gpu-sizes': List.pipe(
    z.array(
      z.string().regex(/^\d+$/, 'expected GPU counts like 1,2,4,8').transform(Number).pipe(z.number().int().positive()),
    ),
  ).optional(),
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
  'head-sha': z
    .string()
    .regex(/^[0-9a-f]{40}$/i, 'expected a full commit sha')
    .optional(),
  'pr-gate': Bool.default(false),
  'gate-label': z.string().default('safe-to-bench'),
  'changed-files': z.string().optional(),
  'base-dataset': z.string().optional(),
  'rerun-from': z.string().optional(),
  'previous-results': z.string().optional(),
  /** build: docker push every resolved image to its registry template (artifact-config `registry`). */
  push: Bool.optional(),
  /** One sticky comment per key on a PR (e.g. one per workflow); the marker carries the key. */
  'comment-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 _ . : / -')
    .optional(),
  /** build: the folder that receives the whole log of every failed build (the workflow uploads it). */
  'build-logs': z.string().optional(),
  /** state: the workflow file whose last successful run holds the state (e.g. nightly.yml). */
  'state-workflow': z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\.ya?ml$/, 'expected a workflow file name like nightly.yml')
    .optional(),
  /** state: the artifact that run leaves for the next one. */
  'state-artifact': z.string().default('benchsweep-nightly-state'),
  /** state: the longer-lived report artifact to rebuild from when the state expired. */
  'report-artifact': z.string().default('benchsweep-nightly-report'),
  /** state: the branch whose runs count (default: the repository's default branch from the event). */
  'default-branch': z.string().optional(),
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
    const value =
      name === 'github-token'
        ? ''
        : raw[name as InputName] === undefined
          ? ' (missing)'
          : ` (got "${raw[name as InputName]}")`;
    return `input ${name}: ${i.message}${value}`;
  });
  throw new ActionInputError(lines.join('\n'));
}
