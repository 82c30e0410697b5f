/**
 * The failure class of one log, with the lines that prove it. Every line is read without what logs
 * add (ANSI codes, carriage returns, worker tags, timestamps, service names, quoting) and tested
 * against the ordered signature table (src/core/rules/failure-signatures.ts). The decisive error is
 * the last specific one, preferring exception lines: in a traceback the last exception is the one
 * that ended the process, and a warning early in the log (a misleading first line) never outranks
 * it. A hang prints no exception at all, so what the caller knows (exit code, timeout, phase) decides
 * when the text does not.
 */
import { CATEGORIES, type Category, type Stage } from './taxonomy.js';
import { stripPrefixes, visibleLine } from './metrics/log-line.js';
import { FAILURE_SIGNATURES, type FailureSignature, type Phase } from './rules/failure-signatures.js';
import { recipeById } from './rules/fix-recipes.js';
import { VERSION_PATTERNS, versionFits } from './metrics/engine-version.js';

export type { Phase } from './rules/failure-signatures.js';
export { versionFits } from './metrics/engine-version.js';

export interface ClassifyContext {
  exitCode?: number | null;
  timedOut?: boolean;
  stage?: Stage;
  phase?: Phase;
  /** The engine version when the caller knows it; otherwise it is read from the log. */
  engineVersion?: string;
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
}

/** What the context decides when no signature matched: by phase, for a timeout, a failure, or neither. */
const CONTEXT_OUTCOME: Record<Phase | 'unknown', { timeout: Category; failed: Category; clean: Category }> = {
  'server-start': { timeout: 'SERVER_TIMEOUT', failed: 'SERVER_CRASH', clean: 'SERVER_CRASH' },
  benchmark: { timeout: 'BENCHMARK_TIMEOUT', failed: 'BENCHMARK_FAILED', clean: 'NO_METRICS' },
  build: { timeout: 'BUILD_TIMEOUT', failed: 'BUILD_FAILED', clean: 'BUILD_FAILED' },
  patch: { timeout: 'PATCH_FAILED', failed: 'PATCH_FAILED', clean: 'PATCH_FAILED' },
  unknown: { timeout: 'SERVER_TIMEOUT', failed: 'SERVER_CRASH', clean: 'NO_METRICS' },
};

const PHASE_OF_STAGE: Partial<Record<Stage, Phase>> = { server: 'server-start', benchmark: 'benchmark', artifact: 'build', patch: 'patch' };
const STAGE_OF_PHASE: Record<Phase, Stage> = { 'server-start': 'server', benchmark: 'benchmark', build: 'artifact', patch: 'patch' };

/**
 * Informational lines of vLLM's logger and of uvicorn (`INFO 01-07 21:59:25 [x.py:1] ...`,
 * `INFO:     127.0.0.1 - "POST ..."`) report no failure; skipping them keeps a 100 MB server log fast.
 */
const INFO_LINE = /(?:^|[\s|)\]>])(?:INFO|DEBUG)(?: +\d\d-\d\d \d\d:\d\d:\d\d|:\s)/;

/**
 * The union of the specific signatures, unanchored and case-insensitive (so a superset of each): a
 * cheap pre-filter for the line-by-line test of pass 2.
 */
const ANY_SPECIFIC = new RegExp(
  FAILURE_SIGNATURES.filter((r) => (r.strength ?? 'specific') === 'specific')
    .map((r) => `(?:${r.pattern.source.replace(/^\^/, '')})`)
    .join('|'),
  'gi',
);

/** Indexes of the lines in which `re` (global) matches, ascending. */
function linesMatching(rawLines: readonly string[], re: RegExp): number[] {
  const text = rawLines.join('\n');
  const out: number[] = [];
  let line = 0;
  let lineStart = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    while (line < rawLines.length - 1 && lineStart + rawLines[line]!.length < m.index) {
      lineStart += rawLines[line]!.length + 1;
      line++;
    }
    out.push(line);
    const end = text.indexOf('\n', m.index);
    if (end === -1) break;
    re.lastIndex = end + 1;
  }
  return out;
}

const EXCEPTION_LINE = /^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)(?::|$)/;

/** Lines kept as evidence when only the context decided. */
const TAIL_EVIDENCE_LINES = 5;
const EVIDENCE_LINES = 3;
const EVIDENCE_LOOKBACK = 200;
const MAX_EVIDENCE_CHARS = 2000;

interface Hit {
  index: number;
  row: FailureSignature;
  exceptionLine: boolean;
}

export function classifyLog(text: string, context: ClassifyContext = {}): Classification {
  return classifyLines(text.split('\n'), context);
}

/**
 * As classifyLog, for a log already split into lines; `lineNumber` maps an index to the line's number
 * in the file (for a head-and-tail excerpt of a long log).
 */
export function classifyLines(rawLines: readonly string[], context: ClassifyContext = {}, lineNumber: (index: number) => number = (i) => i + 1): Classification {
  const phase: Phase | 'unknown' = context.phase ?? (context.stage ? PHASE_OF_STAGE[context.stage] : undefined) ?? 'unknown';
  const n = rawLines.length;
  const cache: Array<string | undefined> = new Array(n);
  const clean = (i: number): string => (cache[i] ??= stripPrefixes(visibleLine(rawLines[i]!)).trimEnd());
  const skip = (i: number): boolean => rawLines[i]!.length === 0 || INFO_LINE.test(rawLines[i]!);

  // The engine version is read only when a version-bound signature matched (it is printed early).
  let version: { value?: string; index: number } | undefined = context.engineVersion ? { value: context.engineVersion, index: -1 } : undefined;
  const engineVersion = (): string | undefined => {
    if (!version) {
      version = { index: -1 };
      outer: for (let i = 0; i < n; i++) {
        for (const p of VERSION_PATTERNS) {
          const m = p.exec(rawLines[i]!);
          if (m) {
            version = { value: m[1]!, index: i };
            break outer;
          }
        }
      }
    }
    return version.value;
  };
  const rowAt = (i: number): FailureSignature | undefined => {
    const line = clean(i);
    if (line.length === 0) return undefined;
    return FAILURE_SIGNATURES.find((r) => r.pattern.test(line) && (!r.versionRange || versionFits(r.versionRange, engineVersion())));
  };

  // Pass 1, from the end: exception lines only (cheap to find). The last specific one decides.
  let decisive: Hit | undefined;
  let lastException: Hit | undefined;
  let lastWrapper: Hit | undefined;
  for (let i = n - 1; i >= 0 && !decisive; i--) {
    const raw = rawLines[i]!;
    if (!(raw.includes('Error') || raw.includes('Exception') || raw.includes('Exit')) || skip(i)) continue;
    if (!EXCEPTION_LINE.test(clean(i))) continue;
    const row = rowAt(i);
    if (!row) continue;
    const hit = { index: i, row, exceptionLine: true };
    if (strength(row) === 'specific') decisive = hit;
    else if (strength(row) === 'exception') lastException ??= hit;
    else lastWrapper ??= hit;
  }
  // Pass 2: any line (uvicorn's "ERROR: ... address already in use" is no exception). One pass of
  // the union of the specific patterns finds the few lines worth testing row by row; the last wins.
  if (!decisive) {
    const candidates = linesMatching(rawLines, ANY_SPECIFIC);
    for (let k = candidates.length - 1; k >= 0 && !decisive; k--) {
      const i = candidates[k]!;
      if (skip(i)) continue;
      const row = rowAt(i);
      if (row && strength(row) === 'specific') decisive = { index: i, row, exceptionLine: false };
    }
  }
  decisive ??= lastException ?? lastWrapper;
  if (!decisive) return fromContext(rawLines, clean, context, phase, lineNumber);

  const row = decisive.row;
  const category = row.categoryByPhase?.[phase as Phase] ?? row.category;
  // Evidence: the decisive line and up to two earlier lines of the same signature close before it.
  const indexes = [decisive.index];
  for (let i = decisive.index - 1; i >= Math.max(0, decisive.index - EVIDENCE_LOOKBACK) && indexes.length < EVIDENCE_LINES; i--) {
    if (!skip(i) && row.pattern.test(clean(i))) indexes.push(i);
  }
  if (row.versionRange && version && version.index >= 0) indexes.push(version.index);
  const ordered = [...new Set(indexes)].sort((a, b) => a - b);
  return build(category, phase, context, {
    fix: row.fix,
    evidence: ordered.map((i) => clean(i)),
    evidenceLines: ordered.map(lineNumber),
    matched: true,
    signature: row.id,
  });
}

function strength(row: FailureSignature): 'specific' | 'exception' | 'wrapper' {
  return row.strength ?? 'specific';
}

function fromContext(
  rawLines: readonly string[],
  clean: (i: number) => string,
  context: ClassifyContext,
  phase: Phase | 'unknown',
  lineNumber: (i: number) => number,
): Classification {
  const outcome = CONTEXT_OUTCOME[phase];
  const failed = context.exitCode !== undefined && context.exitCode !== null && context.exitCode !== 0;
  const category = context.timedOut ? outcome.timeout : failed ? outcome.failed : outcome.clean;
  const tail: number[] = [];
  for (let i = rawLines.length - 1; i >= 0 && tail.length < TAIL_EVIDENCE_LINES; i--) if (clean(i).trim()) tail.unshift(i);
  return build(category, phase, context, {
    evidence: tail.map((i) => clean(i)),
    evidenceLines: tail.map(lineNumber),
    matched: false,
  });
}

function build(
  category: Category,
  phase: Phase | 'unknown',
  context: ClassifyContext,
  found: { fix?: string; evidence: string[]; evidenceLines: number[]; matched: boolean; signature?: string },
): Classification {
  const info = CATEGORIES[category];
  // A transient fault can strike anywhere: report where it struck when the caller says so.
  const stage: Stage = info.stage === 'any' ? (phase !== 'unknown' ? STAGE_OF_PHASE[phase] : (context.stage ?? 'any')) : info.stage;
  const recipe = found.fix ? recipeById(found.fix) : undefined;
  const action = recipe
    ? `Apply fix recipe ${recipe.id} (${describeAction(recipe.action)}) to every variant and record its caveat.`
    : info.action;
  const evidence = found.evidence.map((l) => (l.length > MAX_EVIDENCE_CHARS ? l.slice(0, MAX_EVIDENCE_CHARS) + '…' : l)).join('\n');
  const out: Classification = {
    category,
    stage,
    retryable: info.retryable,
    action,
    evidence,
    evidenceLines: found.evidenceLines,
    matched: found.matched,
  };
  if (found.fix) out.fix = found.fix;
  if (found.signature) out.signature = found.signature;
  return out;
}

function describeAction(action: import('./rules/fix-recipes.js').FixAction): string {
  switch (action.type) {
    case 'pip-constraint':
      return `pip constraint ${action.spec}`;
    case 'file-patch':
      return `patch ${action.path}`;
    case 'file-restore':
      return `restore ${action.path}${action.fromRef ? ` from ${action.fromRef}` : ''}`;
  }
}
