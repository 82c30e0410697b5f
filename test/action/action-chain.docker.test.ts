/**
 * The workflows' chain through the action entry, locally, with the demo engine in Docker (no GPU):
 * plan (hosted job) → run for each matrix entry, as the bench job's `with:` passes it → report
 * over the merged results (the report job), each step a fresh process reading INPUT_* and
 * writing GITHUB_OUTPUT / GITHUB_STEP_SUMMARY.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { buildEntryBundle, matrixOf, runEntry, type EntryRun } from './entry-helpers.js';

let bundle = '';
let demo: DemoRepo;
let root = '';
let dataset = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-chain-'));
  [bundle, demo] = await Promise.all([buildEntryBundle(), createDemoRepo(join(root, 'demo'))]);
  // The planner refuses `--result-filename` (runners do not have that file); the run parses the
  // printed result block either way, so the chain uses the demo row without the result-file flags.
  const row = JSON.parse((await readFile(demo.datasetFile, 'utf8')).trim()) as { perf_command: string };
  row.perf_command = row.perf_command.replace(' --save-result --result-filename benchmark_result.json', '');
  dataset = join(root, 'dataset.jsonl');
  await writeFile(dataset, JSON.stringify(row) + '\n');
}, 300_000);

describe('plan → run → report through the action entry (demo engine, docker executor)', () => {
  it('measures the demo task and reports it', async () => {
    const step = (inputs: Record<string, string>) => runEntry(inputs, { entry: [bundle], env: { RUNNER_TOOL_CACHE: join(root, 'tool-cache') } });

    const plan = await step({ command: 'plan', dataset });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.outputs['has-jobs']).toBe('true');
    const matrix = matrixOf(plan);
    expect(matrix.include.map((e) => e.task)).toEqual([demo.taskId]);

    // One bench job per matrix entry, each with its own results folder (its own artifact).
    const runs: EntryRun[] = [];
    for (const entry of matrix.include) {
      const run = await step({
        command: 'run',
        dataset,
        only: entry.task,
        variants: entry.variants.join(','),
        repeats: '2',
        executor: 'docker',
        repo: demo.dir,
        results: join(root, 'artifacts', `results-${entry.shard}-${entry.task}-${entry.gpus}`),
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs).toMatchObject({ records: '3', successes: '3' });
      runs.push(run);
    }

    // download-artifact with merge-multiple: every job's folder merged into one.
    const merged = join(root, 'merged');
    const { cp } = await import('node:fs/promises');
    for (const entry of matrix.include) await cp(join(root, 'artifacts', `results-${entry.shard}-${entry.task}-${entry.gpus}`), merged, { recursive: true });

    const report = await step({ command: 'report', results: merged, format: 'json', out: join(root, 'report') });
    expect(report.code, report.stdout + report.stderr).toBe(0);
    const counts = JSON.parse(report.outputs['outcome-counts']!) as { tasks: number; evaluable: number };
    expect(counts).toMatchObject({ tasks: 1, evaluable: 1 });
    const doc = JSON.parse(await readFile(report.outputs['report-path']!, 'utf8')) as {
      tasks: Array<{ task: string; variants: Record<string, { status: string; value: number }>; outcome: string }>;
    };
    expect(doc.tasks[0]!.task).toBe(demo.taskId);
    for (const v of ['baseline', 'human', 'agent']) {
      expect(doc.tasks[0]!.variants[v]!.status).toBe('success');
      expect(doc.tasks[0]!.variants[v]!.value).toBeGreaterThan(0);
    }
    expect(report.summary).toContain(demo.taskId);
  }, 600_000);
});
