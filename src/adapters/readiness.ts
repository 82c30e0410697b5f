/**
 * Waits until an OpenAI-compatible server answers GET /health (200) and then GET /v1/models (200
 * with a model list), polling with backoff. Stops the moment the server process ends: a server
 * that died in 5 s is never waited on for the full timeout.
 */
import type { ProcessExit } from './executor.js';
import { sleep } from './executor.js';

export { readinessTimeoutS, paramsFromModelName } from '../core/readiness-timeout.js';

export type Readiness =
  | { ready: true; afterS: number; models: string[] }
  | { ready: false; reason: 'exited'; afterS: number; exit: ProcessExit }
  | { ready: false; reason: 'timeout'; afterS: number; at: number; lastError?: string }
  | { ready: false; reason: 'aborted'; afterS: number };

export interface WaitReadyOptions {
  baseUrl: string;
  timeoutS: number;
  /** The server's exit: waiting stops when it resolves. */
  exited?: Promise<ProcessExit>;
  signal?: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

async function get(url: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { signal, headers: { accept: 'application/json' } });
  return { status: r.status, body: await r.text() };
}

export async function waitReady(opts: WaitReadyOptions): Promise<Readiness> {
  const start = Date.now();
  const deadline = start + opts.timeoutS * 1000;
  const stop = new AbortController();
  let exit: ProcessExit | undefined;
  void opts.exited?.then((e) => {
    exit = e;
    stop.abort();
  });
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let delay = opts.initialDelayMs ?? 50;
  let lastError: string | undefined;
  let healthy = false;
  try {
    for (;;) {
      if (exit) return { ready: false, reason: 'exited', afterS: (Date.now() - start) / 1000, exit };
      if (opts.signal?.aborted) return { ready: false, reason: 'aborted', afterS: (Date.now() - start) / 1000 };
      const now = Date.now();
      if (now >= deadline)
        return {
          ready: false,
          reason: 'timeout',
          afterS: (now - start) / 1000,
          at: now,
          ...(lastError ? { lastError } : {}),
        };
      const perTry = AbortSignal.any([stop.signal, AbortSignal.timeout(Math.max(100, Math.min(5000, deadline - now)))]);
      try {
        if (!healthy) {
          const h = await get(`${opts.baseUrl}/health`, perTry);
          healthy = h.status === 200;
          if (!healthy) lastError = `/health answered ${h.status}`;
        }
        if (healthy) {
          const m = await get(`${opts.baseUrl}/v1/models`, perTry);
          if (m.status === 200) {
            const data = (JSON.parse(m.body) as { data?: Array<{ id?: unknown }> }).data;
            if (Array.isArray(data) && data.length > 0) {
              return { ready: true, afterS: (Date.now() - start) / 1000, models: data.map((d) => String(d.id)) };
            }
            lastError = '/v1/models listed no model';
          } else {
            lastError = `/v1/models answered ${m.status}`;
          }
        }
      } catch (e) {
        lastError = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      }
      const wait = Math.min(delay, Math.max(0, deadline - Date.now()));
      await sleep(wait, stop.signal);
      delay = Math.min(Math.round(delay * 1.3), opts.maxDelayMs ?? 1000);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
