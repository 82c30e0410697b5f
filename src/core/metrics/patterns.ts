/**
 * The result lines vLLM's benchmark scripts have printed since 2023 (research/vllm-output-formats.md),
 * as data: a label, the metric name it becomes (vLLM's own JSON key where one exists, DESIGN.md), and
 * the line shape. A label only counts at the start of a line or after a separator (space, `|`, `>`,
 * `]`, `)`) and only when a number follows, so an engine log ("Avg prompt throughput: ..."), a tqdm
 * speed or a preamble line ("Traffic request rate: inf") never yields a metric.
 */

/** A decimal as Python prints it (`.2f`, `{:2f}`, float repr, exponent). */
const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
/** Start of a label: the line start or a separator that logs put before printed text. */
const B = String.raw`(?:^|[\s|>\])])`;
/** End of a number: whitespace or the end of the line (values are padded with spaces). */
const E = String.raw`(?=\s|$)`;

/** Serving labels (flat v0.3.1 lines and the tabular block v0.4+), with the metric they set. */
const SERVING_LABELS: ReadonlyArray<{ label: string; metric: string; tableOnly?: boolean }> = [
  { label: 'Successful requests', metric: 'completed' },
  { label: 'Failed requests', metric: 'failed' },
  // Also printed unpadded in the preamble (#21095): only the copy inside a result table (padded
  // to 40 columns, so a table row even when the paste lost the table's header) counts.
  { label: 'Maximum request concurrency', metric: 'max_concurrency', tableOnly: true },
  // #21095: the configured rate, when it is not inf; vLLM's JSON calls it request_rate.
  { label: 'Request rate configured', metric: 'request_rate' },
  { label: 'Benchmark duration', metric: 'duration' },
  { label: 'Total input tokens', metric: 'total_input_tokens' },
  { label: 'Total generated tokens', metric: 'total_output_tokens' },
  { label: 'Request throughput', metric: 'request_throughput' },
  { label: 'Request goodput', metric: 'request_goodput' },
  { label: 'Input token throughput', metric: 'input_throughput' },
  { label: 'Output token throughput', metric: 'output_throughput' },
  { label: 'Peak output token throughput', metric: 'peak_output_throughput' },
  { label: 'Peak concurrent requests', metric: 'peak_concurrent_requests' },
  // "Total Token throughput" (#8164) became "Total token throughput" (#30403).
  { label: 'Total Token throughput', metric: 'total_token_throughput' },
  { label: 'Total token throughput', metric: 'total_token_throughput' },
];

const SERVING_LABEL_BY_TEXT = new Map(SERVING_LABELS.map((l) => [l.label, l]));

/** `Mean TTFT (ms):`, `P99.9 TPOT (ms):`, and the flat v0.3.1 form `Median TPOT: 12.3 ms`. */
const STAT = String.raw`(Mean|Median|P\d+(?:\.\d+)?) (TTFT|TPOT|ITL|E2EL)`;
const SERVING_LABEL_ALT = SERVING_LABELS.map((l) => l.label).join('|');
const UNIT = String.raw`(?: \((?:s|ms|req/s|tok/s|RPS)\))?`;

const SERVING_LINE = new RegExp(`${B}(?:(${SERVING_LABEL_ALT})|${STAT})${UNIT}:\\s+(${NUM})${E}`);

/** The header of the tabular block: `============ Serving Benchmark Result ============`. */
export const SERVING_HEADER = /=+ ?Serving Benchmark Result ?=+/;
/** The closing rule of the block (`=` * 50); may follow a glued progress bar. */
export const CLOSING_RULE = /(?:^|[\s|>\])])={20,}\s*$/;

export const THROUGHPUT_THREE = new RegExp(
  `${B}Throughput: (${NUM}) requests/s, (${NUM}) total tokens/s, (${NUM}) output tokens/s${E}`,
);
export const THROUGHPUT_TWO = new RegExp(`${B}Throughput: (${NUM}) requests/s, (${NUM}) tokens/s${E}`);
/** Before v0.1.0 (#133) the throughput script printed tokens/s only. */
export const THROUGHPUT_TOKENS_ONLY = new RegExp(`${B}Throughput: (${NUM}) tokens/s${E}`);
/** v0.8.0+ (#14654): two spaces after the colon. */
export const THROUGHPUT_TOTALS = new RegExp(`${B}Total num (prompt|output) tokens:\\s+(${NUM})${E}`);

/** 2023 serving (#145): `Throughput: 5.99 requests/s` with nothing after, unlike the throughput script. */
export const SERVING_2023_THROUGHPUT = new RegExp(`${B}Throughput: (${NUM}) requests/s(?!,)${E}`);
export const SERVING_2023_TOTAL_TIME = new RegExp(`${B}Total time: (${NUM}) s${E}`);
export const SERVING_2023_LATENCY = new RegExp(`${B}Average latency( per token| per output token)?: (${NUM}) s${E}`);

export const LATENCY_AVG = new RegExp(`${B}Avg latency: (${NUM}) seconds${E}`);
export const LATENCY_PERCENTILE = new RegExp(`${B}(\\d+(?:\\.\\d+)?)% percentile latency: (${NUM}) seconds${E}`);

/**
 * Cheap pre-filter: the first line of every result block holds one of these byte strings, so lines
 * are only decoded and matched where one is found (Buffer.indexOf, far faster than one regex with
 * alternatives) and, after that, while a block is open. Chosen to be rare in engine logs ("request"
 * alone is in every request log line, "throughput" in the engine's periodic stats). A table cut
 * before its header is still caught by its first token-throughput line.
 */
export const CANDIDATE_LITERALS: readonly string[] = [
  // Short needles: Buffer.indexOf is several times faster with them on log text than with the
  // whole label (its skip tables do badly on needles that end in a common byte such as ':').
  '=====', // the header of the table (and its closing rule)
  'uests:', // Successful requests: (flat v0.3.1, and a table cut before its header)
  'Throug', // Throughput: (the throughput script, 2023 serving)
  'ken thr', // Input/Output/Total token throughput (a table cut before its header)
  'latency', // Avg latency (latency script), Average latency (2023 serving)
  'l time', // Total time: (2023 serving)
  // A paste that starts mid-way through a table (at any row) or mid-way through the flat v0.3.1 lines:
  's):', // every row with a unit: `(s):`, `(ms):`, `(req/s):`, `(tok/s):`
  'S):', // `Request rate configured (RPS):`
  'Total ', // Total input/generated tokens, Total token throughput
  'st thr', // flat v0.3.1 `Request throughput: 5.12 requests/s`
  'TTFT', // flat v0.3.1 `Mean TTFT: 12.3 ms`
  'TPOT',
  'Maximu', // Maximum request concurrency (a padded table row)
  'Traffi', // Traffic request rate: X (the preamble)
];

export interface ServingMatch {
  metric: string;
  value: number;
  tableOnly: boolean;
  /** The label was padded to the table's 40 columns (`{:<40}`): a row of a v0.4+ result table. */
  padded: boolean;
}

/** The preamble's configured rate (#5044, `X RPS.` since #19423); `inf` is not a number and is skipped. */
export const TRAFFIC_RATE = new RegExp(`${B}Traffic request rate: (${NUM})(?: RPS\\.?)?\\s*$`);

export function matchServingLine(segment: string): ServingMatch | undefined {
  const m = SERVING_LINE.exec(segment);
  if (!m) return undefined;
  const value = Number(m[4]);
  if (!Number.isFinite(value)) return undefined;
  if (m[1] !== undefined) {
    const row = SERVING_LABEL_BY_TEXT.get(m[1]);
    if (!row) return undefined;
    return { metric: row.metric, value, tableOnly: row.tableOnly === true, padded: /:\s{2,}/.test(m[0]) };
  }
  const stat = m[2]!;
  const name = m[3]!.toLowerCase();
  const prefix = stat === 'Mean' ? 'mean' : stat === 'Median' ? 'median' : `p${stat.slice(1)}`;
  return { metric: `${prefix}_${name}_ms`, value, tableOnly: false, padded: /:\s{2,}/.test(m[0]) };
}
