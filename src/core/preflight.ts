/**
 * Static preflight of one task: everything that decides, before any GPU minute is spent, whether
 * the task can run, on how many GPUs, and if not, why (DESIGN.md's preflight categories). Pure:
 * the dataset row and options in, a decision out. The rules themselves are the rows of
 * rules/preflight-rules.ts; this module computes the facts they read (parsed command, engine
 * version, model, GPU sizing, data files) and applies them in table order.
 */
import { engineAtLeast, parseEngineVersion, type EngineVersion } from './engine-version.js';
import { parsePerfCommand } from './perf-command.js';
import type { ParsedPerfCommand } from './perf-command-types.js';
import { PREFLIGHT_RULES } from './rules/preflight-rules.js';
import { DATA_FILE_EXT, DATASET_FILES, defaultDatasetName, isInputFileFlag, REPO_DATA_FILES } from './rules/data-files.js';
import { dtypeBytes, MEMORY_HEADROOM, modelSize, quantizationBytes, type ModelSize } from './rules/model-sizes.js';
import type { BenchmarkKind } from './schemas.js';
import type { Category } from './taxonomy.js';
import type { Task } from './task.js';

export interface PreflightOptions {
  /** The largest runner's GPU count. */
  maxGpus: number;
  /** Memory of one GPU (GiB). */
  gpuMemoryGiB: number;
  /** Data file names (as commands name them) that the runners provide (config `dataFiles`). */
  dataFiles?: string[];
  /** When a checkout of the task's commit is given: does this repository path exist there? */
  scriptExists?: (path: string) => boolean;
  /** The engine's real version (e.g. "0.6.4.post2.dev375"), overriding the row's approximation. */
  engineVersion?: string;
}

export interface Finding {
  rule: string;
  category: Category;
  reason: string;
  /** The seed file or vLLM issue the rule comes from. */
  source: string;
  /** A blocking finding makes the task not runnable; the others are warnings kept in the plan. */
  blocking: boolean;
  suggestion?: string;
}

export interface DataFileNeed {
  /** The file as the command names it, or the default file of the dataset it implies. */
  file: string;
  /** The flag that names it (absent when implied by the dataset name or the script's default). */
  flag?: string;
  datasetName?: string;
  implicit: boolean;
  /** The config `dataFiles` name that provides it, when one does. */
  providedBy?: string;
  /**
   * For an implied file: the flag the runner passes it with (`--dataset` before vLLM 0.4, whose
   * benchmark_serving.py required it; `--dataset-path` since).
   */
  passAs?: string;
}

export interface GpuSizing {
  /** tensor-parallel × pipeline-parallel of the command (1 when it sets none). */
  parallel: number;
  /** GPUs from the row's gpu_config ("H100:4" → 4; ISO-Bench writes "H100:1" everywhere). */
  gpuConfig: number;
  size?: ModelSize;
  bytesPerParam: number;
  /** Where bytesPerParam came from: 'quantization', 'checkpoint', 'dtype' or 'default'. */
  bytesFrom: string;
  weightsGiB?: number;
  /** Weights × headroom. */
  needGiB?: number;
  memoryGpus?: number;
  /** max(parallel, memoryGpus, gpuConfig) rounded up to a runner size (1, 2, 4, 8, 16 ...). */
  gpus: number;
}

export interface PreflightContext {
  task: Task;
  opts: PreflightOptions;
  parsed?: ParsedPerfCommand;
  engine?: EngineVersion;
  kind?: BenchmarkKind;
  /** The model the benchmark loads. */
  model?: string;
  /** True when the command names no model and the script's default is used. */
  modelIsDefault: boolean;
  sizing: GpuSizing;
  dataNeeds: DataFileNeed[];
}

export interface PreflightResult {
  runnable: boolean;
  category?: Category;
  reason?: string;
  findings: Finding[];
  gpus: number;
  kind?: BenchmarkKind;
  model?: string;
  parsed?: ParsedPerfCommand;
  /** The version text the checks used (the option's, else the row's approximation). */
  engineVersion?: string;
  suggestion?: string;
  /** Size of the weights (GiB), for estimates of load time. */
  weightsGiB?: number;
  /** Data files the benchmark reads, and which config entry provides each. */
  dataFiles?: DataFileNeed[];
}

/** The default model of the offline benchmark scripts when no --model is given. */
export const SCRIPT_DEFAULT_MODEL = 'facebook/opt-125m';

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

export function sizeGpus(parsed: ParsedPerfCommand | undefined, model: string | undefined, gpuConfig: string | undefined, gpuMemoryGiB: number): GpuSizing {
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
  sizing.gpus = runnerSize(Math.max(parallel, sizing.memoryGpus ?? 1, fromConfig));
  return sizing;
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function findDataNeeds(task: Task, parsed: ParsedPerfCommand | undefined, opts: PreflightOptions, engine: EngineVersion | undefined): DataFileNeed[] {
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
  const name = parsed.datasetName ?? (parsed.datasetPath === undefined && isVllm ? defaultDatasetName(bench.kind, viaCli) : undefined);
  if (name && parsed.datasetPath === undefined && explicitFiles.size === 0) {
    const row = DATASET_FILES.find((r) => r.datasetName === name.toLowerCase());
    if (row) {
      const providedBy = provided.find((p) => row.provides.test(p));
      const passAs = viaCli || engineAtLeast(engine, [0, 4, 0]) !== 'no' ? '--dataset-path' : '--dataset';
      needs.push({ file: row.defaultFile, datasetName: row.datasetName, implicit: true, passAs, ...(providedBy ? { providedBy } : {}) });
    }
  }
  return needs;
}

export function buildContext(task: Task, opts: PreflightOptions): PreflightContext {
  const parsed = task.perfCommand ? parsePerfCommand(task.perfCommand) : undefined;
  const engine = parseEngineVersion(opts.engineVersion ?? task.engineVersionApprox);
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
    sizing: sizeGpus(parsed, model, task.gpuConfig, opts.gpuMemoryGiB),
    dataNeeds: findDataNeeds(task, parsed, opts, engine),
  };
  if (parsed) ctx.parsed = parsed;
  if (engine) ctx.engine = engine;
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
  const versionText = opts.engineVersion ?? task.engineVersionApprox;
  if (versionText) result.engineVersion = versionText;
  if (ctx.sizing.weightsGiB !== undefined) result.weightsGiB = Math.round(ctx.sizing.weightsGiB * 10) / 10;
  if (ctx.dataNeeds.length) result.dataFiles = ctx.dataNeeds;
  return result;
}
