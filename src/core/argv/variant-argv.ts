/**
 * The one builder of what each variant executes: for a serving task, the server argv (the
 * engine's launcher of that era, the model, the engine flags of the command, the parallel size
 * the task's GPUs need) and the client argv (the benchmark's own flags); for an offline task, the
 * script with all its flags. Every flag is routed by the parsers of the engine at the commit the
 * variant runs (EngineParsers): a flag that the client's parser accepts goes to the client, one
 * only the server's parser accepts goes to the server, the shared ones (--model, --tokenizer,
 * --trust-remote-code ...) to each side that takes them, and a flag that neither accepts refuses
 * the task before any GPU minute, naming the flag, the file and the commit.
 *
 * `plan` shows this argv and `run` executes it. `{host}` and `{port}` are filled in by the runner.
 */
import type { BenchCommand, ParsedPerfCommand } from '../dataset/perf-command-types.js';
import type { Variant } from '../schemas.js';
import { acceptFlag, type FlagMatch, type ParserFlags } from './engine-flags/parser-flags.js';
import type { ResolvedServer } from './engine-flags/engine-layout.js';
import type { BenchmarkParser, EngineParsers } from './engine-parsers.js';

export const HOST_PLACEHOLDER = '{host}';
export const PORT_PLACEHOLDER = '{port}';

export interface VariantArgv {
  /** Serving: the server argv; null for an offline benchmark (one process). */
  server: string[] | null;
  client: string[];
  /** The full sha of the tree whose benchmark script the client runs. */
  client_from: string;
  env: Record<string, string>;
}

export type TaskArgv = Partial<Record<Variant, VariantArgv>>;

export interface ArgvNote {
  reason: string;
  /** Where the flag knowledge came from (`git <sha>` or a table row's source). */
  source: string;
}

export type ArgvResult =
  | { ok: true; argv: TaskArgv; notes: ArgvNote[] }
  | { ok: false; reason: string; source: string; suggestion?: string; notes: ArgvNote[] };

export interface ArgvInput {
  perf: ParsedPerfCommand;
  /** GPUs the task is planned on: a command that names no parallel size gets this tensor-parallel size. */
  gpus: number;
  commit: string;
  /** Baseline and agent run the parent; absent: only the human variant is built. */
  parent?: string;
  variants: readonly Variant[];
  /** The parsers at each commit; a missing entry means nothing is known (route by name, refuse nothing). */
  parsers: (commit: string) => EngineParsers | undefined;
  /**
   * Data files the runner provides (config `dataFiles`): a value the command names (`file`, after
   * `flag`) becomes the runner's `path`; an implied file (no flag) is passed with `passAs`.
   */
  dataFiles?: Array<{ file: string; flag?: string; passAs?: string; path: string }>;
}

/** Flags the runner owns (the dataset's values would point at the wrong server). */
const ENDPOINT_FLAGS = new Set(['--host', '--port', '--base-url']);
/** Flags both sides need when both have them: the same model, tokenizer and code on both ends. */
export const SHARED_FLAGS = new Set([
  '--model',
  '--tokenizer',
  '--trust-remote-code',
  '--tokenizer-mode',
  '--revision',
  '--tokenizer-revision',
  '--served-model-name',
]);
const TP_FLAGS = new Set(['--tensor-parallel-size', '-tp', '--tp', '--tp-size', '--pipeline-parallel-size', '-pp']);

function isPython(word: string | undefined): boolean {
  return word !== undefined && /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/.test(word);
}

/** `python` in a dataset line means the engine image's interpreter, `python3`. */
function normalizeInterpreter(argv: readonly string[]): string[] {
  return isPython(argv[0]) ? ['python3', ...argv.slice(1)] : [...argv];
}

/** The words that name the program: `python3 benchmarks/benchmark_serving.py`, `python3 -m mod`, `vllm bench serve`. */
function programWords(bench: BenchCommand): string[] {
  const argv = normalizeInterpreter(bench.argv);
  const last =
    bench.module !== undefined
      ? argv.indexOf(bench.module)
      : bench.script !== undefined
        ? argv.indexOf(bench.script)
        : bench.cliSubcommand !== undefined
          ? argv.indexOf(bench.cliSubcommand)
          : 0;
  return argv.slice(0, Math.max(0, last) + 1);
}

function optionWords(o: { flag: string; value?: string }): string[] {
  return o.value === undefined ? [o.flag] : [o.flag, o.value];
}

/** The command's options with provided data files put where the runner has them. */
function withDataFiles(bench: BenchCommand, dataFiles: ArgvInput['dataFiles']): BenchCommand {
  if (!dataFiles?.length) return bench;
  const options = bench.options.map((o) => {
    const d = dataFiles.find((f) => f.flag !== undefined && f.flag === o.flag && f.file === o.value);
    return d ? { ...o, value: d.path } : o;
  });
  for (const d of dataFiles) if (d.flag === undefined && d.passAs) options.push({ flag: d.passAs, value: d.path });
  return { ...bench, options };
}

/** A required option of the parser that the argv does not give (argparse exits 2 without it). */
function missingRequired(parser: ParserFlags | undefined, argv: readonly string[]): string | undefined {
  if (!parser) return undefined;
  for (const req of parser.required) {
    const given = argv.some((w) => {
      if (!/^--?[A-Za-z]/.test(w)) return false;
      const m = acceptFlag(parser, w);
      return m.ok && m.flag === req;
    });
    if (!given) return req;
  }
  return undefined;
}

function flagKey(flag: string): string {
  const eq = flag.indexOf('=');
  return eq > 0 ? flag.slice(0, eq) : flag;
}

function canonical(m: FlagMatch, written: string): string {
  return m.ok ? m.flag : flagKey(written);
}

interface Route {
  client: string[];
  server: string[];
  notes: ArgvNote[];
  error?: { reason: string; source: string; suggestion?: string };
}

/** Routes the benchmark command's options between client and server by their parsers. */
function routeServing(
  bench: BenchCommand,
  client: BenchmarkParser | null | undefined,
  server: ResolvedServer | undefined,
  ctx: { clientCommit: string; serverCommit: string; clientSrc: string; serverSrc: string; exact: boolean },
): Route {
  const out: Route = { client: [], server: [], notes: [] };
  for (const o of bench.options) {
    const key = flagKey(o.flag);
    if (ENDPOINT_FLAGS.has(key.replace(/_/g, '-'))) continue;
    const c: FlagMatch = client ? acceptFlag(client.parser, o.flag) : { ok: false, why: 'unknown' };
    const s: FlagMatch = server ? acceptFlag(server.parser, o.flag) : { ok: false, why: 'unknown' };
    const name = c.ok ? canonical(c, o.flag) : canonical(s, o.flag);
    if (name === '--model') continue; // the model is placed on each side below
    if (SHARED_FLAGS.has(name)) {
      if (c.ok || !client) out.client.push(...optionWords(o));
      if (s.ok && server) out.server.push(...optionWords(o));
      if (client && server && !c.ok && !s.ok) out.error ??= unknownFlag(o.flag, ctx, client, server);
      continue;
    }
    const cExact = c.ok && c.how !== 'abbreviation';
    const sExact = s.ok && s.how !== 'abbreviation';
    if (cExact || (c.ok && !sExact)) out.client.push(...optionWords(o));
    else if (s.ok) {
      out.server.push(...optionWords(o));
      out.notes.push({
        reason: `${o.flag} is an engine flag (${server!.parser.files[0]}), not a flag of the benchmark client: routed to the server`,
        source: ctx.serverSrc,
      });
    } else if (!client) {
      // Nothing is known about the client: keep the flag where the command put it.
      out.client.push(...optionWords(o));
    } else if (!server) {
      // The client does not take it and the server's parser is unknown: it can only be an engine flag.
      out.server.push(...optionWords(o));
      out.notes.push({
        reason: `${o.flag} is not a flag of ${client.file}: sent to the server, whose parser is unknown here`,
        source: ctx.clientSrc,
      });
    } else out.error ??= unknownFlag(o.flag, ctx, client, server, c, s);
  }
  out.client.push(...bench.positionals);
  return out;
}

function unknownFlag(
  flag: string,
  ctx: { clientCommit: string; serverCommit: string; clientSrc: string; serverSrc: string },
  client: BenchmarkParser,
  server: ResolvedServer,
  c?: FlagMatch,
  s?: FlagMatch,
): { reason: string; source: string; suggestion?: string } {
  const ambiguous = [c, s].find((m): m is Extract<FlagMatch, { ok: false }> => !!m && !m.ok && m.why === 'ambiguous');
  const why = ambiguous ? `is ambiguous (${ambiguous.candidates!.join(', ')})` : 'is not accepted';
  return {
    reason: `${flag} ${why} by the benchmark client ${client.file} at ${ctx.clientCommit.slice(0, 12)} or by the server (${server.parser.files.join(' + ')}) at ${ctx.serverCommit.slice(0, 12)}: argparse exits 2`,
    source: ctx.clientSrc === ctx.serverSrc ? ctx.clientSrc : `${ctx.clientSrc}; ${ctx.serverSrc}`,
    suggestion: `Drop ${flag} or replace it with a flag of that engine version.`,
  };
}

function hasParallelFlag(bench: BenchCommand | undefined): boolean {
  return !!bench && bench.options.some((o) => TP_FLAGS.has(flagKey(o.flag).replace(/_/g, '-')));
}

function tensorParallelFlag(parser: ParserFlags | undefined): string | undefined {
  if (!parser) return '--tensor-parallel-size';
  if (parser.flags.includes('--tensor-parallel-size')) return '--tensor-parallel-size';
  if (parser.flags.includes('-tp')) return '-tp';
  return undefined;
}

const runCommitOf = (v: Variant, input: ArgvInput) => (v === 'human' ? input.commit : input.parent);

export function buildTaskArgv(input: ArgvInput): ArgvResult {
  const { perf } = input;
  const notes: ArgvNote[] = [];
  if (perf.errors.length > 0) return { ok: false, reason: perf.errors.join('; '), source: 'perf_command', notes };
  if (!perf.benchmark) return { ok: false, reason: 'the command has no benchmark line', source: 'perf_command', notes };
  const bench = withDataFiles(perf.benchmark, input.dataFiles);
  const kind = perf.kind ?? bench.kind;
  const env: Record<string, string> = { ...(perf.server?.env ?? {}), ...bench.env };
  const variants = input.variants.filter((v) => runCommitOf(v, input) !== undefined);
  const head = programWords(bench);

  const parts: ArgvParts = { input, bench, env, variants, head, notes };
  return kind === 'serving' ? servingArgv(parts) : offlineArgv(parts);
}

/** What both argv builders start from: the task, its benchmark line and the notes so far. */
interface ArgvParts {
  input: ArgvInput;
  bench: BenchCommand;
  env: Record<string, string>;
  /** The variants with a commit to run. */
  variants: Variant[];
  /** The program words of the benchmark line (interpreter, script or module). */
  head: string[];
  notes: ArgvNote[];
}

/** Offline benchmarks (throughput, latency): each variant runs its own tree's script, checked against its parser. */
function offlineArgv({ input, bench, env, variants, head, notes }: ArgvParts): ArgvResult {
  const argv: TaskArgv = {};
  for (const v of variants) {
    const commit = runCommitOf(v, input)!;
    const parsers = input.parsers(commit);
    const p = parsers?.benchmark(bench);
    if (p === null) {
      const path = bench.script ?? bench.module ?? bench.argv.slice(0, 3).join(' ');
      return {
        ok: false,
        reason: `the offline benchmark ${path} does not exist at ${commit.slice(0, 12)} (${v === 'human' ? 'the commit' : 'the parent'}), which the ${v} variant runs: an offline script runs the engine of its own tree, so no other tree's copy can stand in`,
        source: parsers!.decidedBy,
        notes,
      };
    }
    const words: string[] = [];
    for (const o of bench.options) {
      if (p) {
        const m = acceptFlag(p.parser, o.flag);
        if (!m.ok && parsers!.exact) {
          return {
            ok: false,
            reason: `${o.flag} ${m.why === 'ambiguous' ? `is ambiguous (${m.candidates!.join(', ')})` : 'is not accepted'} by ${p.parser.files.join(' + ')} at ${commit.slice(0, 12)} (${v}): argparse exits 2`,
            source: parsers!.decidedBy,
            suggestion: `Drop ${o.flag} or replace it with a flag of that engine version.`,
            notes,
          };
        }
        if (!m.ok)
          notes.push({
            reason: `${o.flag} is not in the flags of ${p.file} for this release range`,
            source: parsers!.decidedBy,
          });
      }
      words.push(...optionWords(o));
    }
    words.push(...bench.positionals);
    if (input.gpus > 1 && !hasParallelFlag(bench)) {
      const tp = tensorParallelFlag(p?.parser);
      if (!tp) {
        return {
          ok: false,
          reason: `the task needs ${input.gpus} GPUs but ${p!.file} at ${commit.slice(0, 12)} has no --tensor-parallel-size`,
          source: parsers!.decidedBy,
          notes,
        };
      }
      words.push(tp, String(input.gpus));
    }
    const req = missingRequired(p?.parser, words);
    if (req && parsers?.exact)
      return {
        ok: false,
        reason: `${p!.file} at ${commit.slice(0, 12)} requires ${req} and the command does not give it: argparse exits 2`,
        source: parsers.decidedBy,
        notes,
      };
    argv[v] = { server: null, client: [...head, ...words], client_from: commit, env: { ...env } };
  }
  return { ok: true, argv, notes };
}

/**
 * Serving: one client for every arm, from a tree the agent's patch cannot change (the parent's
 * when it has the script, else the commit's: the client only speaks HTTP to each arm's server).
 */
function servingArgv({ input, bench, env, variants, head, notes }: ArgvParts): ArgvResult {
  const { perf } = input;
  const argv: TaskArgv = {};
  const parentParsers = input.parent ? input.parsers(input.parent) : undefined;
  const commitParsers = input.parsers(input.commit);
  let clientFrom = input.parent ?? input.commit;
  let client = input.parent ? parentParsers?.benchmark(bench) : commitParsers?.benchmark(bench);
  let clientParsers = input.parent ? parentParsers : commitParsers;
  if (client === null && input.parent) {
    const atCommit = commitParsers?.benchmark(bench);
    if (atCommit === null || atCommit === undefined) {
      return {
        ok: false,
        reason: `the benchmark client ${bench.script ?? bench.argv.slice(0, 3).join(' ')} exists neither at ${input.parent.slice(0, 12)} nor at ${input.commit.slice(0, 12)}`,
        source: parentParsers!.decidedBy,
        notes,
      };
    }
    client = atCommit;
    clientFrom = input.commit;
    clientParsers = commitParsers;
    notes.push({
      reason: `the client script is missing at the parent: every arm runs the commit's ${atCommit.file} (client_from ${input.commit.slice(0, 12)})`,
      source: commitParsers!.decidedBy,
    });
  }
  if (client === null) {
    return {
      ok: false,
      reason: `the benchmark client ${bench.script ?? bench.argv.slice(0, 3).join(' ')} does not exist at ${clientFrom.slice(0, 12)}`,
      source: clientParsers!.decidedBy,
      notes,
    };
  }
  const protocol = clientParsers ? clientParsers.protocol(bench, client) : 'openai';
  const clientWantsPort = !client || client.parser.flags.includes('--port');

  for (const v of variants) {
    const commit = runCommitOf(v, input)!;
    const parsers = input.parsers(commit);
    const server = perf.server ? undefined : parsers?.server(protocol);
    if (parsers && !perf.server && !server) {
      // No server file of the engine's layout at this commit: nothing to check the engine flags against.
      const note = `no ${protocol === 'generate' ? '/generate (2023)' : 'OpenAI-compatible'} server file known at ${commit.slice(0, 12)} (${v}): engine flags are not checked`;
      if (!notes.some((n) => n.reason === note)) notes.push({ reason: note, source: parsers.decidedBy });
    }
    const route = routeServing(bench, client, server, {
      clientCommit: clientFrom,
      serverCommit: commit,
      clientSrc: clientParsers?.decidedBy ?? 'none',
      serverSrc: parsers?.decidedBy ?? 'none',
      exact: !!parsers?.exact,
    });
    if (route.error) {
      if (parsers?.exact && clientParsers?.exact) return { ok: false, ...route.error, notes };
      notes.push({ reason: route.error.reason, source: route.error.source });
    }
    for (const n of route.notes) if (!notes.some((x) => x.reason === n.reason)) notes.push(n);

    const clientArgv = [...head, ...route.client];
    const model = perf.model;
    const clientHasModel = !client || acceptFlag(client.parser, '--model').ok;
    if (model !== undefined && clientHasModel && !perf.server) clientArgv.splice(head.length, 0, '--model', model);
    if (
      model !== undefined &&
      client &&
      client.parser.required.includes('--tokenizer') &&
      perf.tokenizer === undefined
    ) {
      clientArgv.push('--tokenizer', model);
      const note = `${client.file} at ${clientFrom.slice(0, 12)} requires --tokenizer${clientHasModel ? '' : ' and has no --model'}: the client gets --tokenizer ${model}`;
      if (!notes.some((n) => n.reason === note)) notes.push({ reason: note, source: clientParsers!.decidedBy });
    }
    const req = missingRequired(client?.parser, clientArgv);
    if (req && clientParsers?.exact) {
      return {
        ok: false,
        reason: `the benchmark client ${client!.file} at ${clientFrom.slice(0, 12)} requires ${req} and the command does not give it: argparse exits 2`,
        source: clientParsers.decidedBy,
        notes,
      };
    }
    if (clientWantsPort) clientArgv.push('--host', HOST_PLACEHOLDER, '--port', PORT_PLACEHOLDER);
    else clientArgv.push('--base-url', `http://${HOST_PLACEHOLDER}:${PORT_PLACEHOLDER}`);

    let serverArgv: string[];
    if (perf.server) {
      serverArgv = [
        ...normalizeInterpreter(perf.server.argv).filter(
          (w, i, a) => !(ENDPOINT_FLAGS.has(flagKey(w)) || (i > 0 && ENDPOINT_FLAGS.has(a[i - 1]!))),
        ),
      ];
    } else {
      const launcher = server?.layout.launcher ?? ['python3', '-m', 'vllm.entrypoints.openai.api_server'];
      serverArgv = [...launcher];
      if (model !== undefined) {
        if (server?.layout.modelPositional) serverArgv.push(model);
        else serverArgv.push('--model', model);
      }
      serverArgv.push(...route.server);
      if (input.gpus > 1 && !hasParallelFlag(bench)) {
        const tp = tensorParallelFlag(server?.parser);
        if (!tp)
          return {
            ok: false,
            reason: `the task needs ${input.gpus} GPUs but the server at ${commit.slice(0, 12)} has no --tensor-parallel-size`,
            source: parsers?.decidedBy ?? 'none',
            notes,
          };
        serverArgv.push(tp, String(input.gpus));
      }
    }
    serverArgv.push('--host', HOST_PLACEHOLDER, '--port', PORT_PLACEHOLDER);
    argv[v] = { server: serverArgv, client: clientArgv, client_from: clientFrom, env: { ...env } };
  }
  return { ok: true, argv, notes };
}

/** Replaces `{host}` and `{port}` in an argv (the runner's part). */
export function fillEndpoint(argv: readonly string[], host: string, port: number): string[] {
  return argv.map((w) => w.replaceAll(HOST_PLACEHOLDER, host).replaceAll(PORT_PLACEHOLDER, String(port)));
}
