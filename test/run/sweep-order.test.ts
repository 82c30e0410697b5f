/**
 * The order samples run in, as the sweep runs them (the one copy of this behaviour): one warm-up
 * round, then B H A per round, so drift of the machine (thermal, other tenants) hits every variant
 * alike; a variant that needs a retry goes on in the same rounds. And the readiness wait the
 * sweep gives a sample follows the model size (core/readiness-timeout.ts), unless set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, initRepo } from '../../src/adapters/git.js';
import { readinessTimeoutS } from '../../src/core/readiness-timeout.js';
import type { Task } from '../../src/core/task.js';
import type { SampleOutcome, SampleSpec } from '../../src/run/executor-types.js';
import type { ImageProvider } from '../../src/run/image-provider.js';
import { runTask, type SweepOptions } from '../../src/run/sweep.js';
import { demoShortfall } from '../../src/run/demo.js';

let work = '';
let parent = '';
let human = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bs-sweep-order-'));
  await initRepo(work);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(work, 'a.txt'), '1\n');
  // The sweep reads each tree's own benchmark script (an offline one runs the engine of its tree).
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(work, 'benchmarks'));
  await writeFile(join(work, 'benchmarks', 'benchmark_throughput.py'), 'import argparse\n');
  parent = await commitAll(work, 'parent');
  await writeFile(join(work, 'a.txt'), '2\n');
  human = await commitAll(work, 'human');
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const images: ImageProvider = {
  builds: 0,
  resolve: async (req) => ({
    ok: true,
    image: `img-${req.variant}`,
    artifact: { source: 'cache', ref: `img-${req.variant}` },
    seconds: 0,
  }),
};

function task(model: string): Task {
  return {
    id: 't1',
    commit: human,
    parent,
    repo: 'demo',
    perfCommand: `python3 benchmarks/benchmark_throughput.py --model ${model} --input-len 8 --output-len 8`,
    models: [model],
    origin: { file: join(work, 'dataset.jsonl'), line: 1 },
  };
}

function recorder(fail: (spec: SampleSpec, n: number) => SampleOutcome | undefined = () => undefined) {
  const seen: SampleSpec[] = [];
  const runSample = async (spec: SampleSpec): Promise<SampleOutcome> => {
    seen.push(spec);
    const failed = fail(spec, seen.length);
    if (failed) return failed;
    return {
      ok: true,
      kind: 'throughput',
      metrics: { requests_per_second: 2, tokens_per_second: 100 },
      logs: { client: join(spec.logDir, 'client.log') },
      durationS: 1,
    };
  };
  const order = () => seen.map((s) => `${s.image!.slice(4, 5)}${/sample-(\d+)/.exec(s.logDir)![1]}`);
  return { seen, runSample, order };
}

const opts = (over: Partial<SweepOptions> = {}): SweepOptions => ({
  resultsDir: join(work, 'results', String(Math.random())),
  repoDir: work,
  variants: ['baseline', 'human'],
  ...over,
});

describe("the sweep's sample order", () => {
  it('runs one warm-up round, then baseline and human alternately, round after round', async () => {
    const r = recorder();
    const records = await runTask(
      task('facebook/opt-125m'),
      { images, runSample: r.runSample, sleep: async () => {} },
      opts({ repeats: 3, warmup: true }),
    );
    expect(r.order(), JSON.stringify(records.map((x) => [x.category, x.evidence]))).toEqual([
      'b0',
      'h0',
      'b1',
      'h1',
      'b2',
      'h2',
      'b3',
      'h3',
    ]);
    expect(records.map((x) => x.status)).toEqual(['success', 'success']);
  });

  it('a retried variant starts again in the same rounds as the others', async () => {
    const r = recorder((spec, n) =>
      n === 1
        ? {
            ok: false,
            category: 'TRANSIENT_INFRA',
            evidence: 'the Docker engine is not reachable',
            logs: { client: join(spec.logDir, 'client.log') },
            durationS: 0,
          }
        : undefined,
    );
    const records = await runTask(
      task('facebook/opt-125m'),
      { images, runSample: r.runSample, sleep: async () => {} },
      opts({ repeats: 2 }),
    );
    expect(r.order()).toEqual(['b1', 'h1', 'b1', 'h2', 'b2']);
    expect(records.filter((x) => x.variant === 'baseline').map((x) => [x.attempt, x.status, x.category])).toEqual([
      [1, 'failed', 'TRANSIENT_INFRA'],
      [2, 'success', undefined],
    ]);
  });
});

describe('the readiness wait the sweep gives a sample', () => {
  it('follows the model size when no timeout is set', async () => {
    const small = recorder();
    await runTask(task('Qwen/Qwen3-0.6B'), { images, runSample: small.runSample }, opts({ repeats: 1 }));
    const large = recorder();
    await runTask(
      task('meta-llama/Llama-3.1-70B-Instruct'),
      { images, runSample: large.runSample },
      opts({ repeats: 1 }),
    );
    expect(small.seen[0]!.timeouts.readyS).toBe(readinessTimeoutS(0.6));
    expect(large.seen[0]!.timeouts.readyS).toBe(readinessTimeoutS(70));
    expect(large.seen[0]!.timeouts.readyS).toBeGreaterThan(small.seen[0]!.timeouts.readyS);
    expect(small.seen[0]!.timeouts.readyS).not.toBe(900);
  });

  it('a set timeout wins; the other one keeps its default', async () => {
    const r = recorder();
    await runTask(
      task('Qwen/Qwen3-0.6B'),
      { images, runSample: r.runSample },
      opts({ repeats: 1, timeouts: { readyS: 42 } }),
    );
    expect(r.seen[0]!.timeouts).toEqual({ readyS: 42, benchmarkS: 1800 });
  });
});

describe("the demo's verdict", () => {
  const variant = (status: string, category?: string) => ({
    status,
    value: status === 'success' ? 1 : null,
    ...(category ? { category } : {}),
  });
  const reportOf = (tasks: Array<Record<string, unknown>>) =>
    ({ tasks }) as unknown as Parameters<typeof demoShortfall>[0];
  it('passes when one task has three successes', () => {
    expect(
      demoShortfall(
        reportOf([
          {
            task: 'a',
            variants: { baseline: variant('success'), human: variant('success'), agent: variant('success') },
          },
        ]),
      ),
    ).toBeUndefined();
  });
  it('fails, naming what failed, when no task has three successes or no task ran', () => {
    const why = demoShortfall(
      reportOf([
        {
          task: 'a',
          variants: {
            baseline: variant('failed', 'BUILD_FAILED'),
            human: variant('success'),
            agent: variant('failed', 'BUILD_FAILED'),
          },
        },
      ]),
    );
    expect(why).toMatch(/no task got three successes/);
    expect(why).toContain('baseline failed (BUILD_FAILED)');
    expect(why).toContain('agent failed (BUILD_FAILED)');
    expect(why).not.toContain('human failed');
    expect(demoShortfall(reportOf([]))).toMatch(/no task ran/);
  });
});

describe('an image that could not be made for lack of a Docker engine', () => {
  it('is tried again (TRANSIENT_INFRA is retryable); a deterministic build failure is not', async () => {
    const calls: string[] = [];
    const flaky: ImageProvider = {
      builds: 0,
      resolve: async (req) => {
        calls.push(req.variant);
        if (req.variant === 'baseline' && calls.filter((v) => v === 'baseline').length === 1) {
          return { ok: false, category: 'TRANSIENT_INFRA', reason: 'the Docker engine went away during the build' };
        }
        if (req.variant === 'human') return { ok: false, category: 'BUILD_FAILED', reason: 'docker build exited 1' };
        return images.resolve(req);
      },
    };
    const r = recorder();
    const records = await runTask(
      task('facebook/opt-125m'),
      { images: flaky, runSample: r.runSample, sleep: async () => {} },
      opts({ repeats: 1 }),
    );
    expect(calls).toEqual(['baseline', 'baseline', 'human']);
    expect(records.map((x) => [x.variant, x.status, x.category])).toEqual([
      ['human', 'failed', 'BUILD_FAILED'],
      ['baseline', 'success', undefined],
    ]);
  });
});
