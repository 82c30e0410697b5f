/**
 * Without a tree to read (`plan` without --repo): the flags of vLLM's parsers per release range,
 * derived from the real history (scripts/gen-vllm-flags.ts read every dataset commit and parent
 * of github:local-inference-lab/vllm with the same extractor as `plan --repo`). A range's row is
 * the union over the commits read in it, so a flag missing from it was missing at every one of
 * them; the row's `source` names those commits, and findings quote it.
 */
import type { EngineParsers } from '../engine-parsers.js';
import { VLLM_LAYOUT, type ResolvedServer } from '../engine-flags/engine-layout.js';
import type { ParserFlags } from '../engine-flags/parser-flags.js';
import { compareVersions, type EngineVersion, type Version } from '../../preflight/engine-version.js';
import type { BenchCommand } from '../../dataset/perf-command-types.js';
import { VLLM_FLAG_DELTAS, type FlagParserKey, type FlagTableDelta, type FlagTableRow } from './vllm-flags-data.js';

export type { FlagParserKey, FlagTableRow } from './vllm-flags-data.js';

/** The stored deltas replayed per parser into whole rows. */
function expandFlagRows(deltas: readonly FlagTableDelta[]): FlagTableRow[] {
  const current = new Map<FlagParserKey, Set<string>>();
  return deltas.map(({ add, remove, ...row }) => {
    const flags = new Set(current.get(row.parser) ?? []);
    for (const f of remove ?? []) flags.delete(f);
    for (const f of add) flags.add(f);
    current.set(row.parser, flags);
    return { ...row, flags: [...flags].sort() };
  });
}

export const VLLM_FLAG_ROWS: readonly FlagTableRow[] = expandFlagRows(VLLM_FLAG_DELTAS);

function keyOf(bench: BenchCommand): FlagParserKey | undefined {
  if (bench.cliSubcommand && bench.program?.split('/').pop() === 'vllm') {
    return ({ serve: 'vllm_bench_serve', throughput: 'vllm_bench_throughput', latency: 'vllm_bench_latency' } as const)[
      bench.cliSubcommand as 'serve'
    ];
  }
  const name = (bench.script ?? bench.module ?? '').split(/[/.]/).filter(Boolean).slice(-2).join('.');
  if (/benchmark_serving/.test(name)) return 'benchmark_serving';
  if (/benchmark_throughput/.test(name)) return 'benchmark_throughput';
  if (/benchmark_latency/.test(name)) return 'benchmark_latency';
  return undefined;
}

function flagRow(
  parser: FlagParserKey,
  v: Version,
  rows: readonly FlagTableRow[] = VLLM_FLAG_ROWS,
): FlagTableRow | undefined {
  return rows.find((r) => r.parser === parser && compareVersions(r.from, v) <= 0 && compareVersions(v, r.until) < 0);
}

function asParser(row: FlagTableRow): ParserFlags {
  return { flags: row.flags, required: row.required, positionals: [], flexible: row.flexible, files: [row.file] };
}

/** The release table's parsers for an engine version (its lower bound); undefined when the version is unknown. */
export function releaseTableParsers(
  engine: EngineVersion | undefined,
  rows: readonly FlagTableRow[] = VLLM_FLAG_ROWS,
): EngineParsers | undefined {
  const v = engine?.low;
  if (!v) return undefined;
  const serverRow = (protocol: 'openai' | 'generate') =>
    protocol === 'generate'
      ? flagRow('server_generate', v, rows)
      : (flagRow('vllm_serve', v, rows) ?? flagRow('server_openai', v, rows));
  const any = rows.some((r) => compareVersions(r.from, v) <= 0 && compareVersions(v, r.until) < 0);
  if (!any) return undefined;
  return {
    decidedBy: `release table ${v.join('.')}`,
    exact: true,
    benchmark(bench) {
      const key = keyOf(bench);
      const row = key ? flagRow(key, v, rows) : undefined;
      return row ? { file: row.file, parser: asParser(row) } : undefined;
    },
    server(protocol): ResolvedServer | undefined {
      const row = serverRow(protocol);
      if (!row) return undefined;
      const layout = VLLM_LAYOUT.servers.find((s) => s.file === row.file);
      if (!layout) return undefined;
      return { layout, parser: asParser(row) };
    },
    protocol(bench, client) {
      const key = keyOf(bench);
      const row = key ? flagRow(key, v, rows) : undefined;
      void client;
      return row?.protocol ?? 'openai';
    },
  };
}
