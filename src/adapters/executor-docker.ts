/**
 * The executor for engine images: the server runs in a detached container (host network, so the
 * runner's readiness probe and the benchmark reach it on 127.0.0.1), its output streamed whole into
 * server.log by `docker logs -f`, its end reported by `docker wait`. The benchmark runs in a second
 * container from the same image. Containers carry the label `benchsweep=1` and are always removed.
 * The runner's environment values travel as `-e NAME` (the value comes from the docker CLI's
 * environment), so a secret never appears in an argv, a log or `docker inspect` output printed by
 * us; the workload's assignments (from the dataset) travel as `-e NAME=value` and never enter the
 * docker CLI's own environment. Output is redacted on its way into the log files.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { basename, isAbsolute, join, posix } from 'node:path';
import { execa } from 'execa';
import { redact, secretValues } from '../core/redact.js';
import { withoutDangerousEnv } from '../core/preflight/rules/env-allowlist.js';
import {
  onTermination,
  processAlive,
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
import { dockerUnreachable } from './docker-daemon.js';

export const CONTAINER_LABEL = 'benchsweep=1';
/** Which runner process owns a container (`<hostname>:<pid>`): a container whose owner is gone is stale. */
export const OWNER_LABEL = 'benchsweep.owner';
export const OWNER = `${hostname()}:${process.pid}`;

interface ContainerEnv {
  /** The runner's own variables (process settings): passed by name, values from the CLI's environment. */
  runner: Record<string, string>;
  /** The workload's assignments: passed as NAME=value, into the container only. */
  fromSpec: Record<string, string>;
}

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

  /**
   * The runner's environment (settings: secrets travel as `-e NAME`, the value read from the docker
   * CLI's own environment) and the spec's (the workload's assignments, from the dataset: they go
   * into the container as `-e NAME=value` and never into the environment of the docker CLI, where
   * PATH or DOCKER_HOST would choose what runs on the host).
   */
  private envFor(extra: Record<string, string> | undefined): ContainerEnv {
    // `--gpus` renumbers the chosen devices from 0 inside the container: no CUDA_VISIBLE_DEVICES needed.
    const { env: fromSpec, dropped } = withoutDangerousEnv(extra);
    if (dropped.length)
      this.settings.log?.(
        `environment not passed to the container (not allowed from a workload): ${dropped.join(', ')}`,
      );
    return { runner: { PYTHONUNBUFFERED: '1', ...this.settings.env }, fromSpec };
  }

  /** `docker run` flags shared by server and benchmark containers. */
  private runFlags(name: string, containerEnv: ContainerEnv): string[] {
    const env = containerEnv.runner;
    const flags = [
      '--name',
      name,
      '--label',
      CONTAINER_LABEL,
      '--label',
      `${OWNER_LABEL}=${OWNER}`,
      '--network',
      'host',
    ];
    flags.push(...gpusFlag(this.settings.gpus));
    if (this.settings.shmSize) flags.push('--shm-size', this.settings.shmSize);
    else if (this.settings.gpus?.length) flags.push('--ipc', 'host');
    for (const v of this.settings.volumes ?? []) flags.push('-v', `${v.host}:${v.container}${v.readOnly ? ':ro' : ''}`);
    for (const key of Object.keys(env)) if (!(key in containerEnv.fromSpec)) flags.push('-e', key);
    for (const [key, value] of Object.entries(containerEnv.fromSpec)) flags.push('-e', `${key}=${value}`);
    if (this.settings.workdir) flags.push('-w', this.settings.workdir);
    return flags;
  }

  private secrets(env: ContainerEnv): string[] {
    return secretValues({ ...process.env, ...env.runner, ...env.fromSpec });
  }

  private say(line: string, env: ContainerEnv): void {
    this.settings.log?.(redact(line, secretValues({ ...process.env, ...env.runner, ...env.fromSpec })));
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
    const r = await execa('docker', ['inspect', '--format', '{{.State.FinishedAt}} {{.State.OOMKilled}}', name], {
      reject: false,
    });
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
      // The host's environment and the runner's settings only: nothing from the workload.
      env: env.runner,
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
      const failed = await openRedactingLog(spec.logFile, this.secrets(env));
      failed.note(`${run.stderr}\n`);
      failed.close();
      const lost = await dockerUnreachable();
      exit = { exitCode: run.exitCode ?? 125, at: Date.now(), ...(lost ? { infra: lost } : {}) };
      return { exited: Promise.resolve(exit), exitedAlready: () => exit, flushLogs: async () => {}, stop };
    }

    // Streamed through a redacting writer (process-logs.ts): a secret never reaches the file raw.
    const log = await openRedactingLog(spec.logFile, this.secrets(env));
    const follower = execa('docker', ['logs', '-f', name], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
    });
    log.attach(follower.stdout);
    log.attach(follower.stderr);
    const followerDone = follower.then(() => log.close());
    const exited = execa('docker', ['wait', name], { reject: false, stdin: 'ignore', all: true }).then(async (r) => {
      const observed = Date.now();
      // `docker wait` that fails has not seen the container end: the daemon went away (the
      // container may still run there). The engine did nothing wrong.
      const lost =
        r.exitCode !== 0
          ? ((await dockerUnreachable()) ??
            `docker wait failed: ${String(r.all ?? '')
              .trim()
              .split('\n')
              .pop()}`)
          : undefined;
      if (lost) {
        exit = { exitCode: null, at: observed, infra: lost };
        return exit;
      }
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
    const r = await execa('docker', ['image', 'inspect', '--format', '{{.Config.WorkingDir}}', this.settings.image], {
      reject: false,
    });
    this.workdirCache = (r.exitCode === 0 && r.stdout.trim()) || '/';
    return this.workdirCache;
  }

  async runOnce(spec: OneShotSpec): Promise<OneShotResult> {
    if (this.closed) throw new Error('executor closed');
    const started = Date.now();
    const env = this.envFor(spec.env);
    const name = this.name('client');
    const log = await openRedactingLog(spec.logFile, this.secrets(env));
    this.track(name);
    const image = spec.image ?? this.settings.image;
    this.say(`docker run ${name} ${image} ${spec.argv.join(' ')}`, env);
    // Create, then start attached: a teardown during the creation waits for it (see close()), and
    // once created the container is always found by name and removed.
    // `--log-driver none`: the output reaches us through the attach only, so the daemon keeps no
    // unredacted copy of it on disk while the container exists.
    const creating = execa(
      'docker',
      ['create', '--log-driver', 'none', ...this.runFlags(name, env), image, ...spec.argv],
      {
        // The host's environment and the runner's settings only: nothing from the workload.
        env: env.runner,
        extendEnv: true,
        stdin: 'ignore',
        reject: false,
        cleanup: false,
      },
    );
    this.starting.add(creating);
    const created = await creating.finally(() => this.starting.delete(creating));
    if (created.exitCode !== 0) {
      log.note(`${created.stderr}\n`);
      log.close();
      await this.remove(name);
      const lost = await dockerUnreachable();
      const endedAt = Date.now();
      return {
        exitCode: created.exitCode ?? 125,
        timedOut: false,
        aborted: !!spec.signal?.aborted,
        stopped: false,
        durationS: (endedAt - started) / 1000,
        endedAt,
        files: {},
        ...(lost ? { infra: lost } : {}),
      };
    }
    const child = execa('docker', ['start', '-a', name], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
    });
    log.attach(child.stdout);
    log.attach(child.stderr);
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
    // A failed `docker start -a` may be the daemon going away, not the benchmark failing.
    const lost = r.exitCode !== 0 && !timedOut && !aborted && !stopped ? await dockerUnreachable() : undefined;

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
      ...(lost ? { infra: lost } : {}),
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
      if (r === 'timeout')
        this.settings.log?.(`GPU memory on ${this.settings.gpus.join(',')} was not released in time`);
    }
  }
}

export function createDockerExecutor(settings: ExecutorSettings & { image: string }): DockerExecutor {
  return new DockerExecutor(settings);
}

/**
 * Removes containers left by a runner process that was killed before it could clean up: those
 * labelled benchsweep=1 whose owner (`benchsweep.owner=<host>:<pid>`) is a process of this host
 * that no longer runs. Containers of live runs (parallel jobs on one machine) are left alone.
 * Returns the names removed.
 */
export async function removeStaleContainers(opts: { log?: (line: string) => void } = {}): Promise<string[]> {
  const ls = await execa(
    'docker',
    ['ps', '-a', '--filter', `label=${CONTAINER_LABEL}`, '--format', `{{.Names}}\t{{.Label "${OWNER_LABEL}"}}`],
    { reject: false },
  );
  if (ls.exitCode !== 0) return [];
  const host = hostname();
  const stale = ls.stdout
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .filter(([name, owner]) => {
      if (!name || !owner) return false;
      const at = owner.lastIndexOf(':');
      const pid = Number(owner.slice(at + 1));
      return owner.slice(0, at) === host && Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    })
    .map(([name]) => name!);
  if (stale.length) {
    opts.log?.(`removing ${stale.length} container(s) left by a killed run: ${stale.join(', ')}`);
    await execa('docker', ['rm', '-f', '-v', ...stale], { reject: false });
  }
  return stale;
}
