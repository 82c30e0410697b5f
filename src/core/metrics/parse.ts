/**
 * Metrics from one benchmark output: any vLLM era's printed result (research/vllm-output-formats.md)
 * or a vLLM JSON result file. Every result block is found; the last complete one is used.
 */
import type { BenchmarkKind, Metrics } from '../schemas.js';
import { createMetricsScanner, type ParseResult, type ScannerOptions } from './scanner.js';

export {
  createMetricsScanner,
  select,
  type MetricsScanner,
  type ParseResult,
  type ResultBlock,
  type ScannerOptions,
} from './scanner.js';
export { parseResultJson } from './result-json.js';
export { outputCaveats, OUTPUT_QUIRKS } from './output-quirks.js';

export type ParseOptions = ScannerOptions;

export function parseBenchmarkOutput(text: string, opts: ParseOptions = {}): ParseResult {
  const scanner = createMetricsScanner(opts);
  scanner.push(text);
  return scanner.end();
}

export interface PrimaryMetric {
  name: string;
  higherIsBetter: boolean;
}

/** The one primary-metric table (the sweep, the sample runner and the comparison all read it). */
export const PRIMARY: Record<BenchmarkKind, PrimaryMetric> = {
  serving: { name: 'output_throughput', higherIsBetter: true },
  throughput: { name: 'tokens_per_second', higherIsBetter: true },
  latency: { name: 'avg_latency', higherIsBetter: false },
};

/**
 * Outputs that lack the kind's primary metric fall back to the nearest one they have: the 2023
 * serving script printed request throughput only, an embedding run (#23000) prints no output
 * tokens, and the pre-v0.1 throughput line had tokens/s only. Pass `metrics` to get the fallback.
 */
export const FALLBACKS: Record<BenchmarkKind, PrimaryMetric[]> = {
  serving: [
    { name: 'total_token_throughput', higherIsBetter: true },
    { name: 'request_throughput', higherIsBetter: true },
  ],
  throughput: [
    { name: 'requests_per_second', higherIsBetter: true },
    { name: 'output_tokens_per_second', higherIsBetter: true },
  ],
  latency: [{ name: 'latency_p50', higherIsBetter: false }],
};

export function primaryMetricFor(kind: BenchmarkKind, metrics?: Metrics): PrimaryMetric {
  const primary = PRIMARY[kind];
  if (!metrics || primary.name in metrics) return primary;
  return FALLBACKS[kind].find((f) => f.name in metrics) ?? primary;
}
