/**
 * What the report becomes on GitHub, as data: the job summary (<= 1 MiB per step), the sticky PR
 * comment (<= 65,536 characters, found again by a hidden marker), one annotation per failed task,
 * and a check run. Pure: adapters/github.ts sends them.
 */
import { VARIANTS } from '../schemas.js';
import type { DatasetError } from '../dataset/dataset.js';
import type { Report, ReportTask } from '../report/report.js';
import { OUTCOME_LABEL, formatChange, renderMarkdown, type MarkdownOptions } from '../report/report-markdown.js';

export const STICKY_MARKER = '<!-- benchsweep:sticky -->';
const SUMMARY_MAX_BYTES = 1024 * 1024;
export const COMMENT_MAX_CHARS = 65_536;
/** A check run's output.summary and output.text are limited to 65,535 characters each. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;

/** A marker per key, so that one PR can carry several sticky comments (e.g. per workflow). */
export function stickyMarker(key?: string): string {
  if (!key) return STICKY_MARKER;
  return `<!-- benchsweep:sticky:${key.replace(/[^A-Za-z0-9_.:/-]/g, '_')} -->`;
}

/** Cut at the last line break that keeps `keep(prefix)` within budget. */
function cutAtLine(text: string, fits: (prefix: string) => boolean): string {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  const prefix = text.slice(0, lo);
  const newline = prefix.lastIndexOf('\n');
  const cut = newline > 0 ? prefix.slice(0, newline) : prefix;
  // Never end inside an open code fence: it would swallow the note.
  const fences = (cut.match(/^\s*```/gm) ?? []).length;
  return fences % 2 === 1 ? cut + '\n```' : cut;
}

/** The job summary within GitHub's 1 MiB per step, truncated at a line with a note saying so. */
export function fitSummary(md: string, maxBytes = SUMMARY_MAX_BYTES): string {
  const bytes = Buffer.byteLength(md, 'utf8');
  if (bytes <= maxBytes) return md;
  const note = `\n\n> [!NOTE]\n> Truncated: this summary was ${bytes.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit of a job summary. The whole report is in the run's report artifact (report.md, report.json, report.html).\n`;
  const budget = maxBytes - Buffer.byteLength(note, 'utf8') - 8;
  return cutAtLine(md, (p) => Buffer.byteLength(p, 'utf8') <= budget) + note;
}

/**
 * The sticky comment body: the marker first (so that the next run finds it), the report, and when
 * it does not fit, a cut at a line and a pointer to the run.
 */
export function fitComment(md: string, runUrl: string, maxChars = COMMENT_MAX_CHARS, marker = STICKY_MARKER): string {
  const body = md.includes(marker) ? md : `${marker}\n${md}`;
  if (body.length <= maxChars) return body;
  const note = `\n\n> [!NOTE]\n> Truncated to fit a comment (${maxChars.toLocaleString('en-US')} characters). The whole report: ${runUrl}\n`;
  const budget = maxChars - note.length - 8;
  return cutAtLine(body, (p) => p.length <= budget) + note;
}

/**
 * The report as a capped comment or check-run text: `header` (e.g. the commit and the run) above
 * the report, rendered to fit `maxChars` with room for the sticky marker, so the comment is never
 * cut at its tail: per-task rows go first, the headline, failure breakdown, charts and GPU table
 * stay. `benchsweep report --format md --max-chars N` prints `cappedReport(report, N)`.
 */
export function cappedReport(
  report: Report,
  maxChars: number,
  header = '',
  opts: Omit<MarkdownOptions, 'maxChars'> = {},
): string {
  // The marker fitComment puts first (a keyed one is longer), and the blank line after the header.
  const reserve = 120;
  const head = header ? `${header.replace(/\n+$/, '')}\n\n` : '';
  const md = renderMarkdown(report, { ...opts, maxChars: Math.max(0, maxChars - head.length - reserve) });
  return head + md;
}

/**
 * The report as a job summary within 1 MiB (bytes, not characters): like a capped comment, a big
 * sweep loses per-task rows before its counts, failure breakdown, charts and GPU table.
 */
export function reportSummary(
  report: Report,
  opts: Omit<MarkdownOptions, 'maxChars'> = {},
  maxBytes = SUMMARY_MAX_BYTES,
): string {
  let maxChars = maxBytes - 256;
  for (;;) {
    const md = renderMarkdown(report, { ...opts, maxChars });
    if (Buffer.byteLength(md, 'utf8') <= maxBytes - 256 || maxChars < 1000) return fitSummary(md, maxBytes);
    maxChars = Math.floor(maxChars * 0.9);
  }
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  /** The task it is about (report annotations). */
  task?: string;
  /** A file and line to attach it to (dataset rows). */
  file?: string;
  line?: number;
}

/** GitHub shows at most 10 error annotations per step (and 10 warnings): more vanish unseen. */
export const ANNOTATIONS_PER_STEP = 10;

/**
 * At most `limit` errors and `limit` warnings/notices, errors first in their order; when any were
 * dropped, one more warning says how many and where they are all listed (the job summary).
 */
export function capAnnotations(
  annotations: readonly Annotation[],
  limit = ANNOTATIONS_PER_STEP,
  where = 'the job summary',
): Annotation[] {
  const errors = annotations.filter((a) => a.level === 'error');
  const others = annotations.filter((a) => a.level !== 'error');
  const kept = [...errors.slice(0, limit), ...others.slice(0, Math.max(0, limit - 1))];
  const dropped = annotations.length - kept.length;
  if (dropped === 0) return [...annotations];
  const droppedErrors = Math.max(0, errors.length - limit);
  return [
    ...kept,
    {
      level: 'warning',
      title: 'benchsweep: more problems',
      message: `${dropped} more annotation${dropped === 1 ? '' : 's'} not shown (${droppedErrors} error${droppedErrors === 1 ? '' : 's'}; GitHub shows ${limit} per step): every one is listed in ${where}.`,
    },
  ];
}

/**
 * One error annotation per invalid dataset row, on the row's file and line (the rows were skipped:
 * a sweep must not shrink silently). `relativeTo` makes the path relative to the workspace, which
 * is how GitHub matches an annotation to a file of the commit.
 */
export function datasetErrorAnnotations(errors: readonly DatasetError[], relativeTo?: string): Annotation[] {
  const base = relativeTo ? relativeTo.replace(/\/+$/, '') + '/' : undefined;
  return errors.map((e) => ({
    level: 'error' as const,
    title: `benchsweep: invalid dataset row (skipped)`,
    message: `${e.field ? `field ${e.field}: ` : ''}${e.message}`,
    file: base && e.file.startsWith(base) ? e.file.slice(base.length) : e.file,
    line: e.line,
  }));
}

/** One annotation per task with a failed variant: what failed, the category's action, where the logs are. */
export function annotationsFor(report: Report): Annotation[] {
  const out: Annotation[] = [];
  for (const t of report.tasks) {
    const failed = VARIANTS.filter(
      (v) => t.variants[v].status === 'failed' || (t.variants[v].status === 'skipped' && t.variants[v].category),
    );
    if (failed.length === 0) continue;
    const parts = failed.map((v) => {
      const r = t.variants[v];
      return `${v}: ${r.category ?? 'failed (unclassified)'}${r.log ? ` (log: ${r.log})` : ''}`;
    });
    const categories = [...new Set(failed.map((v) => t.variants[v].category ?? 'failed'))];
    out.push({
      // An agent's failure is a result, not a broken pipeline.
      level: t.outcome === 'agent_failed' ? 'warning' : 'error',
      title: `benchsweep ${t.task}: ${OUTCOME_LABEL[t.outcome]} (${categories.join(', ')})`,
      message: `${parts.join('; ')}${t.reason ? `. ${t.reason}` : ''}`,
      task: t.task,
    });
  }
  return out;
}

export interface CheckRunSpec {
  name: string;
  status: 'completed';
  conclusion: 'success' | 'failure' | 'neutral';
  output: { title: string; summary: string; text?: string };
}

export interface CheckRunOptions {
  name?: string;
  /** Outcomes that fail the check (default: agent_failed and not_evaluable: a PR must leave every task measured). */
  failOn?: ReadonlyArray<ReportTask['outcome']>;
  /** Markdown for output.text (e.g. renderMarkdown of the report); truncated to fit. */
  text?: string;
  runUrl?: string;
}

/** The check run of a PR verification: failure when any task ends in an outcome of `failOn`. */
export function checkRunFor(report: Report, opts: CheckRunOptions = {}): CheckRunSpec {
  const failOn = opts.failOn ?? ['agent_failed', 'not_evaluable'];
  const c = report.counts;
  const failing = report.tasks.filter((t) => failOn.includes(t.outcome));
  const conclusion = c.tasks === 0 ? 'neutral' : failing.length > 0 ? 'failure' : 'success';
  const title =
    c.tasks === 0
      ? 'No tasks measured'
      : `${c.evaluable}/${c.tasks} evaluable · agent wins ${c.agent_wins} · human wins ${c.human_wins} · tie ${c.tie} · agent failed ${c.agent_failed}`;
  const head = [`**${title}**`, ''];
  if (failing.length > 0) {
    const ids =
      failing
        .slice(0, 30)
        .map((t) => t.task)
        .join(', ') + (failing.length > 30 ? ` … ${failing.length - 30} more` : '');
    head.push(`Failing (${failOn.join(' / ')} fail this check): ${ids}.`, '');
  }
  if (report.failures.length > 0) {
    head.push(
      'Failures by category:',
      ...report.failures.map(
        (f) => `- \`${f.category}\` (${f.stage}): ${f.count} task${f.count === 1 ? '' : 's'} — ${f.action}`,
      ),
      '',
    );
  }
  // Per-task lines last: they are what a big sweep cuts, with a pointer to the whole report.
  const rows = report.tasks.map((t) => {
    const change = t.agent_vs_human.ratio !== null ? ` (agent vs human ${formatChange(t.agent_vs_human.ratio)})` : '';
    return `- \`${t.task}\`: ${OUTCOME_LABEL[t.outcome]}${change}${t.outcome === 'not_evaluable' || t.outcome === 'agent_failed' ? ` — ${t.reason ?? ''}` : ''}`;
  });
  const budget = CHECK_OUTPUT_MAX_CHARS - 400;
  let used = head.join('\n').length;
  let shown = 0;
  for (const r of rows) {
    if (used + r.length + 1 > budget) break;
    used += r.length + 1;
    shown += 1;
  }
  const lines = [...head, ...rows.slice(0, shown)];
  if (shown < rows.length)
    lines.push(
      '',
      `… ${rows.length - shown} more tasks: see the full report (the run's \`benchsweep-report\` artifact${opts.runUrl ? `, ${opts.runUrl}` : ''}).`,
    );
  const summary = fitComment(lines.join('\n'), opts.runUrl ?? 'the run', CHECK_OUTPUT_MAX_CHARS, '');
  const spec: CheckRunSpec = {
    name: opts.name ?? 'benchsweep',
    status: 'completed',
    conclusion,
    output: { title, summary },
  };
  if (opts.text) spec.output.text = fitComment(opts.text, opts.runUrl ?? 'the run', CHECK_OUTPUT_MAX_CHARS, '');
  return spec;
}

/**
 * The `cache-hit` output of a build or run step, as actions/cache names it: "true" when every
 * artifact the step needed came from a cache (runner-local or the Actions cache), so nothing was
 * built or pulled; `cache-hits` counts them. Sources are the records' `artifact.source`.
 */
export function cacheHitOutputs(sources: ReadonlyArray<string | undefined>): {
  'cache-hit': string;
  'cache-hits': string;
} {
  const known = sources.filter((s): s is string => s !== undefined);
  const hits = known.filter((s) => s === 'cache').length;
  return { 'cache-hit': String(known.length > 0 && hits === known.length), 'cache-hits': String(hits) };
}
