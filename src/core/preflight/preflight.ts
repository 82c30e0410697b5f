/**
 * Static preflight of one task: everything that decides, before any GPU minute is spent, whether
 * the task can run, on how many GPUs, and if not, why (DESIGN.md's preflight categories). Pure:
 * the dataset row and options in, a decision out. The rules themselves are the rows of
 * rules/preflight-rules.ts; this module computes the facts they read (parsed command, engine
 * version, model, GPU sizing, data files) and applies them in table order.
 */
import { engineAtLeast, parseEngineVersion, type EngineVersion } from './engine-version.js';
import { parsePerfCommand } from '../dataset/perf-command.js';
import type { ParsedPerfCommand } from '../dataset/perf-command-types.js';
import { PREFLIGHT_RULES } from './rules/preflight-rules.js';
import type {
  DataFileNeed,
  Finding,
  GpuSizing,
  PreflightContext,
  PreflightOptions,
  PreflightResult,
} from './preflight-types.js';
import {
  DATA_FILE_EXT,
  DATASET_FILES,
  defaultDatasetName,
  isInputFileFlag,
  REPO_DATA_FILES,
} from './rules/data-files.js';
import { dtypeBytes, MEMORY_HEADROOM, modelSize, quantizationBytes } from './rules/model-sizes.js';
import type { Task } from '../task.js';
import { VARIANTS } from '../schemas.js';
import { buildTaskArgv } from '../argv/variant-argv.js';
import { releaseTableParsers } from '../argv/rules/vllm-flags.js';

export type {
  DataFileNeed,
  Finding,
  GpuSizing,
  PreflightContext,
  PreflightOptions,
  PreflightResult,
} from './preflight-types.js';

/** The default model of the offline benchmark scripts when no --model is given. */
const SCRIPT_DEFAULT_MODEL = 'facebook/opt-125m';

const GIB = 1024 ** 3;

/** 1, 2, 4, 8, then the next power of two: the GPU counts runners come in. */
export function runnerSize(n: number): number {
  if (n <= 1) return 1;
  return 2 ** Math.ceil(Math.log2(n));
}

function gpuConfigCount(gpuConfig: string | undefined): number {
  const m = /:(\d+)\s*$/.exec(gpuConfig ?? '');
  return m ? Number(m[1]) : 1;
}

export function sizeGpus(
  parsed: ParsedPerfCommand | undefined,
  model: string | undefined,
  gpuConfig: string | undefined,
  gpuMemoryGiB: number,
  maxGpus?: number,
): GpuSizing {
  const parallel = (parsed?.tensorParallel ?? 1) * (parsed?.pipelineParallel ?? 1);
  const fromConfig = gpuConfigCount(gpuConfig);
  const size = model ? modelSize(model) : undefined;
  let bytesPerParam = 2;
  let bytesFrom = 'default';
  const q = parsed?.quantization ? quantizationBytes(parsed.quantization) : undefined;
  const d = parsed?.dtype ? dtypeBytes(parsed.dtype) : undefined;
  if (q !== undefined) [bytesPerParam, bytesFrom] = [q, 'quantization'];
  else if (size?.bytesPerParam !== undefined) [bytesPerParam, bytesFrom] = [size.bytesPerParam, 'checkpoint'];
  else if (d !== undefined) [bytesPerParam, bytesFrom] = [d, 'dtype'];
  const sizing: GpuSizing = { parallel, gpuConfig: fromConfig, bytesPerParam, bytesFrom, gpus: 1 };
  if (size) {
    sizing.size = size;
    sizing.weightsGiB = (size.paramsB * 1e9 * bytesPerParam) / GIB;
    sizing.needGiB = sizing.weightsGiB * MEMORY_HEADROOM;
    sizing.memoryGpus = Math.max(1, Math.ceil(sizing.needGiB / gpuMemoryGiB));
  }
  // A command that pins its parallel size runs on that many GPUs (its argv says so); when the
  // weights do not fit there, the OOM rule says so, and a model no runner holds stays too big.
  const pinned =
    parsed?.tensorParallelExplicit === true && (maxGpus === undefined || runnerSize(sizing.memoryGpus ?? 1) <= maxGpus);
  sizing.gpus = pinned
    ? runnerSize(Math.max(parallel, fromConfig))
    : runnerSize(Math.max(parallel, sizing.memoryGpus ?? 1, fromConfig));
  return sizing;
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function findDataNeeds(
  task: Pick<Task, 'repo'>,
  parsed: ParsedPerfCommand | undefined,
  opts: Pick<PreflightOptions, 'dataFiles' | 'scriptExists'>,
  engine: EngineVersion | undefined,
): DataFileNeed[] {
  const bench = parsed?.benchmark;
  if (!parsed || !bench) return [];
  const provided = opts.dataFiles ?? [];
  const needs: DataFileNeed[] = [];
  const explicitFiles = new Set<string>();
  for (const o of bench.options) {
    if (o.value === undefined || !isInputFileFlag(o.flag) || !DATA_FILE_EXT.test(o.value)) continue;
    if (REPO_DATA_FILES.test(o.value)) continue;
    explicitFiles.add(o.value);
    const providedBy = provided.find((p) => basename(p) === basename(o.value!));
    const inCheckout = !o.value.startsWith('/') && opts.scriptExists?.(o.value.replace(/^\.\//, ''));
    if (inCheckout) continue;
    needs.push({ file: o.value, flag: o.flag, implicit: false, ...(providedBy ? { providedBy } : {}) });
  }
  const viaCli = bench.program !== undefined && basename(bench.program) === 'vllm';
  // The default dataset is a fact about vLLM's scripts; another engine's (the demo's) may differ.
  const isVllm = /(^|\/)vllm$/i.test(task.repo);
  const name =
    parsed.datasetName ??
    (parsed.datasetPath === undefined && isVllm ? defaultDatasetName(bench.kind, viaCli) : undefined);
  if (name && parsed.datasetPath === undefined && explicitFiles.size === 0) {
    const row = DATASET_FILES.find((r) => r.datasetName === name.toLowerCase());
    if (row) {
      const providedBy = provided.find((p) => row.provides.test(p));
      const passAs = viaCli || engineAtLeast(engine, [0, 4, 0]) !== 'no' ? '--dataset-path' : '--dataset';
      needs.push({
        file: row.defaultFile,
        datasetName: row.datasetName,
        implicit: true,
        passAs,
        ...(providedBy ? { providedBy } : {}),
      });
    }
  }
  return needs;
}

/** The data files a command needs that the runners provide, as the argv builder places them. */
function argvDataFiles(needs: readonly DataFileNeed[], paths: Record<string, string> | undefined) {
  return needs
    .filter((n) => n.providedBy !== undefined)
    .map((n) => ({
      file: n.file,
      path: paths?.[n.providedBy!] ?? n.providedBy!,
      ...(n.flag ? { flag: n.flag } : {}),
      ...(n.passAs ? { passAs: n.passAs } : {}),
    }));
}

/**
 * What `run` needs to build the same argv as `plan` for the data files: the config's `dataFiles`
 * (name → path on the runner) placed as the plan places them.
 */
export type DataFileTask = Pick<Task, 'repo' | 'engineVersionApprox'>;
export function providedDataFiles(
  task: DataFileTask,
  perf: ParsedPerfCommand,
  dataFilePaths: Record<string, string>,
  engineVersion?: string,
) {
  const opts = { dataFiles: Object.keys(dataFilePaths), dataFilePaths };
  return argvDataFiles(
    findDataNeeds(task, perf, opts, parseEngineVersion(engineVersion ?? task.engineVersionApprox)),
    dataFilePaths,
  );
}

const isVllmRepo = (repo: string) => /(^|\/)vllm$/i.test(repo);

/** The version text the checks use for a commit: given, else read from its tree, else the row's approximation. */
function versionText(task: Task, opts: PreflightOptions, which: 'commit' | 'parent'): string | undefined {
  if (which === 'commit') return opts.engineVersion ?? opts.parsers?.(task.commit)?.version ?? task.engineVersionApprox;
  if (!task.parent) return undefined;
  return opts.parentEngineVersion ?? opts.parsers?.(task.parent)?.version;
}

function buildContext(task: Task, opts: PreflightOptions): PreflightContext {
  const parsed = task.perfCommand ? parsePerfCommand(task.perfCommand) : undefined;
  const engine = parseEngineVersion(versionText(task, opts, 'commit'));
  const parentEngine = parseEngineVersion(versionText(task, opts, 'parent'));
  let model = parsed?.model;
  let modelIsDefault = false;
  if (parsed?.benchmark && model === undefined && parsed.kind && parsed.kind !== 'serving') {
    model = SCRIPT_DEFAULT_MODEL;
    modelIsDefault = true;
  }
  const ctx: PreflightContext = {
    task,
    opts,
    modelIsDefault,
    sizing: sizeGpus(parsed, model, task.gpuConfig, opts.gpuMemoryGiB, opts.maxGpus),
    dataNeeds: findDataNeeds(task, parsed, opts, engine),
  };
  if (parsed) ctx.parsed = parsed;
  if (engine) ctx.engine = engine;
  if (parentEngine) ctx.parentEngine = parentEngine;
  if (parsed?.benchmark && parsed.errors.length === 0) {
    // Without a tree, vLLM rows are routed by the release table at each commit's version.
    const table =
      !opts.parsers && isVllmRepo(task.repo)
        ? (commit: string) => releaseTableParsers(commit === task.commit ? engine : (parentEngine ?? engine))
        : undefined;
    const parsers = opts.parsers ?? table ?? (() => undefined);
    ctx.argv = buildTaskArgv({
      perf: parsed,
      gpus: ctx.sizing.gpus,
      commit: task.commit,
      ...(task.parent ? { parent: task.parent } : {}),
      variants: opts.variants ?? VARIANTS,
      parsers,
      dataFiles: argvDataFiles(ctx.dataNeeds, opts.dataFilePaths),
    });
  }
  if (parsed?.kind) ctx.kind = parsed.kind;
  if (model !== undefined) ctx.model = model;
  return ctx;
}

export function preflightTask(task: Task, opts: PreflightOptions): PreflightResult {
  const ctx = buildContext(task, opts);
  const findings: Finding[] = [];
  for (const rule of PREFLIGHT_RULES) {
    const hits = rule.check(ctx);
    const list = hits === undefined ? [] : Array.isArray(hits) ? hits : [hits];
    for (const h of list) {
      findings.push({
        rule: rule.id,
        category: h.category ?? rule.category,
        reason: h.reason,
        source: h.source ?? rule.source,
        blocking: h.blocking ?? true,
        ...(h.suggestion ? { suggestion: h.suggestion } : {}),
      });
    }
  }
  const decisive = findings.find((f) => f.blocking);
  const result: PreflightResult = { runnable: !decisive, findings, gpus: ctx.sizing.gpus };
  if (decisive) {
    result.category = decisive.category;
    result.reason = decisive.reason;
    if (decisive.suggestion) result.suggestion = decisive.suggestion;
  }
  if (ctx.kind) result.kind = ctx.kind;
  if (ctx.model !== undefined) result.model = ctx.model;
  if (ctx.parsed) result.parsed = ctx.parsed;
  const commitVersion = versionText(task, opts, 'commit');
  if (commitVersion) result.engineVersion = commitVersion;
  const parentVersion = versionText(task, opts, 'parent');
  if (parentVersion) result.parentEngineVersion = parentVersion;
  if (ctx.argv) {
    if (ctx.argv.notes.length) result.argvNotes = ctx.argv.notes;
    if (result.runnable && ctx.argv.ok) result.argv = ctx.argv.argv;
  }
  if (ctx.sizing.weightsGiB !== undefined) result.weightsGiB = Math.round(ctx.sizing.weightsGiB * 10) / 10;
  if (ctx.dataNeeds.length) result.dataFiles = ctx.dataNeeds;
  return result;
}
