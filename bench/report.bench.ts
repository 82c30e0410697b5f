/**
 * Report speed on a full sweep: 96 tasks × 3 variants × R samples (BENCH_REPORT_SAMPLES, default
 * 10) with the default 2,000 bootstrap iterations per comparison, then markdown and HTML. The
 * report step runs after every sweep, so it must stay well under a second or two.
 */
import { buildReport } from '../src/core/report/report.js';
import { renderMarkdown } from '../src/core/report/report-markdown.js';
import { renderHtml } from '../src/core/report/report-html.js';
import { seededRandom } from '../src/core/compare/compare-stats.js';
import type { ResultRecord } from '../src/core/schemas.js';

export default async function bench(): Promise<Record<string, number | string>> {
  const samplesPerVariant = Number(process.env['BENCH_REPORT_SAMPLES'] ?? 10);
  const random = seededRandom(42);
  const records: ResultRecord[] = [];
  for (let t = 0; t < 96; t++) {
    const task = t.toString(16).padStart(8, '0');
    const base = 1000 + random() * 5000;
    for (const [variant, factor] of [
      ['baseline', 1],
      ['human', 1.03],
      ['agent', 0.98 + random() * 0.08],
    ] as const) {
      const samples = Array.from({ length: samplesPerVariant }, () => ({
        output_throughput: base * factor * (1 + (random() - 0.5) * 0.02),
      }));
      records.push({
        task,
        variant,
        attempt: 1,
        status: 'success',
        kind: 'serving',
        metrics: {},
        samples,
        caveats: [],
        gpus: 1 + (t % 4),
      } as ResultRecord);
    }
  }
  const t0 = performance.now();
  const report = buildReport(records);
  const t1 = performance.now();
  const md = renderMarkdown(report);
  const t2 = performance.now();
  const html = renderHtml(report);
  const t3 = performance.now();
  return {
    tasks: report.counts.tasks,
    samples_per_variant: samplesPerVariant,
    build_report_ms: Math.round(t1 - t0),
    markdown_ms: Math.round(t2 - t1),
    html_ms: Math.round(t3 - t2),
    markdown_kib: Math.round(md.length / 1024),
    html_kib: Math.round(html.length / 1024),
    outcomes: `agent ${report.counts.agent_wins} / human ${report.counts.human_wins} / tie ${report.counts.tie}`,
  };
}
