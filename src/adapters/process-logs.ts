/**
 * Log files that child processes write into, through us: each output stream is redacted as it
 * arrives and written at once, so the file on disk never holds a secret, whenever the child, the
 * runner or the machine is killed. The end of a piece that could be the start of a secret is held
 * back until the next piece (core/redact.ts createStreamRedactor); nothing else is buffered.
 *
 * Bytes are kept as they are: the text is handled as latin1 (one character per byte) and the
 * secrets as the latin1 form of their UTF-8 bytes, so a log with invalid UTF-8 is not altered
 * anywhere but where a secret was.
 *
 * A log is opened for writing, never appending: a new attempt (or a rerun into the same results
 * folder) never mixes its output with an old one's.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { createStreamRedactor, redact } from '../core/redact.js';

export interface RedactingLog {
  readonly path: string;
  /** Feeds a child's output stream (stdout or stderr) into the file. */
  attach(stream: Readable | null | undefined): void;
  /** Writes text of our own (a start failure), redacted. */
  note(text: string): void;
  /** Resolves once every attached stream has ended, or after `maxMs`; true when they all ended. */
  drained(maxMs?: number): Promise<boolean>;
  /** Writes what was held back and closes the file; later output is dropped. Idempotent. */
  close(): void;
}

const asLatin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

export async function openRedactingLog(path: string, secrets: readonly string[]): Promise<RedactingLog> {
  await mkdir(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const byteSecrets = secrets.map(asLatin1);
  let closed = false;
  const open = new Set<{ flush: () => void; ended: Promise<void> }>();
  const write = (text: string) => {
    if (!closed && text) writeSync(fd, Buffer.from(text, 'latin1'));
  };
  return {
    path,
    attach(stream) {
      if (!stream) return;
      const redactor = createStreamRedactor(byteSecrets);
      let flushed = false;
      const flush = () => {
        if (flushed) return;
        flushed = true;
        write(redactor.end());
      };
      let entry!: { flush: () => void; ended: Promise<void> };
      const ended = new Promise<void>((resolve) => {
        const done = () => {
          flush();
          open.delete(entry);
          resolve();
        };
        stream.once('end', done);
        stream.once('close', done);
        stream.once('error', done);
      });
      entry = { flush, ended };
      open.add(entry);
      stream.on('data', (chunk: Buffer | string) => {
        if (flushed) return;
        write(redactor.push(typeof chunk === 'string' ? asLatin1(chunk) : chunk.toString('latin1')));
      });
    },
    note(text) {
      write(redact(asLatin1(text), byteSecrets));
    },
    async drained(maxMs = 2000) {
      const all = Promise.all([...open].map((e) => e.ended)).then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), maxMs)));
      try {
        return await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      if (closed) return;
      for (const e of [...open]) e.flush();
      open.clear();
      closed = true;
      closeSync(fd);
    },
  };
}

export async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}
