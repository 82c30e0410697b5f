/**
 * The Docker engine going away under a run, for real: the runner's docker CLI talks to the daemon
 * through a unix-socket proxy (DOCKER_HOST) that the test closes mid-sample, so every docker
 * command of the runner fails the way it does when dockerd stops or its socket is lost, while the
 * containers live on in the real daemon. That is TRANSIENT_INFRA (retried) — never SERVER_CRASH,
 * BENCHMARK_FAILED or BUILD_FAILED, and no image is removed for it. The containers it orphans are
 * removed by the next run once their owner process is gone (label benchsweep.owner).
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../../src/adapters/base-image.js';
import { buildArtifact } from '../../src/adapters/builder.js';
import { createDemoRepo, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { CONTAINER_LABEL, OWNER, OWNER_LABEL, removeStaleContainers } from '../../src/adapters/executor-docker.js';
import type { SampleSpec } from '../../src/run/executor-types.js';
import { runSample } from '../../src/run/run-sample.js';
import { isRetryable } from '../../src/core/failures/retry-policy.js';

const REAL_DAEMON = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';
let root = '';

/** A proxy in front of the daemon's socket; `cut()` closes it and every connection through it. */
async function daemonProxy(path: string): Promise<{ cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(REAL_DAEMON);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    cut: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** The runner's docker CLI goes through a fresh proxy (this process's environment, as on a runner). */
async function throughProxy(name: string) {
  const sock = join(root, `${name}.sock`);
  const proxy = await daemonProxy(sock);
  process.env.DOCKER_HOST = `unix://${sock}`;
  return proxy;
}

// A tiny OpenAI-style server in the base image: /health and /v1/models, on the --port it is given.
const SERVER = [
  'python3',
  '-c',
  [
    'import http.server, json, sys',
    "port = int(sys.argv[sys.argv.index('--port') + 1])",
    'class H(http.server.BaseHTTPRequestHandler):',
    '    def do_GET(self):',
    "        body = json.dumps({'data': [{'id': 'm'}]}).encode()",
    "        self.send_response(200); self.send_header('content-type', 'application/json'); self.end_headers(); self.wfile.write(body)",
    '    def log_message(self, *a): pass',
    "print('serving', flush=True)",
    "http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()",
  ].join('\n'),
];
const SLOW_CLIENT = ['python3', '-c', "import time; print('benchmark running', flush=True); time.sleep(60)"];

function spec(name: string, over: Partial<SampleSpec> = {}): SampleSpec {
  return {
    executor: 'docker',
    image: BASE_IMAGE,
    client: { argv: SLOW_CLIENT },
    kind: 'throughput',
    logDir: join(root, name),
    timeouts: { readyS: 30, benchmarkS: 120 },
    ...over,
  };
}

async function ours(): Promise<string[]> {
  const r = await execa('docker', ['ps', '-aq', '--filter', `label=${OWNER_LABEL}=${OWNER}`], {
    env: { DOCKER_HOST: `unix://${REAL_DAEMON}` },
  });
  return r.stdout.split('\n').filter(Boolean);
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not met in ${ms} ms`);
}

const realEnv = process.env.DOCKER_HOST;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-docker-loss-'));
});
/** What a lost daemon leaves behind (the runner could not remove it): removed through the real socket. */
async function removeOurs(): Promise<void> {
  const left = await ours();
  if (left.length)
    await execa('docker', ['rm', '-f', ...left], { reject: false, env: { DOCKER_HOST: `unix://${REAL_DAEMON}` } });
}
afterEach(async () => {
  if (realEnv === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = realEnv;
  await removeOurs();
});
afterAll(async () => {
  await removeOurs();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the Docker engine lost mid-sample', () => {
  it('during the benchmark: TRANSIENT_INFRA (retryable), not BENCHMARK_FAILED', async () => {
    const proxy = await throughProxy('offline');
    const pending = runSample(spec('offline'));
    await waitFor(async () => (await ours()).length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await proxy.cut();
    const o = await pending;
    expect(o.ok).toBe(false);
    expect(o.category).toBe('TRANSIENT_INFRA');
    expect(o.evidence).toMatch(/Docker engine is not reachable/);
    expect(isRetryable(o.category)).toBe(true);
  }, 90_000);

  it('with a server up: TRANSIENT_INFRA, not SERVER_CRASH', async () => {
    const proxy = await throughProxy('serving');
    const pending = runSample(spec('serving', { kind: 'serving', server: { argv: SERVER } }));
    // Both containers up (the server answered, the benchmark started), then the daemon goes.
    await waitFor(async () => (await ours()).length >= 2, 40_000);
    await new Promise((r) => setTimeout(r, 1000));
    await proxy.cut();
    const o = await pending;
    expect(o.readyAfterS, JSON.stringify(o)).toBeGreaterThan(0);
    expect(o.category).toBe('TRANSIENT_INFRA');
    expect(o.category).not.toBe('SERVER_CRASH');
  }, 90_000);

  it('unreachable from the start: the server never starts, TRANSIENT_INFRA', async () => {
    process.env.DOCKER_HOST = `unix://${join(root, 'nothing-listens-here.sock')}`;
    const o = await runSample(spec('no-daemon', { kind: 'serving', server: { argv: SERVER } }));
    expect(o.category).toBe('TRANSIENT_INFRA');
    expect(o.evidence).toMatch(/Cannot connect to the Docker daemon|not reachable/);
  }, 60_000);
});

describe('the Docker engine lost during a build', () => {
  let demo: DemoRepo;
  beforeAll(async () => {
    demo = await createDemoRepo(join(root, 'demo'));
  });

  it('is TRANSIENT_INFRA, not BUILD_FAILED, and removes no image', async () => {
    process.env.DOCKER_HOST = `unix://${join(root, 'gone.sock')}`;
    const tag = `benchsweep/test-docker-loss:${process.pid}`;
    const r = await buildArtifact({
      repoDir: demo.dir,
      commit: demo.parent,
      builderImage: BASE_IMAGE,
      env: { MAX_JOBS: 1, NVCC_THREADS: 1, TORCH_CUDA_ARCH_LIST: '9.0' },
      timeoutS: 60,
      logFile: join(root, 'build.log'),
      tag,
    });
    expect(r).toMatchObject({ ok: false, category: 'TRANSIENT_INFRA' });
    // The base image (which the build found missing only for lack of a daemon) is still there.
    delete process.env.DOCKER_HOST;
    expect((await execa('docker', ['image', 'inspect', BASE_IMAGE], { reject: false })).exitCode).toBe(0);
  }, 60_000);
});

describe('containers of a killed run', () => {
  it('are removed when the next run starts; containers of live runs stay', async () => {
    // A runner process that is gone (it exited; its pid is free) and this live one.
    const gone = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
    const deadOwner = `${hostname()}:${gone.stdout.trim()}`;
    const mk = async (owner: string) =>
      (
        await execa('docker', [
          'create',
          '--label',
          CONTAINER_LABEL,
          '--label',
          `${OWNER_LABEL}=${owner}`,
          BASE_IMAGE,
          'true',
        ])
      ).stdout.trim();
    const orphan = await mk(deadOwner);
    const live = await mk(OWNER);
    try {
      const removed = await removeStaleContainers();
      const exists = async (id: string) => (await execa('docker', ['inspect', id], { reject: false })).exitCode === 0;
      expect(await exists(orphan)).toBe(false);
      expect(removed.length).toBeGreaterThanOrEqual(1);
      expect(await exists(live)).toBe(true);
    } finally {
      await execa('docker', ['rm', '-f', orphan, live], { reject: false });
    }
  }, 60_000);
});
