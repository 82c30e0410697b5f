/**
 * `benchsweep parse FILE`: metrics from one benchmark output of any vLLM era (text or JSON result
 * file), by vLLM's own key names; partial pastes are read and marked partial (core/metrics/).
 */
import type { Command } from 'commander';
import { emit, UserError } from '../cli-output.js';
import { parseFile } from '../adapters/log-stream.js';
import { primaryMetricFor, type ResultBlock } from '../core/metrics/parse.js';
import { BENCHMARK_KINDS, type BenchmarkKind, type Metrics } from '../core/schemas.js';
import type { CommandResult } from './command-result.js';

export interface ParseOptions {
  file: string;
  kind?: BenchmarkKind | 'auto';
  /** List every block found, not only the one used. */
  all?: boolean;
}

/** DESIGN.md: `{ "kind", "metrics" }`; `block` says which block was used, `blocks` only with --all. */
export interface ParseValue {
  kind: BenchmarkKind | null;
  metrics: Metrics;
  block?: { startLine: number; endLine: number; complete: boolean; partial: boolean };
  blocks?: ResultBlock[];
}

export async function runParse(options: ParseOptions): Promise<CommandResult<ParseValue>> {
  const kind = options.kind ?? 'auto';
  if (kind !== 'auto' && !(BENCHMARK_KINDS as readonly string[]).includes(kind)) {
    throw new UserError(`--kind: expected serving, throughput, latency or auto, got ${kind}`);
  }
  const result = await parseFile(options.file, { kind });
  const used = result.used !== undefined ? result.blocks[result.used] : undefined;
  const value: ParseValue = { kind: result.kind ?? null, metrics: result.metrics };
  if (used)
    value.block = { startLine: used.startLine, endLine: used.endLine, complete: used.complete, partial: used.partial };
  if (options.all) value.blocks = result.blocks;

  const lines: string[] = [];
  if (!used || !result.kind) {
    lines.push(`${options.file}: no ${kind === 'auto' ? '' : kind + ' '}benchmark result found`);
  } else {
    const primary = primaryMetricFor(result.kind, result.metrics);
    lines.push(
      `${options.file}: ${result.kind} result, lines ${used.startLine}-${used.endLine}` +
        `${used.complete ? '' : ' (INCOMPLETE: cut off before its end)'}` +
        `${used.complete && used.partial ? ' (PARTIAL: starts mid-way; every value shown was read)' : ''}` +
        ` (block ${result.used! + 1} of ${result.blocks.length})`,
    );
    const width = Math.max(...Object.keys(result.metrics).map((k) => k.length));
    for (const [name, v] of Object.entries(result.metrics)) {
      lines.push(
        `  ${name.padEnd(width)}  ${v}${name === primary.name ? `   <- primary (${primary.higherIsBetter ? 'higher' : 'lower'} is better)` : ''}`,
      );
    }
  }
  if (options.all && result.blocks.length > 0) {
    lines.push('', 'blocks:');
    result.blocks.forEach((b, i) =>
      lines.push(
        `  ${i + 1}. ${b.kind} lines ${b.startLine}-${b.endLine} ${b.complete ? 'complete' : 'incomplete'}, ${Object.keys(b.metrics).length} metrics${i === result.used ? ' (used)' : ''}`,
      ),
    );
  }
  return {
    value,
    text: lines.join('\n'),
    failed: !used,
    outputs: { kind: result.kind ?? '', metrics: JSON.stringify(result.metrics) },
  };
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description("metrics from one benchmark output (any vLLM era's printed result, or its JSON result file)")
    .argument('<file>', 'benchmark log or vLLM JSON result file')
    .option('--kind <kind>', 'serving | throughput | latency | auto', 'auto')
    .option('--all', 'list every result block found')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts: { kind?: string; all?: boolean; json?: boolean }) => {
      const result = await runParse({ file, kind: opts.kind as BenchmarkKind | 'auto', all: !!opts.all });
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
      if (result.failed) process.exitCode = 1;
    });
}
