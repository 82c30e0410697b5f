/**
 * Reading logs from disk without holding them: a file is fed to a consumer in chunks (UTF-8 decoded
 * across chunk boundaries), so a 1 GB log costs a few MB of memory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors.js';
import { createMetricsScanner, type ParseResult, type ScannerOptions } from '../core/metrics/parse.js';
import { createLogClassifier, type Classification, type ClassifyContext } from '../core/failures/classify.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** A missing or unreadable log is a usage error that names the file. */
async function assertReadableFile(path: string): Promise<number> {
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
export async function streamFile(
  path: string,
  onChunk: (text: string) => void,
  chunkBytes = CHUNK_BYTES,
): Promise<number> {
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
export async function streamFileBytes(
  path: string,
  onChunk: (bytes: Buffer) => void,
  chunkBytes = CHUNK_BYTES,
): Promise<number> {
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

/**
 * The failure class of a log on disk, streamed whole through the classifier (no head/tail window:
 * a cause in the middle of a 1 GB log is found; memory stays flat).
 */
export async function classifyFile(
  path: string,
  context: ClassifyContext = {},
): Promise<Classification & { bytes: number }> {
  const classifier = createLogClassifier(context);
  const bytes = await streamFileBytes(path, (b) => classifier.pushBytes(b));
  return { ...classifier.end(), bytes };
}
