/**
 * What logs add around the text a program printed: ANSI colour codes, carriage returns of progress
 * bars, and prefixes (worker tags, timestamps, compose service names, quoting). Shared by the metric
 * scanner and the failure classifier so that both read a line the same way.
 */

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/**
 * Prefixes that wrap a printed line, removed repeatedly from the start: `(VllmWorker rank=0 pid=1) `,
 * `(EngineCore_0 pid=1) `, ISO timestamps of CI/docker logs, `[2024-01-01 12:00:00] `,
 * `server-1  | `, `> ` quoting, a leading `|` of tables, and vLLM's logger prefix
 * `ERROR 01-07 21:59:25 [core.py:123] ` (before 2025: `INFO 01-07 21:59:25 api_server.py:585] `).
 */
const PREFIXES: RegExp[] = [
  /^\s+/,
  /^\([A-Za-z_][\w.]*(?: [\w.]+=[^\s)]*)*\)\s?/, // (VllmWorker rank=0 pid=123)
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s/, // 2024-01-01T12:00:00.123Z
  /^\[\d{4}-\d{2}-\d{2}[T ][\d:.,]+\]\s?/, // [2024-01-01 12:00:00]
  /^[\w.-]+(?:-\d+)?\s+\|\s?/, // server-1  |
  /^>\s?/, // quoting
  /^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\s+\d{2}-\d{2}\s+[\d:.]+\s+(?:\[[^\]]*\]\s*|[\w.-]+:\d+\]\s*)?/, // vLLM logger, `[file.py:1]` or old `file.py:1]`
];

export function stripPrefixes(line: string): string {
  let out = line;
  for (let guard = 0; guard < 12; guard++) {
    let changed = false;
    for (const p of PREFIXES) {
      const m = p.exec(out);
      if (m && m[0].length > 0) {
        out = out.slice(m[0].length);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return out;
}

/** The visible text of one physical line: ANSI removed, the last carriage-return segment kept. */
export function visibleLine(raw: string): string {
  const clean = stripAnsi(raw);
  const trimmed = clean.replace(/\r+$/, '');
  const cr = trimmed.lastIndexOf('\r');
  return cr >= 0 ? trimmed.slice(cr + 1) : trimmed;
}
