/**
 * A streaming scanner for benchmark results: feed it a log in chunks of any size, get every result
 * block it holds. It keeps only the line being assembled and the block being read (the metrics so
 * far, not the text), so a 1 GB log is scanned in flat memory. It works on bytes: only lines that
 * hold a candidate word are decoded. A text whose first character is `{`
 * or `[` is taken as a vLLM JSON result file and parsed whole (those are small).
 */
import type { BenchmarkKind, Metrics } from '../schemas.js';
import { stripAnsi } from './log-line.js';
import {
  CANDIDATE_LITERALS,
  CLOSING_RULE,
  LATENCY_AVG,
  LATENCY_PERCENTILE,
  matchServingLine,
  SERVING_2023_LATENCY,
  SERVING_2023_THROUGHPUT,
  SERVING_2023_TOTAL_TIME,
  SERVING_HEADER,
  THROUGHPUT_THREE,
  THROUGHPUT_TOKENS_ONLY,
  THROUGHPUT_TOTALS,
  THROUGHPUT_TWO,
  TRAFFIC_RATE,
} from './patterns.js';
import { parseResultJson } from './result-json.js';

export interface ResultBlock {
  kind: BenchmarkKind;
  /** 1-based line numbers of the first and last line that belong to the block. */
  startLine: number;
  endLine: number;
  /** The block reached its natural end (closing rule, last line of its format). */
  complete: boolean;
  /**
   * Some of the block is missing: it ends early, or it starts mid-way (a table pasted without its
   * header and first rows). Every value it shows is still read.
   */
  partial: boolean;
  metrics: Metrics;
}

export interface ParseResult {
  kind?: BenchmarkKind;
  metrics: Metrics;
  blocks: ResultBlock[];
  /** Index into `blocks` of the block whose metrics are returned. */
  used?: number;
}

export interface ScannerOptions {
  kind?: BenchmarkKind | 'auto';
  /** Unused by the scanner (every block is always listed); kept so parse options pass through. */
  all?: boolean;
}

export interface MetricsScanner {
  push(chunk: string): void;
  /** Raw bytes of a file (UTF-8): lines are only decoded when they may hold a result. */
  pushBytes(chunk: Uint8Array): void;
  end(): ParseResult;
}

type Format =
  | 'serving-table' // header + rule (v0.4+)
  | 'serving-flat' // key: value lines without a header (v0.3.1), or a table whose header was lost
  | 'serving-2023'
  | 'throughput'
  | 'latency';

interface OpenBlock {
  format: Format;
  kind: BenchmarkKind;
  startLine: number;
  endLine: number;
  metrics: Metrics;
  closed: boolean; // saw its closing rule
  percentiles: number;
  /** A serving block that did not start where its format starts (header, or `Successful requests`). */
  headless: boolean;
  /** The preamble's `Traffic request rate: X`, used when the table has no `Request rate configured` row. */
  preambleRate?: number;
}

/** The preamble's rate belongs to the result block printed within this many lines after it. */
const MAX_PREAMBLE_GAP = 2000;

/** A line longer than this cannot be a result line; only its tail is kept while it is assembled. */
const MAX_LINE = 1 << 20;
/** A block with no line of its own for this many lines is over (cut off by truncation). */
const MAX_GAP_LINES = 500;
/** Trailing lines (throughput totals, latency percentiles) attach within this distance. */
const MAX_TRAILER_GAP = 50;
/** JSON result files are parsed whole; past this size the text is scanned as a log instead. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

const NL = 0x0a;
const EMPTY = Buffer.alloc(0);
/** A line written by vLLM's logger (`INFO 01-07 21:59:25 [file.py:1] ...`, or `file.py:1]` before 2025). */
const LOGGER_LINE = /(?:^|[\s|>\])])(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+\]/;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // and a UTF-8 BOM
/** Lines after a line of the open block that are read whole (results are printed together). */
const BLOCK_WINDOW = 50;
const LITERALS = CANDIDATE_LITERALS.map((l) => Buffer.from(l, 'latin1'));

const LATENCY_PERCENTILE_COUNT = 6; // 10, 25, 50, 75, 90, 99 (#3889)

/** What the line state machine (`segment`) reads and advances: the block being read and those read. */
interface BlockState {
  wanted: BenchmarkKind | undefined;
  blocks: ResultBlock[];
  open: OpenBlock | undefined;
  /** The last `Traffic request rate` line, for the serving block that follows it. */
  pendingRate: { value: number; line: number } | undefined;
}

export function createMetricsScanner(opts: ScannerOptions = {}): MetricsScanner {
  const wanted = opts.kind && opts.kind !== 'auto' ? opts.kind : undefined;
  const st: BlockState = { wanted, blocks: [], open: undefined, pendingRate: undefined };
  let carry: Buffer = EMPTY;
  let lineNo = 1; // number of the line that `carry` starts
  let mode: 'undecided' | 'text' | 'json' = 'undecided';
  let jsonParts: Buffer[] = [];
  let jsonBytes = 0;

  function candidateLine(raw: string, line: number): void {
    const clean = stripAnsi(raw);
    // The engine's logger writes its periodic stats ("Avg prompt throughput: ..."); results are printed.
    if (LOGGER_LINE.test(clean)) return;
    if (clean.includes('\r')) {
      for (const part of clean.split('\r')) if (part) segment(st, part, line);
    } else {
      segment(st, clean, line);
    }
  }

  /**
   * Scan complete lines: `region` ends with a '\n' (or is the final unterminated line). A line is
   * decoded and matched only when it holds a literal that starts a block, or follows a line of the
   * open block closely; every other line is only counted.
   */
  function scanLines(region: Buffer, firstLine: number): number {
    const starts: number[] = [];
    for (const lit of LITERALS) {
      for (let at = region.indexOf(lit); at !== -1;) {
        starts.push(region.lastIndexOf(NL, at) + 1);
        const lineEnd = region.indexOf(NL, at);
        if (lineEnd === -1) break;
        at = region.indexOf(lit, lineEnd + 1);
      }
    }
    starts.sort((a, b) => a - b);
    let line = firstLine;
    let cur = 0; // offset of the start of line `line`
    let next = 0; // index into `starts`
    while (cur < region.length) {
      let target = cur;
      // Inside a table every line is read up to its rule, so no row is lost to interleaved logs.
      const window = st.open?.format === 'serving-table' ? MAX_GAP_LINES : BLOCK_WINDOW;
      if (!st.open || line - st.open.endLine >= window) {
        while (next < starts.length && starts[next]! < cur) next++;
        if (next === starts.length) break;
        target = starts[next]!;
      }
      if (cur < target) {
        line += countNewlines(region, cur, target);
        cur = target;
      }
      const nl = region.indexOf(NL, cur);
      candidateLine(region.toString('utf8', cur, nl === -1 ? region.length : nl), line);
      if (nl === -1) return line;
      cur = nl + 1;
      line++;
    }
    return line + countNewlines(region, cur, region.length);
  }

  function pushBytes(chunk: Buffer): void {
    let from = 0;
    if (carry.length > 0) {
      // Finish the carried line with the head of this chunk; the rest is scanned in place (no copy).
      const firstNl = chunk.indexOf(NL);
      if (firstNl === -1) {
        const joined = Buffer.concat([carry, chunk]);
        // A line this long is no result line (a progress bar redrawn with \r): keep its tail only.
        carry = joined.length > MAX_LINE ? Buffer.from(joined.subarray(joined.length - 4096)) : joined;
        return;
      }
      lineNo = scanLines(Buffer.concat([carry, chunk.subarray(0, firstNl + 1)]), lineNo);
      carry = EMPTY;
      from = firstNl + 1;
    }
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= from) lineNo = scanLines(chunk.subarray(from, lastNl + 1), lineNo);
    const rest = chunk.subarray(Math.max(from, lastNl + 1));
    carry = Buffer.from(rest.length > MAX_LINE ? rest.subarray(rest.length - 4096) : rest);
  }

  function push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (mode === 'undecided') {
      let i = 0;
      while (i < chunk.length && WHITESPACE.has(chunk[i]!)) i++;
      if (i === chunk.length) {
        jsonParts.push(chunk);
        return;
      }
      mode = chunk[i] === 0x7b || chunk[i] === 0x5b ? 'json' : 'text'; // '{' or '['
      if (mode === 'text') {
        const pending = Buffer.concat([...jsonParts, chunk]);
        jsonParts = [];
        pushBytes(pending);
        return;
      }
    }
    if (mode === 'json') {
      jsonParts.push(chunk);
      jsonBytes += chunk.length;
      if (jsonBytes > MAX_JSON_BYTES) {
        mode = 'text';
        const pending = Buffer.concat(jsonParts);
        jsonParts = [];
        pushBytes(pending);
      }
      return;
    }
    pushBytes(chunk);
  }

  return {
    push(chunk: string): void {
      push(Buffer.from(chunk, 'utf8'));
    },

    pushBytes(chunk: Uint8Array): void {
      push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    },

    end(): ParseResult {
      if (mode === 'json' || mode === 'undecided') {
        const bytes = Buffer.concat(jsonParts);
        jsonParts = [];
        const fromJson = jsonResult(bytes.toString('utf8'), wanted);
        if (fromJson) return fromJson;
        pushBytes(bytes);
      }
      if (carry.length > 0) {
        scanLines(carry, lineNo);
        carry = EMPTY;
      }
      finish(st);
      return select(st.blocks);
    },
  };
}

/** Closes the open block: kept when it holds metrics of the wanted kind. */
function finish(st: BlockState): void {
  if (!st.open) return;
  const b = st.open;
  st.open = undefined;
  if (Object.keys(b.metrics).length === 0) return;
  if (st.wanted && b.kind !== st.wanted) return;
  if (b.preambleRate !== undefined && !('request_rate' in b.metrics)) b.metrics['request_rate'] = b.preambleRate;
  const complete = isComplete(b);
  st.blocks.push({
    kind: b.kind,
    startLine: b.startLine,
    endLine: b.endLine,
    complete,
    partial: !complete || b.headless,
    metrics: b.metrics,
  });
}

/** Opens a block of `format` at `line` (closing the one open), taking the preamble's rate for serving. */
function start(st: BlockState, format: Format, kind: BenchmarkKind, line: number, firstMetric?: string): OpenBlock {
  finish(st);
  st.open = {
    format,
    kind,
    startLine: line,
    endLine: line,
    metrics: {},
    closed: false,
    percentiles: 0,
    headless: format === 'serving-flat' && firstMetric !== 'completed',
  };
  if (kind === 'serving' && st.pendingRate && line - st.pendingRate.line <= MAX_PREAMBLE_GAP)
    st.open.preambleRate = st.pendingRate.value;
  if (kind === 'serving') st.pendingRate = undefined;
  return st.open;
}

function setMetric(b: OpenBlock, metric: string, value: number, line: number): void {
  if (!Number.isFinite(value)) return;
  b.metrics[metric] = value;
  b.endLine = line;
}

/** One decoded line (or \r-separated part of one): the format state machine of every vLLM era. */
function segment(st: BlockState, s: string, line: number): void {
  if (st.open && line - st.open.endLine > MAX_GAP_LINES) finish(st);

  if (SERVING_HEADER.test(s)) {
    start(st, 'serving-table', 'serving', line);
    return;
  }
  if (
    st.open &&
    (st.open.format === 'serving-table' || st.open.format === 'serving-flat') &&
    !st.open.closed &&
    CLOSING_RULE.test(s)
  ) {
    st.open.closed = true;
    st.open.endLine = line;
    finish(st);
    return;
  }

  const serving = matchServingLine(s);
  if (serving) {
    let b = st.open && (st.open.format === 'serving-table' || st.open.format === 'serving-flat') ? st.open : undefined;
    if (serving.tableOnly && b?.format !== 'serving-table' && !serving.padded) return; // preamble copy
    if (b && serving.metric in b.metrics) b = undefined; // a label again: a new block began
    if (!b) b = start(st, 'serving-flat', 'serving', line, serving.metric);
    setMetric(b, serving.metric, serving.value, line);
    return;
  }
  let rate: RegExpExecArray | null;
  if ((rate = TRAFFIC_RATE.exec(s))) {
    const value = Number(rate[1]);
    if (Number.isFinite(value)) st.pendingRate = { value, line };
    return;
  }

  let m: RegExpExecArray | null;
  if ((m = THROUGHPUT_THREE.exec(s))) {
    const b = start(st, 'throughput', 'throughput', line);
    setMetric(b, 'requests_per_second', Number(m[1]), line);
    setMetric(b, 'tokens_per_second', Number(m[2]), line);
    setMetric(b, 'output_tokens_per_second', Number(m[3]), line);
    return;
  }
  if ((m = THROUGHPUT_TWO.exec(s))) {
    const b = start(st, 'throughput', 'throughput', line);
    setMetric(b, 'requests_per_second', Number(m[1]), line);
    setMetric(b, 'tokens_per_second', Number(m[2]), line);
    return;
  }
  if ((m = THROUGHPUT_TOKENS_ONLY.exec(s))) {
    const b = start(st, 'throughput', 'throughput', line);
    setMetric(b, 'tokens_per_second', Number(m[1]), line);
    return;
  }
  if ((m = THROUGHPUT_TOTALS.exec(s))) {
    if (st.open?.format === 'throughput' && line - st.open.endLine <= MAX_TRAILER_GAP) {
      setMetric(st.open, m[1] === 'prompt' ? 'total_prompt_tokens' : 'total_output_tokens', Number(m[2]), line);
    }
    return;
  }

  if ((m = SERVING_2023_TOTAL_TIME.exec(s))) {
    const b = start(st, 'serving-2023', 'serving', line);
    setMetric(b, 'duration', Number(m[1]), line);
    return;
  }
  if ((m = SERVING_2023_THROUGHPUT.exec(s))) {
    let b = st.open?.format === 'serving-2023' && !('request_throughput' in st.open.metrics) ? st.open : undefined;
    b ??= start(st, 'serving-2023', 'serving', line);
    setMetric(b, 'request_throughput', Number(m[1]), line);
    return;
  }
  if ((m = SERVING_2023_LATENCY.exec(s))) {
    const metric =
      m[1] === ' per token'
        ? 'avg_latency_per_token'
        : m[1] === ' per output token'
          ? 'avg_latency_per_output_token'
          : 'avg_latency';
    let b = st.open?.format === 'serving-2023' && !(metric in st.open.metrics) ? st.open : undefined;
    b ??= start(st, 'serving-2023', 'serving', line);
    setMetric(b, metric, Number(m[2]), line);
    return;
  }

  if ((m = LATENCY_AVG.exec(s))) {
    const b = start(st, 'latency', 'latency', line);
    setMetric(b, 'avg_latency', Number(m[1]), line);
    return;
  }
  if ((m = LATENCY_PERCENTILE.exec(s))) {
    const metric = `latency_p${m[1]}`;
    if (st.open?.format === 'latency' && line - st.open.endLine <= MAX_TRAILER_GAP && !(metric in st.open.metrics)) {
      setMetric(st.open, metric, Number(m[2]), line);
      st.open.percentiles += 1;
    }
    return;
  }
}

/**
 * Newlines in buf[from, to). Buffer.indexOf (memchr) beats a JavaScript loop over the bytes by 2-3x
 * on log text, whose lines are long.
 */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  if (to >= buf.length) {
    for (let i = buf.indexOf(NL, from); i !== -1; i = buf.indexOf(NL, i + 1)) n++;
    return n;
  }
  for (let i = buf.indexOf(NL, from); i !== -1 && i < to; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

function isComplete(b: OpenBlock): boolean {
  const m = b.metrics;
  switch (b.format) {
    case 'serving-table':
      return b.closed;
    case 'serving-flat':
      // v0.3.1 ends with "P99 TPOT"; a table that lost its header still ends with its rule.
      return b.closed || ('p99_tpot_ms' in m && 'completed' in m && 'request_throughput' in m);
    case 'serving-2023':
      return 'request_throughput' in m && 'avg_latency_per_output_token' in m;
    case 'throughput':
      return 'tokens_per_second' in m;
    case 'latency':
      return 'avg_latency' in m && (b.percentiles === 0 || b.percentiles >= LATENCY_PERCENTILE_COUNT);
  }
}

/** The last complete block; when none is complete, the last block (its `complete` says so). */
export function select(blocks: ResultBlock[]): ParseResult {
  if (blocks.length === 0) return { metrics: {}, blocks };
  let used = blocks.length - 1;
  for (let i = blocks.length - 1; i >= 0; i--) {
    if (blocks[i]!.complete) {
      used = i;
      break;
    }
  }
  const b = blocks[used]!;
  return { kind: b.kind, metrics: { ...b.metrics }, blocks, used };
}

function jsonResult(text: string, wanted: BenchmarkKind | undefined): ParseResult | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = parseResultJson(obj);
  if (!parsed.kind || (wanted && parsed.kind !== wanted) || Object.keys(parsed.metrics).length === 0) {
    return { metrics: {}, blocks: [] };
  }
  const lines = text.split('\n').length;
  const block: ResultBlock = {
    kind: parsed.kind,
    startLine: 1,
    endLine: lines,
    complete: true,
    partial: false,
    metrics: parsed.metrics,
  };
  return { kind: parsed.kind, metrics: { ...parsed.metrics }, blocks: [block], used: 0 };
}
