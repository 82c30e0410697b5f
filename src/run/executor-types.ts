/**
 * The contract between the sweep orchestrator (src/run/sweep.ts) and the executors that run one
 * benchmark sample (src/run/run-sample.ts over src/adapters/executor-docker.ts / executor-host.ts).
 */
import type { BenchmarkKind, Metrics } from '../core/schemas.js';
import type { Category } from '../core/taxonomy.js';

import type { ExecutorKind } from '../adapters/executor.js';

export type { ExecutorKind };

export interface SampleSpec {
  executor: ExecutorKind;
  /** docker: the image to run (server and client both run in it). host: unused. */
  image?: string;
  /** host: working directory (the engine checkout / venv root). docker: the working dir inside the container. */
  workdir?: string;
  /** Server argv (serving benchmarks); absent for throughput/latency, which run as one process. */
  server?: { argv: string[]; env?: Record<string, string> };
  /**
   * Benchmark argv. For serving, `--host`/`--port` (or `--base-url`) are injected by the runner;
   * the argv here carries none.
   */
  client: { argv: string[]; env?: Record<string, string> };
  /** docker: the image the serving client runs from when it is not `image` (the tree of the plan's `client_from`). */
  clientImage?: string;
  kind?: BenchmarkKind;
  /** Directory where whole logs are written: server.log, client.log (never truncated). */
  logDir: string;
  /** GPU indices to expose (docker: --gpus device=0,1; host: CUDA_VISIBLE_DEVICES). Empty: none (CPU demo). */
  gpus?: number[];
  /** Extra environment passed through to server and client; secrets among them are redacted in logs. */
  env?: Record<string, string>;
  /** Volumes (docker): host path → container path. */
  volumes?: Array<{ host: string; container: string; readOnly?: boolean }>;
  shmSize?: string;
  timeouts: { readyS: number; benchmarkS: number };
  /** Serving: the port to use instead of a free one the runner picks (tests of a taken port). */
  port?: number;
  /** Signal to abort (job cancellation); the runner tears everything down. */
  signal?: AbortSignal;
}

export interface SampleOutcome {
  ok: boolean;
  kind?: BenchmarkKind;
  metrics?: Metrics;
  category?: Category;
  /** The log lines that prove the category. */
  evidence?: string;
  fix?: string;
  logs: { server?: string; client: string };
  /** Seconds from the fault (exit, timeout) to the classification. */
  classifiedAfterS?: number;
  /** Seconds until the server answered /health and /v1/models. */
  readyAfterS?: number;
  durationS: number;
  /** Serving: the port the server was given. */
  port?: number;
  /** Exit status of the process that failed (server or benchmark). */
  exitCode?: number;
  /** Cancelled through spec.signal (the category is then TRANSIENT_INFRA). */
  aborted?: boolean;
  /** The benchmark's JSON result file, copied next to the logs. */
  resultFile?: string;
  /** Where the metrics came from: the JSON result file or the printed block. */
  metricsSource?: 'json' | 'log' | 'none';
  /** A success that measured less than asked (some requests failed): worth a caveat on the record. */
  warnings?: string[];
}
