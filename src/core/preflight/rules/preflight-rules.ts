/**
 * The preflight rules as a table: one row per rule with its category (DESIGN.md's taxonomy), its
 * source (a seed file or a vLLM issue) and a check over the facts preflight.ts computed. Order
 * matters: the first blocking finding decides a task's category. The order goes from what no
 * one can change (no command, other hardware) through dataset defects (the command itself) and
 * engine facts (version bugs, model support) to what infrastructure can fix (GPUs, data files),
 * so a task's reason is the one that would still stand after every easier fix.
 */
import { engineAtLeast, engineInRange, describeEngineVersion, formatVersion } from '../engine-version.js';
import { flagName, optionValue } from '../../dataset/perf-command.js';
import type { BenchCommand } from '../../dataset/perf-command-types.js';
import type { PreflightContext } from '../preflight-types.js';
import type { Category } from '../../taxonomy.js';
import { HARDWARE, isEngineFile, platformOfPath, type Platform } from './hardware.js';
import { MODEL_SUPPORT } from './model-support.js';
import { unknownModelId } from './model-ids.js';
import { VERSION_BUGS } from './version-bugs.js';
import { describeRefusedEnv, refusedEnv } from './env-allowlist.js';

export interface RuleHit {
  reason: string;
  /** Default true. */
  blocking?: boolean;
  /** Overrides the rule's category (e.g. a predicted OOM). */
  category?: Category;
  /** Overrides the rule's source with the data row's. */
  source?: string;
  suggestion?: string;
}

export interface PreflightRule {
  id: string;
  category: Category;
  source: string;
  description: string;
  check: (ctx: PreflightContext) => RuleHit | RuleHit[] | undefined;
}

const SEED_000 = 'seeds/000_cc6954765d4c8c41.txt';
const SEED_002 = 'seeds/002_f130af2cc98f1551.txt';
const SEED_004 = 'seeds/004_394875ce6bc9e493.txt';

/** Known names people leave in commands for a value to fill in. */
const PLACEHOLDER_NAMES = new Set([
  'MODEL',
  'MODEL_NAME',
  'MODEL_PATH',
  'MODEL_ID',
  'MODEL_DIR',
  'TOKENIZER',
  'BS',
  'BATCH_SIZE',
  'INPUT_LEN',
  'OUTPUT_LEN',
  'PROMPT_LEN',
  'SEQ_LEN',
  'MAX_LEN',
  'MAX_MODEL_LEN',
  'TP',
  'TP_SIZE',
  'PP',
  'NUM_GPUS',
  'NUM_PROMPTS',
  'NUM_ITERS',
  'DATASET',
  'DATASET_PATH',
  'DATASET_NAME',
  'DATA_PATH',
  'PORT',
  'HOST',
  'QPS',
  'RATE',
  'REQUEST_RATE',
  'DTYPE',
  'PATH_TO_MODEL',
  'CHECKPOINT',
  'CKPT',
  'OUTPUT_DIR',
  'SEED',
  'SCRIPT',
]);
const ALL_CAPS = /^[A-Z][A-Z0-9_]*$/;
/** Flags whose value is a number or a model/file: an all-caps word there is never a real value. */
const NUMERIC_FLAG =
  /(^|-)(len|size|num|count|rate|seed|port|iters|tokens|prompts|batch|tp|pp|concurrency|parallel)(-|$)/;
const NAME_FLAGS = new Set(['model', 'tokenizer', 'dataset', 'dataset-path', 'speculative-model', 'served-model-name']);

function placeholderIn(word: string, flag?: string): string | undefined {
  const shellVar = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/.exec(word);
  if (shellVar) return shellVar[0];
  const angle = /<[A-Za-z_][\w .\/-]*>/.exec(word);
  if (angle) return angle[0];
  const brace = /\{[A-Za-z_][\w.-]*\}/.exec(word);
  if (brace) return brace[0];
  if (ALL_CAPS.test(word) && word.length >= 2) {
    if (PLACEHOLDER_NAMES.has(word) || /^(YOUR|MY)_/.test(word)) return word;
    if (flag !== undefined) {
      const f = flagName(flag);
      if (NUMERIC_FLAG.test(f) || NAME_FLAGS.has(f)) return word;
    }
  }
  return undefined;
}

/** The values and positionals of a command with the flag each belongs to. */
function commandValues(c: BenchCommand): Array<{ word: string; flag?: string }> {
  const out: Array<{ word: string; flag?: string }> = [];
  if (c.script !== undefined) out.push({ word: c.script });
  for (const o of c.options) if (o.value !== undefined) out.push({ word: o.value, flag: o.flag });
  for (const p of c.positionals) out.push({ word: p });
  return out;
}

function allWords(ctx: PreflightContext): string[] {
  const words: string[] = [];
  for (const c of ctx.parsed?.commands ?? []) {
    words.push(...Object.values(c.env));
    // `--model=/data/x` is one shell word; its value is what matters.
    for (const w of c.argv) words.push(/^--?[A-Za-z][\w-]*=/.test(w) ? w.slice(w.indexOf('=') + 1) : w);
  }
  return words;
}

const MACHINE_PATH =
  /^(~\/|\/(home|data|mnt|root|Users|scratch|nfs|fsx|lustre|gpfs|shared|export|workspace|opt\/ml)(\/|$))/;
/** Where a checkout keeps the benchmark scripts: `benchmarks/` (since 2023), `benchmark/` (the first months). */
const KNOWN_SCRIPT_DIRS = /^(\.\/)?(vllm\/)?benchmarks?\/benchmark_(serving|throughput|latency)\.py$/;

function fmtGiB(n: number): string {
  return `${Math.round(n)} GiB`;
}

function hardwareOfCommit(ctx: PreflightContext): RuleHit | undefined {
  const { task } = ctx;
  const titled = HARDWARE.filter((h) => task.subject && h.title.test(task.subject)).map((h) => h.platform);
  const engineFiles = (task.filesChanged ?? []).filter(isEngineFile);
  const platforms = new Set<Platform>();
  let allSpecific = engineFiles.length > 0;
  for (const f of engineFiles) {
    const p = platformOfPath(f);
    if (p) platforms.add(p);
    else allSpecific = false;
  }
  if (allSpecific) {
    const names = [...platforms].join('/');
    return {
      reason: `every engine file the commit changes is ${names}-only (${engineFiles.slice(0, 3).join(', ')}${engineFiles.length > 3 ? ', …' : ''}): an NVIDIA runner would measure the same code twice`,
    };
  }
  if (!titled.length) return undefined;
  const tag = `the commit title marks it ${titled.join('/')}-specific ("${task.subject}")`;
  if (!task.filesChanged?.length) return { reason: `${tag} and the row lists no changed files to show otherwise` };
  const shared = engineFiles.filter((f) => !platformOfPath(f));
  return {
    blocking: false,
    reason: shared.length
      ? `${tag}, but it changes shared code (${shared.slice(0, 3).join(', ')}${shared.length > 3 ? ', …' : ''}); measured on NVIDIA it may show no change`
      : `${tag}, and it changes no engine files`,
  };
}

export const PREFLIGHT_RULES: PreflightRule[] = [
  {
    id: 'no-perf-command',
    category: 'NO_PERF_COMMAND',
    source: SEED_004,
    description: 'The row has no benchmark command.',
    check: (ctx) => (ctx.task.perfCommand ? undefined : { reason: 'the dataset row has no perf_command' }),
  },
  {
    id: 'hardware-device-flag',
    category: 'WRONG_HARDWARE',
    source: SEED_000,
    description: 'The command selects another device (--device neuron, VLLM_TARGET_DEVICE=rocm).',
    check: (ctx) => {
      for (const c of ctx.parsed?.commands ?? []) {
        const values = [optionValue(c, 'device'), c.env['VLLM_TARGET_DEVICE']].filter(
          (v): v is string => v !== undefined,
        );
        for (const v of values) {
          const hw = HARDWARE.find((h) => h.device.test(v));
          if (hw)
            return {
              reason: `the command runs on ${hw.platform} ("${v}"), not on the runners' NVIDIA GPUs`,
              source: hw.source,
            };
        }
      }
      return undefined;
    },
  },
  {
    id: 'hardware-commit',
    category: 'WRONG_HARDWARE',
    source: SEED_000,
    description: 'The commit only changes code for other hardware (by title tag and changed paths).',
    check: hardwareOfCommit,
  },
  {
    id: 'shell-constructs',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'The command needs a shell to mean anything (command substitution, unbalanced quotes).',
    check: (ctx) =>
      ctx.parsed?.errors.length
        ? { reason: `the command is not plain data: ${ctx.parsed.errors.join('; ')}` }
        : undefined,
  },
  {
    id: 'env-assignments',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description:
      'Environment assignments outside the allowlist (PATH, LD_*, PYTHON*, proxies ...): rules/env-allowlist.ts.',
    check: (ctx) => {
      const refused = (ctx.parsed?.commands ?? []).flatMap((c) => refusedEnv(c.env));
      return refused.length
        ? {
            reason: describeRefusedEnv(refused),
            suggestion:
              'Drop the assignment, or add the name to src/core/preflight/rules/env-allowlist.ts with a reason.',
          }
        : undefined;
    },
  },
  {
    id: 'no-benchmark-command',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'None of the commands runs a benchmark.',
    check: (ctx) =>
      ctx.parsed && !ctx.parsed.benchmark
        ? {
            reason: `no benchmark among the command's ${ctx.parsed.commands.length} command(s): ${ctx.parsed.commands.map((c) => `${c.argv.slice(0, 3).join(' ')} (${c.role})`).join('; ') || '(empty)'}`,
          }
        : undefined,
  },
  {
    id: 'placeholders',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'Unreplaced placeholders (MODEL, BS, INPUT_LEN, $VAR, <model>, {model}).',
    check: (ctx) => {
      const found: string[] = [];
      for (const c of ctx.parsed?.commands ?? []) {
        for (const v of Object.values(c.env)) {
          const p = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/.exec(v);
          if (p) found.push(p[0]);
        }
        for (const { word, flag } of commandValues(c)) {
          const p = placeholderIn(word, flag);
          if (p) found.push(flag ? `${flag} ${p}` : p);
        }
      }
      return found.length ? { reason: `unreplaced placeholders: ${[...new Set(found)].join(', ')}` } : undefined;
    },
  },
  {
    id: 'optional-brackets',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'A usage-style optional flag written literally with its brackets ([--flag]).',
    check: (ctx) => {
      const found = allWords(ctx).filter((w) => /^\[--?[A-Za-z]/.test(w));
      return found.length
        ? {
            reason: `literal optional-flag brackets: ${found.join(', ')}`,
            suggestion: 'Drop the brackets (use the flag) or drop the flag.',
          }
        : undefined;
    },
  },
  {
    id: 'machine-paths',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: "Absolute paths of someone else's machine (/home, /data, /mnt, /root ...).",
    check: (ctx) => {
      const found = allWords(ctx).filter((w) => MACHINE_PATH.test(w));
      return found.length
        ? { reason: `machine-specific paths the runner does not have: ${[...new Set(found)].join(', ')}` }
        : undefined;
    },
  },
  {
    id: 'script-missing-at-commit',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: "The script is not in the checkout of the task's commit (only when a checkout is given).",
    check: (ctx) => {
      const script = ctx.parsed?.benchmark?.script;
      const exists = ctx.opts.scriptExists;
      if (!exists || script === undefined || script.startsWith('/') || MACHINE_PATH.test(script)) return undefined;
      const path = script.replace(/^\.\//, '');
      return exists(path)
        ? undefined
        : { reason: `the script ${path} does not exist at commit ${ctx.task.commit.slice(0, 12)}` };
    },
  },
  {
    id: 'unknown-benchmark',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description:
      'The benchmark is not one benchsweep can run and parse (benchmark_{serving,throughput,latency}.py, vllm bench serve|throughput|latency).',
    check: (ctx) => {
      const b = ctx.parsed?.benchmark;
      if (!b) return undefined;
      const what = b.script ?? b.module ?? b.argv.slice(0, 3).join(' ');
      if (!b.kind) {
        return {
          reason: `the script ${what} is not a benchmark benchsweep can run and parse (benchmarks/benchmark_serving.py, benchmark_throughput.py, benchmark_latency.py or vllm bench serve|throughput|latency)`,
        };
      }
      if (
        b.script !== undefined &&
        !b.module &&
        !MACHINE_PATH.test(b.script) &&
        !b.script.startsWith('/') &&
        !KNOWN_SCRIPT_DIRS.test(b.script)
      ) {
        return {
          reason: `${b.script} is not where the repository keeps its benchmarks`,
          suggestion: `Use benchmarks/${b.script.split('/').pop()}.`,
        };
      }
      return undefined;
    },
  },
  {
    id: 'engine-flags',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description:
      'Every flag of the command is accepted by the parser that receives it (benchmark client, engine server or offline script) at the commit each variant runs, and the script exists there (an offline script missing at the parent cannot be replaced).',
    check: (ctx) => {
      const a = ctx.argv;
      if (!a) return undefined;
      const hits: RuleHit[] = a.notes.map((n) => ({ blocking: false, reason: n.reason, source: n.source }));
      if (!a.ok)
        hits.unshift({ reason: a.reason, source: a.source, ...(a.suggestion ? { suggestion: a.suggestion } : {}) });
      return hits;
    },
  },
  {
    id: 'unknown-model-id',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'A model id that does not exist on the Hugging Face hub.',
    check: (ctx) => {
      const row = ctx.model ? unknownModelId(ctx.model) : undefined;
      return row
        ? {
            reason: `the model ${row.id} does not exist on the Hugging Face hub`,
            suggestion: `Use ${row.suggestion}.`,
            source: row.source,
          }
        : undefined;
    },
  },
  {
    id: 'no-model',
    category: 'INVALID_COMMAND',
    source: SEED_002,
    description: 'The command names no model (serving needs one; offline scripts fall back to their default).',
    check: (ctx) => {
      const p = ctx.parsed;
      if (!p?.benchmark || !p.kind) return undefined;
      if (p.kind === 'serving' && !p.model)
        return { reason: 'the serving benchmark names no --model (and no server line names one)' };
      if (ctx.modelIsDefault) {
        return {
          blocking: false,
          reason: `the command names no --model: the script's default (${ctx.model}) is what runs`,
        };
      }
      return undefined;
    },
  },
  {
    id: 'known-version-bug',
    category: 'KNOWN_VERSION_BUG',
    source: 'vllm#8791',
    description: "An engine bug breaks this benchmark kind on the commit's engine version.",
    check: (ctx) => {
      const hits: RuleHit[] = [];
      for (const bug of VERSION_BUGS) {
        if (!ctx.kind || !bug.kinds.includes(ctx.kind)) continue;
        // The bug's own condition (vllm#8791 needs pipeline parallelism): without it the version does not matter.
        if (bug.minPipelineParallel !== undefined && (ctx.parsed?.pipelineParallel ?? 1) < bug.minPipelineParallel)
          continue;
        const range = `${formatVersion(bug.from)} ≤ v < ${formatVersion(bug.until)}`;
        const inRange = engineInRange(ctx.engine, bug.from, bug.until);
        if (inRange === 'yes') {
          hits.push({
            reason: `${bug.description} (${bug.source}); this commit's engine is ${describeEngineVersion(ctx.engine!)}`,
            suggestion: bug.suggestion,
            source: bug.source,
          });
        } else if (inRange === 'unknown' && ctx.engine) {
          hits.push({
            blocking: false,
            reason: `the engine (${describeEngineVersion(ctx.engine)}) may be in the range of ${bug.source} (${range}): ${bug.description}`,
            suggestion: bug.suggestion,
            source: bug.source,
          });
        }
      }
      return hits;
    },
  },
  {
    id: 'unsupported-model',
    category: 'UNSUPPORTED_MODEL',
    source: SEED_000,
    description: "The model's architecture is newer than the commit's engine.",
    check: (ctx) => {
      const hits: RuleHit[] = [];
      const models = [ctx.model, ctx.parsed?.speculativeModel].filter((m): m is string => !!m && !/^\[/.test(m));
      for (const model of models) {
        const row = MODEL_SUPPORT.find((r) => r.pattern.test(model));
        if (!row) continue;
        // The baseline runs the parent: an architecture the parent's engine lacks fails there too.
        const atCommit = engineAtLeast(ctx.engine, row.firstVersion);
        const atParent = ctx.parentEngine ? engineAtLeast(ctx.parentEngine, row.firstVersion) : atCommit;
        const ok =
          atCommit === 'no' || atParent === 'no'
            ? 'no'
            : atCommit === 'unknown' || atParent === 'unknown'
              ? 'unknown'
              : 'yes';
        const where = ctx.engine ? describeEngineVersion(ctx.engine) : 'unknown';
        const suggestion = row.substitute
          ? `Substitute ${row.substitute} and record the substitution as a caveat.`
          : undefined;
        if (ok === 'no') {
          hits.push({
            reason: `${model} (${row.family}) needs vLLM ≥ ${formatVersion(row.firstVersion)}; this commit's engine is ${where}: ${row.why}`,
            source: row.source,
            ...(suggestion ? { suggestion } : {}),
          });
        } else if (ok === 'unknown' && ctx.engine) {
          hits.push({
            blocking: false,
            reason: `${model} (${row.family}) needs vLLM ≥ ${formatVersion(row.firstVersion)}; this commit's engine (${where}) may predate it`,
            source: row.source,
          });
        }
      }
      return hits;
    },
  },
  {
    id: 'insufficient-gpus',
    category: 'INSUFFICIENT_GPUS',
    source: SEED_004,
    description: 'The task needs more GPUs (tensor parallelism, weight memory) than the largest runner has.',
    check: (ctx) => {
      const s = ctx.sizing;
      const hits: RuleHit[] = [];
      if (
        ctx.model &&
        !s.size &&
        !ctx.modelIsDefault &&
        !placeholderIn(ctx.model, '--model') &&
        !MACHINE_PATH.test(ctx.model)
      ) {
        hits.push({
          blocking: false,
          reason: `the size of ${ctx.model} is unknown: GPUs sized from the command's parallelism only`,
        });
      }
      if (s.gpus > ctx.opts.maxGpus) {
        const why: string[] = [];
        if (s.parallel > 1) why.push(`the command asks for ${s.parallel} GPUs (tensor/pipeline parallel)`);
        if (s.memoryGpus !== undefined && s.needGiB !== undefined && s.memoryGpus > 1) {
          why.push(
            `${ctx.model} (${s.size!.paramsB}B params × ${s.bytesPerParam} B, ${s.bytesFrom}) has ~${fmtGiB(s.weightsGiB!)} of weights, ~${fmtGiB(s.needGiB)} with headroom = ${s.memoryGpus} × ${ctx.opts.gpuMemoryGiB} GiB GPUs`,
          );
        }
        if (s.gpuConfig > 1) why.push(`the row's gpu_config asks for ${s.gpuConfig}`);
        hits.push({ reason: `needs ${s.gpus} GPUs, the largest runner has ${ctx.opts.maxGpus}: ${why.join('; ')}` });
      }
      return hits;
    },
  },
  {
    id: 'weights-exceed-tensor-parallel',
    category: 'OOM',
    source: SEED_002,
    description: 'The command pins a tensor-parallel size whose GPUs cannot hold the weights.',
    check: (ctx) => {
      const s = ctx.sizing;
      if (!ctx.parsed?.tensorParallelExplicit || s.weightsGiB === undefined || s.needGiB === undefined)
        return undefined;
      const capacity = s.parallel * ctx.opts.gpuMemoryGiB;
      if (s.weightsGiB > capacity) {
        return {
          reason: `the command pins ${s.parallel} GPU(s) (${fmtGiB(capacity)}) but ${ctx.model} has ~${fmtGiB(s.weightsGiB)} of weights: the server runs out of memory whatever the runner`,
          suggestion: `Use --tensor-parallel-size ${s.memoryGpus ? Math.max(s.memoryGpus, s.parallel) : s.parallel} or more.`,
        };
      }
      if (s.needGiB > capacity) {
        return {
          blocking: false,
          reason: `the command pins ${s.parallel} GPU(s) (${fmtGiB(capacity)}); ${ctx.model}'s ~${fmtGiB(s.weightsGiB)} of weights leave little room for the KV cache`,
        };
      }
      return undefined;
    },
  },
  {
    id: 'missing-data-file',
    category: 'INVALID_COMMAND',
    source: SEED_000,
    description: 'A data file the runner will not have (ShareGPT json ...), unless the config provides it.',
    check: (ctx) =>
      ctx.dataNeeds
        .filter((n) => !n.providedBy)
        .map((n) => ({
          reason: n.implicit
            ? `the benchmark reads the ${n.datasetName} dataset (${n.file}) without naming a file, and the runners have none`
            : `the benchmark reads ${n.file} (${n.flag}), which the runners do not have`,
          suggestion: `Provide ${n.file.split('/').pop()} in the config's dataFiles${n.passAs ? ` (the runner then passes it with ${n.passAs})` : ''}.`,
        })),
  },
  {
    id: 'ignored-commands',
    category: 'INVALID_COMMAND',
    source: SEED_004,
    description: 'Commands and redirections that are not the benchmark or its server are kept as data and not run.',
    check: (ctx) => {
      const p = ctx.parsed;
      if (!p) return undefined;
      const hits: RuleHit[] = p.commands
        .filter((c) => c.role === 'other')
        .map((c) => ({ blocking: false, reason: `not run (not a benchmark or server): ${c.argv.join(' ')}` }));
      for (const c of p.commands)
        if (c.redirects?.length)
          hits.push({
            blocking: false,
            reason: `redirections ignored (the runner keeps whole logs): ${c.redirects.join(', ')}`,
          });
      return hits;
    },
  },
];
