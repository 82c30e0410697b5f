import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { commitAll, initRepo } from '../../src/adapters/git.js';
import { mkdir } from 'node:fs/promises';

const DATASET = `${ROOT}examples/datasets/isobench-vllm.jsonl`;

describe('benchsweep plan (CLI)', () => {
  it('prints exactly one JSON document listing every row', async () => {
    const r = await runCli([
      'plan',
      '--dataset',
      DATASET,
      '--overrides',
      `${ROOT}examples/datasets/seed-quoted-commands.jsonl`,
      '--json',
    ]);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.tasks).toHaveLength(96);
    expect(plan.matrix.include.length).toBe(plan.tasks.filter((t: { runnable: boolean }) => t.runnable).length);
    expect(plan.estimate.gpuHours).toBeGreaterThan(0);
    const t = plan.tasks.find((x: { id: string }) => x.id === '2deb029d');
    expect(t).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
  });

  it('goes on past bad rows, naming file, line and field on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-cli-'));
    const file = join(dir, 'bad.jsonl');
    const lines = (await readFile(DATASET, 'utf8')).split('\n').slice(0, 3);
    lines.splice(1, 0, JSON.stringify({ commit_hash: 'not-a-sha', perf_command: 'x' }));
    await writeFile(file, lines.join('\n'));
    const r = await runCli(['plan', '--dataset', file, '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).tasks).toHaveLength(3);
    expect(r.stderr).toContain(`${file}:2 field commit_hash:`);
  });

  it('rejects a missing dataset and a malformed pool with exit code 2', async () => {
    const missing = await runCli(['plan', '--dataset', '/nonexistent/rows.jsonl']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read dataset /nonexistent/rows.jsonl: ENOENT');
    const pool = await runCli(['plan', '--dataset', DATASET, '--pool', 'lots']);
    expect(pool.exitCode).toBe(2);
    expect(pool.stderr).toMatch(/--pool: pool entry "lots"/);
  });

  it('says where every artifact comes from with an artifact index', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-cli-'));
    const facts = (await readFile(`${ROOT}examples/datasets/vllm-commit-facts.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const index = {
      images: Object.fromEntries(facts.map((f) => [f.commit, `registry.example/vllm:${f.commit}`])),
      wheels: {},
    };
    await writeFile(join(dir, 'index.json'), JSON.stringify(index));
    const r = await runCli(['plan', '--dataset', DATASET, '--artifacts', join(dir, 'index.json'), '--json']);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    const rebuild = new Map(facts.map((f) => [f.id, f.rebuild]));
    const runnable = plan.tasks.filter((t: { runnable: boolean }) => t.runnable);
    expect(runnable.length).toBeGreaterThan(0);
    for (const t of runnable) {
      expect(t.artifacts.human.source).toBe('registry');
      const expected = t.parent in index.images ? 'registry' : rebuild.get(t.id) === 'no-compile' ? 'overlay' : 'build';
      expect(t.artifacts.baseline.source, t.id).toBe(expected);
      if (expected === 'overlay') expect(t.artifacts.baseline.from).toBe(t.commit);
      expect(['overlay', 'build', 'registry', 'cache']).toContain(t.artifacts.agent.source);
    }
    const bad = await runCli(['plan', '--dataset', DATASET, '--artifacts', join(dir, 'nope.json')]);
    expect(bad.exitCode).toBe(2);
  });

  it('with a checkout, a script missing at the task commit is INVALID_COMMAND and a present one runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-cli-repo-'));
    const repo = join(dir, 'engine');
    await mkdir(join(repo, 'benchmarks'), { recursive: true });
    await initRepo(repo);
    await writeFile(join(repo, 'benchmarks', 'benchmark_serving.py'), 'print("serving")\n');
    const parent = await commitAll(repo, 'parent');
    await writeFile(join(repo, 'engine.py'), 'FAST = True\n');
    const commit = await commitAll(repo, 'human');
    const cmd = (script: string) => `python ${script} --model facebook/opt-125m --dataset-name random --num-prompts 10`;
    const rows = [
      {
        id: 'present',
        commit_hash: commit,
        parent_commit: parent,
        repo: 'demo/engine',
        perf_command: cmd('benchmarks/benchmark_serving.py'),
      },
      {
        id: 'missing',
        commit_hash: commit,
        parent_commit: parent,
        repo: 'demo/engine',
        perf_command: cmd('benchmarks/benchmark_latency.py'),
      },
    ];
    await writeFile(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const withRepo = JSON.parse(
      (await runCli(['plan', '--dataset', join(dir, 'rows.jsonl'), '--repo', repo, '--json'])).stdout,
    );
    const byId = Object.fromEntries(withRepo.tasks.map((t: { id: string }) => [t.id, t]));
    expect(byId.present).toMatchObject({ runnable: true });
    expect(byId.missing).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(byId.missing.reason).toContain(
      `the script benchmarks/benchmark_latency.py does not exist at commit ${commit.slice(0, 12)}`,
    );
    // Without a checkout the same row cannot be checked, and runs.
    const without = JSON.parse((await runCli(['plan', '--dataset', join(dir, 'rows.jsonl'), '--json'])).stdout);
    expect(without.tasks.find((t: { id: string }) => t.id === 'missing').runnable).toBe(true);
  });
});
