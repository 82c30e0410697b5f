/** Reads a dataset file from disk; parsing and validation are pure (src/core/dataset.ts). */
import { parseDataset, type Dataset } from '../core/dataset.js';
import { readText } from './files.js';

export async function loadDataset(file: string): Promise<Dataset> {
  return parseDataset(await readText(file, 'dataset'), file);
}
