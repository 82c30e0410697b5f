/**
 * The shape of a parsed `perf_command` (the dataset string is data: split into words, never given
 * to a shell). Implemented by src/core/dataset/perf-command.ts (`parsePerfCommand`).
 */
import type { BenchmarkKind } from '../schemas.js';

/** What a single command line is. */
export type CommandRole = 'benchmark' | 'server' | 'other';

export interface BenchCommand {
  /** The words of this command, exactly as split (quotes removed), environment prefix excluded. */
  argv: string[];
  /** Leading `NAME=value` words (e.g. VLLM_USE_V1=1). */
  env: Record<string, string>;
  role: CommandRole;
  /** The script run by python (`benchmarks/benchmark_serving.py`), when the command runs one. */
  script?: string;
  /** `vllm bench serve` → 'serve', etc. */
  cliSubcommand?: string;
  /** serving | throughput | latency; 'prefix_caching' and other scripts have none. */
  kind?: BenchmarkKind;
  /** Every `--flag value` / `--flag` / `-tp 4` after the script, in order (flag names as written). */
  options: Array<{ flag: string; value?: string }>;
  /** Words that are not options (positional arguments after the script). */
  positionals: string[];
  /** The program run (`python3`, `vllm`, `rm` ...), after the environment prefix. */
  program?: string;
  /** `python -m MODULE`: the module. */
  module?: string;
  /** Redirections (`> out.log`, `2>&1`): shell plumbing that the runner does not reproduce. */
  redirects?: string[];
}

export interface ParsedPerfCommand {
  raw: string;
  commands: BenchCommand[];
  /** The command that produces the benchmark result (the client, or the offline benchmark). */
  benchmark?: BenchCommand;
  /** An explicit server line (`vllm serve`, `python -m vllm.entrypoints.openai.api_server`). */
  server?: BenchCommand;
  kind?: BenchmarkKind;
  model?: string;
  tokenizer?: string;
  tensorParallel: number;
  datasetName?: string;
  datasetPath?: string;
  inputLen?: number;
  outputLen?: number;
  numPrompts?: number;
  requestRate?: string;
  dtype?: string;
  quantization?: string;
  loadFormat?: string;
  /** Whether a tensor-parallel flag was written (otherwise `tensorParallel` is the default 1). */
  tensorParallelExplicit?: boolean;
  /** `--pipeline-parallel-size` / `-pp` (default 1); GPUs needed are tp × pp. */
  pipelineParallel?: number;
  batchSize?: number;
  speculativeModel?: string;
  /** Problems found while splitting (unbalanced quotes, shell constructs that are not data). */
  errors: string[];
}
