/**
 * Faults on the real demo engine in real containers: each is classified right, within 2 s of the
 * fault for the ones that end a process, and nothing is left running. Set FAULTS_TABLE_OUT to a
 * file to get the markdown table of fault → category → seconds from the fault to classification.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { BASE_IMAGE } from '../../src/adapters/base-image.js';
import { buildArtifact, type BuildArtifactOptions } from '../../src/adapters/builder.js';
import { occupyPort } from '../../src/adapters/ports.js';
import type { SampleOutcome, SampleSpec } from '../../src/run/executor-types.js';
import { runSample } from '../../src/run/run-sample.js';

let root: string;
let repo: DemoRepo;
let image: string;
const table: Array<{ fault: string; category: string; seconds?: number; readyS?: number }> = [];

const SERVER = ['python3', '-m', 'demo_engine.server', '--model', 'demo-model'];
const CLIENT = [
  'python3',
  'benchmarks/benchmark_serving.py',
  '--model',
  'demo-model',
  '--num-prompts',
  '16',
  '--random-input-len',
  '32',
  '--random-output-len',
  '32',
  '--save-result',
  '--result-filename',
  'result.json',
];

function spec(
  name: string,
  over: Partial<SampleSpec> & { serverEnv?: Record<string, string>; clientEnv?: Record<string, string> } = {},
): SampleSpec {
  const { serverEnv, clientEnv, ...rest } = over;
  return {
    executor: 'docker',
    image,
    server: { argv: SERVER, env: serverEnv ?? {} },
    client: { argv: CLIENT, env: clientEnv ?? {} },
    kind: 'serving',
    logDir: join(root, name),
    timeouts: { readyS: 30, benchmarkS: 60 },
    ...rest,
  };
}

async function containersLeft(): Promise<string[]> {
  const r = await execa('docker', ['ps', '-aq', '--filter', 'label=benchsweep=1', '--filter', `ancestor=${image}`]);
  return r.stdout.split('\n').filter(Boolean);
}

function record(fault: string, o: SampleOutcome): void {
  table.push({
    fault,
    category: o.ok ? 'success' : String(o.category),
    ...(o.classifiedAfterS !== undefined ? { seconds: o.classifiedAfterS } : {}),
    ...(o.readyAfterS !== undefined ? { readyS: o.readyAfterS } : {}),
  });
}

/** The image build that ships (the resolver's and `build`'s): builder.ts on the base image. */
async function build(name: string, over: Partial<BuildArtifactOptions> = {}) {
  return buildArtifact({
    repoDir: repo.dir,
    commit: repo.parent,
    builderImage: BASE_IMAGE,
    env: { MAX_JOBS: 2, NVCC_THREADS: 1, TORCH_CUDA_ARCH_LIST: '9.0' },
    timeoutS: 300,
    logFile: join(root, 'build', `${name}.log`),
    tag: `benchsweep/test-faults:${name}-${process.pid}`,
    ...over,
  });
}

async function imageCommit(ref: string): Promise<string> {
  return (
    await execa('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      ref,
      'python3',
      '-c',
      'import demo_engine._commit as c; print(c.COMMIT)',
    ])
  ).stdout.trim();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'benchsweep-faults-'));
  repo = await createDemoRepo(root);
  const built = await build('parent');
  if (!built.ok) throw new Error(`${built.category}: ${built.reason}`);
  image = built.image;
}, 180_000);

afterAll(async () => {
  if (process.env.FAULTS_TABLE_OUT && table.length) {
    const lines = [
      '| fault | category | seconds from fault to classification | server ready after (s) |',
      '|---|---|---|---|',
      ...table.map(
        (r) => `| ${r.fault} | ${r.category} | ${r.seconds?.toFixed(3) ?? '—'} | ${r.readyS?.toFixed(2) ?? '—'} |`,
      ),
    ];
    await writeFile(process.env.FAULTS_TABLE_OUT, `${lines.join('\n')}\n`);
  }
  if (root) await rm(root, { recursive: true, force: true });
  await execa(
    'docker',
    ['rmi', '-f', `benchsweep/test-faults:parent-${process.pid}`, `benchsweep/test-faults:agent-${process.pid}`],
    { reject: false },
  );
}, 60_000);

describe('demo engine image', () => {
  it('holds the commit it was built from, and the agent image holds the parent plus the patch', async () => {
    expect(await imageCommit(image)).toBe(repo.parent);
    const agent = await build('agent', { patch: repo.agentPatch });
    if (!agent.ok) throw new Error(`${agent.category}: ${agent.reason}`);
    expect(agent.image).not.toBe(image);
    const r = await execa('docker', [
      'run',
      '--rm',
      agent.image,
      'python3',
      '-c',
      'import demo_engine.speed as s, demo_engine._commit as c; print(s.TOKEN_DELAY_S, c.COMMIT)',
    ]);
    expect(r.stdout.trim()).toBe(`0.009 ${repo.parent}`);
  }, 120_000);

  it('refuses a patch that does not apply', async () => {
    const broken = repo.agentPatch.replace('-TOKEN_DELAY_S = 0.012', '-TOKEN_DELAY_S = 0.5');
    expect(await build('broken', { patch: broken })).toMatchObject({ ok: false, category: 'PATCH_FAILED' });
  }, 60_000);
});

describe('serving samples in containers', () => {
  it('measures a healthy server: metrics from the JSON result file, whole logs kept', async () => {
    const o = await runSample(spec('success'));
    record('none (healthy server)', o);
    expect(o.ok).toBe(true);
    expect(o.metricsSource).toBe('json');
    expect(o.metrics?.completed).toBe(16);
    expect(o.metrics?.output_throughput).toBeGreaterThan(0);
    const client = await readFile(o.logs.client, 'utf8');
    expect(client).toContain('============ Serving Benchmark Result ============');
    expect(await readFile(o.logs.server!, 'utf8')).toContain('Avg generation throughput');
    expect(await containersLeft()).toEqual([]);
  }, 90_000);

  it('server exits at start: SERVER_CRASH with the traceback, within 2 s', async () => {
    const o = await runSample(spec('exit-at-start', { serverEnv: { DEMO_FAULT: 'exit-at-start' } }));
    record('server exits at start (traceback)', o);
    expect(o.category).toBe('SERVER_CRASH');
    expect(o.evidence).toContain('Engine core initialization failed');
    expect(o.classifiedAfterS).toBeLessThan(2);
    expect(o.exitCode).toBe(1);
  }, 60_000);

  it('out-of-memory trace: OOM, within 2 s', async () => {
    const o = await runSample(spec('oom', { serverEnv: { DEMO_FAULT: 'oom' } }));
    record('CUDA out-of-memory trace at start', o);
    expect(o.category).toBe('OOM');
    expect(o.evidence).toContain('torch.OutOfMemoryError: CUDA out of memory');
    expect(o.classifiedAfterS).toBeLessThan(2);
  }, 60_000);

  it('never ready: SERVER_TIMEOUT when the readiness timeout is reached', async () => {
    const started = Date.now();
    const o = await runSample(
      spec('never-ready', { serverEnv: { DEMO_FAULT: 'never-ready' }, timeouts: { readyS: 4, benchmarkS: 60 } }),
    );
    record('never ready (/health 503, readyS=4)', o);
    expect(o.category).toBe('SERVER_TIMEOUT');
    expect(o.classifiedAfterS).toBeLessThan(2);
    expect((Date.now() - started) / 1000).toBeLessThan(12);
    expect(await containersLeft()).toEqual([]);
  }, 60_000);

  it('server dies mid-benchmark: SERVER_CRASH, the benchmark is stopped, within 2 s', async () => {
    const o = await runSample(
      spec('die-mid-benchmark', { serverEnv: { DEMO_FAULT: 'die-mid-benchmark', DEMO_FAULT_AFTER: '3' } }),
    );
    record('server dies mid-benchmark', o);
    expect(o.ok).toBe(false);
    expect(o.category).toBe('SERVER_CRASH');
    expect(o.readyAfterS).toBeGreaterThan(0);
    expect(o.classifiedAfterS).toBeLessThan(2);
    expect(await readFile(o.logs.server!, 'utf8')).toContain('Engine loop has died');
  }, 60_000);

  it('benchmark prints no metrics: NO_METRICS', async () => {
    const o = await runSample(spec('no-metrics', { clientEnv: { DEMO_FAULT: 'no-metrics' } }));
    record('benchmark exits 0 without a result block', o);
    expect(o.category).toBe('NO_METRICS');
    expect(o.exitCode).toBe(0);
  }, 60_000);

  it('port taken: PORT_BIND (retryable), within 2 s', async () => {
    const held = await occupyPort();
    try {
      const o = await runSample(spec('port-taken', { port: held.port }));
      record('port already taken', o);
      expect(o.category).toBe('PORT_BIND');
      expect(o.evidence).toMatch(/Address already in use/);
      expect(o.classifiedAfterS).toBeLessThan(2);
    } finally {
      await held.release();
    }
  }, 60_000);

  it('cancellation tears the containers down', async () => {
    const ac = new AbortController();
    const pending = runSample(spec('aborted', { serverEnv: { DEMO_FAULT: 'never-ready' }, signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 2500));
    ac.abort();
    const o = await pending;
    expect(o.aborted).toBe(true);
    expect(await containersLeft()).toEqual([]);
  }, 60_000);
});

describe('teardown', () => {
  it('removes the server container when the runner gets SIGTERM', async () => {
    const logDir = join(root, 'sigterm');
    const runner = execa('node', ['--import', 'tsx', 'test/fixtures/run/sigterm-runner.ts', 'docker', image, logDir], {
      reject: false,
    });
    let running: string[] = [];
    for (let i = 0; i < 100 && running.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      running = await containersLeft();
    }
    expect(running).toHaveLength(1);
    runner.kill('SIGTERM');
    expect((await runner).exitCode).toBe(143);
    expect(await containersLeft()).toEqual([]);
  }, 60_000);
});

describe('offline benchmarks in containers', () => {
  it('passes environment through by name and keeps secret values out of the logs', async () => {
    const secret = 'hf_demoSecretValue1234567890';
    const o = await runSample({
      executor: 'docker',
      image,
      client: {
        argv: [
          'python3',
          '-c',
          "import os, sys; print('token', os.environ['HF_TOKEN'], len(os.environ['HF_TOKEN'])); sys.exit(3)",
        ],
      },
      kind: 'throughput',
      logDir: join(root, 'secret'),
      env: { HF_TOKEN: secret },
      timeouts: { readyS: 0, benchmarkS: 60 },
    });
    expect(o.category).toBe('BENCHMARK_FAILED');
    expect(o.exitCode).toBe(3);
    const log = await readFile(o.logs.client, 'utf8');
    expect(log).toContain(`token *** ${secret.length}`);
    expect(log).not.toContain(secret);
  }, 60_000);

  it('latency: one process, the same capture', async () => {
    const o = await runSample({
      executor: 'docker',
      image,
      client: {
        argv: [
          'python',
          'benchmarks/benchmark_latency.py',
          '--batch-size',
          '4',
          '--num-iters',
          '3',
          '--output-json',
          'latency.json',
        ],
      },
      kind: 'latency',
      logDir: join(root, 'latency'),
      timeouts: { readyS: 0, benchmarkS: 60 },
    });
    record('none (latency benchmark)', o);
    expect(o.ok).toBe(true);
    expect(o.metrics?.avg_latency).toBeGreaterThan(0);
    expect(o.logs.server).toBeUndefined();
  }, 60_000);
});
