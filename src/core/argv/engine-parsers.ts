/**
 * What the argv builder needs to know about the engine at one commit: the parser of a benchmark
 * command, the server (launcher and parser) for a protocol, and how that knowledge was obtained
 * (read from the tree at that commit, or taken from the release table). Two sources implement it:
 * a tree (`treeParsers`, exact) and rules/vllm-flags.ts's table (`tableParsers`, a release range).
 */
import type { BenchCommand } from '../dataset/perf-command-types.js';
import {
  benchmarkEntryPath,
  benchmarkParser,
  clientProtocol,
  resolveServer,
  versionInTree,
  type EngineLayout,
  type ResolvedServer,
} from './engine-flags/engine-layout.js';
import type { ParserFlags, ReadFile } from './engine-flags/parser-flags.js';

export interface BenchmarkParser {
  file: string;
  parser: ParserFlags;
}

export interface EngineParsers {
  /** `git 1a2b3c4d5e6f` (read from the tree) or the table row's source. */
  decidedBy: string;
  /** True when read from the tree at the commit: a flag it lacks is certainly refused. */
  exact: boolean;
  /** null: the file is not at this commit; undefined: not known (no row for this script). */
  benchmark(bench: BenchCommand): BenchmarkParser | null | undefined;
  server(protocol: 'openai' | 'generate'): ResolvedServer | undefined;
  protocol(bench: BenchCommand, client: BenchmarkParser | null | undefined): 'openai' | 'generate';
  /** The engine version the tree states (before setuptools-scm), when it states one. */
  version?: string;
}

function endpointOption(bench: BenchCommand): string | undefined {
  let v: string | undefined;
  for (const o of bench.options) if (o.flag === '--endpoint' && o.value !== undefined) v = o.value;
  return v;
}

/** The parsers of the tree at `commit`, read through `read` (cached by the caller). */
export function treeParsers(layout: EngineLayout, read: ReadFile, commit: string): EngineParsers {
  const benchCache = new Map<string, BenchmarkParser | null | undefined>();
  const serverCache = new Map<string, ResolvedServer | undefined>();
  const version = versionInTree(layout, read);
  return {
    decidedBy: `git ${commit.slice(0, 12)}`,
    exact: true,
    ...(version ? { version: version.version } : {}),
    benchmark(bench) {
      const file = benchmarkEntryPath(layout, bench);
      if (file === undefined) return undefined;
      if (!benchCache.has(file)) {
        const parser = benchmarkParser(layout, read, bench);
        benchCache.set(file, parser ? { file, parser } : null);
      }
      return benchCache.get(file);
    },
    server(protocol) {
      if (!serverCache.has(protocol)) serverCache.set(protocol, resolveServer(layout, read, protocol));
      return serverCache.get(protocol);
    },
    protocol(bench, client) {
      return clientProtocol(read, client?.file, client?.parser, endpointOption(bench));
    },
  };
}
