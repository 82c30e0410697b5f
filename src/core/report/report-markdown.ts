/**
 * The report as GitHub-flavoured markdown: job summary, PR comment, report.md. Every failure
 * excerpt says where the whole log is; every caveat sits beside the task it affects.
 */
import { markdownTable } from 'markdown-table';
import { VARIANTS } from '../schemas.js';
import type { Comparison, TaskComparison, VariantResult } from '../compare/compare.js';
import type { Report, ReportTask } from './report.js';

export interface MarkdownOptions {
  /** Prefix for log paths (e.g. the run's artifact URL); a log path becomes a link. */
  logsBaseUrl?: string;
  /**
   * Shrink until the document fits (a PR comment, a check run): failure evidence goes first, then
   * per-task rows (with a pointer to the full report); the headline, the failure breakdown, the
   * charts and the GPU table stay. The result is never longer than this.
   */
  maxChars?: number;
  /** Where the whole report is (the report artifact's URL), named when rows are cut. */
  fullReportUrl?: string;
  title?: string;
}

export const OUTCOME_LABEL: Record<TaskComparison['outcome'], string> = {
  agent_wins: 'agent wins',
  human_wins: 'human wins',
  tie: 'tie',
  agent_failed: 'agent failed',
  not_evaluable: 'not evaluable',
};

/** A value for reading: 4 significant digits under 10, two decimals above (the JSON keeps it exact). */
export function formatValue(value: number): string {
  if (Math.abs(value) < 10) return value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatChange(ratio: number, digits = 2): string {
  const change = (ratio - 1) * 100;
  const text = change.toFixed(digits);
  return `${change >= 0 && !text.startsWith('-') ? '+' : ''}${text === '-0.00' ? '0.00' : text}%`;
}

export function formatComparison(c: Comparison): string {
  if (c.ratio === null) return '—';
  let text = formatChange(c.ratio);
  if (c.ci) text += ` [${formatChange(c.ci[0], 1)}, ${formatChange(c.ci[1], 1)}]`;
  if (c.single_sample) text += ' ¹';
  else if (c.significant === true) text += ' ✓';
  else if (c.significant === false) text += ' ~';
  return text;
}

function formatVariant(v: VariantResult): string {
  if (v.status === 'success' && v.value !== null) {
    const n = v.samples?.length ?? 1;
    return `${formatValue(v.value)}${n > 1 ? ` (n=${n})` : ''}`;
  }
  if (v.status === 'missing') return '—';
  if (v.status === 'skipped') return `skipped${v.category ? ` ${v.category}` : ''}`;
  return `✗ ${v.category ?? 'failed'}`;
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function logRef(path: string, base?: string): string {
  if (!base) return `\`${path}\``;
  return `[${path}](${base.replace(/\/$/, '')}/${path.replace(/^\.?\//, '')})`;
}

function pct(n: number, total: number): string {
  return total === 0 ? '0%' : `${((n / total) * 100).toFixed(1)}%`;
}

function headline(report: Report): string {
  const c = report.counts;
  const lines = [
    `**${c.tasks} tasks** · **${c.evaluable} evaluable** (${pct(c.evaluable, c.tasks)}) · agent wins **${c.agent_wins}** · human wins **${c.human_wins}** · tie **${c.tie}** · agent failed **${c.agent_failed}** · not evaluable **${c.not_evaluable}**`,
    '',
    `A win needs a change beyond ±${(report.threshold * 100).toFixed(0)}% of the primary metric and, with 3+ samples per variant, significance (95% bootstrap interval of the ratio of medians excluding 1 and Mann–Whitney p < 0.05).`,
  ];
  return lines.join('\n');
}

function outcomeCell(t: ReportTask): string {
  const label = OUTCOME_LABEL[t.outcome];
  const strong = t.outcome === 'agent_wins' || t.outcome === 'human_wins' ? `**${label}**` : label;
  const mdc = t.min_detectable_change;
  const extra =
    t.outcome === 'not_evaluable'
      ? ` (${t.evaluability.replace(/_/g, ' ')})`
      : t.outcome === 'tie' && t.reason?.startsWith('could not tell') && mdc !== null
        ? ` (could not tell: detects ±${(mdc * 100).toFixed(1)}%)`
        : '';
  return `${strong}${extra}${t.caveats.length > 0 ? ` ⚠${t.caveats.length}` : ''}`;
}

function threeWayTable(tasks: readonly ReportTask[]): string {
  const rows = tasks.map((t) => [
    `\`${t.task}\``,
    t.model ?? '',
    `${t.primary_metric} ${t.higher_is_better ? '↑' : '↓'}`,
    formatVariant(t.variants.baseline),
    formatVariant(t.variants.human),
    formatVariant(t.variants.agent),
    formatComparison(t.human_vs_baseline),
    formatComparison(t.agent_vs_baseline),
    formatComparison(t.agent_vs_human),
    formatShare(t.captured_share),
    outcomeCell(t),
  ]);
  return markdownTable(
    [
      [
        'Task',
        'Model',
        'Metric',
        'Baseline',
        'Human',
        'Agent',
        'Human vs base',
        'Agent vs base',
        'Agent vs human',
        'Captured',
        'Outcome',
      ],
      ...rows,
    ].map((r) => r.map(cell)),
    { align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
  );
}

function mermaid(report: Report, withBars = true): string {
  const c = report.counts;
  const slices = (
    [
      ['agent wins', c.agent_wins],
      ['human wins', c.human_wins],
      ['tie', c.tie],
      ['agent failed', c.agent_failed],
      ['not evaluable', c.not_evaluable],
    ] as const
  ).filter(([, n]) => n > 0);
  if (slices.length === 0) return '';
  const out = [
    '```mermaid',
    `pie showData title Outcomes of ${c.tasks} tasks`,
    ...slices.map(([label, n]) => `    "${label}" : ${n}`),
    '```',
  ];
  const bars = report.tasks.filter((t) => t.agent_vs_human.ratio !== null);
  if (withBars && bars.length > 0 && bars.length <= 40) {
    const values = bars.map((t) => Number(((t.agent_vs_human.ratio! - 1) * 100).toFixed(2)));
    const lo = Math.floor(Math.min(0, ...values) - 1);
    const hi = Math.ceil(Math.max(0, ...values) + 1);
    out.push(
      '',
      '```mermaid',
      'xychart-beta',
      '    title "Agent vs human (% change of the primary metric)"',
      `    x-axis [${bars.map((t) => `"${t.task}"`).join(', ')}]`,
      `    y-axis "%" ${lo} --> ${hi}`,
      `    bar [${values.join(', ')}]`,
      '```',
    );
  }
  return out.join('\n');
}

function failureTable(report: Report, maxIds = 12): string {
  return markdownTable(
    [
      ['Category', 'Stage', 'Tasks', 'Fixable', 'Action', 'Task ids'],
      ...report.failures.map((f) => [
        `\`${f.category}\``,
        f.stage,
        String(f.count),
        f.fixable,
        f.action,
        f.tasks.slice(0, maxIds).join(', ') + (f.tasks.length > maxIds ? ` … ${f.tasks.length - maxIds} more` : ''),
      ]),
    ].map((r) => r.map(cell)),
    { align: ['l', 'l', 'r', 'l', 'l', 'l'] },
  );
}

function failureDetails(tasks: readonly ReportTask[], logsBaseUrl?: string): string {
  const out: string[] = [];
  for (const t of tasks) {
    // Variants that failed the same way with the same evidence and no log of their own: one entry.
    const failedVariants = VARIANTS.filter(
      (v) => t.variants[v].status === 'failed' || (t.variants[v].status === 'skipped' && t.variants[v].category),
    );
    const groups: Array<{ variants: string[]; r: VariantResult }> = [];
    for (const v of failedVariants) {
      const r = t.variants[v];
      const same = groups.find(
        (g) =>
          !r.log && !g.r.log && g.r.category === r.category && g.r.evidence === r.evidence && g.r.status === r.status,
      );
      if (same) same.variants.push(v);
      else groups.push({ variants: [v], r });
    }
    for (const { variants, r } of groups) {
      const where = r.log
        ? `whole log: ${logRef(r.log, logsBaseUrl)}`
        : r.status === 'skipped'
          ? 'not run (preflight)'
          : 'no log recorded';
      const who = variants.length === 3 ? 'all variants' : variants.join(', ');
      out.push(`- \`${t.task}\` ${who}: **${r.category ?? 'unclassified'}** — ${where}`);
      if (r.evidence) {
        const lines = r.evidence.split(/\r?\n/);
        const excerpt = lines.slice(0, 8).join('\n').slice(0, 600);
        const cut = excerpt.length < r.evidence.length;
        out.push('  ```text', ...excerpt.split('\n').map((l) => `  ${l.replace(/```/g, "'''")}`), '  ```');
        if (cut) out.push(`  (excerpt; the whole log is at ${logRef(r.log ?? 'the results directory', logsBaseUrl)})`);
      }
    }
    for (const h of t.history ?? []) {
      out.push(
        `- \`${t.task}\` ${h.variant} attempt ${h.attempt}: ${h.status}${h.category ? ` ${h.category}` : ''} (replaced by a later attempt)${h.log ? ` — whole log: ${logRef(h.log, logsBaseUrl)}` : ''}`,
      );
    }
  }
  return out.join('\n');
}

function gpuTable(report: Report): string {
  return markdownTable(
    [
      ['GPUs', 'Tasks', 'Evaluable', 'Agent wins', 'Human wins', 'Tie', 'Agent failed', 'Not evaluable'],
      ...report.gpus.map((g) =>
        [
          g.gpus === 'unknown' ? 'unknown' : String(g.gpus),
          g.tasks,
          g.evaluable,
          g.agent_wins,
          g.human_wins,
          g.tie,
          g.agent_failed,
          g.not_evaluable,
        ].map(String),
      ),
    ],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
  );
}

function caveatList(tasks: readonly ReportTask[]): string {
  const out: string[] = [];
  for (const t of tasks) {
    const items = [...t.caveats];
    if (t.reason && t.outcome === 'not_evaluable') items.unshift(`not evaluable: ${t.reason}`);
    if (items.length === 0) continue;
    out.push(`- \`${t.task}\`: ${items.map((i) => i.replace(/\r?\n/g, ' ')).join('; ')}`);
  }
  return out.join('\n');
}

interface RenderShape {
  details: boolean;
  maxRows: number;
  /** Last resort before a cut: no caveat list, no bar chart, at most 5 notes and 3 ids per failure row. */
  compact?: boolean;
}

/** The sentence that says rows were cut and where the rest is. */
function moreTasksPointer(more: number, fullReportUrl?: string): string {
  return `… ${more} more task${more === 1 ? '' : 's'}: see the full report (report.md, report.json, report.html in the run's \`benchsweep-report\` artifact${fullReportUrl ? `: ${fullReportUrl}` : ''}).`;
}

function render(report: Report, opts: MarkdownOptions, shape: RenderShape): string {
  const parts: string[] = [`## ${opts.title ?? 'benchsweep: baseline / human / agent'}`, '', headline(report)];
  if (report.notes.length > 0) {
    const notes = shape.compact ? report.notes.slice(0, 5) : report.notes;
    parts.push('', '> [!WARNING]', ...notes.map((n) => `> - ${n.replace(/\r?\n/g, ' ')}`));
    if (notes.length < report.notes.length)
      parts.push(`> - … ${report.notes.length - notes.length} more notes in report.json`);
  }
  const shown = report.tasks.slice(0, shape.maxRows);
  parts.push('', '### Three-way results', '');
  if (report.tasks.length === 0) parts.push('_No result records._');
  else {
    if (shown.length > 0) parts.push(threeWayTable(shown));
    if (shown.length < report.tasks.length)
      parts.push('', moreTasksPointer(report.tasks.length - shown.length, opts.fullReportUrl));
    parts.push(
      '',
      `¹ single sample: decided by the ±${(report.threshold * 100).toFixed(0)}% threshold alone · ✓ significant · ~ not significant · [ ] 95% interval · Captured: share of the human's improvement the agent reached · ⚠ caveats below`,
    );
  }
  const chart = mermaid(report, !shape.compact);
  if (chart) parts.push('', chart);
  if (report.failures.length > 0) {
    parts.push('', '### Failures', '', failureTable(report, shape.compact ? 3 : 12));
    if (shape.details) {
      const details = failureDetails(report.tasks, opts.logsBaseUrl);
      if (details)
        parts.push('', '<details><summary>Failure evidence and logs</summary>', '', details, '', '</details>');
    } else {
      parts.push('', '_Failure evidence omitted for size: every log path is in report.json._');
    }
  }
  if (report.gpus.length > 0) parts.push('', '### By GPU count', '', gpuTable(report));
  const caveats = shape.compact ? '' : caveatList(shown);
  if (caveats) parts.push('', '### Caveats', '', caveats);
  return parts.join('\n') + '\n';
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? Number.POSITIVE_INFINITY;
  const all = report.tasks.length;
  for (const shape of [
    { details: true, maxRows: all },
    { details: false, maxRows: all },
  ]) {
    const md = render(report, opts, shape);
    if (md.length <= max) return md;
  }
  // Then per-task rows: the most that fit (binary search: the length grows with the rows).
  for (const compact of [false, true]) {
    const fits = (rows: number) => render(report, opts, { details: false, maxRows: rows, compact }).length <= max;
    if (!fits(0)) continue;
    let lo = 0;
    let hi = all;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return render(report, opts, { details: false, maxRows: lo, compact });
  }
  // Even the summary alone is too long (a tiny limit): cut at a line, outside any code fence.
  const md = render(report, opts, { details: false, maxRows: 0, compact: true });
  const note = `\n… cut to ${max} characters: see the full report${opts.fullReportUrl ? ` (${opts.fullReportUrl})` : ''}.\n`;
  return cutAtLine(md, Math.max(0, max - note.length)) + note;
}

/** The longest prefix within `max` characters that ends at a line break, with code fences closed. */
function cutAtLine(text: string, max: number): string {
  let cut = text.slice(0, max);
  const newline = cut.lastIndexOf('\n');
  cut = newline >= 0 ? cut.slice(0, newline) : '';
  while ((cut.match(/^\s*```/gm) ?? []).length % 2 === 1) {
    // Drop back to before the open fence rather than overflow by closing it.
    cut = cut.slice(0, cut.lastIndexOf('```')).replace(/\n[^\n]*$/, '');
  }
  return cut;
}
