/**
 * The workload of a task as argv: one server command and one benchmark command, built once per
 * task and given unchanged to all three variants (DESIGN.md lesson 10: ISO-Bench's runner rewrote
 * the serving command per arm, which made comparisons not evaluable).
 */
import type { BenchCommand, ParsedPerfCommand } from '../dataset/perf-command-types.js';
import type { BenchmarkKind, Variant } from '../schemas.js';
import { describeRefusedEnv, refusedEnv } from '../preflight/rules/env-allowlist.js';

export interface EngineFlavor {
  /** Python module of the OpenAI-compatible server (`python3 -m <module>`). */
  serverModule: string;
}

/** vLLM's api_server module exists in every vLLM version (`vllm serve` only in later ones). */
export const VLLM_ENGINE: EngineFlavor = { serverModule: 'vllm.entrypoints.openai.api_server' };
export const DEMO_ENGINE: EngineFlavor = { serverModule: 'demo_engine.server' };

export interface Workload {
  kind?: BenchmarkKind;
  /** Serving only: the server argv, without host/port (the runner injects them). */
  server?: { argv: string[]; env: Record<string, string> };
  /** The benchmark argv, without host/port/base-url for serving (the runner injects them). */
  client: { argv: string[]; env: Record<string, string> };
  /** The commit whose tree the client runs from (the plan's `client_from`), when known. */
  clientFrom?: string;
}

export type WorkloadResult =
  | {
      ok: true;
      workload: Workload;
      /** Each variant's own workload (the plan's per-variant argv: its commit's launcher and engine flags), when read from the repository. */
      byVariant?: Partial<Record<Variant, Workload>>;
    }
  | { ok: false; reason: string };

/** Options the runner sets itself: the dataset's values would point at the wrong place. */
const ENDPOINT_FLAGS = new Set(['--host', '--port', '--base-url']);

/** Route by name when no parser is known: the server-only flags that serverFromPerf moves to the server. */
const CLIENT_DROPS = new Set([
  ...ENDPOINT_FLAGS,
  '--dtype',
  '--quantization',
  '-q',
  '--load-format',
  '--tensor-parallel-size',
  '-tp',
]);

/** Server flags that a serving benchmark line carries for the server (same model, same parallelism). */
const SERVER_FLAGS_FROM_PERF: Array<[keyof ParsedPerfCommand, string]> = [
  ['model', '--model'],
  ['tokenizer', '--tokenizer'],
  ['dtype', '--dtype'],
  ['quantization', '--quantization'],
  ['loadFormat', '--load-format'],
];

function isPython(word: string | undefined): boolean {
  return word !== undefined && /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/.test(word);
}

/** `python` in a dataset line means the engine image's interpreter, which is `python3`. */
function normalizeInterpreter(argv: string[]): string[] {
  return isPython(argv[0]) ? ['python3', ...argv.slice(1)] : [...argv];
}

/** Drops `--flag value` / `--flag=value` for the given flags, keeping every other word in order. */
export function withoutFlags(argv: readonly string[], flags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (flags.has(name)) {
      if (eq < 0 && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    out.push(word);
  }
  return out;
}

function serverFromExplicitLine(server: BenchCommand): string[] {
  return withoutFlags(normalizeInterpreter(server.argv), ENDPOINT_FLAGS);
}

function serverFromPerf(perf: ParsedPerfCommand, engine: EngineFlavor): string[] {
  const argv = ['python3', '-m', engine.serverModule];
  for (const [field, flag] of SERVER_FLAGS_FROM_PERF) {
    const v = perf[field];
    if (typeof v === 'string' && v) argv.push(flag, v);
  }
  if (perf.tensorParallel > 1) argv.push('--tensor-parallel-size', String(perf.tensorParallel));
  return argv;
}

export function buildWorkload(perf: ParsedPerfCommand, engine: EngineFlavor = VLLM_ENGINE): WorkloadResult {
  if (perf.errors.length > 0) return { ok: false, reason: perf.errors.join('; ') };
  // The same refusal as the plan's (rules/env-allowlist.ts): `run` never executes a row the plan refuses for its environment.
  const refused = perf.commands.flatMap((c) => refusedEnv(c.env));
  if (refused.length > 0) return { ok: false, reason: describeRefusedEnv(refused) };
  const bench = perf.benchmark;
  if (!bench) return { ok: false, reason: 'the command has no benchmark line' };
  const kind = perf.kind ?? bench.kind;
  const env = { ...bench.env };
  if (kind !== 'serving') {
    return {
      ok: true,
      workload: { ...(kind ? { kind } : {}), client: { argv: normalizeInterpreter(bench.argv), env } },
    };
  }
  if (!perf.server && !perf.model)
    return { ok: false, reason: 'a serving benchmark without a model: the server cannot be started' };
  const server = perf.server ? serverFromExplicitLine(perf.server) : serverFromPerf(perf, engine);
  const serverEnv = { ...(perf.server?.env ?? {}), ...env };
  return {
    ok: true,
    workload: {
      kind,
      server: { argv: server, env: serverEnv },
      // Engine flags go to the server only: a benchmark client's parser has none of them (issue 10).
      client: {
        argv: withoutFlags(normalizeInterpreter(bench.argv), perf.server ? ENDPOINT_FLAGS : CLIENT_DROPS),
        env,
      },
    },
  };
}
