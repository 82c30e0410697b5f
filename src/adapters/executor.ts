/**
 * What the sample runner needs from a place that runs processes (a Docker engine or this host):
 * start a long-running server whose output goes whole into a log file and whose exit is reported,
 * run a one-shot command (the benchmark) with a timeout, copy its result file out, and tear
 * everything down — also when the job is cancelled (AbortSignal) or the runner gets SIGTERM.
 */
import { execa } from 'execa';

/** Where processes run: in containers of an engine image, or on this host (a checkout or venv). */
export type ExecutorKind = 'docker' | 'host';

export interface ProcessSpec {
  argv: string[];
  /** Environment for this process (on top of the executor's own). Values never appear in logs or argv. */
  env?: Record<string, string>;
  /** Whole stdout+stderr, in order, appended to this file. */
  logFile: string;
}

export interface ProcessExit {
  exitCode: number | null;
  /** Signal name when killed by a signal (host), or 'OOMKilled' (docker). */
  signal?: string;
  /** Epoch milliseconds at which the process ended (docker: the container's FinishedAt). */
  at: number;
  /** Set when the end was not the process's: the executor lost it (the Docker engine went away). */
  infra?: string;
}

export interface ServerProcess {
  /** Resolves once, when the process (container) ends, whatever the reason. */
  readonly exited: Promise<ProcessExit>;
  exitedAlready(): ProcessExit | undefined;
  /** Waits (at most `maxMs`) until everything the process printed is in the log file. */
  flushLogs(maxMs?: number): Promise<void>;
  /** Stops it and releases everything it held (container, process group). Idempotent. */
  stop(): Promise<void>;
}

export interface OneShotSpec extends ProcessSpec {
  timeoutS: number;
  signal?: AbortSignal;
  /** Stop the command early when this promise resolves (the server died under it). */
  stopWhen?: Promise<unknown>;
  /** Grace period after `stopWhen` resolves before the command is killed (default 500 ms). */
  stopGraceMs?: number;
  /** Files the command writes (relative to the working directory or absolute), copied out after it ends. */
  collect?: string[];
  /** Where collected files are copied (file name kept). */
  collectDir?: string;
  /** docker: run this command from another image than the executor's (the serving client of `client_from`, issue 10). */
  image?: string;
}

export interface OneShotResult {
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** Killed because `stopWhen` resolved. */
  stopped: boolean;
  durationS: number;
  /** Epoch ms at which the command ended. */
  endedAt: number;
  /** collect path → local copy (absent when the command did not write it). */
  files: Record<string, string>;
  /** Set when the command's end says nothing about the command: the executor lost it (the Docker engine went away). */
  infra?: string;
}

export interface Executor {
  readonly kind: ExecutorKind;
  startServer(spec: ProcessSpec & { signal?: AbortSignal }): Promise<ServerProcess>;
  runOnce(spec: OneShotSpec): Promise<OneShotResult>;
  /** Releases whatever is left (containers, process groups), then waits for GPU memory where it can. Idempotent. */
  close(): Promise<void>;
}

/** Settings both executors take from the sample spec. */
export interface ExecutorSettings {
  /** docker: the image. host: unused. */
  image?: string;
  /** docker: the working directory in the container; host: the engine checkout (cwd, and PYTHONPATH). */
  workdir?: string;
  gpus?: number[];
  /** Environment for every process; secrets among them are redacted wherever anything is logged. */
  env?: Record<string, string>;
  volumes?: Array<{ host: string; container: string; readOnly?: boolean }>;
  shmSize?: string;
  /** Diagnostics of the executor itself (never a secret value). */
  log?: (line: string) => void;
  /** Seconds to wait for GPU memory to be released after teardown (nvidia-smi only; default 60). */
  gpuReleaseTimeoutS?: number;
}

// ---- teardown on SIGTERM / SIGINT ------------------------------------------------------------

const cleanups = new Set<() => Promise<void>>();
let handlersInstalled = false;
let terminating = false;

async function runCleanupsAndExit(signal: NodeJS.Signals): Promise<void> {
  const code = signal === 'SIGINT' ? 130 : 143;
  // A second signal while tearing down: stop waiting.
  if (terminating) process.exit(code);
  terminating = true;
  const all = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(all.map((c) => c()));
  process.exit(code);
}

/**
 * Registers a teardown to run if this process is told to stop (SIGTERM from a cancelled job,
 * SIGINT from a terminal). Returns the function that unregisters it (call it after a normal teardown).
 */
export function onTermination(cleanup: () => Promise<void>): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    // `on`, not `once`: a listener that stays registered keeps execa's signal-exit from re-raising the
    // signal (and killing this process) while the teardown is still running.
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.on(sig, () => void runCleanupsAndExit(sig));
    }
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

// ---- GPU memory release ----------------------------------------------------------------------

/** Parses `nvidia-smi --query-gpu=index,memory.used --format=csv,noheader,nounits`. */
export function parseGpuMemory(csv: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of csv.split('\n')) {
    const m = /^\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(line);
    if (m) out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}

/**
 * After a server is torn down its GPU memory can take seconds to be freed; the next sample must not
 * start on a GPU that is still full. Polls nvidia-smi until every given GPU uses at most
 * `maxUsedMiB`. Returns 'released', 'timeout', or 'skipped' where nvidia-smi is absent.
 */
export async function waitGpuMemoryReleased(
  gpus: number[],
  opts: { timeoutS?: number; maxUsedMiB?: number; pollMs?: number } = {},
): Promise<'released' | 'timeout' | 'skipped'> {
  if (gpus.length === 0) return 'skipped';
  const deadline = Date.now() + (opts.timeoutS ?? 60) * 1000;
  const maxUsed = opts.maxUsedMiB ?? 1024;
  for (;;) {
    const r = await execa('nvidia-smi', ['--query-gpu=index,memory.used', '--format=csv,noheader,nounits'], {
      reject: false,
    });
    if (r.failed && (r.exitCode === undefined || r.exitCode === 127 || /ENOENT/.test(String(r.message))))
      return 'skipped';
    if (r.exitCode !== 0) return 'skipped';
    const used = parseGpuMemory(r.stdout);
    if (gpus.every((g) => (used.get(g) ?? 0) <= maxUsed)) return 'released';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((res) => setTimeout(res, opts.pollMs ?? 1000));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits for `promise` at most `ms`; true when it settled in time. The timer is cleared either way,
 * so a bounded wait never keeps the process alive after its work is done.
 */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a process of this host still runs (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
