/**
 * `benchsweep build`: the CPU job that runs before the GPU jobs (`needs:`). For every selected
 * task it resolves the baseline, human and agent artifacts in the plan's order (cache, index,
 * overlay, build), verifies them and leaves them in the cache, so GPU runners never compile. With
 * --push it also pushes each one to its registry template, so GPU runners on other machines pull it.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { emit, log, UserError } from '../cli-output.js';
import { etaSeconds, formatDuration } from '../core/progress.js';
import { cacheHitOutputs } from '../core/github/github-surfaces.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { readText } from '../adapters/files.js';
import {
  artifactsJson,
  planArtifactsForTasks,
  summarizeArtifacts,
  type ArtifactConfig,
  type ArtifactSummary,
} from '../core/artifacts/artifacts.js';
import { formatDatasetError, selectTasks } from '../core/dataset/dataset.js';
import { pathsInPatch } from '../core/dataset/patch-paths.js';
import type { Variant } from '../core/schemas.js';
import type { Task } from '../core/task.js';
import { createArtifactResolver, probeWheelSources, wheelSourcesPossible } from '../run/artifact-resolver.js';
import type { ImageResolution } from '../run/image-provider.js';
import type { CommandResult } from './command-result.js';
import { engineForRepos } from '../core/engine-kind.js';
import { loadArtifactConfig, loadArtifactIndex } from '../adapters/artifact-config-file.js';
import { sha256Hex } from '../core/artifacts/artifact-keys.js';
import { resolveCommit } from '../adapters/git.js';
import { pushImage, pushTarget } from '../adapters/registry-push.js';

export interface BuildOptions {
  dataset: string;
  only?: string[];
  /** A checkout of the engine repository holding every commit. */
  repo: string;
  cacheDir: string;
  /** Artifact index JSON: { images: { sha: ref }, wheels: { sha: url } }. */
  artifacts?: string;
  /** ArtifactConfig as YAML/JSON (toolchain, build limits, engine layout, cache format). */
  artifactConfig?: string;
  /** Engine preset: vLLM's layout or the demo engine's (default: from the dataset's repo). */
  engine?: 'demo' | 'vllm';
  /** Print the plan only; build nothing. */
  dryRun?: boolean;
  /**
   * Tag every variant that resolved with its registry template (artifact config `registry`:
   * `imageTemplates[0]` by commit, `agentTemplate` by commit + patch) and `docker push` it, so GPU
   * runners pull it through the same templates. Never pushes a failed resolution.
   */
  push?: boolean;
  /** Repository part of the resolver's local tags (tests isolate theirs; default benchsweep/artifact). */
  imageRepository?: string;
  /** First delay between push attempts (ms; default 5000). */
  pushRetryDelayMs?: number;
}

export interface BuiltVariant {
  ok: boolean;
  source?: string;
  from?: string;
  image?: string;
  seconds?: number;
  category?: string;
  reason?: string;
  evidence?: string;
  log?: string;
  /** --push: the registry reference this variant's image was pushed to (or already was there). */
  pushed?: string;
  /** --push: why pushing failed (the image itself resolved; the step fails). */
  push_error?: string;
  push_seconds?: number;
}

export interface BuildReport {
  tasks: Array<{
    id: string;
    variants: Partial<Record<Variant, BuiltVariant>>;
    plan: ReturnType<typeof artifactsJson>;
  }>;
  plan_summary: ArtifactSummary;
  builds: number;
  overlays: number;
  failed: number;
  /** --push: images pushed (or found already there) and pushes that failed. */
  pushed: number;
  push_failed: number;
  dry_run: boolean;
}

export { enginePreset } from '../adapters/artifact-config-file.js';

async function agentPatch(task: Task, datasetFile: string): Promise<string | undefined> {
  if (task.hasAgentPatch === false || !task.patchPath) return undefined;
  const path = isAbsolute(task.patchPath) ? task.patchPath : resolve(dirname(datasetFile), task.patchPath);
  if (!existsSync(path)) {
    log(`${task.id}: agent patch ${path} not found; the agent artifact is not built`);
    return undefined;
  }
  return readText(path, 'agent patch');
}

export async function runBuild(options: BuildOptions): Promise<CommandResult<BuildReport>> {
  const dataset = await loadDataset(options.dataset);
  for (const e of dataset.errors) log(`warning: ${formatDatasetError(e)}`);
  const { tasks, unknown } = selectTasks(dataset.tasks, options.only);
  if (unknown.length > 0) {
    throw new UserError(
      `--only: no task matches ${unknown.map((u) => `"${u}"`).join(', ')} (task ids or commit prefixes of 7+ characters; ${dataset.tasks.length} tasks in ${options.dataset})`,
    );
  }
  if (!options.dryRun && !existsSync(options.repo)) throw new UserError(`--repo ${options.repo}: not found`);

  const index = await loadArtifactIndex(options.artifacts);
  const config = await loadArtifactConfig(
    options.engine ?? engineForRepos(tasks.map((t) => t.repo)),
    options.artifactConfig,
  );

  const patches = new Map<string, string>();
  for (const t of tasks) {
    const p = await agentPatch(t, options.dataset);
    if (p) patches.set(t.id, p);
  }
  // Wheel sources the plan shows: cached wheels, and wheels in the per-commit index (pages read, nothing downloaded).
  const commits: string[] = [];
  if (await wheelSourcesPossible(config, options.cacheDir)) {
    for (const t of tasks)
      for (const c of [t.parent, t.commit]) if (c) commits.push(await resolveCommit(options.repo, c).catch(() => c));
  }
  const wheels = await probeWheelSources({ config, cacheDir: options.cacheDir, commits, log });
  const plans = planArtifactsForTasks(tasks, {
    index,
    cachedWheels: wheels.cachedWheels,
    indexedWheels: wheels.indexedWheels,
    costs: config.costs,
    agentPatchPathsByTask: new Map([...patches].map(([id, p]) => [id, pathsInPatch(p)])),
  });

  if (options.push && config.registry.imageTemplates.length === 0) {
    throw new UserError(
      '--push: the artifact config has no registry.imageTemplates (e.g. "{registry}/{repo}:{sha}" with registry.registry and registry.repo set)',
    );
  }
  const report: BuildReport = {
    tasks: [],
    plan_summary: summarizeArtifacts(plans.values()),
    builds: 0,
    overlays: 0,
    failed: 0,
    pushed: 0,
    push_failed: 0,
    dry_run: Boolean(options.dryRun),
  };
  const resolver = options.dryRun
    ? undefined
    : createArtifactResolver({
        repoDir: options.repo,
        cacheDir: options.cacheDir,
        index,
        config,
        log,
        ...(options.imageRepository ? { imageRepository: options.imageRepository } : {}),
      });
  const buildStarted = Date.now();
  for (const [taskIndex, task] of tasks.entries()) {
    const entry: BuildReport['tasks'][number] = { id: task.id, variants: {}, plan: artifactsJson(plans.get(task.id)!) };
    report.tasks.push(entry);
    if (!resolver) continue;
    const wanted: Array<{ variant: Variant; commit: string | undefined; patch?: string }> = [
      { variant: 'baseline', commit: task.parent },
      { variant: 'human', commit: task.commit },
      ...(patches.has(task.id)
        ? [{ variant: 'agent' as const, commit: task.parent, patch: patches.get(task.id)! }]
        : []),
    ];
    for (const w of wanted) {
      if (!w.commit) {
        entry.variants[w.variant] = { ok: false, category: 'MISSING_ARTIFACT', reason: 'no parent commit in the row' };
        report.failed += 1;
        continue;
      }
      const sweepS = (Date.now() - buildStarted) / 1000;
      const eta = etaSeconds(taskIndex, tasks.length, sweepS);
      log(
        `${task.id} ${w.variant}: resolving ${w.commit.slice(0, 12)}${w.patch ? ' + agent patch' : ''} · task ${taskIndex + 1}/${tasks.length} · ` +
          `${formatDuration(sweepS)} elapsed${eta === undefined ? '' : `, ETA ${formatDuration(eta)}`}`,
      );
      const r = await resolver.resolve({
        task,
        variant: w.variant,
        commit: w.commit,
        repoDir: options.repo,
        ...(w.patch ? { patch: w.patch } : {}),
      });
      if (r.ok) {
        const built: BuiltVariant = {
          ok: true,
          source: r.artifact.source,
          ...(r.artifact.from ? { from: r.artifact.from } : {}),
          image: r.image,
          seconds: Number(r.seconds.toFixed(2)),
        };
        entry.variants[w.variant] = built;
        if (options.push)
          await pushVariant(built, r, w.commit, w.patch, options, config.registry, report, `${task.id} ${w.variant}`);
      } else {
        entry.variants[w.variant] = {
          ok: false,
          category: r.category,
          reason: r.reason,
          ...(r.evidence ? { evidence: r.evidence } : {}),
          ...(r.log ? { log: r.log } : {}),
        };
        // An agent patch that does not apply is the agent's result, not a failed build job.
        if (!(w.variant === 'agent' && r.category === 'PATCH_FAILED')) report.failed += 1;
      }
    }
  }
  report.builds = resolver?.builds ?? 0;
  report.overlays = resolver?.overlays ?? 0;

  const text = buildText(report, Boolean(options.push));
  return {
    value: report,
    text,
    summary: `### benchsweep build\n\n\`\`\`\n${text}\n\`\`\`\n`,
    outputs: {
      builds: String(report.builds),
      overlays: String(report.overlays),
      failed: String(report.failed),
      ...cacheHitOutputs(
        report.tasks.flatMap((t) => Object.values(t.variants).map((v) => (v && v.ok ? v.source : 'none'))),
      ),
      ...(options.push ? { pushed: String(report.pushed), 'push-failed': String(report.push_failed) } : {}),
    },
    // A push that failed leaves the GPU runners without the image: the step fails (the other pushes still ran).
    failed: report.failed > 0 || report.push_failed > 0,
  };
}

/** --push: tags and pushes a resolved variant to its registry template (or notes that it came from there). */
async function pushVariant(
  built: BuiltVariant,
  r: Extract<ImageResolution, { ok: true }>,
  wantedCommit: string,
  patch: string | undefined,
  options: BuildOptions,
  registry: ArtifactConfig['registry'],
  report: BuildReport,
  label: string,
): Promise<void> {
  const commit = await resolveCommit(options.repo, wantedCommit);
  const target = pushTarget(registry, commit, patch ? sha256Hex(patch) : undefined)!;
  if (r.artifact.source === 'registry' && r.artifact.ref === target) {
    // Pulled from that very reference: it is there already.
    built.pushed = target;
    report.pushed += 1;
  } else {
    const p = await pushImage({
      image: r.image,
      ref: target,
      retries: registry.pushRetries,
      ...(options.pushRetryDelayMs !== undefined ? { minTimeoutMs: options.pushRetryDelayMs } : {}),
      log,
    });
    built.push_seconds = p.seconds;
    if (p.ok) {
      built.pushed = p.ref;
      report.pushed += 1;
    } else {
      built.push_error = p.error;
      report.push_failed += 1;
      log(`${label}: push to ${target} FAILED: ${p.error}`);
    }
  }
}

/** The build report as text: one line per task, then the plan and the totals. */
function buildText(report: BuildReport, pushRequested: boolean): string {
  const lines: string[] = [];
  for (const t of report.tasks) {
    const parts = (['baseline', 'human', 'agent'] as const).map((v) => {
      const b = t.variants[v];
      if (!b)
        return `${v}: ${t.plan[v].source}${t.plan[v].from ? ` from ${t.plan[v].from.slice(0, 8)}` : ''} (planned)`;
      if (!b.ok) return `${v}: FAILED ${b.category}: ${b.reason}`;
      const push = b.pushed
        ? `, pushed ${b.pushed}`
        : b.push_error
          ? `, PUSH FAILED: ${b.push_error.split('\n')[0]}`
          : '';
      return `${v}: ${b.source}${b.from ? ` from ${b.from.slice(0, 8)}` : ''} ${b.seconds} s${push}`;
    });
    lines.push(`${t.id}  ${parts.join('  |  ')}`);
  }
  const s = report.plan_summary;
  lines.push(
    '',
    `plan: baselines ${s.baseline.overlay} overlay, ${s.baseline.build} build, ${s.baseline.registry} registry, ${s.baseline.wheel} wheel, ${s.baseline.cache} cache`,
    report.dry_run
      ? 'dry run: nothing built'
      : `done: ${report.builds} builds, ${report.overlays} overlays, ${report.failed} failed`,
    ...(pushRequested && !report.dry_run ? [`push: ${report.pushed} pushed, ${report.push_failed} failed`] : []),
  );
  return lines.join('\n');
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description(
      'CPU job before the GPU jobs: resolve, derive (overlay) or build every artifact the plan needs, verify and cache it',
    )
    .requiredOption('--dataset <file>', 'dataset (JSONL, JSON or CSV with ISO-Bench field names)')
    .option('--only <ids>', 'comma-separated task ids or commit prefixes', (v: string) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .requiredOption('--repo <dir>', 'checkout of the engine repository holding every commit')
    .requiredOption('--cache-dir <dir>', 'runner-local artifact cache directory')
    .option('--artifacts <index>', 'JSON index of existing images and wheels')
    .option('--artifact-config <file>', 'artifact config (YAML/JSON): toolchain, build limits, engine layout')
    .option('--engine <name>', 'engine preset: demo | vllm (default: from the dataset repo)')
    .option('--dry-run', 'print the artifact plan, build nothing')
    .option(
      '--push',
      'docker push every resolved image to its registry template (artifact config registry.imageTemplates / agentTemplate)',
    )
    .option('--json', 'print one JSON document on stdout')
    .action(
      async (o: {
        dataset: string;
        only?: string[];
        repo: string;
        cacheDir: string;
        artifacts?: string;
        artifactConfig?: string;
        engine?: string;
        dryRun?: boolean;
        push?: boolean;
        json?: boolean;
      }) => {
        if (o.engine !== undefined && o.engine !== 'demo' && o.engine !== 'vllm')
          throw new UserError(`--engine: expected demo or vllm, got ${o.engine}`);
        const result = await runBuild({
          dataset: o.dataset,
          repo: o.repo,
          cacheDir: o.cacheDir,
          engine: o.engine,
          ...(o.only ? { only: o.only } : {}),
          ...(o.artifacts ? { artifacts: o.artifacts } : {}),
          ...(o.artifactConfig ? { artifactConfig: o.artifactConfig } : {}),
          ...(o.dryRun ? { dryRun: true } : {}),
          ...(o.push ? { push: true } : {}),
        });
        emit({ json: Boolean(o.json), value: result.value, text: () => result.text });
        if (result.failed) process.exitCode = 1;
      },
    );
}
