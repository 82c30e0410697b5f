/**
 * A self-contained HTML report: inline CSS and SVG, no script, no network. Every number is also in
 * a stable data attribute (data-task, data-ratio, data-value, data-count ...) so that a test or a
 * script reads it back from the DOM; the whole report JSON is embedded as application/json.
 */
import { esc, attr } from './html-escape.js';
import { VARIANTS } from '../schemas.js';
import type { Comparison, TaskComparison } from '../compare/compare.js';
import type { Report, ReportTask } from './report.js';
import { OUTCOME_LABEL, formatChange, formatComparison, formatShare, formatValue } from './report-markdown.js';

export interface HtmlOptions {
  title?: string;
}

const OUTCOME_COLOR: Record<TaskComparison['outcome'], string> = {
  agent_wins: '#e8590c',
  human_wins: '#1971c2',
  tie: '#868e96',
  agent_failed: '#c92a2a',
  not_evaluable: '#ced4da',
};

function comparisonText(c: Comparison): string {
  if (c.ratio === null) return '—';
  const mark = c.single_sample ? ' ¹' : c.significant === true ? ' ✓' : c.significant === false ? ' ~' : '';
  const ci = c.ci
    ? `<div class="ci">[${esc(formatChange(c.ci[0], 1))}, ${esc(formatChange(c.ci[1], 1))}]${c.p_value !== undefined ? ` p=${esc(c.p_value.toPrecision(2))}` : ''}</div>`
    : '';
  return `${esc(formatChange(c.ratio))}${mark}${ci}`;
}

function comparisonCell(name: string, c: Comparison): string {
  return `<td class="num"${attr('data-comparison', name)}${attr('data-ratio', c.ratio ?? '')}${attr('data-ci-lo', c.ci?.[0] ?? '')}${attr('data-ci-hi', c.ci?.[1] ?? '')}${attr('data-significant', c.significant === null ? 'null' : c.significant)}${attr('data-single-sample', c.single_sample === true)}${attr('data-p-value', c.p_value ?? '')}${attr('title', formatComparison(c))}>${comparisonText(c)}</td>`;
}

function variantText(r: TaskComparison['variants']['baseline']): string {
  if (r.status === 'success' && r.value !== null) {
    const n = r.samples?.length ?? 1;
    return `${esc(formatValue(r.value))}${n > 1 ? `<div class="ci">n=${n}</div>` : ''}`;
  }
  // Break long category names at their underscores, not mid-word.
  const cat = (c: string) => esc(c).replace(/_/g, '_<wbr>');
  if (r.status === 'failed') return `✗<div class="cat">${cat(r.category ?? 'failed')}</div>`;
  if (r.status === 'skipped') return `skipped${r.category ? `<div class="cat">${cat(r.category)}</div>` : ''}`;
  return '—';
}

function taskRow(t: ReportTask): string {
  const variants = VARIANTS.map((v) => {
    const r = t.variants[v];
    return `<td class="num ${r.status}"${attr('data-variant', v)}${attr('data-status', r.status)}${attr('data-value', r.value ?? '')}${attr('data-samples', r.samples?.length ?? 0)}${attr('data-category', r.category)}${r.log ? attr('title', `log: ${r.log}`) : ''}>${variantText(r)}</td>`;
  }).join('');
  const caveats =
    t.caveats.length > 0 ? `<ul class="caveats">${t.caveats.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '';
  const reason = t.reason ? `<div class="reason">${esc(t.reason)}</div>` : '';
  return `<tr${attr('data-task', t.task)}${attr('data-outcome', t.outcome)}${attr('data-evaluability', t.evaluability)}${attr('data-primary-metric', t.primary_metric)}${attr('data-gpus', t.gpus ?? '')}>
<td class="task"><code>${esc(t.task)}</code><div class="model">${esc(t.model ?? '')}</div><div class="model">${esc(t.primary_metric)} ${t.higher_is_better ? '↑' : '↓'}</div></td>${variants}
${comparisonCell('human_vs_baseline', t.human_vs_baseline)}${comparisonCell('agent_vs_baseline', t.agent_vs_baseline)}${comparisonCell('agent_vs_human', t.agent_vs_human)}
<td class="num"${attr('data-captured-share', t.captured_share ?? '')}>${esc(formatShare(t.captured_share))}</td>
<td class="outcome"><span class="pill" style="background:${OUTCOME_COLOR[t.outcome]}${t.outcome === 'not_evaluable' ? ';color:#212529' : ''}">${esc(OUTCOME_LABEL[t.outcome])}</span>${reason}${caveats}</td>
</tr>`;
}

function countsBar(report: Report): string {
  const c = report.counts;
  const keys = ['agent_wins', 'human_wins', 'tie', 'agent_failed', 'not_evaluable'] as const;
  const width = 1000;
  let x = 0;
  const rects = keys
    .map((k) => {
      const w = c.tasks === 0 ? 0 : (c[k] / c.tasks) * width;
      const rect = `<rect${attr('data-segment', k)}${attr('data-count', c[k])} x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="28" fill="${OUTCOME_COLOR[k]}"><title>${esc(OUTCOME_LABEL[k])}: ${c[k]}</title></rect>`;
      const label =
        w > 40 ? `<text x="${(x + w / 2).toFixed(1)}" y="19" text-anchor="middle" class="seglabel">${c[k]}</text>` : '';
      x += w;
      return rect + label;
    })
    .join('');
  const cards = (['tasks', 'evaluable', ...keys] as const)
    .map(
      (k) =>
        `<div class="card"><div class="big"${attr('data-count', k)}>${c[k]}</div><div class="label">${esc(k === 'tasks' || k === 'evaluable' ? k : OUTCOME_LABEL[k])}</div></div>`,
    )
    .join('');
  return `<div class="cards">${cards}</div><svg class="bar" viewBox="0 0 ${width} 28" preserveAspectRatio="none" role="img" aria-label="outcomes">${rects}</svg>`;
}

/** Diverging bars of a comparison's % change per task, with the interval as a whisker and the threshold band. */
function changeChart(
  report: Report,
  key: 'agent_vs_human' | 'human_vs_baseline' | 'agent_vs_baseline',
  title: string,
): string {
  const tasks = report.tasks.filter((t) => t[key].ratio !== null);
  if (tasks.length === 0) return '';
  const rowH = 19;
  const left = 90;
  const width = 560;
  const plotW = width - left - 64;
  const extent = Math.max(
    report.threshold * 100 * 2,
    ...tasks.flatMap((t) => [t[key].ratio!, ...(t[key].ci ?? [])].map((r) => Math.abs((r - 1) * 100))),
  );
  const scale = (pct: number) => left + plotW / 2 + (pct / extent) * (plotW / 2);
  const height = tasks.length * rowH + 30;
  const band = report.threshold * 100;
  const rows = tasks
    .map((t, i) => {
      const c = t[key];
      const pct = (c.ratio! - 1) * 100;
      const y = 10 + i * rowH;
      const x0 = scale(0);
      const x1 = scale(pct);
      const color =
        key === 'agent_vs_human'
          ? OUTCOME_COLOR[t.outcome]
          : key === 'human_vs_baseline'
            ? OUTCOME_COLOR.human_wins
            : OUTCOME_COLOR.agent_wins;
      const whisker = c.ci
        ? `<line x1="${scale((c.ci[0] - 1) * 100).toFixed(1)}" x2="${scale((c.ci[1] - 1) * 100).toFixed(1)}" y1="${y + 8}" y2="${y + 8}" stroke="#212529" stroke-width="1.5"/>`
        : '';
      return `<g${attr('data-task', t.task)}${attr('data-chart', key)}${attr('data-change-pct', pct.toFixed(4))}><text x="${left - 6}" y="${y + 12}" text-anchor="end" class="tick">${esc(t.task)}</text><rect x="${Math.min(x0, x1).toFixed(1)}" y="${y + 2}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${rowH - 6}" fill="${color}"/>${whisker}<text x="${width - 2}" y="${y + 12}" text-anchor="end" class="tick">${esc(formatChange(c.ratio!, 1))}</text></g>`;
    })
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="100%" role="img"${attr('aria-label', title)}>
<rect x="${scale(-band).toFixed(1)}" y="6" width="${(scale(band) - scale(-band)).toFixed(1)}" height="${height - 26}" fill="#f1f3f5"/>
<line x1="${scale(0)}" x2="${scale(0)}" y1="4" y2="${height - 18}" stroke="#495057"/>
${rows}
<text x="${scale(0)}" y="${height - 4}" text-anchor="middle" class="tick">0</text>${
    scale(band) - scale(0) >= 24
      ? `<text x="${scale(band).toFixed(1)}" y="${height - 4}" text-anchor="middle" class="tick">+${band.toFixed(0)}%</text><text x="${scale(-band).toFixed(1)}" y="${height - 4}" text-anchor="middle" class="tick">−${band.toFixed(0)}%</text>`
      : `<text x="${scale(extent).toFixed(1)}" y="${height - 4}" text-anchor="end" class="tick">+${extent.toFixed(0)}%</text><text x="${scale(-extent).toFixed(1)}" y="${height - 4}" text-anchor="start" class="tick">−${extent.toFixed(0)}%</text>`
  }
</svg></figure>`;
}

function failureSection(report: Report): string {
  if (report.failures.length === 0) return '';
  const max = Math.max(...report.failures.map((f) => f.count));
  const rows = report.failures
    .map(
      (
        f,
      ) => `<tr${attr('data-category', f.category)}${attr('data-count', f.count)}${attr('data-fixable', f.fixable)}${attr('data-stage', f.stage)}>
<td><code>${esc(f.category)}</code></td><td>${esc(f.stage)}</td><td class="num">${f.count}<div class="hbar" style="width:${((f.count / max) * 100).toFixed(0)}%"></div></td><td>${esc(f.fixable)}</td><td>${esc(f.action)}</td><td class="ids">${f.tasks.map((t) => `<code>${esc(t)}</code>`).join(' ')}</td></tr>`,
    )
    .join('\n');
  const logs = report.tasks
    .flatMap((t) =>
      VARIANTS.filter(
        (v) => t.variants[v].status === 'failed' || (t.variants[v].status === 'skipped' && t.variants[v].category),
      ).map((v) => {
        const r = t.variants[v];
        return `<li${attr('data-task', t.task)}${attr('data-variant', v)}><code>${esc(t.task)}</code> ${v}: <b>${esc(r.category ?? 'unclassified')}</b> — ${r.log ? `whole log: <code>${esc(r.log)}</code>` : 'no log recorded'}${r.evidence ? `<pre>${esc(r.evidence.slice(0, 800))}</pre>` : ''}</li>`;
      }),
    )
    .join('\n');
  return `<section><h2>Failures</h2><table class="failures"><thead><tr><th>Category</th><th>Stage</th><th>Tasks</th><th>Fixable</th><th>Action</th><th>Task ids</th></tr></thead><tbody>${rows}</tbody></table>
<details><summary>Failure evidence and logs</summary><ul class="logs">${logs}</ul></details></section>`;
}

function gpuSection(report: Report): string {
  if (report.gpus.length === 0) return '';
  const rows = report.gpus
    .map(
      (g) =>
        `<tr${attr('data-gpus', g.gpus)}${attr('data-tasks', g.tasks)}${attr('data-evaluable', g.evaluable)}><td>${esc(String(g.gpus))}</td><td class="num">${g.tasks}</td><td class="num">${g.evaluable}</td><td class="num">${g.agent_wins}</td><td class="num">${g.human_wins}</td><td class="num">${g.tie}</td><td class="num">${g.agent_failed}</td><td class="num">${g.not_evaluable}</td></tr>`,
    )
    .join('');
  return `<section><h2>By GPU count</h2><table class="gpus"><thead><tr><th>GPUs</th><th>Tasks</th><th>Evaluable</th><th>Agent wins</th><th>Human wins</th><th>Tie</th><th>Agent failed</th><th>Not evaluable</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#fff}
body{margin:0 auto;max-width:1240px;padding:20px 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
.sub{color:#495057;font-size:13px;margin-bottom:12px}
.cards{display:flex;gap:10px;margin:12px 0}
.card{flex:1;border:1px solid #dee2e6;border-radius:6px;padding:8px 10px}
.card .big{font-size:24px;font-weight:600}.card .label{font-size:12px;color:#495057}
svg.bar{width:100%;height:28px;border-radius:4px}
.seglabel{fill:#fff;font-size:14px;font-weight:600}
.notes{background:#fff9db;border:1px solid #fcc419;border-radius:6px;padding:8px 12px;font-size:13px}
.notes li{margin:2px 0}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #e9ecef;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f8f9fa;font-weight:600}
table.three-way{table-layout:fixed}
table.three-way th:nth-child(1){width:150px}table.three-way th:nth-child(n+2):nth-child(-n+7){width:92px}table.three-way th:nth-child(8){width:62px}
td.num{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.ci,.cat{font-size:10.5px;color:#868e96}.cat{color:inherit}
td.failed{color:#c92a2a}td.skipped,td.missing{color:#868e96}
.model{color:#868e96;font-size:11px}
.pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:11.5px;white-space:nowrap}
.reason{color:#495057;font-size:11.5px;margin-top:2px}
ul.caveats{margin:2px 0 0;padding-left:16px;color:#e67700;font-size:11.5px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{margin:0}figcaption{font-weight:600;font-size:13px;margin-bottom:4px}
.tick{font-size:11px;fill:#495057}
.hbar{height:4px;background:#c92a2a;border-radius:2px;margin-top:2px;margin-left:auto}
td.ids code{font-size:11px}
pre{background:#f8f9fa;padding:6px;font-size:11px;white-space:pre-wrap;max-height:160px;overflow:auto}
.legend{font-size:11.5px;color:#495057;margin-top:4px}
`;

export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const title = opts.title ?? 'benchsweep: baseline / human / agent';
  const notes =
    report.notes.length > 0
      ? `<section><ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`
      : '';
  const charts = [
    changeChart(
      report,
      'agent_vs_human',
      'Agent vs human: % change of the primary metric (bar colour = outcome, line = 95% interval, band = threshold)',
    ),
    changeChart(report, 'human_vs_baseline', 'Human vs baseline (%)'),
    changeChart(report, 'agent_vs_baseline', 'Agent vs baseline (%)'),
  ].filter(Boolean);
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body data-schema="${esc(report.schema)}"${attr('data-threshold', report.threshold)}>
<h1>${esc(title)}</h1>
<div class="sub">${report.generated_at ? `Generated ${esc(report.generated_at)} · ` : ''}A win needs a change beyond ±${(report.threshold * 100).toFixed(0)}% and, with 3+ samples per variant, significance (95% bootstrap interval of the ratio of medians, Mann–Whitney p &lt; 0.05). Single samples are decided by the threshold alone (¹).</div>
<section id="counts">${countsBar(report)}</section>
${notes}
${charts.length > 0 ? `<section><h2>Charts</h2><div class="charts">${charts.join('\n')}</div></section>` : ''}
<section><h2>Three-way results</h2>
<table class="three-way"><thead><tr><th>Task · metric</th><th>Baseline</th><th>Human</th><th>Agent</th><th>Human vs base</th><th>Agent vs base</th><th>Agent vs human</th><th>Captured</th><th>Outcome</th></tr></thead>
<tbody>
${report.tasks.map(taskRow).join('\n')}
</tbody></table>
<div class="legend">¹ single sample (threshold only) · ✓ significant · ~ not significant · [ ] 95% interval · Captured: share of the human's improvement the agent reached</div>
</section>
${failureSection(report)}
${gpuSection(report)}
<script type="application/json" id="report-data">${json}</script>
</body></html>
`;
}
