// Bundles the CLI and the action entry into self-contained ESM files under dist/ (committed: the
// runner and a fresh clone run them without `npm ci`). Deterministic, so CI can diff a fresh build.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

const banner = [
  "import { createRequire as __bsCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bsFileURLToPath } from 'node:url';",
  "import { dirname as __bsDirname } from 'node:path';",
  'const require = __bsCreateRequire(import.meta.url);',
  'const __filename = __bsFileURLToPath(import.meta.url);',
  'const __dirname = __bsDirname(__filename);',
  // The action runs on node24; a terminal may still have Node 20, which lacks the ES2025 Set methods
  // execa uses. Only these are filled in, and only where missing.
  "if (!Set.prototype.union) { const S = Set.prototype; const has = (o, v) => o.has(v);",
  "  Object.assign(S, { union(o) { const r = new Set(this); for (const v of o.keys()) r.add(v); return r; },",
  "    intersection(o) { return new Set([...this].filter((v) => has(o, v))); },",
  "    difference(o) { return new Set([...this].filter((v) => !has(o, v))); },",
  "    symmetricDifference(o) { const r = new Set(this); for (const v of o.keys()) r.has(v) ? r.delete(v) : r.add(v); return r; },",
  "    isSubsetOf(o) { return [...this].every((v) => has(o, v)); },",
  "    isSupersetOf(o) { for (const v of o.keys()) if (!this.has(v)) return false; return true; },",
  "    isDisjointFrom(o) { return [...this].every((v) => !has(o, v)); } }); }",
].join('\n');

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/action.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.js' },
  banner: { js: banner },
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  loader: { '.py': 'text', '.html': 'text' },
});
await chmod('dist/cli.js', 0o755);
