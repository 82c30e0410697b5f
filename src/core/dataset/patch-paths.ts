/** Reading a unified diff as data. */

/** Files a unified diff touches (both sides), read from its headers. */
export function pathsInPatch(patch: string): string[] {
  const paths = new Set<string>();
  for (const line of patch.split(/\r?\n/)) {
    const m = /^(?:\+\+\+|---) (?:[ab]\/)?(.+?)(?:\t.*)?$/.exec(line);
    if (m && m[1] !== '/dev/null') paths.add(m[1]!);
    const g = /^diff --git a\/(.+?) b\/(.+)$/.exec(line);
    if (g) {
      paths.add(g[1]!);
      paths.add(g[2]!);
    }
  }
  return [...paths];
}
