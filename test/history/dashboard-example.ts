/**
 * Regenerates docs/history-dashboard.png: 30 nightly sweeps of the test tasks (the agent of 8aa1485f
 * regresses from night 24, the human of b10e0e15 improves from night 12, two nights of SERVER_CRASH),
 * added through the store, rendered, and shot in headless Chromium.
 *
 *     node_modules/.bin/tsx test/history/dashboard-example.ts [out.png]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { addSweep, readIndex } from '../../src/adapters/history-store.js';
import { writeFileAtomic } from '../../src/adapters/files.js';
import { buildReport } from '../../src/core/report/report.js';
import { sweepFromReport } from '../../src/core/history/sweep.js';
import { renderHistoryHtml } from '../../src/core/history/render.js';
import { nightlyRecords, TASKS } from './sweeps.js';

const out = resolve(process.argv[2] ?? 'docs/history-dashboard.png');
const dir = await mkdtemp(join(tmpdir(), 'bs-history-example-'));
try {
  const store = join(dir, 'store');
  for (let night = 1; night <= 30; night++) {
    const records = nightlyRecords({ seed: night });
    for (const r of records) {
      if (r.task === TASKS.throughput && r.variant === 'agent' && night >= 24)
        r.samples = r.samples.map((s) => ({ tokens_per_second: s['tokens_per_second']! * 0.85 }));
      if (r.task === TASKS.latency && r.variant === 'human' && night >= 12)
        r.samples = r.samples.map((s) => ({ avg_latency: s['avg_latency']! * 0.95 }));
      if (r.task === TASKS.serving && r.variant === 'agent' && (night === 8 || night === 19))
        Object.assign(r, { status: 'failed', category: 'SERVER_CRASH', samples: [] });
    }
    const date = new Date(Date.UTC(2026, 9, 31 + night, 2, 17)).toISOString();
    const report = buildReport(records, { generatedAt: date });
    await addSweep(
      store,
      sweepFromReport({
        report,
        addedAt: date,
        label: `nightly ${date.slice(5, 10)}`,
        source: { commit: '15efebe0c0ffee' },
      }),
    );
  }
  const html = renderHistoryHtml((await readIndex(store)).entries, { generatedAt: '2026-11-30T03:00:00Z' });
  const page = join(dir, 'index.html');
  await writeFileAtomic(page, html);
  await execa('/usr/bin/chromium', [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--window-size=1240,1500',
    `--screenshot=${out}`,
    `file://${page}`,
  ]);
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
