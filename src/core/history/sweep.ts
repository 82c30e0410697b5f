/**
 * One stored sweep of the history store (DESIGN.md, "Added in the second round": the history store): what a report said about each
 * task and variant (samples of the primary metric, the other metrics when the result records were
 * at hand, status, category, outcome), plus where it ran (commit, run, runner, engine).
 *
 * The id is a content hash of what was measured (the report's tasks and its timestamp), never of
 * where it was added from: the same report added twice, or by a retried job, is the same sweep.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { VARIANTS, type Metrics, type Variant } from '../schemas.js';

export const SWEEP_SCHEMA = 'benchsweep/sweep@1';

export const StoredVariant = z.looseObject({
  status: z.string(),
  /** Median of `samples` (the report's value); null unless success. */
  value: z.number().nullable(),
  samples: z.array(z.number()).default([]),
  category: z.string().optional(),
  /** Every metric of the variant's latest record (medians), when `history add --results` had them. */
  metrics: z.record(z.string(), z.number()).optional(),
});
export type StoredVariant = z.infer<typeof StoredVariant>;

export const StoredTask = z.looseObject({
  task: z.string().min(1),
  kind: z.string().optional(),
  model: z.string().optional(),
  gpus: z.number().optional(),
  primary_metric: z.string(),
  higher_is_better: z.boolean(),
  outcome: z.string(),
  reason: z.string().optional(),
  captured_share: z.number().nullable().default(null),
  variants: z.record(z.string(), StoredVariant),
});
export type StoredTask = z.infer<typeof StoredTask>;

const SweepSource = z.looseObject({
  commit: z.string().optional(),
  ref: z.string().optional(),
  repository: z.string().optional(),
  workflow: z.string().optional(),
  event: z.string().optional(),
  run_id: z.string().optional(),
  run_attempt: z.string().optional(),
  run_url: z.string().optional(),
  runner: z
    .looseObject({ name: z.string().optional(), os: z.string().optional(), arch: z.string().optional() })
    .optional(),
  engine: z.looseObject({ repo: z.string().optional(), version: z.string().optional() }).optional(),
});
export type SweepSource = z.infer<typeof SweepSource>;

export const StoredSweep = z.looseObject({
  schema: z.literal(SWEEP_SCHEMA),
  id: z.string().min(1),
  added_at: z.string(),
  label: z.string().optional(),
  report_generated_at: z.string().optional(),
  threshold: z.number().optional(),
  source: SweepSource.default({}),
  tasks: z.array(StoredTask),
});
export type StoredSweep = z.infer<typeof StoredSweep>;

/** The part of a report JSON a sweep is made of (the report command's document; extra keys ignored). */
export const ReportInput = z.looseObject({
  generated_at: z.string().optional(),
  threshold: z.number().optional(),
  tasks: z.array(
    z.looseObject({
      task: z.string().min(1),
      kind: z.string().optional(),
      model: z.string().optional(),
      gpus: z.number().optional(),
      primary_metric: z.string(),
      higher_is_better: z.boolean().optional(),
      outcome: z.string(),
      reason: z.string().optional(),
      captured_share: z.number().nullable().optional(),
      variants: z.record(
        z.string(),
        z.looseObject({
          status: z.string(),
          value: z.number().nullable().optional(),
          samples: z.array(z.number()).optional(),
          category: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type ReportInput = z.infer<typeof ReportInput>;

/** What a sweep reads from a report: the parsed JSON (ReportInput) or a Report built in memory. */
export interface ReportLike {
  generated_at?: string | undefined;
  threshold?: number | undefined;
  tasks: ReadonlyArray<{
    task: string;
    kind?: string | undefined;
    model?: string | undefined;
    gpus?: number | undefined;
    primary_metric: string;
    higher_is_better?: boolean | undefined;
    outcome: string;
    reason?: string | undefined;
    captured_share?: number | null | undefined;
    variants: Partial<
      Record<
        string,
        {
          status: string;
          value?: number | null | undefined;
          samples?: number[] | undefined;
          category?: string | undefined;
        }
      >
    >;
  }>;
}

export interface SweepInput {
  report: ReportLike;
  addedAt: string;
  label?: string;
  source?: SweepSource;
  /** Latest metrics per task and variant, from the result records. */
  metrics?: Map<string, Partial<Record<Variant, Metrics>>>;
}

/** JSON with object keys sorted: the same content always hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

function sweepId(tasks: readonly StoredTask[], reportGeneratedAt: string | undefined): string {
  return createHash('sha256')
    .update(canonicalJson({ report_generated_at: reportGeneratedAt ?? null, tasks }))
    .digest('hex')
    .slice(0, 20);
}

function higherIsBetterDefault(metric: string): boolean {
  return !/latency|_ms$|ttft|tpot|itl|e2el|duration/.test(metric);
}

export function sweepFromReport(input: SweepInput): StoredSweep {
  const tasks: StoredTask[] = [...input.report.tasks]
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0))
    .map((t) => {
      const variants: Record<string, StoredVariant> = {};
      for (const v of VARIANTS) {
        const r = t.variants[v];
        if (!r) continue;
        const stored: StoredVariant = {
          status: r.status,
          value: r.value ?? null,
          samples: r.samples ?? (typeof r.value === 'number' ? [r.value] : []),
        };
        if (r.category) stored.category = r.category;
        const metrics = input.metrics?.get(t.task)?.[v];
        if (metrics && Object.keys(metrics).length > 0) stored.metrics = metrics;
        variants[v] = stored;
      }
      const task: StoredTask = {
        task: t.task,
        primary_metric: t.primary_metric,
        higher_is_better: t.higher_is_better ?? higherIsBetterDefault(t.primary_metric),
        outcome: t.outcome,
        captured_share: t.captured_share ?? null,
        variants,
      };
      if (t.kind) task.kind = t.kind;
      if (t.model) task.model = t.model;
      if (t.gpus !== undefined) task.gpus = t.gpus;
      if (t.reason) task.reason = t.reason;
      return task;
    });
  const sweep: StoredSweep = {
    schema: SWEEP_SCHEMA,
    id: sweepId(tasks, input.report.generated_at),
    added_at: input.addedAt,
    source: input.source ?? {},
    tasks,
  };
  if (input.label) sweep.label = input.label;
  if (input.report.generated_at) sweep.report_generated_at = input.report.generated_at;
  if (input.report.threshold !== undefined) sweep.threshold = input.report.threshold;
  return sweep;
}

/** Where a sweep ran, from the GitHub Actions environment (absent keys stay absent). */
export function sourceFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: { commit?: string; engineRepo?: string } = {},
): SweepSource {
  const source: SweepSource = {};
  const set = (
    key: 'commit' | 'ref' | 'repository' | 'workflow' | 'event' | 'run_id' | 'run_attempt' | 'run_url',
    value: string | undefined,
  ) => {
    if (value) source[key] = value;
  };
  set('commit', overrides.commit ?? env['GITHUB_SHA']);
  set('ref', env['GITHUB_REF_NAME'] ?? env['GITHUB_REF']);
  set('repository', env['GITHUB_REPOSITORY']);
  set('workflow', env['GITHUB_WORKFLOW']);
  set('event', env['GITHUB_EVENT_NAME']);
  set('run_id', env['GITHUB_RUN_ID']);
  set('run_attempt', env['GITHUB_RUN_ATTEMPT']);
  if (env['GITHUB_RUN_ID'] && env['GITHUB_REPOSITORY']) {
    set(
      'run_url',
      `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`,
    );
  }
  const runner = { name: env['RUNNER_NAME'], os: env['RUNNER_OS'], arch: env['RUNNER_ARCH'] };
  const definedRunner = Object.fromEntries(Object.entries(runner).filter(([, v]) => v));
  if (Object.keys(definedRunner).length > 0) source.runner = definedRunner;
  const engineRepo = overrides.engineRepo ?? env['BENCHSWEEP_ENGINE_REPO'] ?? env['ENGINE_REPO'];
  if (engineRepo) source.engine = { repo: engineRepo };
  return source;
}
