/** Reads a dataset file from disk; parsing and validation are pure (src/core/dataset/dataset.ts). */
import { UserError } from '../errors.js';
import { noValidRowError, parseDataset, type Dataset } from '../core/dataset/dataset.js';
import { readText } from './files.js';

/** The dataset's tasks and per-row errors; a file with no valid row is a UserError (exit 2) listing each error. */
export async function loadDataset(file: string): Promise<Dataset> {
  const dataset = parseDataset(await readText(file, 'dataset'), file);
  const empty = noValidRowError(dataset, file);
  if (empty) throw new UserError(empty);
  return dataset;
}
