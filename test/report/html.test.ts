/**
 * The HTML report opened in headless Chromium (Debian's chromium): the DOM it builds carries the
 * numbers of the report (counts, values, ratios, failures), and nothing is fetched from a network.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report/report.js';
import { renderHtml } from '../../src/core/report/report-html.js';
import { realisticRecords } from '../fixtures/report/realistic.js';

const CHROMIUM = '/usr/bin/chromium';

async function dumpDom(file: string): Promise<string> {
  const r = await execa(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], {
    timeout: 60_000,
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`chromium exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** Attributes of every element matching tag + attribute, read from the DOM Chromium serialised. */
function elements(dom: string, tag: string, attr: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of dom.matchAll(new RegExp(`<${tag}\\b([^>]*\\b${attr}="[^"]*"[^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w-]+)="([^"]*)"/g))
      attrs[a[1]!] = a[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
    out.push(attrs);
  }
  return out;
}

describe('HTML report in headless Chromium', () => {
  const report = buildReport(realisticRecords(), { generatedAt: '2026-11-28T20:30:00Z' });

  it('reads the numbers back from the DOM', { timeout: 120_000 }, async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium at /usr/bin/chromium').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'bs-html-'));
    const file = join(dir, 'report.html');
    const html = renderHtml(report);
    expect(html).not.toMatch(/(src|href)="https?:/);
    await writeFile(file, html);
    const dom = await dumpDom(file);

    // Counts.
    const counts = Object.fromEntries(elements(dom, 'div', 'data-count').map((a) => [a['data-count'], a]));
    for (const key of [
      'tasks',
      'evaluable',
      'agent_wins',
      'human_wins',
      'tie',
      'agent_failed',
      'not_evaluable',
    ] as const) {
      expect(counts[key], key).toBeDefined();
      const shown = dom.match(new RegExp(`data-count="${key}">(\\d+)<`))![1];
      expect(Number(shown), key).toBe(report.counts[key]);
    }

    // One row per task, with outcome, values and ratios.
    const rows = elements(dom, 'tr', 'data-task');
    expect(rows.map((r) => r['data-task'])).toEqual(report.tasks.map((t) => t.task));
    const cells = elements(dom, 'td', 'data-comparison');
    const values = elements(dom, 'td', 'data-variant');
    expect(cells).toHaveLength(report.tasks.length * 3);
    expect(values).toHaveLength(report.tasks.length * 3);
    report.tasks.forEach((t, i) => {
      expect(rows[i]!['data-outcome']).toBe(t.outcome);
      (['human_vs_baseline', 'agent_vs_baseline', 'agent_vs_human'] as const).forEach((key, k) => {
        const cell = cells[i * 3 + k]!;
        expect(cell['data-comparison']).toBe(key);
        const ratio = t[key].ratio;
        if (ratio === null) expect(cell['data-ratio']).toBe('');
        else expect(Number(cell['data-ratio'])).toBe(ratio);
        expect(cell['data-significant']).toBe(String(t[key].significant));
      });
      (['baseline', 'human', 'agent'] as const).forEach((v, k) => {
        const cell = values[i * 3 + k]!;
        expect(cell['data-status']).toBe(t.variants[v].status);
        expect(cell['data-value']).toBe(t.variants[v].value === null ? '' : String(t.variants[v].value));
      });
    });
    const seedRow = values
      .filter((v) => rows[Math.floor(values.indexOf(v) / 3)]!['data-task'] === '67da5720')
      .map((v) => Number(v['data-value']));
    expect(seedRow).toEqual([2377.09, 2415.81, 2375.44]);

    // Failures and GPU sizes.
    const failures = elements(dom, 'tr', 'data-category');
    expect(failures.map((f) => [f['data-category'], Number(f['data-count'])])).toEqual(
      report.failures.map((f) => [f.category, f.count]),
    );
    const gpus = elements(dom, 'tr', 'data-gpus').filter((g) => g['data-tasks'] !== undefined);
    expect(gpus.map((g) => [g['data-gpus'], Number(g['data-tasks'])])).toEqual(
      report.gpus.map((g) => [String(g.gpus), g.tasks]),
    );

    // The chart bars carry the same changes.
    const bars = elements(dom, 'g', 'data-chart').filter((g) => g['data-chart'] === 'agent_vs_human');
    expect(bars.map((b) => b['data-task'])).toEqual(
      report.tasks.filter((t) => t.agent_vs_human.ratio !== null).map((t) => t.task),
    );
    for (const b of bars) {
      const t = report.tasks.find((x) => x.task === b['data-task'])!;
      expect(Number(b['data-change-pct'])).toBeCloseTo((t.agent_vs_human.ratio! - 1) * 100, 3);
    }

    // The embedded JSON is the report.
    const embedded = dom.match(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/)![1]!;
    expect(JSON.parse(embedded).counts).toEqual(report.counts);
  });

  it('escapes what it embeds', () => {
    const hostile = buildReport([
      {
        task: '<img src=x onerror=alert(1)>',
        variant: 'human',
        attempt: 1,
        status: 'failed',
        category: 'SERVER_CRASH',
        metrics: {},
        samples: [],
        caveats: ['</script><script>alert(1)</script>'],
        evidence: '<b>boom</b>',
      },
    ]);
    const html = renderHtml(hostile);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
