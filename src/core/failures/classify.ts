/**
 * The failure class of one log, with the lines that prove it. The log is streamed (bytes in chunks
 * of any size; memory stays flat on a 1 GB log): every physical line that holds a failure word
 * (`NEEDLES`, found with Buffer.indexOf, far faster than decoding every line) and every line of the
 * last 256 KiB is read as its logical lines (src/core/metrics/log-line.ts: ANSI codes real or rendered,
 * Ray/worker/logger prefixes, Markdown, elisions and tracebacks glued into one line undone) and
 * tested against the ordered signature table (src/core/failures/rules/failure-signatures.ts).
 *
 * Ranking (the first decides, the next ones are the runners-up): the last specific signature on an
 * exception line (in a traceback the last exception is the one that ended the process, and a warning
 * early in the log never outranks it), then the last specific one on any line, then any exception,
 * then symptoms (a collective timeout, a dropped worker link), then wrappers ("See root cause
 * above"), then — only when the caller says the phase timed out — what the process was doing (a hang
 * prints no exception). When nothing matched, the context (exit code, timeout, phase) decides and
 * the result says `matched: false`.
 */
import { CATEGORIES, type Category, type Stage } from '../taxonomy.js';
import { forEachLogicalLine } from '../metrics/log-line.js';
import { countNewlines } from '../metrics/scanner.js';
import { FAILURE_SIGNATURES, type Phase, type SignatureStrength } from './rules/failure-signatures.js';
import { recipeById, type FixAction } from './rules/fix-recipes.js';
import { VERSION_PATTERNS, versionFits } from '../metrics/engine-version.js';

export type { Phase } from './rules/failure-signatures.js';
export { versionFits } from '../metrics/engine-version.js';

export interface ClassifyContext {
  exitCode?: number | null;
  timedOut?: boolean;
  stage?: Stage;
  phase?: Phase;
  /** The engine version when the caller knows it; otherwise it is read from the log. */
  engineVersion?: string;
}

/** One signature that matched, where, and on which normalised line. */
export interface SignatureHit {
  signature: string;
  category: Category;
  strength: SignatureStrength;
  /** 1-based physical line number. */
  line: number;
  /** The normalised (logical) line the signature matched. */
  text: string;
}

export interface Explanation {
  /** The rule that decided (absent when the context decided). */
  decidedBy?: SignatureHit;
  /** Other rules that matched, best first (at most 5). */
  runnersUp: SignatureHit[];
  /** The normalised evidence line that decided. */
  normalized?: string;
  /** How the context decided when no rule did. */
  context?: string;
  /** The engine version used for version-bound rules, and where it came from. */
  engineVersion?: { value: string; from: 'caller' | 'log' };
}

export interface Classification {
  category: Category;
  stage: Stage;
  retryable: boolean;
  fix?: string;
  action: string;
  /** The matching lines, joined with \n. */
  evidence: string;
  /** 1-based line numbers of the evidence lines. */
  evidenceLines: number[];
  /** false when the text matched nothing and the context decided. */
  matched: boolean;
  /** The signature row that decided (absent when the context decided). */
  signature?: string;
  explain: Explanation;
}

/** What the context decides when no signature matched: by phase, for a timeout, a failure, or neither. */
const CONTEXT_OUTCOME: Record<Phase | 'unknown', { timeout: Category; failed: Category; clean: Category }> = {
  'server-start': { timeout: 'SERVER_TIMEOUT', failed: 'SERVER_CRASH', clean: 'SERVER_CRASH' },
  benchmark: { timeout: 'BENCHMARK_TIMEOUT', failed: 'BENCHMARK_FAILED', clean: 'NO_METRICS' },
  build: { timeout: 'BUILD_TIMEOUT', failed: 'BUILD_FAILED', clean: 'BUILD_FAILED' },
  patch: { timeout: 'PATCH_FAILED', failed: 'PATCH_FAILED', clean: 'PATCH_FAILED' },
  unknown: { timeout: 'SERVER_TIMEOUT', failed: 'SERVER_CRASH', clean: 'NO_METRICS' },
};

const PHASE_OF_STAGE: Partial<Record<Stage, Phase>> = {
  server: 'server-start',
  benchmark: 'benchmark',
  artifact: 'build',
  patch: 'patch',
};
const STAGE_OF_PHASE: Record<Phase, Stage> = {
  'server-start': 'server',
  benchmark: 'benchmark',
  build: 'artifact',
  patch: 'patch',
};

/**
 * Byte strings one of which is on nearly every failure line: only physical lines that hold one (or
 * that lie in the last TAIL_BYTES of the log) are decoded and matched. Short needles whose first
 * byte is rare in logs keep Buffer.indexOf at GB/s. Rows whose text carries none of them (uv's
 * "No solution found", "DEPRECATED", GNU patch) are found in the tail, where a log ends.
 */
const NEEDLES = [
  'rror',
  'RROR',
  'xcept',
  'ailed',
  'AILED',
  'Errno',
  'Kill',
  'NCCL W',
  'Watchd',
  'Segmen',
  'fatal',
  'DEPREC',
  'heartb',
  'No solu',
].map((s) => Buffer.from(s, 'latin1'));
/** Where the engine version is printed; searched only until it is found. */
const VERSION_NEEDLES = ['LLM ', 'vllm=='].map((s) => Buffer.from(s, 'latin1'));
/** Progress lines, searched only when the caller says the phase timed out. */
const PROGRESS_NEEDLES = ['Captur', 'Loadin', 'Compil'].map((s) => Buffer.from(s, 'latin1'));

/** Every line of the last 256 KiB is read (the decisive error is near the end of a log). */
const TAIL_BYTES = 256 * 1024;
/** A physical line longer than this is only read around its needle. */
const MAX_LINE = 64 * 1024;
const NL = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * One pass over a line instead of one per row: the union of the case-sensitive failure rows (about
 * twice as fast as testing each on a line that matches none, the common case in a log's tail).
 * Rows with the `i` flag and progress rows are tested on their own.
 */
const ANY_PLAIN = new RegExp(
  FAILURE_SIGNATURES.filter((r) => !r.pattern.flags.includes('i') && r.strength !== 'progress')
    .map((r) => `(?:${r.pattern.source})`)
    .join('|'),
);
const ALWAYS_TESTED = FAILURE_SIGNATURES.map((r) => r.pattern.flags.includes('i') || r.strength === 'progress');

const EXCEPTION_LINE = /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)(?:\([\w.]+\))?(?::|$)/;

/** Lines kept as evidence when only the context decided. */
const TAIL_EVIDENCE_LINES = 5;
const EVIDENCE_LINES = 3;
const EVIDENCE_LOOKBACK = 200;
const MAX_EVIDENCE_CHARS = 2000;
const RUNNERS_UP = 5;

interface Hit {
  line: number;
  text: string;
  exception: boolean;
}

interface RowHits {
  last?: Hit;
  lastException?: Hit;
  /** The latest EVIDENCE_LINES hits, ascending by line. */
  recent: Hit[];
}

export interface LogClassifier {
  push(text: string): void;
  /** Raw bytes of the log (UTF-8); lines are only decoded where they may matter. */
  pushBytes(chunk: Uint8Array): void;
  end(): Classification;
}

export function classifyLog(text: string, context: ClassifyContext = {}): Classification {
  const c = createLogClassifier(context);
  c.push(text);
  return c.end();
}

/** What matching a logical line reads and advances: the hits per signature row and the engine version seen. */
interface LineMatch {
  context: ClassifyContext;
  timedOut: boolean;
  hits: Array<RowHits | undefined>;
  version: { value: string; line: number; text: string } | undefined;
}

export function createLogClassifier(context: ClassifyContext = {}): LogClassifier {
  const phase: Phase | 'unknown' =
    context.phase ?? (context.stage ? PHASE_OF_STAGE[context.stage] : undefined) ?? 'unknown';
  const timedOut = context.timedOut === true;
  const ms: LineMatch = { context, timedOut, hits: new Array(FAILURE_SIGNATURES.length), version: undefined };
  const examined = new Set<number>();
  let carry: Buffer = EMPTY;
  let lineNo = 1; // number of the line that `carry` starts
  const tail: Buffer[] = [];
  let tailBytes = 0;

  function examine(raw: string, line: number): void {
    forEachLogicalLine(raw, (text, info) => matchLogicalLine(ms, text, info, line));
  }

  /** Complete lines of `region` (ends with \n, or is the final unterminated line) from line `firstLine`. */
  function scan(region: Buffer, firstLine: number): number {
    const needles = [
      ...NEEDLES,
      ...(ms.version || context.engineVersion ? [] : VERSION_NEEDLES),
      ...(timedOut ? PROGRESS_NEEDLES : []),
    ];
    const starts: number[] = [];
    const at: number[] = [];
    for (const needle of needles) {
      for (let i = region.indexOf(needle); i !== -1;) {
        starts.push(region.lastIndexOf(NL, i) + 1);
        at.push(i);
        const end = region.indexOf(NL, i);
        if (end === -1) break;
        i = region.indexOf(needle, end + 1);
      }
    }
    let line = firstLine;
    let cur = 0;
    if (starts.length > 0) {
      const order = starts.map((_, k) => k).sort((a, b) => starts[a]! - starts[b]!);
      let lastStart = -1;
      for (const k of order) {
        const start = starts[k]!;
        if (start === lastStart) continue;
        lastStart = start;
        line += countNewlines(region, cur, start);
        cur = start;
        if (examined.has(line)) continue;
        examined.add(line);
        let end = region.indexOf(NL, start);
        if (end === -1) end = region.length;
        const hit = at[k]!;
        const from = end - start > MAX_LINE ? Math.max(start, hit - MAX_LINE / 2) : start;
        const to = end - start > MAX_LINE ? Math.min(end, hit + MAX_LINE / 2) : end;
        examine(region.toString('utf8', from, to), line);
      }
    }
    line += countNewlines(region, cur, region.length);
    keepTail(region);
    return line;
  }

  function keepTail(region: Buffer): void {
    if (region.length === 0) return;
    tail.push(region);
    tailBytes += region.length;
    while (tail.length > 1 && tailBytes - tail[0]!.length >= TAIL_BYTES) tailBytes -= tail.shift()!.length;
  }

  function pushBytes(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let from = 0;
    if (carry.length > 0) {
      const firstNl = chunk.indexOf(NL);
      if (firstNl === -1) {
        const joined = Buffer.concat([carry, chunk]);
        // A line this long without a newline: keep its tail only (a progress bar redrawn with \r).
        carry = joined.length > 16 * MAX_LINE ? Buffer.from(joined.subarray(joined.length - MAX_LINE)) : joined;
        return;
      }
      lineNo = scan(Buffer.concat([carry, chunk.subarray(0, firstNl + 1)]), lineNo);
      carry = EMPTY;
      from = firstNl + 1;
    }
    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= from) lineNo = scan(chunk.subarray(from, lastNl + 1), lineNo);
    const rest = chunk.subarray(Math.max(from, lastNl + 1));
    carry = rest.length > 16 * MAX_LINE ? Buffer.from(rest.subarray(rest.length - MAX_LINE)) : Buffer.from(rest);
  }

  /** Every line of the last TAIL_BYTES not read yet; returns the logical tail lines for context evidence. */
  function readTail(lastLine: number): Array<{ line: number; text: string }> {
    let buf = Buffer.concat(tail);
    const wholeLog = buf.length < TAIL_BYTES; // held since the first byte
    if (buf.length > TAIL_BYTES) buf = buf.subarray(buf.length - TAIL_BYTES);
    const lines = buf.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    // The first line of a cut buffer is partial.
    const first = wholeLog ? 0 : 1;
    const numberOfFirst = lastLine - (lines.length - 1);
    const out: Array<{ line: number; text: string }> = [];
    for (let i = first; i < lines.length; i++) {
      const line = numberOfFirst + i;
      const raw = lines[i]!;
      if (!examined.has(line)) {
        examined.add(line);
        examine(raw.length > MAX_LINE ? raw.slice(raw.length - MAX_LINE) : raw, line);
      }
      if (i >= lines.length - 3 * TAIL_EVIDENCE_LINES) forEachLogicalLine(raw, (text) => out.push({ line, text }));
    }
    return out;
  }

  return {
    push(text: string): void {
      pushBytes(Buffer.from(text, 'utf8'));
    },
    pushBytes(chunk: Uint8Array): void {
      pushBytes(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    },
    end(): Classification {
      let lastLine = lineNo - 1;
      if (carry.length > 0) {
        keepTail(carry);
        lastLine = lineNo;
        carry = EMPTY;
      }
      const tailLines = readTail(lastLine);
      return decide(context, phase, ms.hits, ms.version, tailLines);
    },
  };
}

/** Keeps a signature row's last hit, last exception hit and latest EVIDENCE_LINES hits. */
function recordHit(hits: Array<RowHits | undefined>, rowIndex: number, hit: Hit): void {
  const h = (hits[rowIndex] ??= { recent: [] });
  if (!h.last || hit.line >= h.last.line) h.last = hit;
  if (hit.exception && (!h.lastException || hit.line >= h.lastException.line)) h.lastException = hit;
  h.recent.push(hit);
  if (h.recent.length > 1 && h.recent[h.recent.length - 2]!.line > hit.line) h.recent.sort((a, b) => a.line - b.line);
  if (h.recent.length > EVIDENCE_LINES) h.recent.shift();
}

/** One logical line against the version patterns and every signature row (the first row that claims it wins). */
function matchLogicalLine(ms: LineMatch, text: string, info: boolean, line: number): void {
  if (!ms.version && !ms.context.engineVersion && (text.includes('LLM') || text.includes('vllm'))) {
    for (const p of VERSION_PATTERNS) {
      const m = p.exec(text);
      if (m) {
        ms.version = { value: m[1]!, line, text };
        break;
      }
    }
  }
  const exception = !info && EXCEPTION_LINE.test(text);
  const plain = !info && ANY_PLAIN.test(text);
  for (let r = 0; r < FAILURE_SIGNATURES.length; r++) {
    if (!plain && !ALWAYS_TESTED[r]) continue;
    const row = FAILURE_SIGNATURES[r]!;
    const progress = row.strength === 'progress';
    // INFO/DEBUG lines report progress, never a failure; progress matters only after a timeout.
    if (info ? !progress || !ms.timedOut : progress && !ms.timedOut) continue;
    if (!row.pattern.test(text)) continue;
    recordHit(ms.hits, r, { line, text, exception });
    // A version-bound row does not claim its line: the row after it applies on other versions.
    if (!row.versionRange) break;
  }
}

const TIER: Record<SignatureStrength, number> = { specific: 1, exception: 2, symptom: 3, wrapper: 4, progress: 5 };

interface Candidate {
  row: number;
  tier: number;
  hit: Hit;
}

function decide(
  context: ClassifyContext,
  phase: Phase | 'unknown',
  hits: ReadonlyArray<RowHits | undefined>,
  logVersion: { value: string; line: number; text: string } | undefined,
  tailLines: Array<{ line: number; text: string }>,
): Classification {
  const engineVersion = context.engineVersion ?? logVersion?.value;
  const candidates: Candidate[] = [];
  let progress: Candidate | undefined;
  hits.forEach((h, r) => {
    if (!h?.last) return;
    const row = FAILURE_SIGNATURES[r]!;
    if (row.versionRange && !versionFits(row.versionRange, engineVersion)) return;
    if (row.ignoredOnTimeout && context.timedOut) return;
    const strength = row.strength ?? 'specific';
    if (strength === 'progress') {
      if (!progress || h.last.line > progress.hit.line) progress = { row: r, tier: TIER.progress, hit: h.last };
      return;
    }
    if (strength === 'specific' && h.lastException) candidates.push({ row: r, tier: 0, hit: h.lastException });
    candidates.push({ row: r, tier: TIER[strength], hit: h.last });
  });
  // The last progress line says where a hang stopped, unless it marks the end of a step.
  if (progress && context.timedOut && !FAILURE_SIGNATURES[progress.row]!.done) candidates.push(progress);
  // A transient fault printed as a plain line (a retried download, a broken pipe warning) before a
  // later exception did not end the process: the exception did. It ranks below that exception.
  const lastException = Math.max(0, ...candidates.filter((c) => c.tier === TIER.exception).map((c) => c.hit.line));
  for (const c of candidates) {
    if (
      c.tier === TIER.specific &&
      c.hit.line < lastException &&
      FAILURE_SIGNATURES[c.row]!.category === 'TRANSIENT_INFRA'
    )
      c.tier = TIER.exception + 0.5;
  }
  candidates.sort((a, b) => a.tier - b.tier || b.hit.line - a.hit.line || a.row - b.row);
  const seen = new Set<number>();
  const ranked = candidates.filter((c) => (seen.has(c.row) ? false : (seen.add(c.row), true)));
  const versionInfo = context.engineVersion
    ? { value: context.engineVersion, from: 'caller' as const }
    : logVersion
      ? { value: logVersion.value, from: 'log' as const }
      : undefined;

  const decisive = ranked[0];
  if (!decisive) return fromContext(context, phase, tailLines, versionInfo);

  const row = FAILURE_SIGNATURES[decisive.row]!;
  const asHit = (c: Candidate): SignatureHit => {
    const r = FAILURE_SIGNATURES[c.row]!;
    return {
      signature: r.id,
      category: r.categoryByPhase?.[phase as Phase] ?? r.category,
      strength: r.strength ?? 'specific',
      line: c.hit.line,
      text: c.hit.text,
    };
  };
  const decidedBy = asHit(decisive);
  // Evidence: the decisive line and up to two earlier lines of the same signature close before it.
  const recent = hits[decisive.row]!.recent.filter(
    (h) => h.line <= decisive.hit.line && h.line >= decisive.hit.line - EVIDENCE_LOOKBACK,
  );
  const evidence = recent.some(
    (h) => h === decisive.hit || (h.line === decisive.hit.line && h.text === decisive.hit.text),
  )
    ? recent.slice(-EVIDENCE_LINES)
    : [decisive.hit];
  const items = evidence.map((h) => ({ line: h.line, text: h.text }));
  if (row.versionRange && !context.engineVersion && logVersion)
    items.unshift({ line: logVersion.line, text: logVersion.text });
  items.sort((a, b) => a.line - b.line);
  return build(decidedBy.category, phase, context, {
    ...(row.fix ? { fix: row.fix } : {}),
    evidence: items.map((i) => i.text),
    evidenceLines: items.map((i) => i.line),
    matched: true,
    signature: row.id,
    explain: {
      decidedBy,
      runnersUp: ranked.slice(1, 1 + RUNNERS_UP).map(asHit),
      normalized: decisive.hit.text,
      ...(versionInfo ? { engineVersion: versionInfo } : {}),
    },
  });
}

function fromContext(
  context: ClassifyContext,
  phase: Phase | 'unknown',
  tailLines: Array<{ line: number; text: string }>,
  versionInfo: Explanation['engineVersion'],
): Classification {
  const outcome = CONTEXT_OUTCOME[phase];
  const failed = context.exitCode !== undefined && context.exitCode !== null && context.exitCode !== 0;
  const category = context.timedOut ? outcome.timeout : failed ? outcome.failed : outcome.clean;
  const tail = tailLines.filter((l) => l.text.trim()).slice(-TAIL_EVIDENCE_LINES);
  const why = context.timedOut
    ? 'timed out'
    : failed
      ? `exit code ${context.exitCode}`
      : context.exitCode === 0
        ? 'exit code 0'
        : 'no exit code';
  return build(category, phase, context, {
    evidence: tail.map((l) => l.text),
    evidenceLines: tail.map((l) => l.line),
    matched: false,
    explain: {
      runnersUp: [],
      context: `no signature matched: ${why} in phase ${phase} → ${category}`,
      ...(versionInfo ? { engineVersion: versionInfo } : {}),
    },
  });
}

function build(
  category: Category,
  phase: Phase | 'unknown',
  context: ClassifyContext,
  found: {
    fix?: string;
    evidence: string[];
    evidenceLines: number[];
    matched: boolean;
    signature?: string;
    explain: Explanation;
  },
): Classification {
  const info = CATEGORIES[category];
  // A transient fault can strike anywhere: report where it struck when the caller says so.
  const stage: Stage =
    info.stage === 'any' ? (phase !== 'unknown' ? STAGE_OF_PHASE[phase] : (context.stage ?? 'any')) : info.stage;
  const recipe = found.fix ? recipeById(found.fix) : undefined;
  const action = recipe
    ? `Apply fix recipe ${recipe.id} (${describeAction(recipe.action)}) to every variant and record its caveat.`
    : info.action;
  const evidence = found.evidence
    .map((l) => (l.length > MAX_EVIDENCE_CHARS ? l.slice(0, MAX_EVIDENCE_CHARS) + '…' : l))
    .join('\n');
  const out: Classification = {
    category,
    stage,
    retryable: info.retryable,
    action,
    evidence,
    evidenceLines: found.evidenceLines,
    matched: found.matched,
    explain: found.explain,
  };
  if (found.fix) out.fix = found.fix;
  if (found.signature) out.signature = found.signature;
  return out;
}

function describeAction(action: FixAction): string {
  switch (action.type) {
    case 'pip-constraint':
      return `pip constraint ${action.spec}`;
    case 'file-patch':
      return `patch ${action.path}`;
    case 'file-restore':
      return `restore ${action.path}${action.fromRef ? ` from ${action.fromRef}` : ''}`;
  }
}
