import { rowToTask } from '../../src/core/dataset/dataset.js';
import type { PreflightOptions, PreflightResult } from '../../src/core/preflight/preflight.js';
import { preflightTask } from '../../src/core/preflight/preflight.js';
import { DatasetRow, type Task } from '../../src/core/task.js';

/** A task built from a dataset row the way the loader builds it (zod-validated). */
export function task(row: Partial<Record<string, unknown>>): Task {
  const parsed = DatasetRow.parse({
    commit_hash: 'abcdef0123456789abcdef0123456789abcdef01',
    parent_commit: '0123456789abcdef0123456789abcdef01234567',
    repo: 'vllm-project/vllm',
    gpu_config: 'H100:1',
    commit_subject: '[Core] Make something faster (#1)',
    files_changed: ['vllm/engine/llm_engine.py'],
    vllm_release_approx: 'after v0.8.4, first release ~v0.8.5',
    ...row,
  });
  return rowToTask(parsed, { file: 'inline', line: 1 });
}

export const H100x8: PreflightOptions = {
  maxGpus: 8,
  gpuMemoryGiB: 80,
  dataFiles: ['ShareGPT_V3_unfiltered_cleaned_split.json'],
};

export function pre(row: Partial<Record<string, unknown>>, opts: Partial<PreflightOptions> = {}): PreflightResult {
  return preflightTask(task(row), { ...H100x8, ...opts });
}

/** The findings of one rule. */
export function byRule(r: PreflightResult, rule: string) {
  return r.findings.filter((f) => f.rule === rule);
}
