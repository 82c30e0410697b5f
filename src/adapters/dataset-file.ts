/** Reads a dataset file from disk; parsing and validation are pure (src/core/dataset.ts). */
import { readFile } from 'node:fs/promises';
import { parseDataset, type Dataset } from '../core/dataset.js';
import { UserError } from '../cli-output.js';

export async function loadDataset(file: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read dataset ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseDataset(text, file);
}
