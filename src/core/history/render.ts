/**
 * The history dashboard: one self-contained index.html (inline CSS and SVG, no script, no network),
 * drawn from the store's index alone. Per task: each variant's primary metric over the sweeps with
 * the interval of its median as a band, the share of the human's gain the agent captured, and a
 * strip of the variants' failures; on top, failure categories over time.
 *
 * Long histories are drawn in buckets of consecutive sweeps (at most `maxPoints` per chart): a
 * bucket's value is the median of its sweeps' medians and its band spans their intervals, so 10,000
 * sweeps stay a page a browser opens. Every drawn number is also in a data attribute.
 */
import { esc, attr } from '../report/html-escape.js';
import { VARIANTS } from '../schemas.js';
import { formatValue } from '../report/report-markdown.js';
import { BRIEF_SLOT, type IndexEntry } from './index-entry.js';

export interface HistoryHtmlOptions {
  title?: string;
  generatedAt?: string;
  /** Most points per chart; longer histories are bucketed (default 300). */
  maxPoints?: number;
}

const VARIANT_COLOR: Record<string, string> = { baseline: '#868e96', human: '#1971c2', agent: '#e8590c' };
const CATEGORY_PALETTE = [
  '#c92a2a',
  '#e67700',
  '#5f3dc4',
  '#0b7285',
  '#2b8a3e',
  '#a61e4d',
  '#364fc7',
  '#862e9c',
  '#d9480f',
  '#495057',
];

function medianOf(values: number[]): number {
  if (values.length === 1) return values[0]!;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

export type SweepMeta = Pick<IndexEntry, 'id' | 'added_at' | 'label' | 'commit' | 'run_url'>;

/** One variant of one task, parallel to TaskColumn.at: NaN values where it did not succeed. */
interface VariantColumn {
  value: number[];
  lo: number[];
  hi: number[];
  n: number[];
  /** Failure category (or status) where it did not succeed; null where it did or was missing. */
  cat: Array<string | null>;
}

interface TaskColumn {
  task: string;
  metric: string;
  up: boolean;
  outcome: string;
  /** Indexes (into sweeps) of the sweeps that hold this task, increasing. */
  at: number[];
  share: number[];
  v: Record<string, VariantColumn>;
}

/**
 * The index folded into columns, one sweep at a time: 10,000 sweeps × 100 tasks become a few
 * arrays of numbers per task instead of a million small objects, so the dashboard can be drawn from
 * an index streamed off disk. Lines with an id seen before are ignored (the store's rule).
 */
export class HistoryColumns {
  readonly sweeps: SweepMeta[] = [];
  readonly tasks = new Map<string, TaskColumn>();
  /** Failed variants per category, per sweep (null: none). */
  readonly failures: Array<Record<string, number> | null> = [];
  readonly categories = new Set<string>();
  private readonly seen = new Set<string>();

  add(e: IndexEntry): void {
    if (this.seen.has(e.id)) return;
    this.seen.add(e.id);
    const index = this.sweeps.length;
    const meta: SweepMeta = { id: e.id, added_at: e.added_at };
    if (e.label !== undefined) meta.label = e.label;
    if (e.commit !== undefined) meta.commit = e.commit;
    if (e.run_url !== undefined) meta.run_url = e.run_url;
    this.sweeps.push(meta);
    let failures: Record<string, number> | null = null;
    for (const task in e.tasks) {
      const t = e.tasks[task]!;
      let col = this.tasks.get(task);
      if (!col) {
        col = { task, metric: t[0], up: t[1] === 1, outcome: t[3], at: [], share: [], v: {} };
        for (const v of VARIANTS) col.v[v] = { value: [], lo: [], hi: [], n: [], cat: [] };
        this.tasks.set(task, col);
      }
      col.metric = t[0];
      col.up = t[1] === 1;
      col.outcome = t[3];
      col.at.push(index);
      col.share.push(typeof t[2] === 'number' && Number.isFinite(t[2]) ? t[2] : Number.NaN);
      for (const v of VARIANTS) {
        const c = col.v[v]!;
        const brief = t[BRIEF_SLOT[v]];
        if (Array.isArray(brief)) {
          c.value.push(brief[0]);
          c.lo.push(brief[1]);
          c.hi.push(brief[2]);
          c.n.push(brief[3]);
          c.cat.push(null);
          continue;
        }
        c.value.push(Number.NaN);
        c.lo.push(Number.NaN);
        c.hi.push(Number.NaN);
        c.n.push(0);
        const failed = typeof brief === 'string' && brief !== 'missing' ? brief : null;
        c.cat.push(failed);
        if (failed) {
          failures ??= {};
          failures[failed] = (failures[failed] ?? 0) + 1;
          this.categories.add(failed);
        }
      }
    }
    this.failures.push(failures);
  }
}

interface Bucket {
  first: number;
  last: number;
}

function bucketsOf(count: number, maxPoints: number): { buckets: Bucket[]; size: number } {
  const size = Math.max(1, Math.ceil(count / maxPoints));
  const buckets: Bucket[] = [];
  for (let i = 0; i < count; i += size) buckets.push({ first: i, last: Math.min(count, i + size) - 1 });
  return { buckets, size };
}

interface Point {
  x: number;
  value: number;
  lo: number;
  hi: number;
  n: number;
}

interface FailureMark {
  x: number;
  categories: Record<string, number>;
}

interface TaskSeries {
  task: string;
  metric: string;
  up: boolean;
  variants: Record<string, Point[]>;
  share: Array<{ x: number; share: number }>;
  failures: Record<string, FailureMark[]>;
  outcome: string;
  sweeps: number;
}

/** A task's columns cut into buckets: per bucket the median of the medians and the widest band. */
function seriesOf(col: TaskColumn, size: number): TaskSeries {
  const series: TaskSeries = {
    task: col.task,
    metric: col.metric,
    up: col.up,
    variants: {},
    share: [],
    failures: {},
    outcome: col.outcome,
    sweeps: col.at.length,
  };
  for (const v of VARIANTS) {
    const c = col.v[v]!;
    const points: Point[] = [];
    const marks: FailureMark[] = [];
    let i = 0;
    while (i < col.at.length) {
      const x = Math.floor(col.at[i]! / size);
      const values: number[] = [];
      let lo = Infinity;
      let hi = -Infinity;
      let n = 0;
      let cats: Record<string, number> | null = null;
      for (; i < col.at.length && Math.floor(col.at[i]! / size) === x; i++) {
        const value = c.value[i]!;
        if (!Number.isNaN(value)) {
          values.push(value);
          if (c.lo[i]! < lo) lo = c.lo[i]!;
          if (c.hi[i]! > hi) hi = c.hi[i]!;
          n += c.n[i]!;
        } else if (c.cat[i]) {
          cats ??= {};
          cats[c.cat[i]!] = (cats[c.cat[i]!] ?? 0) + 1;
        }
      }
      if (values.length > 0) points.push({ x, value: medianOf(values), lo, hi, n });
      if (cats) marks.push({ x, categories: cats });
    }
    series.variants[v] = points;
    series.failures[v] = marks;
  }
  let i = 0;
  while (i < col.at.length) {
    const x = Math.floor(col.at[i]! / size);
    const shares: number[] = [];
    for (; i < col.at.length && Math.floor(col.at[i]! / size) === x; i++)
      if (!Number.isNaN(col.share[i]!)) shares.push(col.share[i]!);
    if (shares.length > 0) series.share.push({ x, share: medianOf(shares) });
  }
  return series;
}

const W = 560;
const LEFT = 64;
const RIGHT = 12;

function xScale(count: number): (x: number) => number {
  const plot = W - LEFT - RIGHT;
  return (x) => (count <= 1 ? LEFT + plot / 2 : LEFT + (x / (count - 1)) * plot);
}

function sweepRange(buckets: readonly Bucket[], entries: readonly SweepMeta[], x: number): string {
  const b = buckets[x]!;
  const first = entries[b.first]!;
  const last = entries[b.last]!;
  const name = (e: SweepMeta) => `${e.label ?? e.id.slice(0, 8)} (${e.added_at.slice(0, 10)})`;
  return b.first === b.last ? name(first) : `${b.last - b.first + 1} sweeps: ${name(first)} … ${name(last)}`;
}

function xAxis(
  buckets: readonly Bucket[],
  entries: readonly SweepMeta[],
  sx: (x: number) => number,
  y: number,
): string {
  if (buckets.length === 0) return '';
  const label = (x: number, anchor: string) => {
    const e = entries[buckets[x]!.first]!;
    return `<text x="${sx(x).toFixed(1)}" y="${y}" text-anchor="${anchor}" class="tick">${esc(e.label ?? e.added_at.slice(0, 10))}</text>`;
  };
  return buckets.length === 1 ? label(0, 'middle') : label(0, 'start') + label(buckets.length - 1, 'end');
}

function metricChart(s: TaskSeries, buckets: readonly Bucket[], entries: readonly SweepMeta[]): string {
  const H = 190;
  const top = 10;
  const bottom = H - 24;
  const all = VARIANTS.flatMap((v) => s.variants[v]!.flatMap((p) => [p.lo, p.hi, p.value]));
  if (all.length === 0)
    return `<div class="empty"${attr('data-chart', 'metric')}>no successful run of ${esc(s.task)} yet</div>`;
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (max === min) {
    max += Math.abs(max) * 0.05 || 1;
    min -= Math.abs(min) * 0.05 || 1;
  }
  const pad = (max - min) * 0.08;
  min -= pad;
  max += pad;
  const sx = xScale(buckets.length);
  const sy = (v: number) => bottom - ((v - min) / (max - min)) * (bottom - top);
  const dots = buckets.length <= 60;
  const layers = VARIANTS.map((v) => {
    const pts = s.variants[v]!;
    if (pts.length === 0) return '';
    const band =
      pts.length === 1
        ? `<rect x="${(sx(pts[0]!.x) - 4).toFixed(1)}" y="${sy(pts[0]!.hi).toFixed(1)}" width="8" height="${Math.max(1, sy(pts[0]!.lo) - sy(pts[0]!.hi)).toFixed(1)}" fill="${VARIANT_COLOR[v]}" fill-opacity="0.2"/>`
        : `<polygon points="${[...pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.hi).toFixed(1)}`), ...[...pts].reverse().map((p) => `${sx(p.x).toFixed(1)},${sy(p.lo).toFixed(1)}`)].join(' ')}" fill="${VARIANT_COLOR[v]}" fill-opacity="0.16" stroke="none"/>`;
    const line = `<polyline${attr('data-variant', v)}${attr('data-points', pts.length)}${attr('data-last-value', pts.at(-1)!.value)} points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ')}" fill="none" stroke="${VARIANT_COLOR[v]}" stroke-width="1.8"/>`;
    const circles = dots
      ? pts
          .map(
            (p) =>
              `<circle${attr('data-variant', v)}${attr('data-value', p.value)}${attr('data-lo', p.lo)}${attr('data-hi', p.hi)} cx="${sx(p.x).toFixed(1)}" cy="${sy(p.value).toFixed(1)}" r="2.6" fill="${VARIANT_COLOR[v]}"><title>${esc(`${v}: ${formatValue(p.value)} [${formatValue(p.lo)}, ${formatValue(p.hi)}] n=${p.n} · ${sweepRange(buckets, entries, p.x)}`)}</title></circle>`,
          )
          .join('')
      : '';
    return `<g${attr('data-layer', v)}>${band}${line}${circles}</g>`;
  }).join('');
  const yTicks = [max - pad, (max + min) / 2, min + pad]
    .map(
      (v) =>
        `<text x="${LEFT - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(formatValue(Number(v.toPrecision(4))))}</text><line x1="${LEFT}" x2="${W - RIGHT}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#f1f3f5"/>`,
    )
    .join('');
  return `<figure><figcaption>${esc(s.metric)} ${s.up ? '↑ higher is better' : '↓ lower is better'}</figcaption><svg${attr('data-chart', 'metric')}${attr('data-task', s.task)} viewBox="0 0 ${W} ${H}" width="100%" role="img"${attr('aria-label', `${s.task} ${s.metric} over sweeps`)}>
${yTicks}<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="#adb5bd"/>${layers}${xAxis(buckets, entries, sx, H - 6)}</svg></figure>`;
}

function shareChart(s: TaskSeries, buckets: readonly Bucket[], entries: readonly SweepMeta[]): string {
  const H = 190;
  const top = 10;
  const bottom = H - 24;
  if (s.share.length === 0)
    return `<figure><figcaption>Share of the human's gain the agent captured</figcaption><div class="empty"${attr('data-chart', 'share')}${attr('data-task', s.task)}>no sweep where the human clearly improved on the baseline</div></figure>`;
  const values = s.share.map((p) => p.share);
  const min = Math.min(0, ...values);
  const max = Math.max(1.2, ...values);
  const sx = xScale(buckets.length);
  const sy = (v: number) => bottom - ((v - min) / (max - min)) * (bottom - top);
  const dots = buckets.length <= 60;
  const ref = [0, 1]
    .map(
      (v) =>
        `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="${v === 1 ? '#1971c2' : '#adb5bd'}" stroke-dasharray="${v === 1 ? '4 3' : ''}"/><text x="${LEFT - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${v * 100}%</text>`,
    )
    .join('');
  const line = `<polyline data-series="share"${attr('data-points', s.share.length)}${attr('data-last-share', s.share.at(-1)!.share)} points="${s.share.map((p) => `${sx(p.x).toFixed(1)},${sy(p.share).toFixed(1)}`).join(' ')}" fill="none" stroke="#e8590c" stroke-width="1.8"/>`;
  const circles = dots
    ? s.share
        .map(
          (p) =>
            `<circle${attr('data-share', p.share)} cx="${sx(p.x).toFixed(1)}" cy="${sy(p.share).toFixed(1)}" r="2.6" fill="#e8590c"><title>${esc(`${Math.round(p.share * 100)}% · ${sweepRange(buckets, entries, p.x)}`)}</title></circle>`,
        )
        .join('')
    : '';
  return `<figure><figcaption>Share of the human's gain the agent captured (100% = all of it)</figcaption><svg${attr('data-chart', 'share')}${attr('data-task', s.task)} viewBox="0 0 ${W} ${H}" width="100%" role="img"${attr('aria-label', `${s.task} captured share over sweeps`)}>
${ref}${line}${circles}${xAxis(buckets, entries, sx, H - 6)}</svg></figure>`;
}

function failureStrip(
  s: TaskSeries,
  buckets: readonly Bucket[],
  entries: readonly SweepMeta[],
  colorOf: (c: string) => string,
): string {
  const marks = VARIANTS.flatMap((v) => s.failures[v]!.map((m) => ({ v, m })));
  if (marks.length === 0) return `<div class="strip-none"${attr('data-failures', 0)}>no failures</div>`;
  const rowH = 12;
  const H = VARIANTS.length * rowH + 4;
  const sx = xScale(buckets.length);
  const cell = Math.max(2, Math.min(10, (W - LEFT - RIGHT) / Math.max(1, buckets.length)));
  const rects = marks
    .map(({ v, m }) => {
      const [top] = Object.entries(m.categories).sort((a, b) => b[1] - a[1]);
      const row = VARIANTS.indexOf(v);
      const text = `${v}: ${Object.entries(m.categories)
        .map(([c, n]) => `${c}${n > 1 ? ` ×${n}` : ''}`)
        .join(', ')} · ${sweepRange(buckets, entries, m.x)}`;
      return `<rect${attr('data-variant', v)}${attr('data-category', top![0])} x="${(sx(m.x) - cell / 2).toFixed(1)}" y="${row * rowH + 2}" width="${cell.toFixed(1)}" height="${rowH - 3}" fill="${colorOf(top![0])}"><title>${esc(text)}</title></rect>`;
    })
    .join('');
  const labels = VARIANTS.map(
    (v, i) => `<text x="${LEFT - 6}" y="${i * rowH + 11}" text-anchor="end" class="tick">${v}</text>`,
  ).join('');
  return `<svg class="strip"${attr('data-chart', 'failures')}${attr('data-task', s.task)}${attr('data-failures', marks.length)} viewBox="0 0 ${W} ${H}" role="img" aria-label="failures over sweeps">${labels}${rects}</svg>`;
}

function failuresOverTime(
  cols: HistoryColumns,
  buckets: readonly Bucket[],
  colorOf: (c: string) => string,
  categories: string[],
): string {
  const entries = cols.sweeps;
  if (categories.length === 0)
    return '<p class="sub" data-chart="failures-over-time" data-failures="0">No failure in any sweep.</p>';
  const H = 150;
  const top = 10;
  const bottom = H - 24;
  const counts = buckets.map((b) => {
    const c: Record<string, number> = {};
    for (let i = b.first; i <= b.last; i++)
      for (const [k, n] of Object.entries(cols.failures[i] ?? {})) c[k] = (c[k] ?? 0) + n;
    // Per sweep, so that a bucket of many sweeps is on the same scale as one.
    const sweeps = b.last - b.first + 1;
    for (const k of Object.keys(c)) c[k] = c[k]! / sweeps;
    return c;
  });
  const max = Math.max(1, ...counts.map((c) => Object.values(c).reduce((s, n) => s + n, 0)));
  const wide = 1000;
  const plot = wide - LEFT - RIGHT;
  const barW = Math.min(36, Math.max(1, plot / buckets.length - (buckets.length <= 100 ? 2 : 0)));
  const sy = (v: number) => ((bottom - top) * v) / max;
  const bars = counts
    .map((c, x) => {
      let y = bottom;
      const x0 = LEFT + (x * plot) / buckets.length;
      return categories
        .filter((k) => c[k])
        .map((k) => {
          const h = sy(c[k]!);
          y -= h;
          return `<rect${attr('data-category', k)}${attr('data-sweep', x)}${attr('data-count', Number(c[k]!.toFixed(3)))} x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${colorOf(k)}"><title>${esc(`${k}: ${Number(c[k]!.toFixed(2))} · ${sweepRange(buckets, entries, x)}`)}</title></rect>`;
        })
        .join('');
    })
    .join('');
  const legend = categories
    .map((k) => `<span class="key"><i style="background:${colorOf(k)}"></i>${esc(k)}</span>`)
    .join(' ');
  const sx = (x: number) => LEFT + (x * plot) / buckets.length + barW / 2;
  return `<svg data-chart="failures-over-time"${attr('data-failures', categories.length)} viewBox="0 0 ${wide} ${H}" width="100%" role="img" aria-label="failure categories over sweeps">
<text x="${LEFT - 6}" y="${top + 8}" text-anchor="end" class="tick">${esc(formatValue(Number(max.toPrecision(3))))}</text><text x="${LEFT - 6}" y="${bottom}" text-anchor="end" class="tick">0</text>
<line x1="${LEFT}" x2="${wide - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#adb5bd"/>${bars}${xAxis(buckets, entries, sx, H - 6)}</svg><div class="legend">${legend} — failed variants per sweep, by category</div>`;
}

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#fff}
body{margin:0 auto;max-width:1240px;padding:20px 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #dee2e6;padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px}h3 code{font-size:14px}
.sub{color:#495057;font-size:13px;margin-bottom:12px}
section.task{border:1px solid #dee2e6;border-radius:6px;padding:10px 12px;margin:12px 0}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{margin:0}figcaption{font-weight:600;font-size:12.5px;margin-bottom:4px}
.tick{font-size:11px;fill:#495057}
.legend{font-size:11.5px;color:#495057;margin-top:4px}
.key{white-space:nowrap;margin-right:10px}.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.empty,.strip-none{color:#868e96;font-size:12px;padding:8px 0}
svg.strip{display:block;width:calc(50% - 9px);margin-top:4px}
.meta{color:#868e96;font-size:11.5px}
.pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:11px;white-space:nowrap;background:#868e96}
nav.toc{font-size:12px;line-height:1.8}nav.toc a{margin-right:8px;color:#1971c2;text-decoration:none}
`;

export function renderHistoryHtml(
  input: readonly IndexEntry[] | HistoryColumns,
  opts: HistoryHtmlOptions = {},
): string {
  let cols: HistoryColumns;
  if (input instanceof HistoryColumns) cols = input;
  else {
    cols = new HistoryColumns();
    for (const e of input) cols.add(e);
  }
  const entries = cols.sweeps;
  const title = opts.title ?? 'benchsweep: results over time';
  const maxPoints = Math.max(2, opts.maxPoints ?? 300);
  const { buckets, size } = bucketsOf(entries.length, maxPoints);
  const taskIds = [...cols.tasks.keys()].sort();
  const categories = [...cols.categories].sort();
  const colorOf = (c: string) => CATEGORY_PALETTE[categories.indexOf(c) % CATEGORY_PALETTE.length] ?? '#495057';
  const latest = entries.at(-1);
  const legend = VARIANTS.map(
    (v) => `<span class="key"><i style="background:${VARIANT_COLOR[v]}"></i>${v}</span>`,
  ).join(' ');
  const sections = taskIds
    .map((task) => {
      const s = seriesOf(cols.tasks.get(task)!, size);
      const outcome = s.outcome;
      return `<section class="task" id="task-${esc(task)}"${attr('data-task', task)}${attr('data-metric', s.metric)}${attr('data-sweeps', s.sweeps)}${attr('data-latest-outcome', outcome)}>
<h3><code>${esc(task)}</code> <span class="meta">${s.sweeps} sweep${s.sweeps === 1 ? '' : 's'}${outcome ? ` · latest: <span class="pill">${esc(outcome.replace(/_/g, ' '))}</span>` : ''}</span></h3>
<div class="charts">${metricChart(s, buckets, entries)}${shareChart(s, buckets, entries)}</div>
<div class="legend">${legend} — line: median per sweep; band: interval of the median</div>
${failureStrip(s, buckets, entries, colorOf)}
</section>`;
    })
    .join('\n');
  const bucketNote =
    buckets.length < entries.length
      ? ` Drawn in ${buckets.length} buckets of up to ${Math.ceil(entries.length / maxPoints)} consecutive sweeps.`
      : '';
  const summary = JSON.stringify({
    sweeps: entries.length,
    tasks: taskIds,
    latest: latest?.id ?? null,
    buckets: buckets.length,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body data-schema="benchsweep/history-dashboard@1"${attr('data-sweeps', entries.length)}${attr('data-tasks', taskIds.length)}>
<h1>${esc(title)}</h1>
<div class="sub">${entries.length} sweep${entries.length === 1 ? '' : 's'}, ${taskIds.length} task${taskIds.length === 1 ? '' : 's'}${
    latest
      ? ` · latest <code>${esc(latest.id)}</code> added ${esc(latest.added_at)}${latest.commit ? ` at <code>${esc(latest.commit.slice(0, 12))}</code>` : ''}${latest.run_url ? ` · <a${attr('href', latest.run_url)}>run</a>` : ''}`
      : ''
  }${opts.generatedAt ? ` · generated ${esc(opts.generatedAt)}` : ''}.${bucketNote}</div>
<nav class="toc">${taskIds.map((t) => `<a href="#task-${esc(t)}">${esc(t)}</a>`).join('')}</nav>
<section><h2>Failure categories over time</h2>${failuresOverTime(cols, buckets, colorOf, categories)}</section>
<section><h2>Tasks</h2>${sections}</section>
<script type="application/json" id="history-data">${summary}</script>
</body></html>
`;
}
