/**
 * The types of the static preflight, apart from preflight.ts so that the rule table
 * (rules/preflight-rules.ts) can read the context without importing the module that imports it.
 */
import type { EngineVersion } from './engine-version.js';
import type { ParsedPerfCommand } from '../dataset/perf-command-types.js';
import type { ModelSize } from './rules/model-sizes.js';
import type { BenchmarkKind } from '../schemas.js';
import type { Category } from '../taxonomy.js';
import type { Task } from '../task.js';
import type { ArgvNote, ArgvResult, TaskArgv } from '../argv/variant-argv.js';
import type { EngineParsers } from '../argv/engine-parsers.js';
import type { Variant } from '../schemas.js';

export interface PreflightOptions {
  /** The largest runner's GPU count. */
  maxGpus: number;
  /** Memory of one GPU (GiB). */
  gpuMemoryGiB: number;
  /** Data file names (as commands name them) that the runners provide (config `dataFiles`). */
  dataFiles?: string[];
  /** Where the runners have each of them (config `dataFiles`: name → path), for the argv. */
  dataFilePaths?: Record<string, string>;
  /** When a checkout of the task's commit is given: does this repository path exist there? */
  scriptExists?: (path: string) => boolean;
  /** The engine's real version (e.g. "0.6.4.post2.dev375"), overriding the row's approximation. */
  engineVersion?: string;
  /** The parent's real version (read from the tree), for the rules that the baseline's engine decides too. */
  parentEngineVersion?: string;
  /**
   * The engine's parsers at a commit (read from git with `plan --repo`, or the runner's checkout).
   * Absent: vLLM rows use the release table (rules/vllm-flags.ts); other engines route by name.
   */
  parsers?: (commit: string) => EngineParsers | undefined;
  /** The variants to build argv for (default all three). */
  variants?: readonly Variant[];
}

export interface Finding {
  rule: string;
  category: Category;
  reason: string;
  /** The seed file or vLLM issue the rule comes from. */
  source: string;
  /** A blocking finding makes the task not runnable; the others are warnings kept in the plan. */
  blocking: boolean;
  suggestion?: string;
}

export interface DataFileNeed {
  /** The file as the command names it, or the default file of the dataset it implies. */
  file: string;
  /** The flag that names it (absent when implied by the dataset name or the script's default). */
  flag?: string;
  datasetName?: string;
  implicit: boolean;
  /** The config `dataFiles` name that provides it, when one does. */
  providedBy?: string;
  /**
   * For an implied file: the flag the runner passes it with (`--dataset` before vLLM 0.4, whose
   * benchmark_serving.py required it; `--dataset-path` since).
   */
  passAs?: string;
}

export interface GpuSizing {
  /** tensor-parallel × pipeline-parallel of the command (1 when it sets none). */
  parallel: number;
  /** GPUs from the row's gpu_config ("H100:4" → 4; ISO-Bench writes "H100:1" everywhere). */
  gpuConfig: number;
  size?: ModelSize;
  bytesPerParam: number;
  /** Where bytesPerParam came from: 'quantization', 'checkpoint', 'dtype' or 'default'. */
  bytesFrom: string;
  weightsGiB?: number;
  /** Weights × headroom. */
  needGiB?: number;
  memoryGpus?: number;
  /** max(parallel, memoryGpus, gpuConfig) rounded up to a runner size (1, 2, 4, 8, 16 ...). */
  gpus: number;
}

export interface PreflightContext {
  task: Task;
  opts: PreflightOptions;
  parsed?: ParsedPerfCommand;
  engine?: EngineVersion;
  kind?: BenchmarkKind;
  /** The model the benchmark loads. */
  model?: string;
  /** True when the command names no model and the script's default is used. */
  modelIsDefault: boolean;
  sizing: GpuSizing;
  dataNeeds: DataFileNeed[];
  /** The parent's engine version, when known. */
  parentEngine?: EngineVersion;
  /** Each variant's argv, routed by the engine's parsers (or why it cannot be built). */
  argv?: ArgvResult;
}

export interface PreflightResult {
  runnable: boolean;
  category?: Category;
  reason?: string;
  findings: Finding[];
  gpus: number;
  kind?: BenchmarkKind;
  model?: string;
  parsed?: ParsedPerfCommand;
  /** The version text the checks used (the option's, else the row's approximation). */
  engineVersion?: string;
  suggestion?: string;
  /** Size of the weights (GiB), for estimates of load time. */
  weightsGiB?: number;
  /** Data files the benchmark reads, and which config entry provides each. */
  dataFiles?: DataFileNeed[];
  /** Runnable tasks: exactly what each variant executes. */
  argv?: TaskArgv;
  /** The parent's version text the checks used. */
  parentEngineVersion?: string;
  argvNotes?: ArgvNote[];
}
