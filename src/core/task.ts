/** A dataset row after validation: what every planner and runner works from. */
import { z } from 'zod';

/** ISO-Bench field names (DESIGN.md, data/README.md); unknown fields are kept and ignored. */
export const DatasetRow = z.looseObject({
  id: z.string().min(1).optional(),
  commit_hash: z.string().regex(/^[0-9a-f]{7,40}$/i, 'a short or full hex commit hash'),
  parent_commit: z.string().regex(/^[0-9a-f]{7,40}$/i, 'a short or full hex commit hash').nullish(),
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
