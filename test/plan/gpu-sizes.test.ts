import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, runnerSizeFor, SweepConfig } from '../../src/core/config.js';
import { applyOverrides, parseDataset } from '../../src/core/dataset/dataset.js';
import { planSweep } from '../../src/core/plan/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../src/core/plan/plan-markdown.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { runBuild } from '../../src/commands/build.js';
import { runRun } from '../../src/commands/run.js';
import { UserError } from '../../src/cli-output.js';

const read = (name: string) => readFileSync(new URL(`../../examples/datasets/${name}`, import.meta.url), 'utf8');
const real = () => {
  const base = parseDataset(read('isobench-vllm.jsonl'), 'isobench-vllm.jsonl');
  return applyOverrides(base.tasks, read('seed-quoted-commands.jsonl'), 'seed-quoted-commands.jsonl').tasks;
};
const DATASET = `${ROOT}examples/datasets/isobench-vllm.jsonl`;

describe('runner sizes', () => {
  it('picks the smallest listed size that holds the task', () => {
    expect(runnerSizeFor(1, [8, 1, 2])).toBe(1);
    expect(runnerSizeFor(3, [1, 2, 8])).toBe(8);
    expect(runnerSizeFor(4, [1, 2, 8])).toBe(8);
    expect(runnerSizeFor(9, [1, 2, 8])).toBeUndefined();
    expect(runnerSizeFor(4, undefined)).toBe(4);
  });

  it('sends a 4-GPU task to the 8-GPU runner, never to a gpu-4 label no runner has', () => {
    const plan = planSweep(real(), defaultConfig(), { gpuSizes: [1, 2, 8] });
    const four = plan.tasks.find((t) => t.id === '310aca88')!;
    expect(four).toMatchObject({ runnable: true, gpus: 4, runner_gpus: 8 });
    const entry = plan.matrix.include.find((e) => e.task === '310aca88')!;
    expect(entry).toMatchObject({ gpus: 4, runner_gpus: 8, runs_on: ['self-hosted', 'linux', 'h100', 'gpu-8'] });
    expect(entry.name).toContain('4 GPUs on 8-GPU runner');
    for (const e of plan.matrix.include) {
      expect([1, 2, 8]).toContain(e.runner_gpus);
      expect(e.runner_gpus).toBeGreaterThanOrEqual(e.gpus);
      expect(e.runs_on).toContain(`gpu-${e.runner_gpus}`);
    }
    // Estimates are per runner size (the whole runner is occupied).
    expect(plan.estimate.bySize.map((s) => s.gpus).every((g) => [1, 2, 8].includes(g))).toBe(true);
    expect(renderPlanText(plan)).toMatch(/310aca88\s+4 GPU on 8-GPU runner/);
    expect(renderPlanMarkdown(plan)).toMatch(/\| 8 +\| \d+ +\| [\d, ]*4[\d, ]* +\|/);
  });

  it('without sizes keeps one runner size per GPU count (the old behaviour)', () => {
    const plan = planSweep(real(), defaultConfig());
    const entry = plan.matrix.include.find((e) => e.task === '310aca88')!;
    expect(entry).toMatchObject({ gpus: 4, runner_gpus: 4 });
    expect(entry.runs_on).toContain('gpu-4');
  });

  it('a task bigger than every size is INSUFFICIENT_GPUS, naming the sizes', () => {
    const plan = planSweep(real(), defaultConfig(), { gpuSizes: [1, 2] });
    const four = plan.tasks.find((t) => t.id === '310aca88')!;
    expect(four).toMatchObject({ runnable: false, category: 'INSUFFICIENT_GPUS' });
    expect(four.runner_gpus).toBeUndefined();
    expect(plan.matrix.include.find((e) => e.task === '310aca88')).toBeUndefined();
    // --max-gpus above the sizes still cannot invent a runner.
    const wider = planSweep(real(), defaultConfig(), { gpuSizes: [1, 2], maxGpus: 8 });
    expect(wider.tasks.find((t) => t.id === '310aca88')).toMatchObject({
      runnable: false,
      category: 'INSUFFICIENT_GPUS',
      reason: 'needs 4 GPUs; the runner sizes are 1, 2',
    });
  });

  it('reads sizes from the config and maps them through runnerLabels.bySize', () => {
    const config = SweepConfig.parse({ gpu: { sizes: [2, 8] }, runnerLabels: { bySize: { '8': ['arc-h100-8gpu'] } } });
    const plan = planSweep(real(), config);
    const entry = plan.matrix.include.find((e) => e.task === '310aca88')!;
    expect(entry.runs_on).toEqual(['arc-h100-8gpu']);
    expect(plan.matrix.include.every((e) => e.runner_gpus === 2 || e.runner_gpus === 8)).toBe(true);
  });
});

describe('plan CLI: --gpu-sizes and --only', () => {
  it('--gpu-sizes 1,2,8 says where each task goes (JSON and text)', async () => {
    const json = await runCli(['plan', '--dataset', DATASET, '--gpu-sizes', '1,2,8', '--only', '310aca88', '--json']);
    expect(json.exitCode).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.matrix.include).toHaveLength(1);
    expect(plan.matrix.include[0]).toMatchObject({ task: '310aca88', gpus: 4, runner_gpus: 8 });
    const text = await runCli(['plan', '--dataset', DATASET, '--gpu-sizes', '1,2,8', '--only', '310aca88']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('4 GPU on 8-GPU runner');
  });

  it('--only that matches nothing exits 2 naming what it could not find', async () => {
    const r = await runCli(['plan', '--dataset', DATASET, '--only', '310aca88,nosuchtask', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--only: no task matches "nosuchtask"');
    const bad = await runCli(['plan', '--dataset', DATASET, '--gpu-sizes', '1,x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--gpu-sizes');
  });

  it('build and run refuse an --only that matches nothing too, before any work', async () => {
    const build = await runBuild({
      dataset: DATASET,
      only: ['nosuchtask'],
      repo: '/nonexistent',
      cacheDir: '/nonexistent',
      dryRun: true,
    }).catch((e: unknown) => e);
    expect(build).toBeInstanceOf(UserError);
    expect((build as Error).message).toMatch(
      /^--only: no task matches "nosuchtask" \(task ids or commit prefixes of 7\+ characters; \d+ tasks in /,
    );
    const run = await runRun({
      dataset: DATASET,
      only: ['310aca88', 'typo1234'],
      results: '/nonexistent/results',
      repo: '/nonexistent',
    }).catch((e: unknown) => e);
    expect(run).toBeInstanceOf(UserError);
    expect((run as Error).message).toContain('--only: no task matches "typo1234"');
  });
});
