/**
 * History store at scale: BENCH_HISTORY_SWEEPS (default 10,000) sweeps × BENCH_HISTORY_TASKS (100)
 * tasks × 3 variants × 5 samples, written in the store's own format (sweep files + index.jsonl), then
 * the three commands as a user runs them: add one more report (≤ 1 s), add it again (a no-op),
 * check (≤ 2 s) and render (≤ 10 s). The store is built in a temp folder and removed afterwards.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { runHistoryAdd, runHistoryCheck, runHistoryRender } from '../src/commands/history.js';
import { indexEntryOf } from '../src/core/history/index-entry.js';
import { SWEEP_SCHEMA, type StoredSweep, type StoredTask } from '../src/core/history/sweep.js';
import { seededRandom } from '../src/core/compare/compare-stats.js';

const TARGETS = { add_ms: 1000, check_ms: 2000, render_ms: 10_000 };

function tasksFor(n: number, sweep: number, random: () => number): StoredTask[] {
  const tasks: StoredTask[] = [];
  for (let t = 0; t < n; t++) {
    const base = 1000 + ((t * 7919) % 5000);
    const latency = t % 5 === 4;
    const variants: StoredTask['variants'] = {};
    for (const [v, factor] of [
      ['baseline', 1],
      ['human', latency ? 0.93 : 1.06],
      ['agent', latency ? 0.96 : 1.03],
    ] as const) {
      if (v === 'agent' && (t + sweep) % 37 === 0) {
        variants[v] = { status: 'failed', value: null, samples: [], category: t % 2 ? 'OOM' : 'SERVER_CRASH' };
        continue;
      }
      const samples = Array.from({ length: 5 }, () =>
        Number((base * factor * (1 + (random() - 0.5) * 0.01)).toFixed(3)),
      );
      const sorted = [...samples].sort((a, b) => a - b);
      variants[v] = { status: 'success', value: sorted[2]!, samples };
    }
    tasks.push({
      task: (0x10000000 + t).toString(16),
      primary_metric: latency ? 'avg_latency' : 'output_throughput',
      higher_is_better: !latency,
      outcome: 'tie',
      captured_share: 0.5 + random() * 0.1,
      variants,
    });
  }
  return tasks;
}

export default async function bench(): Promise<Record<string, number | string>> {
  const sweeps = Number(process.env['BENCH_HISTORY_SWEEPS'] ?? 10_000);
  const taskCount = Number(process.env['BENCH_HISTORY_TASKS'] ?? 100);
  const dir = await mkdtemp(join(tmpdir(), 'bs-history-bench-'));
  const store = join(dir, 'store');
  try {
    const random = seededRandom(7);
    const g0 = performance.now();
    mkdirSync(join(store, 'sweeps'), { recursive: true });
    const indexFile = join(store, 'index.jsonl');
    let lines: string[] = [];
    for (let s = 0; s < sweeps; s++) {
      const tasks = tasksFor(taskCount, s, random);
      const generatedAt = new Date(Date.UTC(2000, 0, 1) + s * 86_400_000).toISOString();
      // A cheap stand-in for the content hash (the store only needs unique hex ids); `add` below hashes for real.
      const id = createHash('sha1').update(String(s)).digest('hex').slice(0, 20);
      const sweep: StoredSweep = {
        schema: SWEEP_SCHEMA,
        id,
        added_at: generatedAt,
        report_generated_at: generatedAt,
        source: {},
        tasks,
      };
      writeFileSync(join(store, 'sweeps', `${sweep.id}.json`), JSON.stringify(sweep, null, 1) + '\n');
      lines.push(JSON.stringify(indexEntryOf(sweep)));
      if (lines.length === 500) {
        appendFileSync(indexFile, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) appendFileSync(indexFile, lines.join('\n') + '\n');
    const generateS = (performance.now() - g0) / 1000;
    const indexMiB = (await stat(indexFile)).size / 2 ** 20;

    // The next nightly: a report JSON as `benchsweep report` writes it, with a regression in one task.
    const next = tasksFor(taskCount, sweeps, random);
    const regressed = next[3]!;
    for (const v of Object.values(regressed.variants))
      if (v.status === 'success') v.samples = v.samples.map((x) => x * (regressed.higher_is_better ? 0.8 : 1.25));
    for (const v of Object.values(regressed.variants))
      if (v.status === 'success') v.value = [...v.samples].sort((a, b) => a - b)[2]!;
    const reportFile = join(dir, 'report.json');
    await writeFile(
      reportFile,
      JSON.stringify({
        schema: 'benchsweep/report@1',
        generated_at: '2030-01-01T00:00:00Z',
        threshold: 0.02,
        tasks: next,
      }),
    );

    // Wall time, and CPU time of this process (user + system): on a busy shared machine the CPU time
    // is what the command costs, the wall time what this machine happened to give it.
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number, number]> => {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const value = await fn();
      const used = process.cpuUsage(cpu);
      return [value, Math.round(performance.now() - t0), Math.round((used.user + used.system) / 1000)];
    };
    const [added, addMs, addCpu] = await timed(() => runHistoryAdd({ store, report: reportFile, env: {} }));
    const [again, againMs, againCpu] = await timed(() => runHistoryAdd({ store, report: reportFile, env: {} }));
    const [check, checkMs, checkCpu] = await timed(() => runHistoryCheck({ store }));
    const [render, renderMs, renderCpu] = await timed(() => runHistoryRender({ store, out: join(dir, 'site') }));

    const result = {
      sweeps: sweeps + 1,
      tasks: taskCount,
      generate_store_s: Number(generateS.toFixed(1)),
      index_mib: Math.round(indexMiB),
      add_ms: addMs,
      add_cpu_ms: addCpu,
      add_again_noop_ms: againMs,
      add_again_cpu_ms: againCpu,
      check_ms: checkMs,
      check_cpu_ms: checkCpu,
      render_ms: renderMs,
      render_cpu_ms: renderCpu,
      load_average: os.loadavg()[0]!.toFixed(1),
      dashboard_kib: Math.round(render.value.bytes / 1024),
      regressed_tasks: check.outputs?.['regressed-tasks'] ?? '',
      added: `${added.value.added}/${again.value.added}`,
    };
    // Targets apply to the CPU time (see above); the wall time is reported beside it.
    const cpuOf = { add_ms: result.add_cpu_ms, check_ms: result.check_cpu_ms, render_ms: result.render_cpu_ms };
    const over = (Object.keys(TARGETS) as Array<keyof typeof TARGETS>).filter(
      (k) => sweeps >= 10_000 && cpuOf[k] > TARGETS[k],
    );
    if (over.length > 0)
      throw new Error(`over target (CPU time): ${over.map((k) => `${k} ${cpuOf[k]} > ${TARGETS[k]}`).join(', ')}`);
    // Besides the slowed task, only agents that newly failed (the synthetic OOM / SERVER_CRASH rotation) may be named.
    const unexpected = check.value.regressions.filter((r) => r.task !== regressed.task && r.metric !== 'status');
    if (
      !check.value.regressions.some((r) => r.task === regressed.task && r.metric !== 'status') ||
      unexpected.length > 0
    ) {
      throw new Error(
        `check named ${result.regressed_tasks || 'nothing'}, expected ${regressed.task} (and status changes only)`,
      );
    }
    return result;
  } finally {
    if (process.env['BENCH_HISTORY_KEEP']) process.stderr.write(`history bench store kept at ${store}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}
