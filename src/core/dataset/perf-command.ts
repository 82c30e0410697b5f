/**
 * `perf_command` → ParsedPerfCommand. The dataset string is data: it is split into words by
 * shell-quote's tokenizer and never given to a shell. `$VAR` stays visible as the literal text
 * `$VAR` (a placeholder the preflight reports), command substitution is reported as an error and
 * never evaluated, and shell operators (`&&`, `;`, `|`, `&`, newlines) only separate commands.
 */
import { parse, type ParseEntry } from 'shell-quote';
import type { BenchCommand, CommandRole, ParsedPerfCommand } from './perf-command-types.js';
import type { BenchmarkKind } from '../schemas.js';

export type { BenchCommand, CommandRole, ParsedPerfCommand } from './perf-command-types.js';

/** Operators that end one command and start the next (a server `&` and its client, `a && b`). */
const SEPARATORS = new Set([';', '&&', '||', '|', '&', '|&', ';;']);
const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '<<', '<<<', '>|', '&>', '&>>']);

/**
 * Flags that never take a value: the next word after them is a positional, not their value.
 * Needed so `--enable-prefix-caching [--use-v2-block-manager]` keeps the bracket as a word of its own.
 */
const BOOLEAN_FLAGS = new Set([
  'enable-prefix-caching',
  'no-enable-prefix-caching',
  'enforce-eager',
  'trust-remote-code',
  'ignore-eos',
  'async-engine',
  'disable-log-requests',
  'disable-log-stats',
  'use-v2-block-manager',
  'disable-custom-all-reduce',
  'save-result',
  'save-detailed',
  'disable-tqdm',
  'use-beam-search',
  'profile',
  'skip-tokenizer-init',
  'disable-async-output-proc',
  'disable-frontend-multiprocessing',
  'disable-sliding-window',
  'best-of-n',
  'disable-detokenize',
  'enable-expert-parallel',
  'ignore-eos-token',
  'return-tokens-as-token-ids',
]);

const KIND_BY_NAME: Record<string, BenchmarkKind> = {
  serving: 'serving',
  serve: 'serving',
  throughput: 'throughput',
  latency: 'latency',
};

/** Normalized flag name: no leading dashes, `_` → `-` (vLLM's parser accepts both), lower case. */
export function flagName(flag: string): string {
  return flag.replace(/^-+/, '').replace(/_/g, '-').toLowerCase();
}

interface Lines {
  lines: string[];
  errors: string[];
}

/**
 * Splits the raw text into logical lines (unquoted newlines separate commands, `\`-newline
 * continues a line), reports constructs a shell would evaluate, and protects `<placeholder>`
 * words from being read as redirections by quoting them.
 */
function scanLines(raw: string): Lines {
  const lines: string[] = [];
  const errors: string[] = [];
  let cur = '';
  let state: 'none' | 'single' | 'double' = 'none';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const next = raw[i + 1];
    if (state === 'single') {
      cur += c;
      if (c === "'") state = 'none';
      continue;
    }
    if (c === '\\' && next !== undefined) {
      if (next === '\n' && state === 'none') {
        i++;
        continue;
      }
      cur += c + next;
      i++;
      continue;
    }
    if (c === '`') errors.push('backtick command substitution (not evaluated)');
    if (c === '$' && next === '(') errors.push('$(...) command substitution (not evaluated)');
    if ((c === '<' || c === '>') && next === '(' && state === 'none')
      errors.push(`${c}(...) process substitution (not evaluated)`);
    if (state === 'double') {
      cur += c;
      if (c === '"') state = 'none';
      continue;
    }
    if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
    else if (c === '\n' || c === '\r') {
      if (cur.trim()) lines.push(cur);
      cur = '';
      continue;
    } else if (c === '<') {
      const m = /^<[A-Za-z_][\w .\/-]*>/.exec(raw.slice(i));
      if (m) {
        // `<model>` is a placeholder someone forgot to fill in, not a redirection from a file.
        cur += `'${m[0]}'`;
        i += m[0].length - 1;
        continue;
      }
    }
    cur += c;
  }
  if (state !== 'none') errors.push(`unbalanced ${state === 'single' ? 'single' : 'double'} quote`);
  if (cur.trim()) lines.push(cur);
  return { lines, errors: [...new Set(errors)] };
}

interface RawCommand {
  words: string[];
  redirects: string[];
}

function splitCommands(line: string, errors: string[]): RawCommand[] {
  // The env callback keeps `$NAME` / `${NAME}` visible as `$NAME` instead of expanding it.
  const entries: ParseEntry[] = parse(line, (key: string) => `$${key}`);
  const commands: RawCommand[] = [];
  let cur: RawCommand = { words: [], redirects: [] };
  const flush = () => {
    if (cur.words.length) commands.push(cur);
    cur = { words: [], redirects: [] };
  };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (typeof e === 'string') {
      cur.words.push(e);
      continue;
    }
    if ('comment' in e) continue;
    if ('op' in e) {
      if (e.op === 'glob') {
        cur.words.push((e as { pattern: string }).pattern);
      } else if (SEPARATORS.has(e.op)) {
        flush();
      } else if (REDIRECTS.has(e.op)) {
        const target = entries[i + 1];
        if (typeof target === 'string') {
          cur.redirects.push(`${e.op} ${target}`);
          i++;
        } else cur.redirects.push(e.op);
      } else if (e.op === '(' || e.op === ')') {
        errors.push('subshell or command substitution parentheses (not evaluated)');
      } else {
        errors.push(`shell operator "${e.op}"`);
      }
    }
  }
  flush();
  return commands;
}

const ENV_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PYTHON = /^python(\d+(\.\d+)*)?$/;
const KIND_SCRIPT = /^benchmark_(serving|throughput|latency)\.py$/;
const SERVER_MODULES = new Set(['vllm.entrypoints.openai.api_server', 'vllm.entrypoints.api_server']);

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function looksLikeFlag(w: string): boolean {
  return /^--?[A-Za-z]/.test(w);
}

function parseOptions(args: string[]): Pick<BenchCommand, 'options' | 'positionals'> {
  const options: BenchCommand['options'] = [];
  const positionals: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    if (w === '--') {
      positionals.push(...args.slice(k + 1));
      break;
    }
    if (!looksLikeFlag(w)) {
      positionals.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    if (w.startsWith('--') && eq > 2) {
      options.push({ flag: w.slice(0, eq), value: w.slice(eq + 1) });
      continue;
    }
    const next = args[k + 1];
    if (next !== undefined && !looksLikeFlag(next) && !BOOLEAN_FLAGS.has(flagName(w))) {
      options.push({ flag: w, value: next });
      k++;
    } else options.push({ flag: w });
  }
  return { options, positionals };
}

function classify(raw: RawCommand): BenchCommand {
  const words = raw.words;
  const env: Record<string, string> = {};
  let i = 0;
  if (words[0] === 'env') i++;
  while (i < words.length && ENV_WORD.test(words[i]!)) {
    const w = words[i]!;
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
    i++;
  }
  const argv = words.slice(i);
  const base: Omit<BenchCommand, 'options' | 'positionals' | 'role'> = { argv, env };
  if (raw.redirects.length) base.redirects = raw.redirects;
  const program = argv[0];
  if (program === undefined) return { ...base, role: 'other', options: [], positionals: [] };
  base.program = program;
  const prog = basename(program);

  if (PYTHON.test(prog)) {
    let j = 1;
    let module: string | undefined;
    while (j < argv.length && argv[j]!.startsWith('-')) {
      const w = argv[j]!;
      if (w === '-m') {
        module = argv[j + 1];
        j += 2;
        break;
      }
      if (w === '-c') return { ...base, role: 'other', ...parseOptions(argv.slice(j + 1)) };
      j += w === '-X' || w === '-W' ? 2 : 1;
    }
    if (module !== undefined) {
      base.module = module;
      const rest = argv.slice(j);
      if (SERVER_MODULES.has(module)) return { ...base, role: 'server', ...parseOptions(rest) };
      if (module === 'vllm.entrypoints.cli.main') return vllmCli(base, rest);
      const scriptLike = `${module.replace(/\./g, '/')}.py`;
      const m = KIND_SCRIPT.exec(basename(scriptLike));
      if (m)
        return { ...base, role: 'benchmark', script: scriptLike, kind: KIND_BY_NAME[m[1]!]!, ...parseOptions(rest) };
      const role: CommandRole = /bench/i.test(module) ? 'benchmark' : 'other';
      return { ...base, role, ...parseOptions(rest) };
    }
    const script = argv[j];
    if (script === undefined) return { ...base, role: 'other', options: [], positionals: [] };
    const rest = argv.slice(j + 1);
    const m = KIND_SCRIPT.exec(basename(script));
    if (m) return { ...base, role: 'benchmark', script, kind: KIND_BY_NAME[m[1]!]!, ...parseOptions(rest) };
    const role: CommandRole = /bench/i.test(script) ? 'benchmark' : 'other';
    return { ...base, role, script, ...parseOptions(rest) };
  }
  if (prog === 'vllm') return vllmCli(base, argv.slice(1));
  return { ...base, role: 'other', ...parseOptions(argv.slice(1)) };
}

/** `vllm serve MODEL ...`, `vllm bench serve|throughput|latency ...`. */
function vllmCli(base: Omit<BenchCommand, 'options' | 'positionals' | 'role'>, args: string[]): BenchCommand {
  const sub = args[0];
  if (sub === 'serve') return { ...base, role: 'server', cliSubcommand: 'serve', ...parseOptions(args.slice(1)) };
  if (sub === 'bench') {
    const what = args[1];
    const kind = what !== undefined ? KIND_BY_NAME[what] : undefined;
    const cmd: BenchCommand = { ...base, role: 'benchmark', ...parseOptions(args.slice(2)) };
    if (what !== undefined) cmd.cliSubcommand = what;
    if (kind) cmd.kind = kind;
    return cmd;
  }
  return {
    ...base,
    role: 'other',
    ...(sub !== undefined ? { cliSubcommand: sub } : {}),
    ...parseOptions(args.slice(1)),
  };
}

/** The last value of any of `names` (normalized flag names) in the command. */
export function optionValue(cmd: BenchCommand | undefined, ...names: string[]): string | undefined {
  if (!cmd) return undefined;
  let found: string | undefined;
  for (const o of cmd.options) if (o.value !== undefined && names.includes(flagName(o.flag))) found = o.value;
  return found;
}

function hasOption(cmd: BenchCommand | undefined, ...names: string[]): boolean {
  return !!cmd && cmd.options.some((o) => names.includes(flagName(o.flag)));
}

function intValue(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

const TP_FLAGS = ['tensor-parallel-size', 'tp', 'tp-size'];
const PP_FLAGS = ['pipeline-parallel-size', 'pp'];

/** The model a command loads: `--model`, or the positional of `vllm serve MODEL`. */
function commandModel(cmd: BenchCommand | undefined): string | undefined {
  if (!cmd) return undefined;
  const flagged = optionValue(cmd, 'model');
  if (flagged !== undefined) return flagged;
  if (cmd.role === 'server' && cmd.cliSubcommand === 'serve') return cmd.positionals[0];
  return undefined;
}

export function parsePerfCommand(raw: string): ParsedPerfCommand {
  const { lines, errors } = scanLines(raw);
  const commands: BenchCommand[] = [];
  for (const line of lines) for (const rc of splitCommands(line, errors)) commands.push(classify(rc));

  const benchmarks = commands.filter((c) => c.role === 'benchmark');
  // The client runs after its server: the last benchmark command produces the result.
  const benchmark = benchmarks[benchmarks.length - 1];
  const server = commands.find((c) => c.role === 'server');
  const first = (...names: string[]) => optionValue(benchmark, ...names) ?? optionValue(server, ...names);

  let tp = 1;
  let tpExplicit = false;
  let pp = 1;
  for (const c of [server, benchmark]) {
    const t = intValue(optionValue(c, ...TP_FLAGS));
    if (hasOption(c, ...TP_FLAGS)) tpExplicit = true;
    if (t !== undefined && t > tp) tp = t;
    const p = intValue(optionValue(c, ...PP_FLAGS));
    if (p !== undefined && p > pp) pp = p;
  }

  const parsed: ParsedPerfCommand = {
    raw,
    commands,
    tensorParallel: tp,
    tensorParallelExplicit: tpExplicit,
    pipelineParallel: pp,
    errors: [...new Set(errors)],
  };
  if (benchmark) parsed.benchmark = benchmark;
  if (server) parsed.server = server;
  if (benchmark?.kind) parsed.kind = benchmark.kind;
  const model = commandModel(benchmark) ?? commandModel(server);
  if (model !== undefined) parsed.model = model;
  const tokenizer = first('tokenizer');
  if (tokenizer !== undefined) parsed.tokenizer = tokenizer;

  const datasetName = optionValue(benchmark, 'dataset-name');
  const datasetPath = optionValue(benchmark, 'dataset-path');
  // `--dataset` is a file path in the old scripts and a name in some others (benchmark_guided.py).
  const legacy = optionValue(benchmark, 'dataset');
  if (datasetName !== undefined) parsed.datasetName = datasetName;
  else if (legacy !== undefined && !/[./]/.test(legacy)) parsed.datasetName = legacy;
  if (datasetPath !== undefined) parsed.datasetPath = datasetPath;
  else if (legacy !== undefined && /[./]/.test(legacy)) parsed.datasetPath = legacy;

  const inputLen = intValue(optionValue(benchmark, 'input-len', 'random-input-len', 'sonnet-input-len'));
  if (inputLen !== undefined) parsed.inputLen = inputLen;
  const outputLen = intValue(
    optionValue(benchmark, 'output-len', 'random-output-len', 'sharegpt-output-len', 'sonnet-output-len'),
  );
  if (outputLen !== undefined) parsed.outputLen = outputLen;
  const numPrompts = intValue(optionValue(benchmark, 'num-prompts'));
  if (numPrompts !== undefined) parsed.numPrompts = numPrompts;
  const requestRate = optionValue(benchmark, 'request-rate');
  if (requestRate !== undefined) parsed.requestRate = requestRate;
  const batchSize = intValue(optionValue(benchmark, 'batch-size'));
  if (batchSize !== undefined) parsed.batchSize = batchSize;
  const dtype = first('dtype');
  if (dtype !== undefined) parsed.dtype = dtype;
  const quantization = first('quantization', 'q');
  if (quantization !== undefined) parsed.quantization = quantization;
  const loadFormat = first('load-format');
  if (loadFormat !== undefined) parsed.loadFormat = loadFormat;
  const spec = first('speculative-model');
  if (spec !== undefined) parsed.speculativeModel = spec;
  return parsed;
}
