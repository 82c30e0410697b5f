/**
 * Progress of a run and a build, as text: elapsed time and an ETA for the task and the sweep
 * ("sample 2/3" alone says nothing about the next hour), and the heartbeat of a long build.
 * Pure: callers pass the clock readings.
 */

/** 42s, 3m 05s, 1h 02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Time left at the pace so far: undefined before anything is done (no pace yet). */
export function etaSeconds(done: number, total: number, elapsedS: number): number | undefined {
  if (!(done > 0) || !(total > 0) || elapsedS < 0) return undefined;
  return (elapsedS / done) * Math.max(0, total - done);
}

export interface RunProgress {
  /** 1-based position of the task in the sweep, and the number of tasks. */
  taskIndex: number;
  taskCount: number;
  /** Samples (warm-ups and retries included) finished in this task, and how many it plans. */
  samplesDone: number;
  samplesPlanned: number;
  taskElapsedS: number;
  sweepElapsedS: number;
}

/**
 * `task 3/40 · 1m 10s elapsed, ETA 2m 20s · sweep 1h 02m elapsed, ETA 12h 30m`. The sweep's pace
 * counts the finished tasks plus the finished share of this one.
 */
export function runProgressText(p: RunProgress): string {
  const planned = Math.max(p.samplesPlanned, p.samplesDone, 1);
  const taskEta = etaSeconds(p.samplesDone, planned, p.taskElapsedS);
  const tasksDone = p.taskIndex - 1 + p.samplesDone / planned;
  const sweepEta = etaSeconds(tasksDone, p.taskCount, p.sweepElapsedS);
  const eta = (s: number | undefined) => (s === undefined ? 'ETA unknown' : `ETA ${formatDuration(s)}`);
  return `task ${p.taskIndex}/${p.taskCount} · ${formatDuration(p.taskElapsedS)} elapsed, ${eta(taskEta)} · sweep ${formatDuration(p.sweepElapsedS)} elapsed, ${eta(sweepEta)}`;
}

/** The heartbeat of a long step with no output of its own: `build vllm@abc123: still running, 4m 30s elapsed`. */
export function heartbeatText(what: string, elapsedS: number, lastLine?: string): string {
  const tail = lastLine ? ` (last: ${lastLine.length > 120 ? `${lastLine.slice(0, 119)}…` : lastLine})` : '';
  return `${what}: still running, ${formatDuration(elapsedS)} elapsed${tail}`;
}

/** Heartbeats are due every `intervalS` seconds since the start, at most 30 s apart by default. */
export const HEARTBEAT_INTERVAL_S = 30;
