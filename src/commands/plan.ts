import type { Command } from 'commander';
import { emit, log, UserError } from '../cli-output.js';
import { loadConfig } from '../adapters/config-file.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { applyOverrides, formatDatasetError, selectTasks } from '../core/dataset.js';
import { readText } from '../adapters/files.js';
import { planSweep, type Plan } from '../core/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../core/plan-markdown.js';
import { parsePool } from '../core/pool.js';
import type { CommandResult } from './command-result.js';
import { loadArtifactIndex } from '../adapters/artifact-config-file.js';
import { diffNameStatus, listFiles } from '../adapters/git.js';
import type { Task } from '../core/task.js';
import { pathsInPatch } from '../core/patch-paths.js';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface PlanOptions {
  dataset: string;
  only?: string[];
  maxGpus?: number;
  /** Artifact index JSON: { images: { sha: ref }, wheels: { sha: url } }. */
  artifacts?: string;
  config?: string;
  /** Runner pool for the what-if simulation, e.g. 8xH100:1,2xH100:4. */
  pool?: string;
  /** JSONL rows `{ id, perf_command?, models?, ... }` that replace fields of the dataset's tasks. */
  overrides?: string;
  /** A checkout of the engine repository: changed files come from `git diff parent..commit`. */
  repo?: string;
}

/** With a checkout, "is this file at the task's commit?" is answered from each commit's tree. */
async function filesAtCommits(repo: string, tasks: Task[]): Promise<(task: Task, path: string) => boolean> {
  const trees = new Map<string, Set<string>>();
  for (const t of tasks) {
    try {
      trees.set(t.id, await listFiles(repo, t.commit));
    } catch (e) {
      log(`warning: ${t.id}: commit ${t.commit.slice(0, 12)} is not in ${repo} (${(e as Error).message.split('\n')[0]}); its files are not checked`);
    }
  }
  return (task, path) => trees.get(task.id)?.has(path.replace(/^\.\//, '')) ?? true;
}

async function loadArtifactsContext(file: string, tasks: Task[], repo: string | undefined, datasetDir: string) {
  const index = await loadArtifactIndex(file);
  const changedFilesByTask = new Map<string, string[]>();
  if (repo) {
    for (const t of tasks) {
      if (!t.parent) continue;
      try {
        changedFilesByTask.set(t.id, (await diffNameStatus(repo, t.parent, t.commit)).map((c) => c.path));
      } catch (e) {
        log(`warning: ${t.id}: git diff ${t.parent.slice(0, 8)}..${t.commit.slice(0, 8)} in ${repo} failed (${(e as Error).message.split('\n')[0]}); using files_changed`);
      }
    }
  }
  // Files an agent patch touches decide overlay or build for the agent; an unreadable patch leaves it tentative.
  const agentPatchPathsByTask = new Map<string, string[]>();
  for (const t of tasks) {
    if (!t.patchPath) continue;
    try {
      agentPatchPathsByTask.set(t.id, pathsInPatch(await readFile(resolve(datasetDir, t.patchPath), 'utf8')));
    } catch (e) {
      log(`warning: ${t.id}: cannot read agent patch ${t.patchPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its artifact stays tentative`);
    }
  }
  return { index, changedFilesByTask, agentPatchPathsByTask };
}

export async function runPlan(options: PlanOptions): Promise<CommandResult<Plan>> {
  const config = await loadConfig(options.config);
  let dataset = await loadDataset(options.dataset);
  if (options.overrides) {
    const o = applyOverrides(dataset.tasks, await readText(options.overrides, 'overrides'), options.overrides);
    dataset = { tasks: o.tasks, errors: [...dataset.errors, ...o.errors] };
  }
  const { tasks, unknown } = selectTasks(dataset.tasks, options.only);
  let pool;
  if (options.pool) {
    try {
      pool = parsePool(options.pool);
    } catch (e) {
      throw new UserError(`--pool: ${(e as Error).message}`);
    }
  }
  if (options.maxGpus !== undefined && (!Number.isInteger(options.maxGpus) || options.maxGpus < 1)) {
    throw new UserError(`--max-gpus: expected a positive integer, got ${options.maxGpus}`);
  }
  const artifacts = options.artifacts ? await loadArtifactsContext(options.artifacts, tasks, options.repo, dirname(options.dataset)) : undefined;
  const scriptExists = options.repo ? await filesAtCommits(options.repo, tasks) : undefined;
  const plan = planSweep(tasks, config, {
    ...(scriptExists ? { scriptExists } : {}),
    ...(artifacts ? { artifacts } : {}),
    ...(options.maxGpus !== undefined ? { maxGpus: options.maxGpus } : {}),
    errors: dataset.errors,
    unknownIds: unknown,
    ...(pool ? { pool } : {}),
  });
  const outputs: Record<string, string> = {
    matrix: JSON.stringify(plan.shards[0] ?? { include: [] }),
    'shard-count': String(plan.shards.length),
    'runnable-count': String(plan.counts.runnable),
    'skipped-count': String(plan.counts.skipped),
    'has-jobs': String(plan.counts.runnable > 0),
  };
  plan.shards.forEach((s, i) => (outputs[`matrix-${i}`] = JSON.stringify(s)));
  return { value: plan, text: renderPlanText(plan), summary: renderPlanMarkdown(plan), outputs };
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('static preflight of every task, the job matrix, artifact sources and the estimate')
    .requiredOption('--dataset <file>', 'dataset: JSONL, JSON array or CSV with ISO-Bench fields')
    .option('--only <ids>', 'comma-separated task ids or commit prefixes', list)
    .option('--max-gpus <n>', 'GPUs of the largest runner', (v) => Number(v))
    .option('--artifacts <index>', 'JSON index of existing images and wheels')
    .option('--config <file>', 'sweep config (YAML or JSON)')
    .option('--overrides <file>', 'JSONL rows { id, perf_command, ... } replacing dataset fields')
    .option('--repo <dir>', 'a checkout of the engine: scripts checked at each commit, changed files from git diff')
    .option('--pool <spec>', 'what-if runner pool, e.g. 8xH100:1,2xH100:4,1xH100:8')
    .option('--markdown', 'print the job-summary markdown')
    .option('--json', 'print one JSON document')
    .action(async (opts: PlanOptions & { json?: boolean; markdown?: boolean }) => {
      const result = await runPlan(opts);
      for (const e of result.value.errors) log(`warning: ${formatDatasetError(e)}`);
      if (result.value.unknown_ids.length > 0) log(`warning: unknown task ids: ${result.value.unknown_ids.join(', ')}`);
      emit({ json: !!opts.json, value: result.value, text: () => (opts.markdown ? result.summary! : result.text) });
    });
}
