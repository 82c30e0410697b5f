/**
 * The workflows' chain through the action entry, locally, with the demo engine in Docker (no GPU):
 * plan (hosted job) → build and run for each matrix entry, as the build and bench jobs' `with:`
 * pass them (sharing the runner-local cache, as on one machine or a shared disk) → report
 * over the merged results (the report job), each step a fresh process reading INPUT_* and
 * writing GITHUB_OUTPUT / GITHUB_STEP_SUMMARY.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepo, type DemoRepo } from '../../src/adapters/demo-repo.js';
import { parse as parseYaml } from 'yaml';
import { buildEntryBundle, matrixOf, ROOT, runEntry, type EntryRun } from './entry-helpers.js';

const DECLARED = Object.keys(
  (parseYaml(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { outputs: object }).outputs,
);
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

describe('plan → build → run → report through the action entry (demo engine, docker executor)', () => {
  it('measures the demo task and reports it', async () => {
    const step = (inputs: Record<string, string>) =>
      runEntry(inputs, { entry: [bundle], env: { RUNNER_TOOL_CACHE: join(root, 'tool-cache') } });

    const plan = await step({ command: 'plan', dataset });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.outputs['has-jobs']).toBe('true');
    const matrix = matrixOf(plan);
    expect(matrix.include.map((e) => e.task)).toEqual([demo.taskId]);

    // One build job per matrix entry, on the CPU runner.
    for (const entry of matrix.include) {
      const build = await step({
        command: 'build',
        dataset,
        only: entry.task,
        repo: demo.dir,
        'build-logs': join(root, 'build-logs'),
      });
      expect(build.code, build.stdout + build.stderr).toBe(0);
      expect(build.outputs.failed).toBe('0');
      expect(build.summary).toContain('benchsweep build');
      expect(Object.keys(build.outputs).filter((k) => !DECLARED.includes(k))).toEqual([]);
    }

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
      expect(run.outputs).toMatchObject({ records: '3', successes: '3', 'cache-hit': 'true' });
      // The job summary says what ran: a row per variant with its metric.
      expect(run.summary).toContain('### benchsweep run');
      expect(run.summary.match(new RegExp(`\\| \`${entry.task}\` \\| \\w+ \\| 1 \\| success \\|`, 'g'))).toHaveLength(
        3,
      );
      expect(Object.keys(run.outputs).filter((k) => !DECLARED.includes(k))).toEqual([]);
      runs.push(run);
      // The bench job took the artifacts the build job left in the cache: no compile on the GPU runner.
      for (const variant of ['baseline', 'human', 'agent']) {
        const record = JSON.parse(
          await readFile(join(run.outputs.results!, entry.task, `${variant}.attempt-1.json`), 'utf8'),
        ) as { artifact?: { source: string } };
        expect(record.artifact?.source, variant).toBe('cache');
      }
    }

    // download-artifact with merge-multiple: every job's folder merged into one.
    const merged = join(root, 'merged');
    const { cp } = await import('node:fs/promises');
    for (const entry of matrix.include)
      await cp(join(root, 'artifacts', `results-${entry.shard}-${entry.task}-${entry.gpus}`), merged, {
        recursive: true,
      });

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
