/** A dataset row after validation: what every planner and runner works from. */
import { z } from 'zod';

/** ISO-Bench field names (DESIGN.md, data/README.md); unknown fields are kept and ignored. */
/**
 * A task id names folders (`<results>/<task>/...`), artifact tags and job names, and is printed in
 * the runner's log: it comes from a commit hash or is one safe path segment, nothing else.
 */
const TASK_ID = /^[A-Za-z0-9._-]{1,64}$/;
const COMMIT_HASH = /^[0-9a-f]{7,40}$/i;

export function isSafeTaskId(id: string): boolean {
  return TASK_ID.test(id) && id !== '.' && id !== '..';
}

export const DatasetRow = z.looseObject({
  id: z
    .string()
    .regex(TASK_ID, 'an id of 1 to 64 letters, digits, ".", "_" or "-"')
    .refine((v) => v !== '.' && v !== '..', 'an id cannot be "." or ".."')
    .optional(),
  commit_hash: z.string().regex(COMMIT_HASH, 'a short or full hex commit hash'),
  parent_commit: z.string().regex(COMMIT_HASH, 'a short or full hex commit hash').nullish(),
  repo: z.string().nullish(),
  perf_command: z.string().nullish(),
  models: z.array(z.string()).nullish(),
  gpu_config: z.string().nullish(),
  files_changed: z.array(z.string()).nullish(),
  commit_subject: z.string().nullish(),
  pr_url: z.string().nullish(),
  benchmark_mode: z.string().nullish(),
  has_agent_patch: z.boolean().nullish(),
  patch_path: z.string().nullish(),
  vllm_release_approx: z.string().nullish(),
  vllm_era_approx: z.string().nullish(),
  commit_date: z.string().nullish(),
});
export type DatasetRow = z.infer<typeof DatasetRow>;

export interface Task {
  /** The first 8 characters of commit_hash unless the row has an `id`. */
  id: string;
  commit: string;
  parent?: string;
  repo: string;
  perfCommand?: string;
  models: string[];
  gpuConfig?: string;
  filesChanged?: string[];
  subject?: string;
  prUrl?: string;
  benchmarkMode?: string;
  hasAgentPatch?: boolean;
  patchPath?: string;
  /** Approximate engine version string from the row (e.g. "after v0.6.4, first release ~v0.6.5"). */
  engineVersionApprox?: string;
  commitDate?: string;
  /** Where the row came from, for error messages: file and 1-based line (or row) number. */
  origin: { file: string; line: number };
  /** Fields replaced by an override file (see applyOverrides), with where the value came from. */
  overrides?: Array<{ field: string; file: string; line: number; source?: string }>;
}
