/**
 * The "done": through the bundled CLI (dist/cli.js; `npm run build` first), two nightly
 * sweeps are added, check is quiet; a third with a real regression in one task makes check exit 1
 * naming that task and only it; the dashboard opens in headless Chromium with every task charted.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { nightlyReport, TASKS } from './sweeps.js';
import type { HistoryCheck } from '../../src/core/history/check.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = useTempDir('bs-history-e2e-');

async function chromium(args: string[]): Promise<string> {
  const r = await execa(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', ...args], {
    timeout: 90_000,
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`chromium exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

function elements(dom: string, tag: string, attr: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of dom.matchAll(new RegExp(`<${tag}\\b([^>]*\\b${attr}="[^"]*"[^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    out.push(attrs);
  }
  return out;
}

describe('history through dist/cli.js', () => {
  it(
    'adds, checks (quiet, then a regression in one task), renders a dashboard Chromium draws',
    { timeout: 300_000 },
    async () => {
      expect(existsSync(join(ROOT, 'dist/cli.js')), 'dist/cli.js: run npm run build').toBe(true);
      const store = join(tmp(), 'store');
      const report = async (name: string, knobs: Parameters<typeof nightlyReport>[0]) => {
        const file = join(tmp(), `${name}.json`);
        await writeFile(file, JSON.stringify(nightlyReport(knobs), null, 2));
        return file;
      };
      const cli = (...args: string[]) =>
        runCli(['history', ...args], {
          bundle: true,
          env: { GITHUB_RUN_ID: '1234', GITHUB_REPOSITORY: 'o/benchsweep', RUNNER_NAME: 'gpu-runner-3' },
        });

      for (const [i, seed] of [1, 2].entries()) {
        const r = await cli(
          'add',
          '--store',
          store,
          '--report',
          await report(`night-${i + 1}`, { seed }),
          '--label',
          `night-${i + 1}`,
          '--json',
        );
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ added: true, tasks: 4 });
      }
      // The same report again: nothing changes.
      const again = await cli('add', '--store', store, '--report', join(tmp(), 'night-2.json'));
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already in .*: nothing changed/);

      const quiet = await cli('check', '--store', store);
      expect(quiet.exitCode, quiet.stderr).toBe(0);
      expect(quiet.stdout).toBe('');
      expect(quiet.stderr).toBe('');

      const regressed = await report('night-3', {
        seed: 3,
        change: { task: TASKS.throughput, variant: 'agent', factor: 0.85 },
      });
      expect((await cli('add', '--store', store, '--report', regressed, '--label', 'night-3')).exitCode).toBe(0);
      const check = await cli('check', '--store', store);
      expect(check.exitCode).toBe(1);
      expect(check.stdout).toContain(TASKS.throughput);
      for (const other of [TASKS.serving, TASKS.latency, TASKS.oom]) expect(check.stdout).not.toContain(other);

      const mdFile = join(tmp(), 'issue.md');
      const json = await cli('check', '--store', store, '--json', '--threshold', '5', '--markdown', mdFile);
      expect(json.exitCode).toBe(1);
      const doc = JSON.parse(json.stdout) as HistoryCheck;
      expect(doc.regressions.length).toBeGreaterThan(0);
      expect(new Set(doc.regressions.map((r) => r.task))).toEqual(new Set([TASKS.throughput]));
      for (const r of doc.regressions) {
        expect(Object.keys(r)).toEqual(
          expect.arrayContaining(['task', 'variant', 'metric', 'ratio', 'ci', 'significant']),
        );
        expect(r).toMatchObject({ variant: 'agent', metric: 'tokens_per_second', significant: true });
      }
      expect(doc.improvements).toEqual([]);
      expect(await readFile(mdFile, 'utf8')).toContain('regression in `8aa1485f`');

      // A PR's sweep of one task, against the nightlies, without adding it.
      const indexBefore = await readFile(join(store, 'index.jsonl'), 'utf8');
      const pr = await report('pr', {
        seed: 9,
        only: [TASKS.serving],
        change: { task: TASKS.serving, variant: 'agent', factor: 0.8 },
      });
      const prCheck = await cli('check', '--store', store, '--report', pr, '--json');
      expect(prCheck.exitCode).toBe(1);
      expect(
        new Set((JSON.parse(prCheck.stdout) as HistoryCheck).regressions.map((r) => `${r.task}/${r.variant}`)),
      ).toEqual(new Set([`${TASKS.serving}/agent`]));
      expect(await readFile(join(store, 'index.jsonl'), 'utf8')).toBe(indexBefore);

      // The stored sweep carries where it ran.
      const sweepFile = join(store, 'sweeps', `${doc.latest}.json`);
      const stored = JSON.parse(await readFile(sweepFile, 'utf8'));
      expect(stored.source).toMatchObject({
        run_id: '1234',
        run_url: 'https://github.com/o/benchsweep/actions/runs/1234',
        runner: { name: 'gpu-runner-3' },
      });

      const site = join(tmp(), 'site');
      const render = await cli('render', '--store', store, '--out', site, '--json');
      expect(render.exitCode, render.stderr).toBe(0);
      expect(JSON.parse(render.stdout)).toMatchObject({ sweeps: 3, tasks: 4 });
      const html = await readFile(join(site, 'index.html'), 'utf8');
      expect(html).not.toMatch(/<(script|img|link|iframe)\b[^>]*\b(src|href)=/);

      expect(existsSync(CHROMIUM), 'Debian chromium at /usr/bin/chromium').toBe(true);
      const dom = await chromium(['--dump-dom', `file://${join(site, 'index.html')}`]);
      const sections = elements(dom, 'section', 'data-task');
      expect(sections.map((s) => s['data-task'])).toEqual(Object.values(TASKS).sort());
      for (const s of sections) expect(s['data-sweeps']).toBe('3');
      const charts = elements(dom, 'svg', 'data-chart').filter((c) => c['data-chart'] === 'metric');
      expect(charts.map((c) => c['data-task'])).toEqual(Object.values(TASKS).sort());
      const lines = elements(dom, 'polyline', 'data-variant');
      // Three variants per task, except the agent of the OOM task, which never ran.
      expect(lines).toHaveLength(4 * 3 - 1);
      for (const l of lines) expect(l['data-points']).toBe('3');
      const failureBars = elements(dom, 'rect', 'data-category').filter((r) => r['data-sweep'] !== undefined);
      expect(failureBars.map((r) => r['data-category'])).toEqual(['OOM', 'OOM', 'OOM']);
      const shares = elements(dom, 'polyline', 'data-series');
      expect(shares.length).toBeGreaterThanOrEqual(3);

      const png = join(tmp(), 'dashboard.png');
      await chromium([
        '--hide-scrollbars',
        '--window-size=1280,1400',
        `--screenshot=${png}`,
        `file://${join(site, 'index.html')}`,
      ]);
      const bytes = await readFile(png);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(20_000);
    },
  );
});
