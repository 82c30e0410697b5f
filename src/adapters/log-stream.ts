/**
 * Reading logs from disk without holding them: a file is fed to a consumer in chunks (UTF-8 decoded
 * across chunk boundaries), so a 1 GB log costs a few MB of memory.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../cli-output.js';
import { createMetricsScanner, type ParseResult, type ScannerOptions } from '../core/metrics/parse.js';
import { countNewlines } from '../core/metrics/scanner.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** A missing or unreadable log is a usage error that names the file. */
export async function assertReadableFile(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UserError(`not a file: ${path}`);
    return info.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Calls `onChunk` with consecutive decoded pieces of the file. */
export async function streamFile(path: string, onChunk: (text: string) => void, chunkBytes = CHUNK_BYTES): Promise<number> {
  await assertReadableFile(path);
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    bytes += buf.length;
    const text = decoder.write(buf);
    if (text) onChunk(text);
  }
  const rest = decoder.end();
  if (rest) onChunk(rest);
  return bytes;
}

/** Calls `onChunk` with consecutive raw pieces of the file. */
export async function streamFileBytes(path: string, onChunk: (bytes: Buffer) => void, chunkBytes = CHUNK_BYTES): Promise<number> {
  await assertReadableFile(path);
  let bytes = 0;
  for await (const buf of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    bytes += buf.length;
    onChunk(buf);
  }
  return bytes;
}

/** Metrics of a log or JSON result file on disk, streamed through the scanner. */
export async function parseFile(path: string, opts: ScannerOptions = {}): Promise<ParseResult & { bytes: number }> {
  const scanner = createMetricsScanner(opts);
  const bytes = await streamFileBytes(path, (b) => scanner.pushBytes(b));
  return { ...scanner.end(), bytes };
}

export interface LogExcerpt {
  /** The text handed to the classifier: the whole log, or its head and tail. */
  text: string;
  /** Number of the first line of the tail part (1 when the whole log was read). */
  tailFirstLine: number;
  /** Lines of the head part (the whole text when not cut). */
  headLines: number;
  cut: boolean;
}

const WHOLE_LIMIT = 128 * 1024 * 1024;
const HEAD_BYTES = 2 * 1024 * 1024;
const TAIL_BYTES = 64 * 1024 * 1024;

/**
 * A log for classification: whole when it is small; otherwise its head (where the engine version
 * is printed) and its tail (where the decisive error is), with the lines in between counted so that
 * line numbers stay true.
 */
export async function readLogForClassify(
  path: string,
  limits: { whole: number; head: number; tail: number } = { whole: WHOLE_LIMIT, head: HEAD_BYTES, tail: TAIL_BYTES },
): Promise<LogExcerpt> {
  const { whole: WHOLE, head: HEAD, tail: TAIL } = limits;
  const size = await assertReadableFile(path);
  const fh = await open(path, 'r');
  try {
    if (size <= WHOLE || size <= HEAD + TAIL) {
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, 0);
      return { text: buf.toString('utf8'), tailFirstLine: 1, headLines: 0, cut: false };
    }
    const head = Buffer.alloc(HEAD);
    await fh.read(head, 0, HEAD, 0);
    const headEnd = head.lastIndexOf(0x0a) + 1;
    const tailStart = size - TAIL;
    const tail = Buffer.alloc(TAIL);
    await fh.read(tail, 0, TAIL, tailStart);
    const tailFrom = tail.indexOf(0x0a) + 1;
    // Count the newlines between the end of the head and the start of the tail.
    let newlines = count(head.subarray(0, headEnd));
    const middle = Buffer.alloc(CHUNK_BYTES);
    for (let pos = headEnd; pos < tailStart + tailFrom; ) {
      const want = Math.min(CHUNK_BYTES, tailStart + tailFrom - pos);
      const { bytesRead } = await fh.read(middle, 0, want, pos);
      if (bytesRead === 0) break;
      newlines += count(middle.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const headText = head.subarray(0, headEnd).toString('utf8');
    return {
      text: headText + tail.subarray(tailFrom).toString('utf8'),
      tailFirstLine: newlines + 1,
      headLines: count(head.subarray(0, headEnd)),
      cut: true,
    };
  } finally {
    await fh.close();
  }
}

function count(buf: Buffer): number {
  return countNewlines(buf, 0, buf.length);
}
