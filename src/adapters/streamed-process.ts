/**
 * A long process (a 40-minute `docker build`) run so that it is never silent: every output line is
 * appended to its log file as it arrives and echoed to the job log, and a heartbeat with the elapsed
 * time is printed at least every `heartbeatS` seconds, whatever the process prints. The whole output
 * is also returned (`all`), as execa returns it, for classification.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa, type Options } from 'execa';
import { HEARTBEAT_INTERVAL_S, heartbeatText } from '../core/progress.js';

export interface StreamedOptions {
  /** What runs, for the heartbeat line (`build demo:abc123`). */
  what: string;
  /** Output lines are appended here as they arrive. */
  logFile?: string;
  /** The job log: each output line (prefixed) and the heartbeats. */
  log?: (line: string) => void;
  /** Echo each output line to `log` (default true). */
  echo?: boolean;
  heartbeatS?: number;
  /** Passed to execa (timeout, env, cwd, killSignal ...); `all` and `reject: false` are always set. */
  execa?: Options;
}

export interface StreamedResult {
  exitCode: number | undefined;
  timedOut: boolean;
  all: string;
  heartbeats: number;
  seconds: number;
}

export async function runStreamed(file: string, args: readonly string[], o: StreamedOptions): Promise<StreamedResult> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  if (o.logFile) await mkdir(dirname(o.logFile), { recursive: true });
  const out = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  let lastLine = '';
  let heartbeats = 0;
  let pending = '';
  const onText = (text: string) => {
    out?.write(text);
    pending += text;
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      lastLine = line.trim();
      if (o.echo !== false) o.log?.(`  ${line}`);
    }
  };
  const timer = setInterval(
    () => {
      heartbeats += 1;
      o.log?.(heartbeatText(o.what, elapsed(), lastLine || undefined));
    },
    (o.heartbeatS ?? HEARTBEAT_INTERVAL_S) * 1000,
  );
  try {
    const child = execa(file, args, { ...o.execa, all: true, reject: false, buffer: true });
    child.all?.setEncoding('utf8');
    child.all?.on('data', (chunk: string) => onText(chunk));
    const r = await child;
    if (pending.trim()) {
      lastLine = pending.trim();
      if (o.echo !== false) o.log?.(`  ${pending}`);
    }
    return {
      exitCode: r.exitCode,
      timedOut: Boolean(r.timedOut),
      all: String(r.all ?? ''),
      heartbeats,
      seconds: elapsed(),
    };
  } finally {
    clearInterval(timer);
    if (out) await new Promise<void>((resolve) => out.end(resolve));
  }
}
