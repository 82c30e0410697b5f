/**
 * The dashboard as text: what it draws for each task, how a long history is bucketed, and that
 * nothing it embeds can run or fetch.
 */
import { describe, expect, it } from 'vitest';
import { renderHistoryHtml } from '../../src/core/history/render.js';
import { indexEntryOf, type IndexEntry } from '../../src/core/history/index-entry.js';
import { sweepFromReport } from '../../src/core/history/sweep.js';
import { nightlyReport, TASKS } from './sweeps.js';

function attrs(html: string, tag: string, attr: string): Array<Record<string, string>> {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*\\b${attr}="[^"]*"[^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

function entries(count: number, change?: (i: number) => number): IndexEntry[] {
  return Array.from({ length: count }, (_, i) =>
    indexEntryOf(
      sweepFromReport({
        report: nightlyReport({
          seed: i + 1,
          ...(change ? { change: { task: TASKS.serving, variant: 'agent', factor: change(i) } } : {}),
        }),
        addedAt: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString(),
        label: `n${i + 1}`,
      }),
    ),
  );
}

describe('history dashboard', () => {
  it('draws every variant of every task at each sweep, with its band', () => {
    const e = entries(5, (i) => 1 - i * 0.02);
    const html = renderHistoryHtml(e, { generatedAt: '2026-02-01T00:00:00Z' });
    const sections = attrs(html, 'section', 'data-task');
    expect(sections.map((s) => s['data-task'])).toEqual(Object.values(TASKS).sort());
    const serving = html.slice(html.indexOf(`<section class="task" id="task-${TASKS.serving}"`));
    const agentDots = attrs(serving.slice(0, serving.indexOf('</section>')), 'circle', 'data-variant').filter(
      (c) => c['data-variant'] === 'agent',
    );
    expect(agentDots.map((d) => Number(d['data-value']))).toEqual(
      e.map((x) => (x.tasks[TASKS.serving]![6] as number[])[0]),
    );
    for (const d of agentDots) expect(Number(d['data-lo'])).toBeLessThanOrEqual(Number(d['data-value']));
    // The agent's decline shows in the captured share too.
    const share = attrs(serving, 'polyline', 'data-series')[0]!;
    expect(Number(share['data-last-share'])).toBeCloseTo(e.at(-1)!.tasks[TASKS.serving]![2]!, 9);
    expect(html).toContain('<polygon');
  });

  it('buckets a long history to at most maxPoints per chart', () => {
    const e = entries(250);
    const html = renderHistoryHtml(e, { maxPoints: 100 });
    const lines = attrs(html, 'polyline', 'data-variant');
    expect(lines.length).toBe(4 * 3 - 1);
    for (const l of lines) expect(Number(l['data-points'])).toBeLessThanOrEqual(100);
    expect(Number(lines[0]!['data-points'])).toBe(84);
    expect(html).toContain('Drawn in 84 buckets of up to 3 consecutive sweeps');
    // No per-point circles in a long history: the page stays small.
    expect(attrs(html, 'circle', 'data-variant')).toEqual([]);
    const bars = attrs(html, 'rect', 'data-sweep');
    expect(bars).toHaveLength(84);
    expect(bars.every((b) => b['data-category'] === 'OOM' && Number(b['data-count']) === 1)).toBe(true);
  });

  it('escapes what it embeds and loads nothing', () => {
    const e = entries(2);
    const hostile: IndexEntry = {
      ...e[1]!,
      id: 'ffff0000ffff0000',
      label: '<script>alert(1)</script>',
      run_url: 'javascript:alert(1)"><img src=x>',
      tasks: { '<img src=x onerror=alert(1)>': e[1]!.tasks[TASKS.oom]! },
    };
    const html = renderHistoryHtml([e[0]!, hostile]);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<(script|img|link|iframe)\b[^>]*\b(src|href)=/);
  });

  it('says so when a task never succeeded', () => {
    const e = entries(2);
    const failed: IndexEntry[] = e.map((x) => ({
      ...x,
      tasks: {
        deadbeef: ['output_throughput', 1, null, 'not_evaluable', 'BUILD_FAILED', 'BUILD_FAILED', 'BUILD_FAILED'],
      },
    }));
    const html = renderHistoryHtml(failed);
    expect(html).toContain('no successful run of deadbeef yet');
    expect(attrs(html, 'svg', 'data-failures').find((s) => s['data-chart'] === 'failures')!['data-failures']).toBe('6');
  });
});
