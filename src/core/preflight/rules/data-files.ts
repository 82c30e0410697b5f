/**
 * Data files a benchmark reads that a fresh runner does not have. A command names them by path
 * (`--dataset-path ShareGPT_V3_unfiltered_cleaned_split.json`) or implies them by dataset name
 * (`--dataset-name sharegpt` without a path, or benchmark_serving.py's default dataset, which is
 * ShareGPT with no default path: the script fails at once without a file). The sweep config's
 * `dataFiles` maps such names to files the runners do have.
 */
import type { BenchmarkKind } from '../../schemas.js';

export interface DatasetFileRow {
  /** The `--dataset-name` value that needs a file. */
  datasetName: string;
  /** The file the benchmarks' docs download for it. */
  defaultFile: string;
  /** A config `dataFiles` name that provides it. */
  provides: RegExp;
  source: string;
}

export const DATASET_FILES: DatasetFileRow[] = [
  {
    datasetName: 'sharegpt',
    defaultFile: 'ShareGPT_V3_unfiltered_cleaned_split.json',
    provides: /sharegpt/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
  {
    datasetName: 'burstgpt',
    defaultFile: 'BurstGPT_without_fails_2.csv',
    provides: /burstgpt/i,
    source: 'seeds/000_cc6954765d4c8c41.txt',
  },
];

/**
 * The dataset a serving benchmark uses when the command names none. benchmark_serving.py defaults
 * to ShareGPT (its `--dataset-path` has no default; before v0.4 `--dataset` was required); the
 * `vllm bench serve` CLI defaults to the random dataset (299ebb62 ran to its timeout with it).
 */
export function defaultDatasetName(kind: BenchmarkKind | undefined, viaCli: boolean): string | undefined {
  if (kind !== 'serving') return undefined;
  return viaCli ? 'random' : 'sharegpt';
}

/** Flags that name a file the benchmark reads (not one it writes: --result-filename, --output-json). */
export function isInputFileFlag(flag: string): boolean {
  const f = flag.replace(/^-+/, '').replace(/_/g, '-').toLowerCase();
  return /dataset|input|prompt|trace|data/.test(f) && !/output|result|save|log|dir/.test(f);
}

/** Extensions of words that are data files. */
export const DATA_FILE_EXT = /\.(json|jsonl|csv|parquet|arrow|tsv)$/i;

/** Data files that ship inside the engine's repository (present in every checkout). */
export const REPO_DATA_FILES = /(^|\/)benchmarks\/sonnet\.txt$/;
