/**
 * Result records from a directory tree (the merged artifacts of many matrix jobs): every *.json
 * file that is a result record (or an array of them). A file that should be one and is not (bad
 * JSON, a record that fails the schema) is an error naming the file; the others go on. JSON that
 * is plainly something else (a vLLM result file among the logs, a report) is skipped.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ResultRecord } from '../core/schemas.js';

export interface LoadedResults {
  records: ResultRecord[];
  errors: Array<{ file: string; message: string }>;
  /** JSON files that are not result records. */
  skipped: string[];
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('.')) out.push(path);
  }
  return out;
}

function looksLikeRecord(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v['schema'] === 'benchsweep/result@1' || ('task' in v && 'variant' in v) || ('variant' in v && 'status' in v);
}

function issues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

export async function loadResultRecords(dir: string): Promise<LoadedResults> {
  const result: LoadedResults = { records: [], errors: [], skipped: [] };
  const files = (await jsonFiles(dir)).sort();
  for (const file of files) {
    const name = relative(dir, file) || file;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      result.errors.push({ file: name, message: `not JSON: ${(err as Error).message}` });
      continue;
    }
    const candidates = Array.isArray(parsed) ? parsed : [parsed];
    if (!candidates.some(looksLikeRecord)) {
      result.skipped.push(name);
      continue;
    }
    candidates.forEach((candidate, index) => {
      const where = Array.isArray(parsed) ? `${name}[${index}]` : name;
      const check = ResultRecord.safeParse(candidate);
      if (check.success) result.records.push(check.data);
      else result.errors.push({ file: where, message: `not a result record: ${issues(check.error)}` });
    });
  }
  return result;
}
