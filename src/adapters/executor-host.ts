/**
 * The executor for processes on this machine: a runner that keeps vLLM in a virtual environment,
 * the tests without Docker, and GPU checks. Each process gets its own process group, so a teardown
 * kills everything it started (workers, compile helpers), never anything else.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import {
  onTermination,
  within,
  waitGpuMemoryReleased,
  type Executor,
  type ExecutorSettings,
  type OneShotResult,
  type OneShotSpec,
  type ProcessExit,
  type ProcessSpec,
  type ServerProcess,
} from './executor.js';
import { openRedactingLog } from './process-logs.js';
import { secretValues } from '../core/redact.js';
import { withoutDangerousEnv } from '../core/preflight/rules/env-allowlist.js';

const TERM_GRACE_MS = 3000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function groupAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, SIGKILL after a grace period (or at once when `hard`). */
async function stopGroup(pid: number | undefined, done: Promise<unknown>, hard = false): Promise<void> {
  if (!pid) return;
  killGroup(pid, hard ? 'SIGKILL' : 'SIGTERM');
  const exited = await within(done, hard ? 1000 : TERM_GRACE_MS);
  // Children of the leader may outlive it: the whole group goes.
  if (!exited || groupAlive(pid)) killGroup(pid, 'SIGKILL');
}

interface Started {
  pid: number | undefined;
  done: Promise<ProcessExit>;
}

export class HostExecutor implements Executor {
  readonly kind = 'host' as const;
  private readonly live = new Map<number, Promise<unknown>>();
  private unregister: (() => void) | undefined;
  private closed = false;

  constructor(private readonly settings: ExecutorSettings = {}) {}

  private env(extra: Record<string, string> | undefined): Record<string, string> {
    // A workload's assignments never choose the program, its libraries or its interpreter code
    // (PATH, LD_*, PYTHON* ...: rules/env-allowlist.ts); the runner's settings may.
    const { env: fromSpec, dropped } = withoutDangerousEnv(extra);
    if (dropped.length)
      this.settings.log?.(`environment not passed to the process (not allowed from a workload): ${dropped.join(', ')}`);
    const env: Record<string, string> = { PYTHONUNBUFFERED: '1', ...this.settings.env, ...fromSpec };
    const workdir = this.settings.workdir ? resolve(this.settings.workdir) : undefined;
    // The engine checkout is importable as it is (the demo's `demo_engine/`, vLLM's `vllm/` in a dev install).
    const pythonPath = [workdir, env.PYTHONPATH ?? process.env.PYTHONPATH].filter((p): p is string => !!p);
    if (pythonPath.length) env.PYTHONPATH = pythonPath.join(delimiter);
    if (this.settings.gpus && this.settings.gpus.length > 0) env.CUDA_VISIBLE_DEVICES = this.settings.gpus.join(',');
    return env;
  }

  private async spawn(spec: ProcessSpec): Promise<Started> {
    if (this.closed) throw new Error('executor closed');
    const [file, ...args] = spec.argv;
    if (!file) throw new Error('empty argv');
    const env = this.env(spec.env);
    // Output goes through a redacting writer into the file (process-logs.ts): no secret is ever on disk raw.
    const log = await openRedactingLog(spec.logFile, secretValues({ ...process.env, ...env }));
    const child = execa(file, args, {
      cwd: this.settings.workdir ? resolve(this.settings.workdir) : process.cwd(),
      env,
      extendEnv: true,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      detached: true,
      reject: false,
      shell: false,
    });
    log.attach(child.stdout);
    log.attach(child.stderr);
    const pid = child.pid;
    // The leader's exit, not the end of its output: a helper in its group may hold the pipes open.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child.nodeChildProcess.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
    const done = Promise.race([
      exited.then(
        ({ code, signal }) => ({ exitCode: code, ...(signal ? { signal } : {}), at: Date.now() }) satisfies ProcessExit,
      ),
      child.then((r) => {
        const at = Date.now();
        if (r.failed && r.exitCode === undefined && !r.signal) {
          // Could not start at all (ENOENT, EACCES): say so in the log, like a shell would.
          log.note(`${r.shortMessage}\n`);
        }
        return {
          exitCode: r.exitCode ?? (r.signal ? null : 127),
          ...(r.signal ? { signal: r.signal } : {}),
          at,
        } satisfies ProcessExit;
      }),
    ]).then(async (e) => {
      await log.drained(1000);
      log.close();
      return e;
    });
    // Kept after the leader exits: its group may not be gone, and teardown (stop/close) kills it.
    if (pid) this.live.set(pid, done);
    this.unregister ??= onTermination(() => this.close());
    return { pid, done };
  }

  async startServer(spec: ProcessSpec & { signal?: AbortSignal }): Promise<ServerProcess> {
    const { pid, done } = await this.spawn(spec);
    let exit: ProcessExit | undefined;
    void done.then((e) => (exit = e));
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= stopGroup(pid, done).then(() => void this.live.delete(pid ?? -1)));
    spec.signal?.addEventListener('abort', () => void stop(), { once: true });
    return {
      exited: done,
      exitedAlready: () => exit,
      // Output is written as it arrives; only the possible start of a secret is held back until the process ends.
      flushLogs: async () => {},
      stop,
    };
  }

  async runOnce(spec: OneShotSpec): Promise<OneShotResult> {
    const started = Date.now();
    const workdir = this.settings.workdir ? resolve(this.settings.workdir) : process.cwd();
    const paths = (spec.collect ?? []).map((p) => (isAbsolute(p) ? p : join(workdir, p)));
    // A result file left by an earlier sample must never pass for this one's.
    await Promise.all(paths.map((p) => rm(p, { force: true })));

    const { pid, done } = await this.spawn(spec);
    let timedOut = false;
    let aborted = false;
    let stopped = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(pid, done, true);
    }, spec.timeoutS * 1000);
    const onAbort = () => {
      aborted = true;
      void stopGroup(pid, done, true);
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    void spec.stopWhen?.then(async () => {
      await within(done, spec.stopGraceMs ?? 500);
      if (!finished) {
        stopped = true;
        await stopGroup(pid, done, true);
      }
    });
    const exit = await done;
    finished = true;
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
    // Helpers the benchmark started die with it.
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    if (pid) this.live.delete(pid);

    const files: Record<string, string> = {};
    if (spec.collectDir) await mkdir(spec.collectDir, { recursive: true });
    for (let i = 0; i < paths.length; i++) {
      const src = paths[i]!;
      if (spec.collectDir && existsSync(src)) {
        const dest = join(spec.collectDir, basename(src));
        await copyFile(src, dest);
        files[spec.collect![i]!] = dest;
      } else if (existsSync(src)) {
        files[spec.collect![i]!] = src;
      }
    }
    return {
      exitCode: exit.exitCode,
      timedOut,
      aborted,
      stopped,
      durationS: (exit.at - started) / 1000,
      endedAt: exit.at,
      files,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.live.entries()];
    this.live.clear();
    await Promise.all(pending.map(([pid, done]) => stopGroup(pid, done)));
    this.unregister?.();
    if (this.settings.gpus?.length) {
      const r = await waitGpuMemoryReleased(this.settings.gpus, { timeoutS: this.settings.gpuReleaseTimeoutS ?? 60 });
      if (r === 'timeout')
        this.settings.log?.(`GPU memory on ${this.settings.gpus.join(',')} was not released in time`);
    }
  }
}

export function createHostExecutor(settings: ExecutorSettings = {}): HostExecutor {
  return new HostExecutor(settings);
}
