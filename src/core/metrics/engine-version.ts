/**
 * Engine versions as logs print them (`0.6.4.post2.dev375+g25ebed2f`), compared on major.minor.patch
 * (src/core/preflight/engine-version.ts): the ranges of the signature, recipe and quirk tables are inclusive.
 */
import { compareVersions, parseVersion } from '../preflight/engine-version.js';

/** Where a log says which engine version runs. */
export const VERSION_PATTERNS: readonly RegExp[] = [
  /vLLM API server version v?(\d+\.\d+\.\d+[\w.+-]*)/,
  /Initializing (?:a V\d LLM engine|an LLM engine) \(v(\d+\.\d+\.\d+[\w.+-]*)\)/,
  /\bvLLM version:? v?(\d+\.\d+\.\d+[\w.+-]*)/i,
  /\bvllm==(\d+\.\d+\.\d+[\w.+-]*)/,
];

/** Inclusive on major.minor.patch: 0.6.4.post2.dev375 is inside max 0.6.4. A range needs a version. */
export function versionFits(range: { min?: string; max?: string } | undefined, version: string | undefined): boolean {
  if (!range) return true;
  const v = version ? parseVersion(version) : undefined;
  if (!v) return false;
  const min = range.min ? parseVersion(range.min) : undefined;
  const max = range.max ? parseVersion(range.max) : undefined;
  return (!min || compareVersions(v, min) >= 0) && (!max || compareVersions(v, max) <= 0);
}
