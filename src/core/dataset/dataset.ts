/**
 * Dataset rows → tasks. Accepts JSONL, a JSON array, or CSV, with ISO-Bench field names; every bad
 * row is an error naming file, line and field, and the other rows go on.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { DatasetRow, type Task } from '../task.js';

export type DatasetFormat = 'jsonl' | 'json' | 'csv';

export interface DatasetError {
  file: string;
  line: number;
  field?: string;
  message: string;
}

export interface Dataset {
  tasks: Task[];
  errors: DatasetError[];
}

export function detectFormat(file: string, text: string): DatasetFormat {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.jsonl$|\.ndjson$/i.test(file)) return 'jsonl';
  return text.trimStart().startsWith('[') ? 'json' : 'jsonl';
}

interface RawRow {
  line: number;
  value: unknown;
  error?: string;
}

function rowsFromJsonl(text: string): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    if (!content.trim()) return;
    try {
      rows.push({ line: i + 1, value: JSON.parse(content) });
    } catch (e) {
      rows.push({ line: i + 1, value: undefined, error: `not valid JSON (${(e as Error).message})` });
    }
  });
  return rows;
}

function rowsFromJsonArray(text: string): RawRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return [{ line: 1, value: undefined, error: `not valid JSON (${(e as Error).message})` }];
  }
  if (!Array.isArray(value)) return [{ line: 1, value: undefined, error: 'a JSON dataset must be an array of rows' }];
  // Rows of a JSON array are numbered by position (row N), reported in the `line` slot.
  return value.map((v, i) => ({ line: i + 1, value: v }));
}

/** CSV cells are strings: list fields may hold a JSON array or `;`-separated values. */
const LIST_FIELDS = new Set(['models', 'files_changed']);
const BOOL_FIELDS = new Set(['has_agent_patch']);

function csvCell(field: string, cell: string): unknown {
  if (cell === '') return null;
  if (LIST_FIELDS.has(field)) {
    const t = cell.trim();
    if (t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    }
    return t
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (BOOL_FIELDS.has(field)) return /^(true|1|yes)$/i.test(cell) ? true : /^(false|0|no)$/i.test(cell) ? false : cell;
  return cell;
}

function rowsFromCsv(text: string): RawRow[] {
  let records: Array<{ info: { lines: number }; record: Record<string, string> }>;
  try {
    records = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
      relax_column_count: true,
    }) as typeof records;
  } catch (e) {
    return [{ line: 1, value: undefined, error: `not valid CSV (${(e as Error).message})` }];
  }
  return records.map(({ info, record }) => ({
    line: info.lines,
    value: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, csvCell(k, v)])),
  }));
}

export function rowToTask(row: DatasetRow, origin: Task['origin']): Task {
  const perf = row.perf_command?.trim();
  return {
    id: row.id ?? row.commit_hash.slice(0, 8),
    commit: row.commit_hash.toLowerCase(),
    ...(row.parent_commit ? { parent: row.parent_commit.toLowerCase() } : {}),
    repo: row.repo ?? 'vllm-project/vllm',
    ...(perf ? { perfCommand: perf } : {}),
    models: (row.models ?? []).filter((m) => m && m !== 'unknown' && m !== 'N/A'),
    ...(row.gpu_config ? { gpuConfig: row.gpu_config } : {}),
    ...(row.files_changed ? { filesChanged: row.files_changed } : {}),
    ...(row.commit_subject ? { subject: row.commit_subject } : {}),
    ...(row.pr_url ? { prUrl: row.pr_url } : {}),
    ...(row.benchmark_mode ? { benchmarkMode: row.benchmark_mode } : {}),
    ...(row.has_agent_patch != null ? { hasAgentPatch: row.has_agent_patch } : {}),
    ...(row.patch_path ? { patchPath: row.patch_path } : {}),
    ...(row.vllm_release_approx ? { engineVersionApprox: row.vllm_release_approx } : {}),
    ...(row.commit_date ? { commitDate: row.commit_date } : {}),
    origin,
  };
}

export function parseDataset(text: string, file: string, format: DatasetFormat = detectFormat(file, text)): Dataset {
  const raw = format === 'csv' ? rowsFromCsv(text) : format === 'json' ? rowsFromJsonArray(text) : rowsFromJsonl(text);
  const tasks: Task[] = [];
  const errors: DatasetError[] = [];
  const seen = new Map<string, number>();
  for (const r of raw) {
    if (r.error) {
      errors.push({ file, line: r.line, message: r.error });
      continue;
    }
    const parsed = DatasetRow.safeParse(r.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          file,
          line: r.line,
          field: issue.path.join('.') || undefined,
          message: issue.message,
        } as DatasetError);
      }
      continue;
    }
    const task = rowToTask(parsed.data, { file, line: r.line });
    const first = seen.get(task.id);
    if (first !== undefined) {
      errors.push({
        file,
        line: r.line,
        field: parsed.data.id ? 'id' : 'commit_hash',
        message: `duplicate task id ${task.id} (first on line ${first})`,
      });
      continue;
    }
    seen.set(task.id, r.line);
    tasks.push(task);
  }
  return { tasks, errors };
}

/** One line, whatever the row held: a newline in data must not start a line of its own in a log. */
export function formatDatasetError(e: DatasetError): string {
  return `${e.file}:${e.line}${e.field ? ` field ${e.field}` : ''}: ${e.message}`
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
}

/**
 * A dataset that yields no task is an error, never a green empty run: the message lists every
 * row's error with its file and line (undefined when there is at least one valid task).
 */
export function noValidRowError(dataset: Dataset, file: string): string | undefined {
  if (dataset.tasks.length > 0) return undefined;
  if (dataset.errors.length === 0) return `${file}: the dataset has no rows`;
  return [
    `${file}: no valid row (${dataset.errors.length} error${dataset.errors.length === 1 ? '' : 's'}):`,
    ...dataset.errors.map((e) => `  ${formatDatasetError(e)}`),
  ].join('\n');
}

/** `--only a,b` matches a task by id or by any prefix of its full commit hash (at least 7 characters). */
export function selectTasks(tasks: Task[], only: string[] | undefined): { tasks: Task[]; unknown: string[] } {
  if (!only || only.length === 0) return { tasks, unknown: [] };
  const wanted = only.map((s) => s.trim().toLowerCase()).filter(Boolean);
  const match = (t: Task, w: string) => t.id.toLowerCase() === w || (w.length >= 7 && t.commit.startsWith(w));
  return {
    tasks: tasks.filter((t) => wanted.some((w) => match(t, w))),
    unknown: wanted.filter((w) => !tasks.some((t) => match(t, w))),
  };
}

/**
 * Override rows (e.g. `seed-quoted-commands.jsonl`): `{ "id": "2deb029d", "perf_command": "...", "source": "..." }`
 * replace fields of the task with that id (or commit prefix), so a sweep can plan the command a run
 * actually used. Each applied override is kept on the task with its source.
 */
const OVERRIDE_FIELDS = {
  perf_command: 'perfCommand',
  models: 'models',
  gpu_config: 'gpuConfig',
  patch_path: 'patchPath',
} as const;

export function applyOverrides(tasks: Task[], text: string, file: string): Dataset {
  const errors: DatasetError[] = [];
  const byId = new Map(tasks.map((t) => [t.id, { ...t }]));
  for (const r of rowsFromJsonl(text)) {
    if (r.error) {
      errors.push({ file, line: r.line, message: r.error });
      continue;
    }
    const row = r.value as Record<string, unknown>;
    const id = typeof row.id === 'string' ? row.id.toLowerCase() : undefined;
    if (!id) {
      errors.push({ file, line: r.line, field: 'id', message: 'an override row needs the id of the task it changes' });
      continue;
    }
    const task = [...byId.values()].find((t) => t.id === id || (id.length >= 7 && t.commit.startsWith(id)));
    if (!task) {
      errors.push({ file, line: r.line, field: 'id', message: `no task ${id} in the dataset` });
      continue;
    }
    for (const [field, key] of Object.entries(OVERRIDE_FIELDS)) {
      if (!(field in row)) continue;
      const value = row[field];
      const ok =
        field === 'models'
          ? Array.isArray(value) && value.every((v) => typeof v === 'string')
          : typeof value === 'string' || value === null;
      if (!ok) {
        errors.push({
          file,
          line: r.line,
          field,
          message: field === 'models' ? 'expected a list of strings' : 'expected a string',
        });
        continue;
      }
      (task as unknown as Record<string, unknown>)[key] = value ?? undefined;
      task.overrides = [
        ...(task.overrides ?? []),
        { field, file, line: r.line, ...(typeof row.source === 'string' ? { source: row.source } : {}) },
      ];
    }
    byId.set(task.id, task);
  }
  return { tasks: tasks.map((t) => byId.get(t.id)!), errors };
}
