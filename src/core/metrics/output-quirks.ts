/**
 * Known faults of what some vLLM versions print (research/vllm-output-formats.md). Numbers stay as
 * printed; a comparison that uses an affected metric carries the caveat instead.
 */
import type { BenchmarkKind, Metrics } from '../schemas.js';
import { versionFits } from './engine-version.js';

export interface OutputQuirk {
  id: string;
  kind: BenchmarkKind;
  /** The quirk matters only when one of these metrics was parsed. */
  metrics: RegExp;
  versionRange: { min?: string; max?: string };
  caveat: string;
  source: string;
}

export const OUTPUT_QUIRKS: readonly OutputQuirk[] = [
  {
    id: 'e2el-mean-median-swapped',
    kind: 'serving',
    metrics: /^(?:mean|median)_e2el_ms$/,
    // v0.6.0 up to ≈v0.6.3.post1; dev builds of 0.6.3.post2 straddle the fix, hence "may be".
    versionRange: { min: '0.6.0', max: '0.6.3' },
    caveat: 'Mean and median E2EL may be swapped in this vLLM version’s output (fixed by vllm#9984).',
    source: 'vllm#9984',
  },
];

/** Caveats for metrics parsed from an output of `engineVersion` (none when the version is unknown). */
export function outputCaveats(kind: BenchmarkKind, metrics: Metrics, engineVersion: string | undefined): string[] {
  if (!engineVersion) return [];
  return OUTPUT_QUIRKS.filter(
    (q) =>
      q.kind === kind &&
      versionFits(q.versionRange, engineVersion) &&
      Object.keys(metrics).some((m) => q.metrics.test(m)),
  ).map((q) => q.caveat);
}
