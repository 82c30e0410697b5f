/**
 * `benchsweep plan`: preflight of every task before any GPU minute, the exact argv per variant
 * (`--repo` reads vLLM's parsers from git), the job matrix by runner size, artifact sources, the
 * estimate and a pool what-if. Decisions live in core/preflight, core/argv and core/plan.
 */
import type { Command } from 'commander';
import { emit, log, UserError } from '../cli-output.js';
import { loadConfig } from '../adapters/config-file.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { applyOverrides, formatDatasetError, selectTasks } from '../core/dataset/dataset.js';
import { readText } from '../adapters/files.js';
import { planSweep, type Plan } from '../core/plan/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../core/plan/plan-markdown.js';
import { parsePool } from '../core/plan/pool.js';
import type { CommandResult } from './command-result.js';
import { loadArtifactIndex } from '../adapters/artifact-config-file.js';
import { diffNameStatus } from '../adapters/git.js';
import { openEngineTree, type EngineTree } from '../adapters/engine-tree.js';
import { treeParsers, type EngineParsers } from '../core/argv/engine-parsers.js';
import { renderArgvText } from '../core/argv/argv-text.js';
import { DEMO_LAYOUT, VLLM_LAYOUT } from '../core/argv/engine-flags/engine-layout.js';
import { engineForRepos } from '../core/engine-kind.js';
import { parseEngineVersion } from '../core/preflight/engine-version.js';
import { SCM_ANCHORS, scmVersion } from '../core/preflight/rules/vllm-releases.js';
import type { Task } from '../core/task.js';
import { pathsInPatch } from '../core/dataset/patch-paths.js';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface PlanOptions {
  dataset: string;
  only?: string[];
  maxGpus?: number;
  /** Runner sizes (GPU counts) the pool has, e.g. [1, 2, 8]: each task goes to the smallest that holds it. */
  gpuSizes?: number[];
  /** Artifact index JSON: { images: { sha: ref }, wheels: { sha: url } }. */
  artifacts?: string;
  config?: string;
  /** Runner pool for the what-if simulation, e.g. 8xH100:1,2xH100:4. */
  pool?: string;
  /** JSONL rows `{ id, perf_command?, models?, ... }` that replace fields of the dataset's tasks. */
  overrides?: string;
  /** A checkout of the engine repository: changed files come from `git diff parent..commit`. */
  repo?: string;
  /** Text/markdown: also print each runnable task's argv per variant. */
  verbose?: boolean;
}

/**
 * With a tree (`--repo`, a checkout or a bare git dir): the parsers and scripts at every commit
 * and parent, read through one cached `git cat-file --batch`, and setuptools-scm versions counted
 * from the anchors of rules/vllm-releases.ts where the tree states none.
 */
async function planWithTree(
  repo: string,
  tasks: Task[],
  config: Awaited<ReturnType<typeof loadConfig>>,
  opts: Parameters<typeof planSweep>[2],
): Promise<Plan> {
  const tree = openEngineTree(repo);
  try {
    const layout = engineForRepos(tasks.map((t) => t.repo)) === 'demo' ? DEMO_LAYOUT : VLLM_LAYOUT;
    const commits = [...new Set(tasks.flatMap((t) => [t.commit, ...(t.parent ? [t.parent] : [])]))];
    const present = await tree.present(commits);
    const missing = new Set(commits.filter((c) => !present.has(c)));
    for (const t of tasks)
      if (missing.has(t.commit))
        log(
          `warning: ${t.id}: commit ${t.commit.slice(0, 12)} is not in ${repo}; its flags are checked against the release table`,
        );
    const versions = await scmVersions(tree, tasks, missing);
    const compute = () => {
      const byCommit = new Map<string, EngineParsers>();
      const parsers = (commit: string) => {
        if (missing.has(commit)) return undefined;
        let p = byCommit.get(commit);
        if (!p) byCommit.set(commit, (p = treeParsers(layout, tree.reader(commit), commit)));
        return p;
      };
      return planSweep(tasks, config, {
        ...opts,
        parsers,
        engineVersions: (t) => versions.get(t.id) ?? {},
        scriptExists: (t, path) => missing.has(t.commit) || tree.reader(t.commit)(path.replace(/^\.\//, '')) !== null,
      });
    };
    return await tree.prefetch(compute);
  } finally {
    tree.close();
  }
}

/** Versions of setuptools-scm builds (no `__version__` in the tree): `<anchor>.post<n>.dev<distance>`. */
async function scmVersions(
  tree: EngineTree,
  tasks: Task[],
  missing: Set<string>,
): Promise<Map<string, { commit?: string; parent?: string }>> {
  const out = new Map<string, { commit?: string; parent?: string }>();
  const at = async (commit: string, approx: string | undefined) => {
    if (missing.has(commit)) return undefined;
    const low = parseEngineVersion(approx)?.low;
    for (const a of SCM_ANCHORS) {
      // An anchor counts only inside its own release range: a later tag the table lacks would be skipped otherwise.
      if (!low || low.join('.') !== a.version.replace(/\.post\d+$/, '')) continue;
      const d = await tree.distance(a.commit, commit);
      if (d !== undefined) return scmVersion(a.version, d);
    }
    return undefined;
  };
  for (const t of tasks) {
    const commit = await at(t.commit, t.engineVersionApprox);
    const parent = t.parent ? await at(t.parent, t.engineVersionApprox) : undefined;
    if (commit || parent) out.set(t.id, { ...(commit ? { commit } : {}), ...(parent ? { parent } : {}) });
  }
  return out;
}

async function loadArtifactsContext(file: string, tasks: Task[], repo: string | undefined, datasetDir: string) {
  const index = await loadArtifactIndex(file);
  const changedFilesByTask = new Map<string, string[]>();
  if (repo) {
    for (const t of tasks) {
      if (!t.parent) continue;
      try {
        changedFilesByTask.set(
          t.id,
          (await diffNameStatus(repo, t.parent, t.commit)).map((c) => c.path),
        );
      } catch (e) {
        log(
          `warning: ${t.id}: git diff ${t.parent.slice(0, 8)}..${t.commit.slice(0, 8)} in ${repo} failed (${(e as Error).message.split('\n')[0]}); using files_changed`,
        );
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
      log(
        `warning: ${t.id}: cannot read agent patch ${t.patchPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its artifact stays tentative`,
      );
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
  // A mistyped id must not shrink the sweep silently.
  if (unknown.length > 0) {
    throw new UserError(
      `--only: no task matches ${unknown.map((u) => `"${u}"`).join(', ')} (task ids or commit prefixes of 7+ characters; ${dataset.tasks.length} tasks in ${options.dataset})`,
    );
  }
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
  if (
    options.gpuSizes !== undefined &&
    (options.gpuSizes.length === 0 || options.gpuSizes.some((n) => !Number.isInteger(n) || n < 1))
  ) {
    throw new UserError(`--gpu-sizes: expected GPU counts like 1,2,8, got ${options.gpuSizes.join(',')}`);
  }
  const artifacts = options.artifacts
    ? await loadArtifactsContext(options.artifacts, tasks, options.repo, dirname(options.dataset))
    : undefined;
  const planOptions: Parameters<typeof planSweep>[2] = {
    ...(artifacts ? { artifacts } : {}),
    ...(options.maxGpus !== undefined ? { maxGpus: options.maxGpus } : {}),
    ...(options.gpuSizes !== undefined ? { gpuSizes: options.gpuSizes } : {}),
    errors: dataset.errors,
    unknownIds: unknown,
    ...(pool ? { pool } : {}),
  };
  const plan = options.repo
    ? await planWithTree(options.repo, tasks, config, planOptions)
    : planSweep(tasks, config, planOptions);
  const outputs: Record<string, string> = {
    matrix: JSON.stringify(plan.shards[0] ?? { include: [] }),
    'shard-count': String(plan.shards.length),
    'runnable-count': String(plan.counts.runnable),
    'skipped-count': String(plan.counts.skipped),
    'has-jobs': String(plan.counts.runnable > 0),
  };
  plan.shards.forEach((s, i) => (outputs[`matrix-${i}`] = JSON.stringify(s)));
  const verbose = options.verbose === true;
  const text = verbose ? `${renderPlanText(plan)}\n\n${renderArgvText(plan.tasks)}` : renderPlanText(plan);
  const summary = verbose
    ? `${renderPlanMarkdown(plan)}\n\n### Commands per variant\n\n${renderArgvText(plan.tasks, { markdown: true })}`
    : renderPlanMarkdown(plan);
  return { value: plan, text, summary, outputs };
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('static preflight of every task, the job matrix, artifact sources and the estimate')
    .requiredOption('--dataset <file>', 'dataset: JSONL, JSON array or CSV with ISO-Bench fields')
    .option('--only <ids>', 'comma-separated task ids or commit prefixes', list)
    .option('--max-gpus <n>', 'GPUs of the largest runner', (v) => Number(v))
    .option(
      '--gpu-sizes <list>',
      'runner sizes the pool has, e.g. 1,2,8: each task goes to the smallest that holds it',
      (v) => list(v).map(Number),
    )
    .option('--artifacts <index>', 'JSON index of existing images and wheels')
    .option('--config <file>', 'sweep config (YAML or JSON)')
    .option('--overrides <file>', 'JSONL rows { id, perf_command, ... } replacing dataset fields')
    .option('--repo <dir>', 'a checkout of the engine: scripts checked at each commit, changed files from git diff')
    .option('--pool <spec>', 'what-if runner pool, e.g. 8xH100:1,2xH100:4,1xH100:8')
    .option('--markdown', 'print the job-summary markdown')
    .option('--verbose', 'also print what each variant of each runnable task executes (server, client, client_from)')
    .option('--json', 'print one JSON document')
    .action(async (opts: PlanOptions & { json?: boolean; markdown?: boolean }) => {
      const result = await runPlan(opts);
      for (const e of result.value.errors) log(`warning: ${formatDatasetError(e)}`);
      if (result.value.unknown_ids.length > 0) log(`warning: unknown task ids: ${result.value.unknown_ids.join(', ')}`);
      emit({ json: !!opts.json, value: result.value, text: () => (opts.markdown ? result.summary! : result.text) });
    });
}
