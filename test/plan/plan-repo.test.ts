/**
 * `plan --repo`: a real git history in a temp dir (a checkout, then the same as a bare git dir)
 * with vLLM's parser shapes: the parent lacks an engine flag the commit adds, the commit creates
 * an offline script, a serving command carries engine flags; the plan shows the argv per variant
 * and refuses what argparse would refuse, naming flag, file and commit.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitAll, initRepo } from '../../src/adapters/git.js';
import { runPlan } from '../../src/commands/plan.js';
import type { PlannedTask } from '../../src/core/plan/plan.js';
import { THROUGHPUT, tree054 } from './fake-vllm.js';
import { withoutEndpointPlaceholders, workloadFromRepo } from '../../src/adapters/task-argv.js';
import { VLLM_ENGINE } from '../../src/core/argv/client-argv.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

let dir: string;
let repo: string;
let parent: string;
let commit: string;
let dataset: string;

const rows = () => [
  {
    id: 'routed',
    perf: 'python benchmarks/benchmark_serving.py --model facebook/opt-125m --dataset-name random --dtype float16 --enable-prefix-caching',
  },
  {
    id: 'newflag',
    perf: 'python benchmarks/benchmark_serving.py --model facebook/opt-125m --dataset-name random --max-num-batched-tokens 2048',
  },
  {
    id: 'created',
    perf: 'python benchmarks/benchmark_throughput.py --model facebook/opt-125m --input-len 8 --output-len 8',
  },
  { id: 'offline', perf: 'python benchmarks/benchmark_latency.py --model facebook/opt-125m --input_len 16 -tp 2' },
  { id: 'bigger', perf: 'python benchmarks/benchmark_latency.py --model facebook/opt-125m', gpu: 'H100:4' },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-repo-'));
  repo = join(dir, 'vllm');
  await mkdir(repo);
  await initRepo(repo);
  await writeTree(repo, tree054());
  parent = await commitAll(repo, 'parent', '2024-08-01T00:00:00Z');
  await writeTree(repo, {
    ...tree054('\n        parser.add_argument("--max-num-batched-tokens", type=int)'),
    'benchmarks/benchmark_throughput.py': THROUGHPUT,
  });
  commit = await commitAll(repo, 'commit: a new engine flag and a throughput script', '2024-08-02T00:00:00Z');
  dataset = join(dir, 'rows.jsonl');
  await writeFile(
    dataset,
    rows()
      .map((r) =>
        JSON.stringify({
          id: r.id,
          commit_hash: commit,
          parent_commit: parent,
          repo: 'vllm-project/vllm',
          perf_command: r.perf,
          gpu_config: r.gpu ?? 'H100:1',
        }),
      )
      .join('\n') + '\n',
  );
});

const byId = (tasks: PlannedTask[]) => Object.fromEntries(tasks.map((t) => [t.id, t]));

describe('plan --repo', () => {
  it('routes, refuses and shows the argv per variant, reading both commits from git', async () => {
    const plan = (await runPlan({ dataset, repo })).value;
    const t = byId(plan.tasks);
    expect(t.routed).toMatchObject({ runnable: true, engine_version: '0.5.4', parent_engine_version: '0.5.4' });
    expect(t.routed!.argv!.baseline).toEqual({
      server: [
        'python3',
        '-m',
        'vllm.entrypoints.openai.api_server',
        '--model',
        'facebook/opt-125m',
        '--dtype',
        'float16',
        '--enable-prefix-caching',
        '--host',
        '{host}',
        '--port',
        '{port}',
      ],
      client: [
        'python3',
        'benchmarks/benchmark_serving.py',
        '--model',
        'facebook/opt-125m',
        '--dataset-name',
        'random',
        '--host',
        '{host}',
        '--port',
        '{port}',
      ],
      client_from: parent,
      env: {},
    });
    expect(t.routed!.findings.find((f) => /--dtype is an engine flag/.test(f.reason))!.source).toBe(
      `git ${parent.slice(0, 12)}`,
    );

    expect(t.newflag).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(t.newflag!.reason).toContain(
      `--max-num-batched-tokens is not accepted by the benchmark client benchmarks/benchmark_serving.py at ${parent.slice(0, 12)}`,
    );

    expect(t.created).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(t.created!.reason).toContain(
      `benchmarks/benchmark_throughput.py does not exist at ${parent.slice(0, 12)} (the parent)`,
    );

    expect(t.offline).toMatchObject({ runnable: true, gpus: 2 });
    expect(t.offline!.argv!.human!.client).toEqual([
      'python3',
      'benchmarks/benchmark_latency.py',
      '--model',
      'facebook/opt-125m',
      '--input_len',
      '16',
      '-tp',
      '2',
    ]);
    expect(t.bigger).toMatchObject({ runnable: true, gpus: 4 });
    expect(t.bigger!.argv!.baseline!.client.slice(-2)).toEqual(['--tensor-parallel-size', '4']);
    expect(t.newflag!.argv).toBeUndefined();
  });

  it('reads a bare git dir the same way, and prints the argv with --verbose', async () => {
    const bare = join(dir, 'vllm.git');
    execFileSync('git', ['clone', '-q', '--bare', repo, bare]);
    const fromBare = await runPlan({ dataset, repo: bare, only: ['routed', 'offline'], verbose: true });
    const fromCheckout = await runPlan({ dataset, repo, only: ['routed', 'offline'] });
    expect(fromBare.value.tasks.map((t) => t.argv)).toEqual(fromCheckout.value.tasks.map((t) => t.argv));
    expect(fromBare.text).toContain(
      `server: python3 -m vllm.entrypoints.openai.api_server --model facebook/opt-125m --dtype float16 --enable-prefix-caching --host {host} --port {port}`,
    );
    expect(fromBare.text).toContain(`client_from: ${parent}`);
    expect(fromBare.summary).toContain('### Commands per variant');
    expect(fromCheckout.text).not.toContain('client_from');
  });

  it('run builds the same argv as the plan for a data file the runner provides (config dataFiles)', async () => {
    const sharegpt = join(dir, 'ShareGPT_V3_unfiltered_cleaned_split.json');
    await writeFile(sharegpt, '[]');
    const config = join(dir, 'sweep.yml');
    await writeFile(config, `dataFiles:\n  ShareGPT_V3_unfiltered_cleaned_split.json: ${sharegpt}\n`);
    const rowsFile = join(dir, 'sharegpt.jsonl');
    const perf =
      'python benchmarks/benchmark_serving.py --model facebook/opt-125m --dataset-name sharegpt --dtype float16';
    await writeFile(
      rowsFile,
      JSON.stringify({
        id: 'sharegpt',
        commit_hash: commit,
        parent_commit: parent,
        repo: 'vllm-project/vllm',
        perf_command: perf,
        gpu_config: 'H100:1',
      }) + '\n',
    );
    const planned = byId((await runPlan({ dataset: rowsFile, repo, config })).value.tasks).sharegpt!;
    expect(planned.runnable).toBe(true);
    const planClient = planned.argv!.human!.client;
    expect(planClient).toContain(sharegpt);
    const task = { id: 'sharegpt', commit, parent, repo: 'vllm-project/vllm' };
    const run = await workloadFromRepo(repo, task, parsePerfCommand(perf), VLLM_ENGINE, 1, {
      'ShareGPT_V3_unfiltered_cleaned_split.json': sharegpt,
    });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.workload.client.argv).toEqual(withoutEndpointPlaceholders(planClient));
    // Without the config the run would read a path the container does not have: the argv differs.
    const bare = await workloadFromRepo(repo, task, parsePerfCommand(perf), VLLM_ENGINE, 1);
    expect(bare.ok && bare.workload.client.argv).not.toContain(sharegpt);
  });

  it('without --repo, vLLM rows are routed by the release table and the finding says so', async () => {
    const plan = (await runPlan({ dataset, only: ['routed'] })).value;
    const t = plan.tasks[0]!;
    // The rows carry no version text here, so the table has nothing to say: the command stays as written.
    expect(t.argv!.human!.client).toContain('--dtype');
    const withVersion = join(dir, 'versioned.jsonl');
    await writeFile(
      withVersion,
      JSON.stringify({
        id: 'v',
        commit_hash: commit,
        parent_commit: parent,
        repo: 'vllm-project/vllm',
        perf_command: rows()[0]!.perf,
        vllm_release_approx: 'after v0.5.4, first release ~v0.5.5',
      }) + '\n',
    );
    const versioned = (await runPlan({ dataset: withVersion })).value.tasks[0]!;
    expect(versioned.argv!.human!.client).not.toContain('--dtype');
    expect(versioned.argv!.human!.server).toContain('--dtype');
    expect(versioned.findings.find((f) => /--dtype is an engine flag/.test(f.reason))!.source).toBe(
      'release table 0.5.4',
    );
  });
});
