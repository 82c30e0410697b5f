/**
 * `benchsweep demo`: the whole flow on the bundled demo engine, on CPU, with Docker — a git
 * repository with a parent, a faster human commit and an agent patch; plan; an image per variant;
 * three variants with interleaved repeats; the report.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDemoRepo } from '../adapters/demo-repo.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { DEMO_ENGINE } from '../core/argv/client-argv.js';
import { defaultConfig } from '../core/config.js';
import { planSweep, type Plan } from '../core/plan/plan.js';
import { buildReport, type Report } from '../core/report/report.js';
import { renderMarkdown } from '../core/report/report-markdown.js';
import type { ResultRecord } from '../core/schemas.js';
import { createArtifactResolver } from './artifact-resolver.js';
import { ensureBaseImage } from '../adapters/base-image.js';
import { dockerUnreachable } from '../adapters/docker-daemon.js';
import { removeStaleContainers } from '../adapters/executor-docker.js';
import { UserError } from '../errors.js';
import { enginePreset } from '../adapters/artifact-config-file.js';
import { startDemoWheelIndex, type DemoWheelIndex } from '../adapters/wheel-demo-index.js';
import type { ImageProvider } from './image-provider.js';
import { runSample } from './run-sample.js';
import { runSweep, type SweepDeps } from './sweep.js';

export interface DemoOptions {
  /** Where records and logs go (default: a new temporary folder, kept). */
  resultsDir?: string;
  repeats?: number;
  warmup?: boolean;
  /** Keep the demo's engine repository and image cache (default: removed, results stay). */
  keep?: boolean;
  /** A persistent artifact cache (kept): a rerun with the same cache builds nothing. */
  cacheDir?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DemoRun {
  report: Report;
  markdown: string;
  records: ResultRecord[];
  plan: Plan;
  resultsDir: string;
  /** The engine repository (removed after the run unless `keep`). */
  repoDir: string;
  kept: boolean;
  seconds: number;
  /** downloads: wheels fetched and images pulled; wheelIndexBuilt: the demo's wheel index was (re)published. */
  images: { builds: number; downloads?: number; wheelIndexBuilt?: boolean };
}

export interface DemoDeps {
  images?: (repoDir: string, cacheDir: string, log: (line: string) => void) => ImageProvider;
  runSample?: SweepDeps['runSample'];
}

/**
 * The demo's own verdict: it worked when some task got a success for all three variants. Anything
 * less (a build that failed, a server that never came up) is a broken demo, whatever the report says.
 */
export function demoShortfall(report: Report): string | undefined {
  const complete = report.tasks.filter((t) =>
    (['baseline', 'human', 'agent'] as const).every((v) => t.variants[v]?.status === 'success'),
  );
  if (complete.length > 0) return undefined;
  const why = report.tasks.map((t) => {
    const failed = (['baseline', 'human', 'agent'] as const).filter((v) => t.variants[v]?.status !== 'success');
    return `${t.task}: ${failed.map((v) => `${v} ${t.variants[v]?.status ?? 'missing'}${t.variants[v]?.category ? ` (${t.variants[v]!.category})` : ''}`).join(', ')}`;
  });
  return `no task got three successes (baseline, human and agent)${why.length ? `: ${why.join('; ')}` : ': no task ran'}`;
}

/** Sizes that keep the demo under a minute or two on two cores. */
const DEMO_TIMEOUTS = { readyS: 60, benchmarkS: 180 };

export async function runDemo(opts: DemoOptions = {}, deps: DemoDeps = {}): Promise<DemoRun> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  if (!deps.images) {
    // Everything below runs in Docker: without it say so now, not as nine failed samples.
    const lost = await dockerUnreachable();
    if (lost) throw new UserError(`${lost} (the demo runs in Docker: start dockerd, or run ./scripts/setup)`);
    await removeStaleContainers({ log });
  }
  const root = await mkdtemp(join(tmpdir(), 'benchsweep-demo-'));
  const resultsDir = resolve(opts.resultsDir ?? join(root, 'results'));
  await mkdir(resultsDir, { recursive: true });
  const demo = await createDemoRepo(join(root, 'work'));
  let wheelIndex: DemoWheelIndex | undefined;
  log(
    `demo repository ${demo.dir}: parent ${demo.parent.slice(0, 12)}, human ${demo.human.slice(0, 12)}, agent patch ${demo.agentPatchFile}`,
  );
  try {
    const dataset = await loadDataset(demo.datasetFile);
    const plan = planSweep(dataset.tasks, defaultConfig(), { errors: dataset.errors });
    for (const t of plan.tasks)
      log(
        `plan: ${t.id} ${t.runnable ? 'runnable' : `not runnable: ${t.category} ${t.reason ?? ''}`} (${t.kind ?? '?'}, ${t.gpus} GPU)`,
      );
    // The demo's own task must run: a preflight that refuses it is a preflight bug, said out loud
    // here (and in the report's notes) rather than hidden by an empty demo.
    const refused = plan.tasks.filter((t) => !t.runnable);
    const notes = refused.map(
      (t) => `preflight refused the demo task ${t.id} (${t.category}: ${t.reason ?? ''}); the demo ran it anyway`,
    );
    for (const n of notes) log(`warning: ${n}`);
    const tasks = dataset.tasks;

    const cacheDir = opts.cacheDir ? resolve(opts.cacheDir) : join(root, 'cache');
    let resolver: ReturnType<typeof createArtifactResolver> | undefined;
    let images: ImageProvider;
    if (deps.images) images = deps.images(demo.dir, cacheDir, log);
    else {
      // The baseline comes from a per-commit wheel index (vLLM's wheels.vllm.ai), served on 127.0.0.1.
      const base = await ensureBaseImage({ log });
      wheelIndex = await startDemoWheelIndex({
        repoDir: demo.dir,
        commit: demo.parent,
        cacheDir,
        builderImage: base,
        log,
      });
      const config = {
        ...enginePreset('demo'),
        build: { builderImage: base },
        wheel: { indexTemplates: [wheelIndex.template], base: wheelIndex.served.url, runtimeBase: base },
      };
      images = resolver = createArtifactResolver({ repoDir: demo.dir, cacheDir, config, log });
    }
    const records = await runSweep(
      tasks,
      { images, runSample: deps.runSample ?? ((spec) => runSample(spec)), log },
      {
        resultsDir,
        repoDir: demo.dir,
        repeats: opts.repeats ?? 5,
        warmup: opts.warmup ?? false,
        executor: 'docker',
        gpus: [],
        engine: DEMO_ENGINE,
        timeouts: DEMO_TIMEOUTS,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    const report = buildReport(records, { generatedAt: new Date().toISOString(), notes });
    const markdown = renderMarkdown(report);
    return {
      report,
      markdown,
      records,
      plan,
      resultsDir,
      repoDir: demo.dir,
      kept: opts.keep === true,
      seconds: (Date.now() - started) / 1000,
      images: {
        builds: images.builds,
        ...(resolver ? { downloads: resolver.downloads } : {}),
        ...(wheelIndex ? { wheelIndexBuilt: wheelIndex.built } : {}),
      },
    };
  } finally {
    await wheelIndex?.served.close();
    if (!opts.keep) {
      await rm(join(root, 'work'), { recursive: true, force: true });
      await rm(join(root, 'cache'), { recursive: true, force: true });
    }
  }
}
