/**
 * The history store on disk: plain files, readable with `jq` and nothing else (DESIGN.md "History
 * store"), and safe to keep on a git branch.
 *
 *     STORE/sweeps/<id>.json   one sweep, written once (benchsweep/sweep@1); <id> = content hash
 *     STORE/index.jsonl        one line per sweep, in the order they were added (IndexEntry)
 *     STORE/.gitattributes     `index.jsonl merge=union`: two branches that each appended a line merge
 *
 * Adding claims the sweep file with link(2), which fails when the file exists: the same report added
 * twice (or by two jobs at once) is stored once. The index line is appended with O_APPEND in one
 * write, so two concurrent adds of different reports both land. Readers skip a line that does not
 * parse (a crash mid-write) and keep the first line of an id seen twice.
 *
 * Only what a command needs is read: check reads the tail of the index and K+1 sweep files; render
 * reads the index alone.
 */
import { appendFile, link, mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors.js';
import { dedupeEntries, indexEntryOf, type IndexEntry } from '../core/history/index-entry.js';
import { StoredSweep } from '../core/history/sweep.js';

export const INDEX_FILE = 'index.jsonl';
export const SWEEPS_DIR = 'sweeps';
const GITATTRIBUTES = `# benchsweep history store: index.jsonl is append-only, so concurrent appends merge line by line.\n${INDEX_FILE} merge=union\n`;

export interface AddResult {
  id: string;
  /** false: the store already held this sweep (nothing changed). */
  added: boolean;
  path: string;
}

function sweepPath(store: string, id: string): string {
  if (!/^[0-9a-f]{8,64}$/.test(id)) throw new UserError(`not a sweep id: ${id}`);
  return join(store, SWEEPS_DIR, `${id}.json`);
}

async function ensureStore(store: string): Promise<void> {
  await mkdir(join(store, SWEEPS_DIR), { recursive: true });
  await writeFile(join(store, '.gitattributes'), GITATTRIBUTES, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
}

/** Whether the index holds a line for `id`, searched from the end (a re-add is usually of a recent sweep). */
async function indexHas(store: string, id: string): Promise<boolean> {
  const handle = await open(join(store, INDEX_FILE), 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!handle) return false;
  const needle = Buffer.from(`{"id":${JSON.stringify(id)},`);
  try {
    const { size } = await handle.stat();
    const chunk = 1 << 20;
    let end = size;
    while (end > 0) {
      // Overlap by the needle's length so a match across two chunks is still found.
      const start = Math.max(0, end - chunk);
      const length = Math.min(size, end + needle.length) - start;
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, start);
      if (buf.includes(needle)) return true;
      end = start;
    }
    return false;
  } finally {
    await handle.close();
  }
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!handle) return true;
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

export async function addSweep(store: string, sweep: StoredSweep): Promise<AddResult> {
  await ensureStore(store);
  const path = sweepPath(store, sweep.id);
  const tmp = join(store, SWEEPS_DIR, `.${sweep.id}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(sweep, null, 1) + '\n');
  let claimed = true;
  try {
    await link(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    claimed = false;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  // An existing sweep file whose index line is missing (a crash between the two steps) is healed here.
  if (!claimed && (await indexHas(store, sweep.id))) return { id: sweep.id, added: false, path };
  // After a crash mid-line the file ends without a newline: start a fresh line so this one parses.
  const lead = (await endsWithNewline(join(store, INDEX_FILE))) ? '' : '\n';
  await appendFile(join(store, INDEX_FILE), lead + JSON.stringify(indexEntryOf(sweep)) + '\n', { flag: 'a' });
  return { id: sweep.id, added: claimed, path };
}

export interface IndexRead {
  entries: IndexEntry[];
  /** Lines that did not parse (1-based line numbers from the end when read as a tail). */
  skipped: number;
}

function parseLines(lines: readonly string[], dedupe = true): IndexRead {
  const entries: IndexEntry[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as IndexEntry;
      if (typeof e?.id === 'string' && e.tasks && typeof e.tasks === 'object') entries.push(e);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries: dedupe ? dedupeEntries(entries) : entries, skipped };
}

/**
 * Each line of the index in order, parsed, handed to `visit` (ids not yet deduplicated); read in
 * pieces, so the index may outgrow the largest string and only one piece is in memory at a time.
 * Returns how many lines did not parse.
 */
export async function forEachIndexEntry(store: string, visit: (entry: IndexEntry) => void): Promise<number> {
  const handle = await open(join(store, INDEX_FILE), 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT')
      throw new UserError(
        `${store}: not a history store (no ${INDEX_FILE}); add a sweep first (benchsweep history add)`,
      );
    throw e;
  });
  let skipped = 0;
  try {
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.alloc(1 << 23);
    let rest = '';
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      const text = rest + (bytesRead > 0 ? decoder.write(buf.subarray(0, bytesRead)) : decoder.end());
      const lines = text.split('\n');
      rest = bytesRead > 0 ? lines.pop()! : '';
      const read = parseLines(lines, false);
      for (const e of read.entries) visit(e);
      skipped += read.skipped;
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  return skipped;
}

/** Every sweep in the index, oldest first, each id once. */
export async function readIndex(store: string): Promise<IndexRead> {
  const entries: IndexEntry[] = [];
  const skipped = await forEachIndexEntry(store, (e) => entries.push(e));
  return { entries: dedupeEntries(entries), skipped };
}

/** The last `count` distinct sweeps of the index, oldest first, reading the file from its end. */
export async function readIndexTail(store: string, count: number, chunkBytes = 1 << 18): Promise<IndexRead> {
  const file = join(store, INDEX_FILE);
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT')
      throw new UserError(
        `${store}: not a history store (no ${INDEX_FILE}); add a sweep first (benchsweep history add)`,
      );
    throw e;
  });
  try {
    const { size } = await handle.stat();
    const chunk = chunkBytes;
    let position = size;
    let tail = Buffer.alloc(0);
    for (;;) {
      const length = Math.min(chunk, position);
      position -= length;
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, position);
      tail = Buffer.concat([buf, tail]);
      // Complete lines only: the first piece is partial unless the start of the file was reached.
      const text = tail.toString('utf8');
      const lines = text.split('\n');
      if (position > 0) lines.shift();
      const read = parseLines(lines);
      if (read.entries.length >= count || position === 0) {
        return { entries: read.entries.slice(-count), skipped: read.skipped };
      }
    }
  } finally {
    await handle.close();
  }
}

export async function readSweep(store: string, id: string): Promise<StoredSweep> {
  const path = sweepPath(store, id);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = StoredSweep.safeParse(raw);
  if (!parsed.success)
    throw new UserError(`${path}: not a benchsweep sweep: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The last `count` sweeps with their samples, oldest first. */
export async function readLatestSweeps(
  store: string,
  count: number,
): Promise<{ sweeps: StoredSweep[]; skipped: number }> {
  const tail = await readIndexTail(store, count);
  const sweeps = await Promise.all(tail.entries.map((e) => readSweep(store, e.id)));
  return { sweeps, skipped: tail.skipped };
}
