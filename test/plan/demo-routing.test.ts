/**
 * The strict demo engine and the run's argv: the demo's server and scripts parse arguments like
 * vLLM's (an unknown flag exits 2), the demo dataset carries an engine flag in its serving
 * command, and the runner's workload (read from the demo repository's git history with the same
 * builder as `plan --repo`) sends it to the server, never to the client.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, DEMO_ENGINE_DIR, DEMO_PERF_COMMAND, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { taskArgvFromRepo, workloadFromRepo } from '../../src/adapters/task-argv.js';
import { DEMO_ENGINE } from '../../src/core/argv/client-argv.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';
import { runPlan } from '../../src/commands/plan.js';

const run = promisify(execFile);

async function python(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run('python3', args, {
      cwd: DEMO_ENGINE_DIR,
      env: { ...process.env, PYTHONPATH: DEMO_ENGINE_DIR },
      timeout: 20_000,
    });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: err.code ?? -1, stderr: err.stderr ?? '' };
  }
}

let demo: DemoRepo;
beforeAll(async () => {
  demo = await createDemoRepo(await mkdtemp(join(tmpdir(), 'demo-routing-')));
});

describe('strict demo engine', () => {
  it('the client, the offline scripts and the server exit 2 on a flag they do not define', async () => {
    const client = await python(['benchmarks/benchmark_serving.py', '--model', 'demo-model', '--dtype', 'float16']);
    expect(client.code).toBe(2);
    expect(client.stderr).toContain('unrecognized arguments: --dtype float16');
    const latency = await python(['benchmarks/benchmark_latency.py', '--bogus-flag', '1']);
    expect(latency.code).toBe(2);
    const server = await python(['-m', 'demo_engine.server', '--dtype', 'float16', '--bogus-flag']);
    expect(server.code).toBe(2);
    expect(server.stderr).toContain('unrecognized arguments: --bogus-flag');
    // Engine flags come from EngineArgs.add_cli_args, as in vLLM: the offline script takes them.
    const ok = await python([
      'benchmarks/benchmark_latency.py',
      '--dtype',
      'half',
      '-tp',
      '1',
      '--num-iters',
      '1',
      '--num-iters-warmup',
      '0',
      '--output-len',
      '1',
      '--batch-size',
      '1',
    ]);
    expect(ok.code).toBe(0);
  }, 60_000);
});

describe('the run routes by the parsers in its repository', () => {
  it('the demo command has an engine flag; the workload gives it to the server only', async () => {
    expect(DEMO_PERF_COMMAND).toContain('--dtype float16');
    const perf = parsePerfCommand(DEMO_PERF_COMMAND);
    const w = await workloadFromRepo(demo.dir, { commit: demo.human, parent: demo.parent }, perf, DEMO_ENGINE, 1);
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    expect(w.workload.server!.argv.slice(0, 5)).toEqual([
      'python3',
      '-m',
      'demo_engine.server',
      '--model',
      'demo-model',
    ]);
    expect(w.workload.server!.argv).toEqual(expect.arrayContaining(['--dtype', 'float16']));
    expect(w.workload.client.argv).not.toContain('--dtype');
    expect(w.workload.client.argv).not.toContain('{host}');
    const all = await taskArgvFromRepo(demo.dir, { commit: demo.human, parent: demo.parent }, perf, {
      gpus: 1,
      engine: DEMO_ENGINE,
    });
    expect(all?.ok && all.argv.agent!.client_from).toBe(demo.parent);
    // A flag neither the demo client nor the demo server has is refused before anything runs.
    const bad = await workloadFromRepo(
      demo.dir,
      { commit: demo.human, parent: demo.parent },
      parsePerfCommand(`${DEMO_PERF_COMMAND} --no-such-engine-flag 3`),
      DEMO_ENGINE,
      1,
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(
      /--no-such-engine-flag is not accepted by the benchmark client benchmarks\/benchmark_serving\.py/,
    );
    // Outside a git repository the workload falls back to routing by name (no refusal, --dtype still to the server).
    const fallback = await workloadFromRepo(
      tmpdir(),
      { commit: demo.human, parent: demo.parent },
      perf,
      DEMO_ENGINE,
      1,
    );
    expect(fallback.ok && fallback.workload.client.argv).not.toContain('--dtype');
  });

  it('plan --repo on the demo dataset shows the same argv as the run uses', async () => {
    const plan = (await runPlan({ dataset: demo.datasetFile, repo: demo.dir })).value;
    const t = plan.tasks[0]!;
    expect(t.runnable).toBe(true);
    expect(t.argv!.human!.server).toEqual(
      expect.arrayContaining(['--dtype', 'float16', '--host', '{host}', '--port', '{port}']),
    );
    expect(t.argv!.human!.client).not.toContain('--dtype');
  });
});
