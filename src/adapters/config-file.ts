/** Reads the sweep config (YAML or JSON); validation is the zod schema in src/core/config.ts. */
import { parse as parseYaml } from 'yaml';
import { SweepConfig, defaultConfig } from '../core/config.js';
import { UserError } from '../errors.js';
import { readText } from './files.js';
import { formatIssues } from './artifact-config-file.js';

export async function loadConfig(file: string | undefined): Promise<SweepConfig> {
  if (!file) return defaultConfig();
  const text = await readText(file, 'config');
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new UserError(`config ${file}: not valid YAML/JSON (${(e as Error).message})`);
  }
  const parsed = SweepConfig.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(`config ${file}: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}
