/**
 * The flags one argparse parser of the engine accepts, read from the engine's source at one
 * commit: the entry file's own `add_argument` calls plus every parser-building call it makes,
 * followed through imports (`AsyncEngineArgs.add_cli_args(parser)` → vllm/engine/arg_utils.py,
 * `make_arg_parser(parser)` → vllm/entrypoints/openai/cli_args.py, ...). Then `acceptFlag`
 * answers what argparse would do with a flag as written: exact, `_` → `-` (vLLM's
 * FlexibleArgumentParser), `--no-X` (BooleanOptionalAction), or a unique prefix (argparse's
 * allow_abbrev), and otherwise exit 2.
 */
import {
  argumentCalls,
  blockOf,
  dataclassFields,
  definesName,
  generatedFlagClasses,
  importedFrom,
  modulePaths,
  parserReferences,
} from './python-source.js';

/** Reads a file of the tree at one commit; null when it does not exist there. */
export type ReadFile = (path: string) => string | null;

export interface ParserFlags {
  /** Long and short option strings (`--model`, `-tp`, `--no-enable-prefix-caching`). */
  flags: string[];
  /** Options argparse requires (`--tokenizer` in 2023's benchmark_serving.py). */
  required: string[];
  positionals: string[];
  /** The parser is vLLM's FlexibleArgumentParser: `--max_model_len` means `--max-model-len`. */
  flexible: boolean;
  /** The files the flags were read from, entry first (for messages: "not in X + Y at <commit>"). */
  files: string[];
  /** The script builds no argparse parser at all: it ignores its arguments, so every flag "passes". */
  opaque?: boolean;
}

export interface ParserEntry {
  path: string;
  /** Only this class or function of the file (default: the whole file, as a script runs it). */
  scope?: { kind: 'class' | 'def'; name: string };
}

function resolveName(
  read: ReadFile,
  path: string,
  name: string,
  kind: 'class' | 'def',
  depth: number,
): ParserEntry | undefined {
  if (depth > 4) return undefined;
  const src = read(path);
  if (src === null) return undefined;
  const module = importedFrom(src, name);
  if (module !== undefined && /^(vllm|cacheflow|demo_engine)(\.|$)/.test(module)) {
    for (const p of modulePaths(module)) {
      const target = read(p);
      if (target === null) continue;
      const defined = definesName(target, name);
      if (defined) return { path: p, scope: { kind: defined, name } };
      // A package re-exports the name (`from vllm import AsyncEngineArgs`): follow it once more.
      return resolveName(read, p, name, kind, depth + 1);
    }
    return undefined;
  }
  const defined = definesName(src, name);
  return defined ? { path, scope: { kind: defined, name } } : undefined;
}

/** The flags of the parser that `entry` builds, following parser-building calls across files. */
export function resolveParserFlags(read: ReadFile, entry: ParserEntry): ParserFlags | undefined {
  const entrySrc = read(entry.path);
  if (entrySrc === null) return undefined;
  const flags = new Set<string>();
  const required = new Set<string>();
  const positionals: string[] = [];
  const files: string[] = [];
  let flexible = false;
  const visited = new Set<string>();
  const visit = (e: ParserEntry) => {
    const key = `${e.path}#${e.scope?.name ?? ''}`;
    if (visited.has(key) || visited.size > 24) return;
    visited.add(key);
    const fileSrc = read(e.path);
    if (fileSrc === null) return;
    const src = e.scope ? blockOf(fileSrc, e.scope.kind, e.scope.name) : fileSrc;
    if (src === undefined) return;
    if (!files.includes(e.path)) files.push(e.path);
    if (/\bFlexibleArgumentParser\b/.test(src)) flexible = true;
    const generatedBools = /BooleanOptionalAction/.test(fileSrc);
    for (const call of argumentCalls(src)) {
      for (const f of call.flags) {
        flags.add(f);
        if (call.required) required.add(f);
        // get_kwargs gives every bool field BooleanOptionalAction; which fields are bools is in
        // the config classes, so a generated flag is taken as negatable (errs towards accepting).
        if ((call.negatable || (call.generatedKwargs && generatedBools)) && f.startsWith('--'))
          flags.add(`--no-${f.slice(2)}`);
      }
      if (call.positional !== undefined) positionals.push(call.positional);
    }
    for (const cls of generatedFlagClasses(src)) {
      const body = blockOf(fileSrc, 'class', cls);
      if (!body) continue;
      for (const field of dataclassFields(body)) {
        const f = `--${field.name.replace(/_/g, '-')}`;
        flags.add(f);
        if (field.bool) flags.add(`--no-${f.slice(2)}`);
      }
    }
    for (const ref of parserReferences(src)) {
      const target = resolveName(read, e.path, ref.name, ref.kind, 0);
      if (target && !(target.path === e.path && target.scope?.name === e.scope?.name)) visit(target);
    }
  };
  visit(entry);
  if (/\bFlexibleArgumentParser\(/.test(entrySrc)) flexible = true;
  const opaque =
    flags.size === 0 && positionals.length === 0 && !/ArgumentParser|add_argument|add_cli_args|argv/.test(entrySrc);
  return {
    flags: [...flags].sort(),
    required: [...required].sort(),
    positionals,
    flexible,
    files,
    ...(opaque ? { opaque } : {}),
  };
}

export type FlagMatch =
  | { ok: true; flag: string; how: 'exact' | 'underscore' | 'abbreviation' }
  | { ok: false; why: 'unknown' | 'ambiguous'; candidates?: string[] };

/** What argparse does with `written` (`--max_model_len`, `--enable-prefix`, `-tp`). */
export function acceptFlag(parser: Pick<ParserFlags, 'flags' | 'flexible' | 'opaque'>, written: string): FlagMatch {
  const eq = written.indexOf('=');
  let name = eq > 0 ? written.slice(0, eq) : written;
  if (parser.opaque) return { ok: true, flag: name, how: 'exact' };
  const set = new Set(parser.flags);
  if (set.has(name)) return { ok: true, flag: name, how: 'exact' };
  let how: 'exact' | 'underscore' = 'exact';
  if (parser.flexible && name.startsWith('--') && name.includes('_')) {
    name = name.replace(/_/g, '-');
    how = 'underscore';
    if (set.has(name)) return { ok: true, flag: name, how };
  }
  if (!name.startsWith('--')) return { ok: false, why: 'unknown' };
  const candidates = parser.flags.filter((f) => f.startsWith('--') && f.startsWith(name));
  if (candidates.length === 1) return { ok: true, flag: candidates[0]!, how: 'abbreviation' };
  if (candidates.length > 1) return { ok: false, why: 'ambiguous', candidates };
  return { ok: false, why: 'unknown' };
}
