/**
 * The nightly's resume: the last results (a report JSON, or a folder of result records read by
 * the one results reader, src/adapters/results-dir.ts) → which tasks to run again
 * (src/core/github/rerun-select.ts decides).
 */
import { readFile, stat } from 'node:fs/promises';
import {
  lastResultsFromRecords,
  lastResultsFromReport,
  ReportLike,
  selectReruns,
  type LastResults,
  type RerunSelection,
} from '../core/github/rerun-select.js';
import { loadResultRecords } from '../adapters/results-dir.js';

async function readLastResults(path: string): Promise<LastResults | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) return lastResultsFromRecords((await loadResultRecords(path)).records);
  return lastResultsFromReport(ReportLike.parse(JSON.parse(await readFile(path, 'utf8'))));
}

export async function selectFromLastResults(path: string, taskIds: string[]): Promise<RerunSelection | undefined> {
  const last = await readLastResults(path);
  return last ? selectReruns(taskIds, last) : undefined;
}
