/**
 * Just enough reading of Python source to know which command-line flags an argparse parser
 * accepts: the `add_argument(...)` calls of a file or of one class/function in it, the dataclass
 * fields that a `for key, value in get_kwargs(Cls).items(): add_argument(f"--{key...}")` loop turns
 * into flags (vLLM's FrontendArgs), the imports that say where a name comes from, and the
 * parser-building calls that pull in other modules' arguments (`EngineArgs.add_cli_args(parser)`,
 * `make_arg_parser(parser)`). Pure text in, data out; no Python is run.
 */

export interface ArgumentCall {
  /** Option strings as written (`--model`, `-tp`); empty for a positional argument. */
  flags: string[];
  /** The name of a positional argument (`model_tag`). */
  positional?: string;
  required: boolean;
  /** `action=argparse.BooleanOptionalAction`: argparse also accepts `--no-<name>`. */
  negatable: boolean;
  /** The kwargs come from `**something_kwargs[...]` (vLLM's get_kwargs), whose bool fields are BooleanOptionalAction. */
  generatedKwargs: boolean;
}

/** Index just past the string literal that starts at `i` (handles prefixes, triple quotes, escapes). */
function skipString(src: string, i: number): number {
  let j = i;
  while (/[rRbBfFuU]/.test(src[j]!)) j++;
  const q = src[j]!;
  const triple = src.startsWith(q.repeat(3), j);
  const end = triple ? q.repeat(3) : q;
  j += end.length;
  while (j < src.length) {
    if (src[j] === '\\') {
      j += 2;
      continue;
    }
    if (src.startsWith(end, j)) return j + end.length;
    if (!triple && src[j] === '\n') return j;
    j++;
  }
  return j;
}

function stringStartsAt(src: string, i: number): boolean {
  const m = /^[rRbBfFuU]{0,2}["']/.exec(src.slice(i, i + 3));
  return m !== null && (i === 0 || !/[\w]/.test(src[i - 1]!));
}

/** The text between the `(` at `open` and its matching `)` (strings and comments skipped). */
function callArguments(src: string, open: number): string {
  let depth = 0;
  let i = open;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if ((c === '"' || c === "'" || /[rRbBfFuU]/.test(c)) && stringStartsAt(src, i)) {
      i = skipString(src, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return src.slice(open + 1, i);
    }
    i++;
  }
  return src.slice(open + 1);
}

/** The plain value of a simple string literal (`"--model"`, `'-tp'`); undefined for f-strings and others. */
function literalValue(text: string): string | undefined {
  const m = /^\s*([rRuU]?)(["'])([^"'\\\n]*)\2\s*$/.exec(text);
  return m ? m[3] : undefined;
}

/** Top-level comma-separated pieces of an argument list. */
function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < args.length) {
    const c = args[i]!;
    if ((c === '"' || c === "'" || /[rRbBfFuU]/.test(c)) && stringStartsAt(args, i)) {
      i = skipString(args, i);
      continue;
    }
    if (c === '#') {
      const nl = args.indexOf('\n', i);
      i = nl < 0 ? args.length : nl;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(args.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  parts.push(args.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * Results by source text: the same file content recurs at most commits of a history (and in
 * every round of a prefetch), so each distinct text is scanned once.
 */
function memo<T>(fn: (src: string, ...rest: string[]) => T): (src: string, ...rest: string[]) => T {
  const cache = new Map<string, T>();
  return (src, ...rest) => {
    const key = rest.length ? `${rest.join('\0')}\0${src}` : src;
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) {
      if (cache.size > 4000) cache.clear();
      v = fn(src, ...rest);
      cache.set(key, v);
    }
    return v as T;
  };
}

/** Every `.add_argument(...)` call in the text, in order. */
export const argumentCalls: (src: string) => ArgumentCall[] = memo(scanArgumentCalls);

function scanArgumentCalls(src: string): ArgumentCall[] {
  const calls: ArgumentCall[] = [];
  const re = /\.add_argument\s*\(/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const args = callArguments(src, m.index + m[0].length - 1);
    const parts = splitTopLevel(args);
    const flags: string[] = [];
    let positional: string | undefined;
    for (const p of parts) {
      const v = literalValue(p);
      if (v === undefined) break;
      if (v.startsWith('-')) flags.push(v);
      else if (flags.length === 0) positional = v;
    }
    const rest = parts.join(',');
    calls.push({
      flags,
      ...(positional !== undefined && flags.length === 0 ? { positional } : {}),
      required: /\brequired\s*=\s*True\b/.test(rest),
      negatable: /\baction\s*=\s*(?:argparse\.)?BooleanOptionalAction\b/.test(rest),
      generatedKwargs: /\*\*\s*\w*kwargs\s*\[/.test(rest),
    });
  }
  return calls;
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
}

/** The source of `class NAME` or `def NAME` (its header and indented body), or undefined. */
export function blockOf(src: string, kind: 'class' | 'def', name: string): string | undefined {
  return blockMemo(src, kind, name);
}

const blockMemo = memo((src: string, kind?: string, name?: string) => findBlock(src, kind as 'class' | 'def', name!));

function findBlock(src: string, kind: 'class' | 'def', name: string): string | undefined {
  const lines = src.split('\n');
  const header = new RegExp(`^([ \\t]*)(?:async\\s+)?${kind}\\s+${name}\\b`);
  for (let i = 0; i < lines.length; i++) {
    const h = header.exec(lines[i]!);
    if (!h) continue;
    const base = indentOf(lines[i]!);
    let end = i + 1;
    // The header may span lines (a long def signature); the body is everything indented deeper,
    // and the lines of a triple-quoted string whatever their indentation.
    let inString: string | undefined;
    while (end < lines.length) {
      const l = lines[end]!;
      if (inString !== undefined || l.trim() === '' || indentOf(l) > base || /^\s*[)\]]/.test(l)) {
        for (const q of l.match(/"""|'''/g) ?? []) {
          if (inString === undefined) inString = q;
          else if (inString === q) inString = undefined;
        }
        end++;
        continue;
      }
      break;
    }
    return lines.slice(i, end).join('\n');
  }
  return undefined;
}

export function definesName(src: string, name: string): 'class' | 'def' | undefined {
  if (new RegExp(`^[ \\t]*class\\s+${name}\\b`, 'm').test(src)) return 'class';
  if (new RegExp(`^[ \\t]*(?:async\\s+)?def\\s+${name}\\b`, 'm').test(src)) return 'def';
  return undefined;
}

/** `from a.b import X` / `from a.b import (X, Y as Z)`: the module X comes from, or undefined. */
export function importedFrom(src: string, name: string): string | undefined {
  const re = /^[ \t]*from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)/gm;
  let found: string | undefined;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const names = m[2]!
      .replace(/[()]/g, '')
      .split(',')
      .map((s) => s.trim().split(/\s+as\s+/));
    // A try/except ImportError pair imports the name twice: the first (vLLM's own) is what runs.
    if (found === undefined && names.some((n) => (n[1] ?? n[0]) === name && n[0] !== undefined)) found = m[1]!;
  }
  return found;
}

/** `name: type = default` fields of a dataclass body (4-space members), with whether each is a bool. */
export function dataclassFields(classSrc: string): Array<{ name: string; bool: boolean }> {
  const out: Array<{ name: string; bool: boolean }> = [];
  const lines = classSrc.split('\n');
  const memberIndent =
    lines
      .slice(1)
      .find((l) => l.trim() !== '')
      ?.match(/^[ \t]*/)?.[0].length ?? 4;
  for (const line of lines.slice(1)) {
    if (indentOf(line) !== memberIndent) continue;
    const m = /^\s*([a-z_]\w*)\s*:\s*([^=#]+?)\s*(?:=|$)/.exec(line);
    if (m && !/ClassVar/.test(m[2]!)) out.push({ name: m[1]!, bool: /\bbool\b/.test(m[2]!) });
  }
  return out;
}

/**
 * A `for key, value in X_kwargs.items(): group.add_argument(f"--{key.replace('_', '-')}", ...)`
 * loop over `X_kwargs = get_kwargs(Cls)`: the dataclass whose fields become flags.
 */
export function generatedFlagClasses(src: string): string[] {
  if (!/add_argument\(\s*f["']--\{\s*\w+\.replace\(/.test(src)) return [];
  return [...src.matchAll(/get_kwargs\(\s*([A-Z]\w*)\s*\)/g)].map((m) => m[1]!);
}

export interface ParserReference {
  /** `Cls.add_cli_args(parser)`: a class; `make_arg_parser(parser)`: a function. */
  kind: 'class' | 'def';
  name: string;
}

const NOT_PARSER_BUILDERS = new Set([
  'print',
  'isinstance',
  'getattr',
  'setattr',
  'hasattr',
  'len',
  'str',
  'super',
  'type',
  'vars',
  'list',
  'dict',
]);

/**
 * Calls that add another module's arguments to a parser: `X.add_cli_args(...)` (a class) and a
 * plain function called with a parser (`make_arg_parser(parser)`, `add_server_arguments(parser)`,
 * `add_dataset_parser(parser)`, `add_cli_args(serve_parser)`).
 */
export const parserReferences: (src: string) => ParserReference[] = memo(scanParserReferences);

function scanParserReferences(src: string): ParserReference[] {
  const refs: ParserReference[] = [];
  const seen = new Set<string>();
  const add = (r: ParserReference) => {
    const k = `${r.kind}:${r.name}`;
    if (!seen.has(k)) {
      seen.add(k);
      refs.push(r);
    }
  };
  for (const m of src.matchAll(/\b([A-Z]\w*)\.add_cli_args\s*\(/g)) add({ kind: 'class', name: m[1]! });
  for (const m of src.matchAll(
    /(^|[^\w.])(?<!\bdef\s+)([a-z_]\w*)\(\s*(?:\w*parser\w*|FlexibleArgumentParser\([^)]*\)|argparse\.ArgumentParser\([^)]*\))\s*[,)]/g,
  )) {
    const name = m[2]!;
    if (NOT_PARSER_BUILDERS.has(name)) continue;
    add({ kind: 'def', name });
  }
  // `parser = make_arg_parser()` (vLLM 0.4: the function builds the parser itself).
  for (const m of src.matchAll(/(^|[^\w.])(?<!\bdef\s+)([a-z_]\w*(?:parser|args|arguments))\(\s*\)/g)) {
    if (m[2] !== 'parse_args' && m[2] !== 'parse_known_args') add({ kind: 'def', name: m[2]! });
  }
  return refs;
}

/** `a.b.c` → the two places the module's source can be. */
export function modulePaths(module: string): string[] {
  const base = module.replace(/\./g, '/');
  return [`${base}.py`, `${base}/__init__.py`];
}
