/**
 * The host executor on the real demo engine (no Docker): a checkout run with python3 and
 * PYTHONPATH pointing at it. One success per benchmark kind, an exit fault, a benchmark timeout,
 * the demo's promise (the human commit is measurably faster), and teardown on SIGTERM.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, DEMO_PERF_COMMAND, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { git } from '../../src/adapters/git.js';
import type { SampleSpec } from '../../src/run/executor-types.js';
import { runSample } from '../../src/run/run-sample.js';

let root: string;
let repo: DemoRepo;
let parentDir: string;

const SERVER = ['python3', '-m', 'demo_engine.server', '--model', 'demo-model'];
// The dataset line minus its engine flag (`--dtype` goes to the server; the strict client refuses it).
const CLIENT = DEMO_PERF_COMMAND.replace(' --dtype float16', '').split(' ');
if (CLIENT.includes('--dtype')) throw new Error('DEMO_PERF_COMMAND changed its --dtype flag');

function serving(name: string, workdir: string, over: Partial<SampleSpec> = {}): SampleSpec {
  return {
    executor: 'host',
    workdir,
    server: { argv: SERVER },
    client: { argv: CLIENT },
    kind: 'serving',
    logDir: join(root, name),
    timeouts: { readyS: 30, benchmarkS: 60 },
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    ...over,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'benchsweep-host-'));
  repo = await createDemoRepo(root);
  parentDir = join(root, 'parent-checkout');
  await git(repo.dir, ['worktree', 'add', '-q', '--detach', parentDir, repo.parent]);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('host executor', () => {
  it('runs a serving sample: metrics from the JSON result file, logs kept', async () => {
    const o = await runSample(serving('ok', repo.dir));
    expect(o.ok, JSON.stringify(o)).toBe(true);
    expect(o.metricsSource).toBe('json');
    expect(o.metrics?.completed).toBe(16);
    expect(o.readyAfterS).toBeGreaterThan(0);
    expect(await readFile(o.logs.client, 'utf8')).toContain('Serving Benchmark Result');
    // The result file is copied next to the logs and removed from the checkout before the next sample.
    expect(o.resultFile).toBe(join(root, 'ok', 'benchmark_result.json'));
  });

  it('classifies a server that exits at start within 2 s', async () => {
    const o = await runSample(
      serving('exit', repo.dir, { server: { argv: SERVER, env: { DEMO_FAULT: 'exit-at-start' } } }),
    );
    expect(o.ok).toBe(false);
    expect(o.category).toBe('SERVER_CRASH');
    expect(o.exitCode).toBe(1);
    expect(o.classifiedAfterS).toBeLessThan(2);
    expect(o.evidence).toContain('RuntimeError');
  });

  it('never takes a result block cut off mid-print as a success: NO_METRICS', async () => {
    const cut = [
      'print("============ Serving Benchmark Result ============")',
      'print("Successful requests:                     16        ")',
      'print("Benchmark duration (s):                  1.52      ")',
      'print("Total input tokens:                      512       ")',
    ].join('; ');
    const o = await runSample(serving('cut', repo.dir, { client: { argv: ['python3', '-c', cut] } }));
    expect(o.ok).toBe(false);
    expect(o.category).toBe('NO_METRICS');
    expect(o.evidence).toMatch(/result block \(client\.log lines 1–\d+\) is cut off/);
  });

  it('runs the throughput benchmark as one process', async () => {
    const o = await runSample({
      executor: 'host',
      workdir: repo.dir,
      client: { argv: ['python3', 'benchmarks/benchmark_throughput.py', '--num-prompts', '8', '--output-len', '16'] },
      kind: 'throughput',
      logDir: join(root, 'throughput'),
      timeouts: { readyS: 0, benchmarkS: 60 },
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(o.ok).toBe(true);
    expect(o.metricsSource).toBe('log');
    expect(o.metrics?.tokens_per_second).toBeGreaterThan(0);
    expect(o.metrics?.total_output_tokens).toBe(128);
  });

  it('stops a benchmark that runs past its timeout: BENCHMARK_TIMEOUT', async () => {
    const started = Date.now();
    const o = await runSample({
      executor: 'host',
      workdir: repo.dir,
      client: { argv: ['python3', 'benchmarks/benchmark_latency.py', '--num-iters', '1000'] },
      kind: 'latency',
      logDir: join(root, 'timeout'),
      timeouts: { readyS: 0, benchmarkS: 1.5 },
    });
    expect(o.category).toBe('BENCHMARK_TIMEOUT');
    expect(o.classifiedAfterS).toBeLessThan(2);
    expect((Date.now() - started) / 1000).toBeLessThan(6);
  });

  it("the human commit is measurably faster than its parent (the demo's premise)", async () => {
    const parent = await runSample(serving('speed-parent', parentDir));
    const human = await runSample(serving('speed-human', repo.dir));
    expect(parent.ok && human.ok).toBe(true);
    expect(human.metrics!.output_throughput! / parent.metrics!.output_throughput!).toBeGreaterThan(1.2);
    expect(human.metrics!.mean_tpot_ms!).toBeLessThan(parent.metrics!.mean_tpot_ms!);
  });

  it('kills the server when the runner gets SIGTERM', async () => {
    const logDir = join(root, 'sigterm');
    const runner = execa('node', ['--import', 'tsx', 'test/fixtures/run/sigterm-runner.ts', 'host', repo.dir, logDir], {
      reject: false,
      cwd: process.cwd(),
    });
    const serverLog = join(logDir, 'server.log');
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const m = existsSync(serverLog)
        ? /Started server process \[(\d+)\]/.exec(await readFile(serverLog, 'utf8'))
        : null;
      if (m) pid = Number(m[1]);
    }
    expect(pid).toBeDefined();
    expect(alive(pid!)).toBe(true);
    runner.kill('SIGTERM');
    const r = await runner;
    expect(r.exitCode).toBe(143);
    for (let i = 0; i < 20 && alive(pid!); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(pid!)).toBe(false);
  }, 60_000);
});
