/**
 * The executor for engine images: the server runs in a detached container (host network, so the
 * runner's readiness probe and the benchmark reach it on 127.0.0.1), its output streamed whole into
 * server.log by `docker logs -f`, its end reported by `docker wait`. The benchmark runs in a second
 * container from the same image. Containers carry the label `benchsweep=1` and are always removed.
 * Environment values travel as `-e NAME` (the value comes from the docker CLI's environment), so a
 * secret never appears in an argv, a log or `docker inspect` output printed by us.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { basename, isAbsolute, join, posix } from 'node:path';
import { execa } from 'execa';
import { redact, secretValues } from '../core/redact.js';
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
import { fdStdio, openLogFd } from './process-logs.js';

export const CONTAINER_LABEL = 'benchsweep=1';

/** `--gpus` wants a CSV value; a list of devices must be quoted inside the value itself. */
export function gpusFlag(gpus: number[] | undefined): string[] {
  if (!gpus || gpus.length === 0) return [];
  return ['--gpus', `"device=${gpus.join(',')}"`];
}

/** `2026-11-28T20:14:00.123456789Z` → epoch ms (Date.parse wants at most milliseconds). */
export function parseDockerTime(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(text.trim());
  if (!m) return undefined;
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '';
  const t = Date.parse(`${m[1]}${frac}${m[3]}`);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

export class DockerExecutor implements Executor {
  readonly kind = 'docker' as const;
  private readonly containers = new Set<string>();
  /** `docker run` commands still in flight: a container they create after a removal would outlive us. */
  private readonly starting = new Set<Promise<unknown>>();
  private unregister: (() => void) | undefined;
  private closed = false;
  private workdirCache: string | undefined;

  constructor(private readonly settings: ExecutorSettings & { image: string }) {}

  private name(role: string): string {
    return `benchsweep-${role}-${randomBytes(5).toString('hex')}`;
  }

  private envFor(extra: Record<string, string> | undefined): Record<string, string> {
    // `--gpus` renumbers the chosen devices from 0 inside the container: no CUDA_VISIBLE_DEVICES needed.
    return { PYTHONUNBUFFERED: '1', ...this.settings.env, ...extra };
  }

  /** `docker run` flags shared by server and benchmark containers. */
  private runFlags(name: string, env: Record<string, string>): string[] {
    const flags = ['--name', name, '--label', CONTAINER_LABEL, '--network', 'host'];
    flags.push(...gpusFlag(this.settings.gpus));
    if (this.settings.shmSize) flags.push('--shm-size', this.settings.shmSize);
    else if (this.settings.gpus?.length) flags.push('--ipc', 'host');
    for (const v of this.settings.volumes ?? []) flags.push('-v', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
    for (const key of Object.keys(env)) flags.push('-e', key);
    if (this.settings.workdir) flags.push('-w', this.settings.workdir);
    return flags;
  }

  private say(line: string, env: Record<string, string>): void {
    this.settings.log?.(redact(line, secretValues({ ...process.env, ...env })));
  }

  private track(name: string): void {
    this.containers.add(name);
    this.unregister ??= onTermination(() => this.close());
  }

  private async remove(name: string): Promise<void> {
    await execa('docker', ['rm', '-f', '-v', name], { reject: false });
    this.containers.delete(name);
  }

  private async finishedAt(name: string): Promise<{ at?: number; oom: boolean }> {
    const r = await execa('docker', ['inspect', '--format', '{{.State.FinishedAt}} {{.State.OOMKilled}}', name], { reject: false });
    if (r.exitCode !== 0) return { oom: false };
    const [time, oom] = r.stdout.trim().split(' ');
    const at = parseDockerTime(time ?? '');
    return { ...(at !== undefined ? { at } : {}), oom: oom === 'true' };
  }

  async startServer(spec: ProcessSpec & { signal?: AbortSignal }): Promise<ServerProcess> {
    if (this.closed) throw new Error('executor closed');
    const env = this.envFor(spec.env);
    const name = this.name('server');
    await mkdir(posix.dirname(spec.logFile), { recursive: true });
    this.track(name);
    this.say(`docker run -d ${name} ${this.settings.image} ${spec.argv.join(' ')}`, env);
    const starting = execa('docker', ['run', '-d', ...this.runFlags(name, env), this.settings.image, ...spec.argv], {
      env,
      extendEnv: true,
      reject: false,
      stdin: 'ignore',
      // Our own teardown removes the container; the CLI must not be killed half-way through creating it.
      cleanup: false,
    });
    this.starting.add(starting);
    const run = await starting.finally(() => this.starting.delete(starting));
    let exit: ProcessExit | undefined;
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= this.remove(name));
    spec.signal?.addEventListener('abort', () => void stop(), { once: true });

    if (run.exitCode !== 0) {
      // The container never started (no such image, bad flag, GPU runtime missing): the log says why.
      await appendFile(spec.logFile, redact(`${run.stderr}\n`, secretValues({ ...process.env, ...env })));
      exit = { exitCode: run.exitCode ?? 125, at: Date.now() };
      return { exited: Promise.resolve(exit), exitedAlready: () => exit, flushLogs: async () => {}, stop };
    }

    const log = await openLogFd(spec.logFile);
    const follower = execa('docker', ['logs', '-f', name], { stdin: 'ignore', stdout: fdStdio(log.fd), stderr: fdStdio(log.fd), reject: false });
    const followerDone = follower.then(() => log.close());
    const exited = execa('docker', ['wait', name], { reject: false, stdin: 'ignore' }).then(async (r) => {
      const observed = Date.now();
      const code = Number.parseInt(r.stdout.trim(), 10);
      const state = await this.finishedAt(name);
      const e: ProcessExit = {
        exitCode: Number.isFinite(code) ? code : null,
        ...(state.oom ? { signal: 'OOMKilled' } : {}),
        // The container's own end time: the fault happened then, not when we noticed.
        at: state.at !== undefined ? Math.min(state.at, observed) : observed,
      };
      exit = e;
      return e;
    });
    return {
      exited,
      exitedAlready: () => exit,
      flushLogs: async (maxMs = 1000) => {
        await within(followerDone, maxMs);
      },
      stop: async () => {
        await stop();
        await within(followerDone, 2000);
        log.close();
      },
    };
  }

  private async imageWorkdir(): Promise<string> {
    if (this.settings.workdir) return this.settings.workdir;
    if (this.workdirCache !== undefined) return this.workdirCache;
    const r = await execa('docker', ['image', 'inspect', '--format', '{{.Config.WorkingDir}}', this.settings.image], { reject: false });
    this.workdirCache = (r.exitCode === 0 && r.stdout.trim()) || '/';
    return this.workdirCache;
  }

  async runOnce(spec: OneShotSpec): Promise<OneShotResult> {
    if (this.closed) throw new Error('executor closed');
    const started = Date.now();
    const env = this.envFor(spec.env);
    const name = this.name('client');
    const log = await openLogFd(spec.logFile);
    this.track(name);
    this.say(`docker run ${name} ${this.settings.image} ${spec.argv.join(' ')}`, env);
    // Create, then start attached: a teardown during the creation waits for it (see close()), and
    // once created the container is always found by name and removed.
    const creating = execa('docker', ['create', ...this.runFlags(name, env), this.settings.image, ...spec.argv], {
      env,
      extendEnv: true,
      stdin: 'ignore',
      reject: false,
      cleanup: false,
    });
    this.starting.add(creating);
    const created = await creating.finally(() => this.starting.delete(creating));
    if (created.exitCode !== 0) {
      log.close();
      await appendFile(spec.logFile, redact(`${created.stderr}\n`, secretValues({ ...process.env, ...env })));
      await this.remove(name);
      const endedAt = Date.now();
      return { exitCode: created.exitCode ?? 125, timedOut: false, aborted: !!spec.signal?.aborted, stopped: false, durationS: (endedAt - started) / 1000, endedAt, files: {} };
    }
    const child = execa('docker', ['start', '-a', name], {
      stdin: 'ignore',
      stdout: fdStdio(log.fd),
      stderr: fdStdio(log.fd),
      reject: false,
    });
    let timedOut = false;
    let aborted = false;
    let stopped = false;
    let finished = false;
    const kill = () => void execa('docker', ['kill', name], { reject: false });
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, spec.timeoutS * 1000);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    void spec.stopWhen?.then(async () => {
      await within(child, spec.stopGraceMs ?? 500);
      if (!finished) {
        stopped = true;
        kill();
      }
    });
    const r = await child;
    const endedAt = Date.now();
    finished = true;
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
    log.close();

    const files: Record<string, string> = {};
    if (spec.collect?.length && spec.collectDir) {
      await mkdir(spec.collectDir, { recursive: true });
      const workdir = await this.imageWorkdir();
      for (const p of spec.collect) {
        const inside = isAbsolute(p) ? p : posix.join(workdir, p);
        const dest = join(spec.collectDir, basename(p));
        const cp = await execa('docker', ['cp', `${name}:${inside}`, dest], { reject: false });
        if (cp.exitCode === 0) files[p] = dest;
      }
    }
    await this.remove(name);
    return {
      exitCode: r.exitCode ?? null,
      timedOut,
      aborted,
      stopped,
      durationS: (endedAt - started) / 1000,
      endedAt,
      files,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await within(Promise.allSettled([...this.starting]), 30_000);
    await Promise.all([...this.containers].map((n) => this.remove(n)));
    this.unregister?.();
    if (this.settings.gpus?.length) {
      const r = await waitGpuMemoryReleased(this.settings.gpus, { timeoutS: this.settings.gpuReleaseTimeoutS ?? 60 });
      if (r === 'timeout') this.settings.log?.(`GPU memory on ${this.settings.gpus.join(',')} was not released in time`);
    }
  }
}

export function createDockerExecutor(settings: ExecutorSettings & { image: string }): DockerExecutor {
  return new DockerExecutor(settings);
}

/** Removes containers left by a runner that was killed before it could clean up (label benchsweep=1). */
export async function removeStaleContainers(): Promise<number> {
  const ls = await execa('docker', ['ps', '-aq', '--filter', `label=${CONTAINER_LABEL}`], { reject: false });
  const ids = ls.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (ids.length) await execa('docker', ['rm', '-f', ...ids], { reject: false });
  return ids.length;
}
