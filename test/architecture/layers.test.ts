/**
 * The layering rule, checked on the real import graph of src/: entries → commands → run → adapters →
 * core, imports only point down, no cycles (type-only imports included), and the core does no I/O.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Modules outside the layers: anyone may import them, they import nothing of ours but each other. */
const LEAVES = new Set(['errors.ts', 'cli-output.ts']);

/** Higher may import lower or equal, never the other way. */
function layerOf(file: string): number {
  const top = file.split('/')[0]!;
  if (top === 'core') return 0;
  if (top === 'adapters') return 1;
  if (top === 'run') return 2;
  if (top === 'commands') return 3;
  return 4; // cli.ts, action.ts, action/: the entries
}

/** Node built-ins and packages that do I/O: the core takes data and returns data. */
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|worker_threads)$|^execa$|^@actions\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
  const dynamic = [...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
  return [...specs, ...dynamic];
}

function localTarget(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(SRC, resolve(SRC, dirname(file), spec)).replace(/\.js$/, '.ts');
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('imports point only down the layers', () => {
    const upward: string[] = [];
    for (const [file, specs] of graph) {
      for (const spec of specs) {
        const target = localTarget(file, spec);
        if (!target || LEAVES.has(target)) continue;
        if (LEAVES.has(file)) upward.push(`${file} (a leaf) imports ${target}`);
        else if (layerOf(target) > layerOf(file)) upward.push(`${file} imports ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the core does no I/O', () => {
    const io = [...graph]
      .filter(([file]) => layerOf(file) === 0)
      .flatMap(([file, specs]) => specs.filter((s) => IO_MODULES.test(s)).map((s) => `${file} imports ${s}`));
    expect(io).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles()).toEqual([]);
  });

  it('no function runs past 150 lines (decisions stay readable at once)', () => {
    const long: string[] = [];
    for (const file of graph.keys()) {
      const sf = ts.createSourceFile(file, readFileSync(join(SRC, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const first = sf.getLineAndCharacterOfPosition(node.getStart()).line;
          const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (last - first + 1 > 150) long.push(`${file}:${first + 1} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it('every local import resolves to a file', () => {
    const missing = [...graph].flatMap(([file, specs]) =>
      specs.flatMap((s) => {
        const target = localTarget(file, s);
        return target && !graph.has(target) && !target.endsWith('.py') && !target.endsWith('.html')
          ? [`${file} → ${s}`]
          : [];
      }),
    );
    expect(missing).toEqual([]);
  });
});

/** Tarjan's strongly connected components; each component of more than one file is a cycle. */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const spec of graph.get(v) ?? []) {
      const w = localTarget(v, spec);
      if (!w || !graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
