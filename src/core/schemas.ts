/** Shared record shapes of DESIGN.md's contracts. Parse at the boundary with these; trust inside. */
import { z } from 'zod';
import { Category } from './taxonomy.js';

export const VARIANTS = ['baseline', 'human', 'agent'] as const;
export const Variant = z.enum(VARIANTS);
export type Variant = z.infer<typeof Variant>;

export const BENCHMARK_KINDS = ['serving', 'throughput', 'latency'] as const;
export const BenchmarkKind = z.enum(BENCHMARK_KINDS);
export type BenchmarkKind = z.infer<typeof BenchmarkKind>;

export const Metrics = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof Metrics>;

export const ArtifactSource = z.enum(['cache', 'registry', 'wheel', 'overlay', 'build']);
export type ArtifactSource = z.infer<typeof ArtifactSource>;

export const RESULT_SCHEMA = 'benchsweep/result@1';

export const ResultRecord = z.looseObject({
  schema: z.literal(RESULT_SCHEMA).optional(),
  task: z.string().min(1),
  variant: Variant,
  attempt: z.number().int().positive().default(1),
  status: z.enum(['success', 'failed', 'skipped']),
  kind: BenchmarkKind.optional(),
  category: Category.optional(),
  metrics: Metrics.default({}),
  samples: z.array(Metrics).default([]),
  log: z.string().optional(),
  caveats: z.array(z.string()).default([]),
  artifact: z.object({ source: ArtifactSource, ref: z.string().optional(), from: z.string().optional() }).optional(),
  evidence: z.string().optional(),
  gpus: z.number().int().positive().optional(),
  primary_metric: z.string().optional(),
  /** Seconds from the fault (process exit, timeout) to its classification. */
  classified_after_s: z.number().optional(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
});
export type ResultRecord = z.infer<typeof ResultRecord>;
