/**
 * The history store on a real file system: idempotent adds, concurrent adds from real processes,
 * a crash mid-write, the tail reader, and two git clones that append at once (union merge).
 */
import { appendFile, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  addSweep,
  INDEX_FILE,
  readIndex,
  readIndexTail,
  readLatestSweeps,
  readSweep,
  SWEEPS_DIR,
} from '../../src/adapters/history-store.js';
import { sweepFromReport } from '../../src/core/history/sweep.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { ROOT } from '../helpers/cli.js';
import { nightlyReport } from './sweeps.js';

const tmp = useTempDir('bs-history-store-');

function sweepOf(seed: number) {
  return sweepFromReport({
    report: nightlyReport({ seed }),
    addedAt: `2026-11-30T0${seed % 10}:00:00Z`,
    label: `n${seed}`,
  });
}

async function indexLines(store: string): Promise<string[]> {
  return (await readFile(join(store, INDEX_FILE), 'utf8')).split('\n').filter((l) => l !== '');
}

/** The history command from source, as its own process (not through a shell). */
function historyProcess(args: string[]) {
  return execa(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'test/history/history-cli.ts'), 'history', ...args], {
    reject: false,
    cwd: ROOT,
    env: { PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
    timeout: 120_000,
  });
}

describe('history store', () => {
  it('adding the same sweep twice changes nothing', async () => {
    const store = join(tmp(), 'twice');
    const s = sweepOf(1);
    const first = await addSweep(store, s);
    const indexBefore = await readFile(join(store, INDEX_FILE), 'utf8');
    const second = await addSweep(store, { ...sweepOf(1), added_at: '2027-01-01T00:00:00Z' });
    expect(first).toMatchObject({ id: s.id, added: true });
    expect(second).toMatchObject({ id: s.id, added: false });
    expect(await readFile(join(store, INDEX_FILE), 'utf8')).toBe(indexBefore);
    expect((await readdir(join(store, SWEEPS_DIR))).filter((f) => !f.startsWith('.'))).toEqual([`${s.id}.json`]);
    // The stored file is plain JSON with the samples, readable without benchsweep.
    const raw = JSON.parse(await readFile(join(store, SWEEPS_DIR, `${s.id}.json`), 'utf8'));
    expect(raw.schema).toBe('benchsweep/sweep@1');
    expect(raw.added_at).toBe(s.added_at);
    expect(raw.tasks[0].variants.baseline.samples).toHaveLength(5);
    expect(await readFile(join(store, '.gitattributes'), 'utf8')).toContain('index.jsonl merge=union');
  });

  it('many adds at once in one process lose nothing', async () => {
    const store = join(tmp(), 'inprocess');
    const sweeps = Array.from({ length: 24 }, (_, i) => sweepOf(100 + i));
    await Promise.all([...sweeps, ...sweeps.slice(0, 6)].map((s) => addSweep(store, s)));
    const { entries, skipped } = await readIndex(store);
    expect(skipped).toBe(0);
    expect(entries.map((e) => e.id).sort()).toEqual(sweeps.map((s) => s.id).sort());
  });

  it(
    'two real processes adding at once lose nothing; two adding the same report store it once',
    { timeout: 180_000 },
    async () => {
      const store = join(tmp(), 'processes');
      const reports: string[] = [];
      for (const seed of [11, 12, 13]) {
        const file = join(tmp(), `report-${seed}.json`);
        await writeFile(file, JSON.stringify(nightlyReport({ seed })));
        reports.push(file);
      }
      const runs = await Promise.all([
        historyProcess(['add', '--store', store, '--report', reports[0]!, '--json']),
        historyProcess(['add', '--store', store, '--report', reports[1]!, '--json']),
        historyProcess(['add', '--store', store, '--report', reports[2]!, '--json']),
        historyProcess(['add', '--store', store, '--report', reports[2]!, '--json']),
      ]);
      for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
      const values = runs.map((r) => JSON.parse(r.stdout) as { id: string; added: boolean });
      expect(values[2]!.id).toBe(values[3]!.id);
      expect([values[2]!.added, values[3]!.added].filter(Boolean)).toHaveLength(1);
      const { entries } = await readIndex(store);
      expect(entries.map((e) => e.id).sort()).toEqual([...new Set(values.map((v) => v.id))].sort());
      expect((await readdir(join(store, SWEEPS_DIR))).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    },
  );

  it('skips a line cut by a crash, and the next add starts a fresh line', async () => {
    const store = join(tmp(), 'crash');
    await addSweep(store, sweepOf(21));
    await appendFile(join(store, INDEX_FILE), '{"id":"deadbeefdeadbeef","added_at":"2026-');
    expect((await readIndex(store)).skipped).toBe(1);
    await addSweep(store, sweepOf(22));
    const read = await readIndex(store);
    expect(read.skipped).toBe(1);
    expect(read.entries.map((e) => e.label)).toEqual(['n21', 'n22']);
  });

  it('heals a sweep file whose index line was never written', async () => {
    const store = join(tmp(), 'heal');
    const a = sweepOf(31);
    const b = sweepOf(32);
    await addSweep(store, a);
    await addSweep(store, b);
    // Drop b's index line, as if the process died between the two writes.
    const lines = await indexLines(store);
    await writeFile(join(store, INDEX_FILE), lines[0] + '\n');
    const again = await addSweep(store, b);
    expect(again.added).toBe(false);
    expect((await readIndex(store)).entries.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(await indexLines(store)).toHaveLength(2);
  });

  it('reads the latest sweeps from the end of the index, across chunk boundaries', async () => {
    const store = join(tmp(), 'tail');
    const sweeps = Array.from({ length: 12 }, (_, i) => sweepOf(40 + i));
    for (const s of sweeps) await addSweep(store, s);
    const all = (await readIndex(store)).entries.map((e) => e.id);
    expect(all).toEqual(sweeps.map((s) => s.id));
    for (const count of [1, 3, 8, 12, 50]) {
      for (const chunk of [97, 1024, 1 << 18]) {
        const tail = await readIndexTail(store, count, chunk);
        expect(
          tail.entries.map((e) => e.id),
          `${count} / ${chunk}`,
        ).toEqual(all.slice(-count));
      }
    }
    const latest = await readLatestSweeps(store, 3);
    expect(latest.sweeps.map((s) => s.id)).toEqual(all.slice(-3));
    expect(latest.sweeps[2]).toEqual(await readSweep(store, all[11]!));
  });

  it('a sweep file that is gone or damaged is an error naming it', async () => {
    const store = join(tmp(), 'damaged');
    const s = sweepOf(61);
    await addSweep(store, s);
    await writeFile(join(store, SWEEPS_DIR, `${s.id}.json`), '{"schema":"something else"}');
    await expect(readSweep(store, s.id)).rejects.toThrow(/not a benchsweep sweep/);
    await unlink(join(store, SWEEPS_DIR, `${s.id}.json`));
    await expect(readLatestSweeps(store, 2)).rejects.toThrow(new RegExp(`${s.id}\\.json: ENOENT`));
    await expect(readIndex(join(tmp(), 'nothing-here'))).rejects.toThrow(/not a history store/);
  });

  it(
    'two clones that each add a sweep merge on rebase without a conflict (index.jsonl merge=union)',
    { timeout: 120_000 },
    async () => {
      const base = join(tmp(), 'git');
      const git = (cwd: string, ...args: string[]) =>
        execa('git', args, {
          cwd,
          env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
        });
      await execa('git', ['init', '--bare', '-q', '-b', 'benchsweep-history', join(base, 'remote.git')], {
        reject: true,
      }).catch(async () => {
        await execa('git', ['init', '--bare', '-q', join(base, 'remote.git')]);
      });
      await execa('git', ['clone', '-q', join(base, 'remote.git'), join(base, 'seed')]);
      await git(join(base, 'seed'), 'checkout', '-q', '-b', 'benchsweep-history');
      await addSweep(join(base, 'seed', 'store'), sweepOf(71));
      await git(join(base, 'seed'), 'add', '-A');
      await git(join(base, 'seed'), 'commit', '-q', '-m', 'first sweep');
      await git(join(base, 'seed'), 'push', '-q', 'origin', 'benchsweep-history');
      for (const name of ['a', 'b'])
        await execa('git', ['clone', '-q', '-b', 'benchsweep-history', join(base, 'remote.git'), join(base, name)]);
      await addSweep(join(base, 'a', 'store'), sweepOf(72));
      await addSweep(join(base, 'b', 'store'), sweepOf(73));
      for (const name of ['a', 'b']) {
        await git(join(base, name), 'add', '-A');
        await git(join(base, name), 'commit', '-q', '-m', `sweep from ${name}`);
      }
      await git(join(base, 'a'), 'push', '-q', 'origin', 'benchsweep-history');
      const rejected = await git(join(base, 'b'), 'push', '-q', 'origin', 'benchsweep-history').catch(
        (e: { exitCode: number }) => e,
      );
      expect((rejected as { exitCode: number }).exitCode).not.toBe(0);
      await git(join(base, 'b'), 'pull', '-q', '--rebase', 'origin', 'benchsweep-history');
      await git(join(base, 'b'), 'push', '-q', 'origin', 'benchsweep-history');
      const ids = (await readIndex(join(base, 'b', 'store'))).entries.map((e) => e.label);
      expect(ids).toEqual(['n71', 'n72', 'n73']);
      expect((await readIndex(join(base, 'b', 'store'))).skipped).toBe(0);
    },
  );
});
