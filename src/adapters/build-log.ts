/**
 * The whole log of one build (an image or a wheel) and its failure result: every part appended in
 * order, written to `logFile` when the build ends (a failure names its category as the last line).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Category } from '../core/taxonomy.js';

export interface BuildFailure {
  ok: false;
  category: Category;
  reason: string;
  evidence?: string;
  fix?: string;
  seconds: number;
  logFile: string;
}

export function createBuildLog(o: {
  logFile: string;
  resultLabel: string;
  what: string;
  log?: (line: string) => void;
}) {
  const started = Date.now();
  const parts: string[] = [];
  const seconds = () => (Date.now() - started) / 1000;
  const write = async () => {
    await mkdir(dirname(o.logFile), { recursive: true });
    await writeFile(o.logFile, parts.join('\n') + '\n');
  };
  const fail = async (category: Category, reason: string, evidence?: string, fix?: string): Promise<BuildFailure> => {
    parts.push(`${o.resultLabel}: ${category}: ${reason}`);
    await write();
    o.log?.(`${o.what} failed: ${category}: ${reason}`);
    return {
      ok: false,
      category,
      reason,
      ...(evidence ? { evidence } : {}),
      ...(fix ? { fix } : {}),
      seconds: seconds(),
      logFile: o.logFile,
    };
  };
  return { parts, seconds, write, fail };
}
