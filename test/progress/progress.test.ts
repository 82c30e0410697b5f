import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, heartbeatText, runProgressText } from '../../src/core/progress.js';
import type { ParsedPerfCommand } from '../../src/core/dataset/perf-command-types.js';
import type { Task } from '../../src/core/task.js';
import type { SampleOutcome, SampleSpec } from '../../src/run/executor-types.js';
import { runSweep, type SweepDeps } from '../../src/run/sweep.js';

describe('progress text (pure)', () => {
  it('formats durations for a terminal', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('estimates the time left at the pace so far, and says so when there is no pace yet', () => {
    expect(etaSeconds(0, 10, 100)).toBeUndefined();
    expect(etaSeconds(2, 8, 120)).toBe(360);
    expect(etaSeconds(8, 8, 120)).toBe(0);
  });

  it('task and sweep: elapsed and ETA', () => {
    // Task 3 of 10, 2 of 6 samples done in 2 minutes; the sweep has run 22 minutes.
    const text = runProgressText({
      taskIndex: 3,
      taskCount: 10,
      samplesDone: 2,
      samplesPlanned: 6,
      taskElapsedS: 120,
      sweepElapsedS: 1320,
    });
    // Task: 60 s per sample, 4 left. Sweep: 2.333 tasks in 1320 s, 7.667 left.
    expect(text).toBe(
      `task 3/10 · 2m 00s elapsed, ETA 4m 00s · sweep 22m 00s elapsed, ETA ${formatDuration((1320 / (2 + 2 / 6)) * (10 - 2 - 2 / 6))}`,
    );
    expect(
      runProgressText({
        taskIndex: 1,
        taskCount: 2,
        samplesDone: 0,
        samplesPlanned: 6,
        taskElapsedS: 0,
        sweepElapsedS: 0,
      }),
    ).toBe('task 1/2 · 0s elapsed, ETA unknown · sweep 0s elapsed, ETA unknown');
    // Retries beyond the plan never give a negative ETA.
    expect(
      runProgressText({
        taskIndex: 1,
        taskCount: 1,
        samplesDone: 9,
        samplesPlanned: 6,
        taskElapsedS: 90,
        sweepElapsedS: 90,
      }),
    ).toContain('ETA 0s');
  });

  it('heartbeat of a silent build', () => {
    expect(heartbeatText('build demo@abc123', 95)).toBe('build demo@abc123: still running, 1m 35s elapsed');
    expect(heartbeatText('build x', 31, 'Step 4/9 : RUN pip install .')).toBe(
      'build x: still running, 31s elapsed (last: Step 4/9 : RUN pip install .)',
    );
  });
});

describe('runSweep prints elapsed time and ETA for the task and the sweep', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'progress-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('every sample line carries both, on a clock where each sample takes a minute', async () => {
    let clock = Date.parse('2026-11-30T12:00:00Z');
    const lines: string[] = [];
    const perf = (raw: string): ParsedPerfCommand => {
      const argv = raw.split(' ');
      const bench = {
        argv,
        env: {},
        role: 'benchmark' as const,
        script: argv[1],
        kind: 'serving' as const,
        options: [],
        positionals: [],
      };
      return {
        raw,
        commands: [bench],
        benchmark: bench,
        kind: 'serving',
        model: 'demo-model',
        tensorParallel: 1,
        errors: [],
      };
    };
    const deps: SweepDeps = {
      images: {
        builds: 0,
        resolve: async (r) => ({
          ok: true,
          image: `img-${r.variant}`,
          artifact: { source: 'build', ref: r.commit.slice(0, 12) },
          seconds: 0,
        }),
      } as SweepDeps['images'],
      runSample: async (spec: SampleSpec): Promise<SampleOutcome> => {
        clock += 60_000;
        await mkdir(spec.logDir, { recursive: true });
        const logs = { server: join(spec.logDir, 'server.log'), client: join(spec.logDir, 'client.log') };
        await writeFile(logs.server, 'up\n');
        await writeFile(logs.client, 'ok\n');
        return {
          ok: true,
          kind: 'serving',
          metrics: { output_throughput: 100, completed: 4, failed: 0 },
          logs,
          durationS: 60,
        };
      },
      now: () => new Date(clock),
      sleep: async () => {},
      parsePerfCommand: perf,
      primaryMetricFor: () => ({ name: 'output_throughput' }),
      log: (l) => lines.push(l),
    };
    const task = (id: string): Task => ({
      id,
      commit: 'c'.repeat(40),
      parent: 'p'.repeat(40),
      repo: 'demo',
      perfCommand: 'python3 benchmarks/benchmark_serving.py --model demo-model',
      models: ['demo-model'],
      origin: { file: join(dir, 'd.jsonl'), line: 1 },
    });
    const records = await runSweep([task('t1'), task('t2')], deps, {
      resultsDir: join(dir, 'results'),
      repoDir: dir,
      repeats: 2,
      variants: ['baseline', 'human'],
    });
    expect(records.filter((r) => r.status === 'success')).toHaveLength(4);
    const sampleLines = lines.filter((l) => /sample \d\/2/.test(l));
    expect(sampleLines).toHaveLength(8);
    expect(sampleLines[0]).toBe(
      't1 baseline: attempt 1 sample 1/2 · task 1/2 · 0s elapsed, ETA unknown · sweep 0s elapsed, ETA unknown',
    );
    // Second task, third sample: 2 of 4 done in 2 minutes; the sweep is 6 minutes in, 1.5 of 2 tasks done.
    expect(sampleLines[6]).toBe(
      't2 baseline: attempt 1 sample 2/2 · task 2/2 · 2m 00s elapsed, ETA 2m 00s · sweep 6m 00s elapsed, ETA 2m 00s',
    );
  });
});
