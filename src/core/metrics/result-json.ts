/**
 * vLLM's JSON result files: `benchmark_serving.py --save-result` / `vllm bench serve --save-result`
 * (flat keys that are already DESIGN.md's metric names), `benchmark_throughput.py --output-json`
 * (`requests_per_second`, `tokens_per_second`, ...), `benchmark_latency.py --output-json`
 * (`avg_latency`, `latencies`, `percentiles: {"10": ...}`), and the PyTorch OSS benchmark records
 * (`[{ "metric": { "name", "benchmark_values": [...] } }]`) the same scripts write next to them.
 */
import type { BenchmarkKind, Metrics } from '../schemas.js';

const SERVING_KEYS = new Set([
  'completed',
  'failed',
  'max_concurrency',
  'duration',
  'total_input_tokens',
  'total_output_tokens',
  'request_throughput',
  'request_goodput',
  'input_throughput',
  'output_throughput',
  'total_token_throughput',
  'peak_output_throughput',
  'peak_concurrent_requests',
  // The configured rate (a number, or the string "inf", which is skipped).
  'request_rate',
]);

/** Keys vLLM writes under other names than the printed labels map to. */
const SERVING_RENAMES: Record<string, string> = {
  max_output_tokens_per_s: 'peak_output_throughput',
  max_concurrent_requests: 'peak_concurrent_requests',
};

const SERVING_STAT = /^(?:mean|median|std|p\d+(?:\.\d+)?)_(?:ttft|tpot|itl|e2el)_ms$/;

/** Keys that say "this is a serving result" (a throughput file has none of them). */
const SERVING_MARKERS = ['request_throughput', 'output_throughput', 'mean_ttft_ms', 'mean_e2el_ms', 'completed'];

const THROUGHPUT_KEYS = [
  'requests_per_second',
  'tokens_per_second',
  'output_tokens_per_second',
  'total_prompt_tokens',
  'total_output_tokens',
  'elapsed_time',
  'num_requests',
  'total_num_tokens',
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function parseResultJson(obj: unknown): { kind?: BenchmarkKind; metrics: Metrics } {
  if (Array.isArray(obj)) return parsePytorchRecords(obj);
  if (!isRecord(obj)) return { metrics: {} };

  if (SERVING_MARKERS.some((k) => finite(obj[k]))) {
    const metrics: Metrics = {};
    for (const [key, value] of Object.entries(obj)) {
      if (!finite(value)) continue;
      const name = SERVING_RENAMES[key] ?? key;
      if (SERVING_KEYS.has(name) || SERVING_STAT.test(name)) metrics[name] = value;
    }
    return { kind: 'serving', metrics };
  }

  if (finite(obj['requests_per_second']) || finite(obj['tokens_per_second'])) {
    const metrics: Metrics = {};
    for (const key of THROUGHPUT_KEYS) if (finite(obj[key])) metrics[key] = obj[key];
    return { kind: 'throughput', metrics };
  }

  if (finite(obj['avg_latency'])) {
    const metrics: Metrics = { avg_latency: obj['avg_latency'] };
    const percentiles = obj['percentiles'];
    if (isRecord(percentiles)) {
      for (const [p, value] of Object.entries(percentiles)) {
        if (finite(value) && /^\d+(?:\.\d+)?$/.test(p)) metrics[`latency_p${p}`] = value;
      }
    }
    return { kind: 'latency', metrics };
  }

  return { metrics: {} };
}

/** `[{ benchmark: {...}, model: {...}, metric: { name, benchmark_values: [v] } }, ...]` */
function parsePytorchRecords(rows: unknown[]): { kind?: BenchmarkKind; metrics: Metrics } {
  const flat: Record<string, unknown> = {};
  for (const row of rows) {
    if (!isRecord(row) || !isRecord(row['metric'])) continue;
    const { name, benchmark_values: values } = row['metric'];
    if (typeof name !== 'string' || !Array.isArray(values) || values.length !== 1) continue;
    flat[name] = values[0];
  }
  if (Object.keys(flat).length === 0) return { metrics: {} };
  return parseResultJson(flat);
}
