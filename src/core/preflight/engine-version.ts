/**
 * Engine (vLLM) versions of a commit. A commit between two releases is a development build: it is
 * at or past the last release before it (`low`) and before the first release that contains it
 * (`high`). The dataset only knows these bounds approximately ("after v0.6.4, first release
 * ~v0.6.5"), so comparisons answer 'yes', 'no' or 'unknown' instead of pretending to be exact.
 */

/** [major, minor, patch] of a release. Post/dev/rc suffixes are folded into the bounds. */
export type Version = readonly [number, number, number];

export interface EngineVersion {
  /** The text the bounds came from. */
  text: string;
  /** The engine is this release or a build after it (inclusive). Absent: unknown (e.g. "pre-v0.1.0"). */
  low?: Version;
  /** The engine is before this release (exclusive). Absent: unknown. */
  high?: Version;
}

export type Tri = 'yes' | 'no' | 'unknown';

const VERSION_RE = /v?(\d+)\.(\d+)(?:\.(\d+))?/;

/** "v0.6.4", "0.6.4.post2.dev375", "0.10" → [0, 6, 4] / [0, 10, 0]; anything else → undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function formatVersion(v: Version): string {
  return `${v[0]}.${v[1]}.${v[2]}`;
}

function nextPatch(v: Version): Version {
  return [v[0], v[1], v[2] + 1];
}

/**
 * Parses the dataset's approximate text ("after v0.6.4, first release ~v0.6.5", "after pre-v0.1.0,
 * first release ~v0.1.0") or an installed version string ("0.6.4.post2.dev375", "0.6.5.dev12+g1a2b",
 * "0.7.0"). Returns undefined when no version can be read.
 */
export function parseEngineVersion(text: string | undefined): EngineVersion | undefined {
  if (!text || !text.trim()) return undefined;
  const t = text.trim();
  const after = /after\s+(pre-)?(v?\d+\.\d+(?:\.\d+)?)/i.exec(t);
  const first = /first release\s*~?\s*(v?\d+\.\d+(?:\.\d+)?)/i.exec(t);
  if (after || first) {
    const ev: EngineVersion = { text: t };
    // "after pre-v0.1.0": before the first release; nothing is known below it.
    if (after && !after[1]) ev.low = parseVersion(after[2]!)!;
    if (first) ev.high = parseVersion(first[1]!)!;
    return ev;
  }
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(.*)$/.exec(t);
  if (!m) return undefined;
  const v: Version = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const suffix = m[4] ?? '';
  // setuptools-scm: "0.6.5.dev12" is a build *towards* 0.6.5 (before it); "0.6.4.post2.dev375"
  // and "0.6.4" itself are at or after 0.6.4.
  if (/^\.?(dev|rc|a\d|b\d)/i.test(suffix)) return { text: t, high: v };
  return { text: t, low: v, high: nextPatch(v) };
}

/** Is the engine at or past release `v`? */
export function engineAtLeast(ev: EngineVersion | undefined, v: Version): Tri {
  if (!ev) return 'unknown';
  if (ev.low && compareVersions(ev.low, v) >= 0) return 'yes';
  if (ev.high && compareVersions(ev.high, v) <= 0) return 'no';
  return 'unknown';
}

/** Is the engine a build in [from, until): at or past `from` and before release `until`? */
export function engineInRange(ev: EngineVersion | undefined, from: Version, until: Version): Tri {
  if (!ev) return 'unknown';
  if ((ev.high && compareVersions(ev.high, from) <= 0) || (ev.low && compareVersions(ev.low, until) >= 0)) return 'no';
  if (ev.low && compareVersions(ev.low, from) >= 0 && ev.high && compareVersions(ev.high, until) <= 0) return 'yes';
  return 'unknown';
}

export function describeEngineVersion(ev: EngineVersion): string {
  const lo = ev.low ? `≥ ${formatVersion(ev.low)}` : undefined;
  const hi = ev.high ? `< ${formatVersion(ev.high)}` : undefined;
  return [lo, hi].filter(Boolean).join(', ') || ev.text;
}
