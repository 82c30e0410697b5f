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
 * ANSI codes that lost their escape byte on the way into an issue or a CI page: rendered as
 * `ESC[36m`, `\x1b[0m`, `\u001b[0m`, `\033[0m`, `\e[0m`, `^[[0m`, or a bare `[0m` / `[1;31m`.
 */
const RENDERED_ANSI =
  /(?:ESC|\\x1[bB]|\\u001[bB]|\\033|\\e|\^\[|␛)\[[0-9;?]*[A-Za-z]|\[(?:\d{1,3}(?:;\d{1,3})*)?m(?=\S|\s|$)/g;

function stripRenderedAnsi(text: string): string {
  return text.includes('[') ? text.replace(RENDERED_ANSI, '') : text;
}

/**
 * Prefixes that wrap a printed line, removed repeatedly from the start: `(VllmWorker rank=0 pid=1) `,
 * `(EngineCore_0 pid=1) `, Ray's `(ServeReplica:app:VLLMDeployment pid=12, ip=10.0.0.1) `,
 * `(RayWorkerWrapper pid=1) `, `(pid=1) `, `(raylet) `, torchrun's `[rank0]: ` and `[default0]:`,
 * glog's `[E1201 12:00:00.123 ProcessGroupNCCL.cpp:616] `, ISO timestamps of CI/docker logs,
 * `[2024-01-01 12:00:00] `, BuildKit's `#12 34.56 `, GitHub's `##[error]`, `server-1  | `,
 * `> ` quoting, and vLLM's logger prefix `ERROR 01-07 21:59:25 [core.py:123] ` (before 2025:
 * `INFO 01-07 21:59:25 api_server.py:585] `).
 */
const PREFIXES: RegExp[] = [
  /^\s+/,
  /^\((?:[A-Za-z_][\w.:\-]*)?(?:,? ?(?:[\w.]+=[^\s,)]*|\+[\w.]+))*\)\s?/, // (VllmWorker rank=0 pid=123), (ServeReplica:a:B pid=1, ip=1.2.3.4), (pid=1), (raylet)
  /^\[(?:rank|default)\d+\]:\s?/, // torchrun
  /^\[?[EWIF]\d{4} [\d:.]+(?: \d+)? [\w.-]+:\d+\]\s?/, // glog (c10d)
  /^\[[EWI] [\w.-]+:\d+\]\s?/, // old c10d
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s/, // 2024-01-01T12:00:00.123Z
  /^\[\d{4}-\d{2}-\d{2}[T ][\d:.,]+\]\s?/, // [2024-01-01 12:00:00]
  /^#\d+ \d+(?:\.\d+)? /, // BuildKit step output
  /^##\[\w+\]/, // GitHub Actions annotations
  /^[\w.-]+(?:-\d+)?\s+\|\s?/, // server-1  |
  /^>\s?/, // quoting
  /^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\s+\d{2}-\d{2}\s+[\d:.]+\s+(?:\[[^\]]*\]\s*|[\w.-]+:\d+\]\s*)?/, // vLLM logger, `[file.py:1]` or old `file.py:1]`
];

function stripPrefixes(line: string): string {
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

/**
 * Where a physical line holds several logical ones (newlines lost on the way into an issue, a JSON
 * string or a CI page): before `Traceback (most recent call last):`, before each `File "...", line`,
 * before a chained-exception sentence, before an exception (`pkg.SomeError: ...`) that follows
 * whitespace, and before a logger or worker prefix that is not at the start.
 */
const GLUED_BOUNDARY =
  /\s+(?=Traceback \(most recent call last\):|File "[^"]+", line \d+|The above exception was the direct cause|During handling of the above exception|(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit)(?:\([\w.]+\))?: |(?:\[rank\d+\]:\s?)?(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d|\((?:[A-Za-z_][\w.:\-]*)? ?pid=\d+[^)]*\) )/g;

/** A cheap test for a line worth splitting at GLUED_BOUNDARY (substring tests, no regex). */
function mayBeGlued(part: string): boolean {
  if (part.length <= 100) return false;
  for (const hint of GLUE_HINTS) if (part.includes(hint, 1)) return true;
  return false;
}
// Only a traceback or a second logger/worker prefix shows lost newlines: a warning that quotes an
// exception (`Failed to import triton: ImportError: ...`) is one line and stays one.
const GLUE_HINTS = ['Traceback', 'File "', ' pid=', ' DEBUG ', ' INFO ', ' WARNING ', ' ERROR ', ' CRITICAL '];

/** Lines that only fence, fold or elide pasted text (Markdown and `...` cuts). */
const DECORATION =
  /^(?:```[\w+-]*|~~~[\w+-]*|<\/?details>|<summary>.*<\/summary>|\.{3,}|…|\[\.{3}\]|\(\.{3}\)|\[…\]|<snip>|\[(?:truncated|snip(?:ped)?)\]|\.{3} ?\(?\d+ (?:more )?lines? (?:omitted|skipped|truncated)\)? ?\.{0,3})$/i;

/** Ray's de-duplication note at the end of a line. */
const RAY_REPEATED = /\s*\[repeated \d+x across cluster\]\s*$/;

/** A line of vLLM's or uvicorn's logger at INFO or DEBUG level (`INFO 01-07 21:59:25 [x.py:1] ...`, `INFO:     ...`). */
const INFO_LINE = /(?:^|[\s|)\]>])(?:INFO|DEBUG)(?: +\d\d-\d\d \d\d:\d\d:\d\d|:\s)/;

/**
 * The logical lines of one physical line, each as a program printed it: escape codes (real and
 * rendered) removed, split at carriage returns, literal `\n` and glued traceback boundaries, and
 * every prefix, Markdown decoration and elision mark taken off. Empty lines are dropped. `info` says
 * the line was written at INFO/DEBUG level (it reports progress, never a failure).
 */
export function forEachLogicalLine(raw: string, fn: (text: string, info: boolean) => void): void {
  let text = stripAnsi(raw);
  if (text.includes('[')) text = stripRenderedAnsi(text);
  if (text.includes('\\n')) text = text.replace(/\\r\\n|\\n/g, '\n');
  const parts = text.includes('\r') || text.includes('\n') ? text.split(/[\r\n]+/) : [text];
  for (const part of parts) {
    const pieces = mayBeGlued(part) ? part.split(GLUED_BOUNDARY) : [part];
    for (const piece of pieces) {
      const line = cleanLogical(piece);
      if (line) fn(line, INFO_LINE.test(piece));
    }
  }
}

function cleanLogical(piece: string): string {
  let line = stripPrefixes(piece).replace(RAY_REPEATED, '').trimEnd();
  if (line.startsWith('`') || line.endsWith('`')) line = line.replace(/^`+|`+$/g, '').trim();
  if (line.startsWith('...') || line.startsWith('…')) {
    if (DECORATION.test(line)) return '';
    line = line.replace(/^(?:\.{3,}|…)\s*/, '');
  }
  if (DECORATION.test(line)) return '';
  return line;
}
