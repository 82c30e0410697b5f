/**
 * What the report becomes on GitHub, as data: the job summary (<= 1 MiB per step), the sticky PR
 * comment (<= 65,536 characters, found again by a hidden marker), one annotation per failed task,
 * and a check run. Pure: adapters/github.ts sends them.
 */
import { VARIANTS } from './schemas.js';
import type { Report, ReportTask } from './report.js';
import { OUTCOME_LABEL, formatChange } from './report-markdown.js';

export const STICKY_MARKER = '<!-- benchsweep:sticky -->';
export const SUMMARY_MAX_BYTES = 1024 * 1024;
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

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  task: string;
}

/** One annotation per task with a failed variant: what failed, the category's action, where the logs are. */
export function annotationsFor(report: Report): Annotation[] {
  const out: Annotation[] = [];
  for (const t of report.tasks) {
    const failed = VARIANTS.filter((v) => t.variants[v].status === 'failed' || (t.variants[v].status === 'skipped' && t.variants[v].category));
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
  const lines = [
    `**${title}**`,
    '',
    ...report.tasks.map((t) => {
      const change = t.agent_vs_human.ratio !== null ? ` (agent vs human ${formatChange(t.agent_vs_human.ratio)})` : '';
      return `- \`${t.task}\`: ${OUTCOME_LABEL[t.outcome]}${change}${t.outcome === 'not_evaluable' || t.outcome === 'agent_failed' ? ` — ${t.reason ?? ''}` : ''}`;
    }),
  ];
  if (failing.length > 0) lines.push('', `Failing: ${failing.map((t) => t.task).join(', ')} (${failOn.join(' / ')} fail this check).`);
  const summary = fitComment(lines.join('\n'), opts.runUrl ?? 'the run', CHECK_OUTPUT_MAX_CHARS, '');
  const spec: CheckRunSpec = { name: opts.name ?? 'benchsweep', status: 'completed', conclusion, output: { title, summary } };
  if (opts.text) spec.output.text = fitComment(opts.text, opts.runUrl ?? 'the run', CHECK_OUTPUT_MAX_CHARS, '');
  return spec;
}
