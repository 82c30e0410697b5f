// Bundles the CLI and the action entry into self-contained ESM files under dist/ (committed: the
// runner and a fresh clone run them without `npm ci`). Deterministic, so CI can diff a fresh build.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

// Bundled CommonJS code reads `require`, `__filename` and `__dirname`, which an ES module lacks.
// The banner must not declare a name a bundled ES module may declare itself (the emscripten loader
// inside @actions/cache declares `var __filename`: a banner `const __filename` made that chunk a
// SyntaxError). So: `__filename`/`__dirname` are rewritten by `define` to banner names no library
// uses (define only touches free references, so a module's own `__filename` stays its own), and
// `require` is the one name esbuild reserves in ESM output (it renames any top-level `require` a
// bundled module declares, and its own __require helper reads the free `require`).
// test/dist/load.test.ts imports every output file on Node 24 and Node 20.
const banner = [
  "import { createRequire as __benchsweepCreateRequire } from 'node:module';",
  "import { fileURLToPath as __benchsweepFileURLToPath } from 'node:url';",
  "import { dirname as __benchsweepDirname } from 'node:path';",
  'const require = __benchsweepCreateRequire(import.meta.url);',
  'const __benchsweep_filename = __benchsweepFileURLToPath(import.meta.url);',
  'const __benchsweep_dirname = __benchsweepDirname(__benchsweep_filename);',
  // The action runs on node24; a terminal may still have Node 20, which lacks the ES2025 Set methods
  // execa uses. Only these are filled in, and only where missing.
  'if (!Set.prototype.union) { const S = Set.prototype; const has = (o, v) => o.has(v);',
  '  Object.assign(S, { union(o) { const r = new Set(this); for (const v of o.keys()) r.add(v); return r; },',
  '    intersection(o) { return new Set([...this].filter((v) => has(o, v))); },',
  '    difference(o) { return new Set([...this].filter((v) => !has(o, v))); },',
  '    symmetricDifference(o) { const r = new Set(this); for (const v of o.keys()) r.has(v) ? r.delete(v) : r.add(v); return r; },',
  '    isSubsetOf(o) { return [...this].every((v) => has(o, v)); },',
  '    isSupersetOf(o) { for (const v of o.keys()) if (!this.has(v)) return false; return true; },',
  '    isDisjointFrom(o) { return [...this].every((v) => !has(o, v)); } }); }',
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
  define: { __filename: '__benchsweep_filename', __dirname: '__benchsweep_dirname' },
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  loader: { '.py': 'text', '.html': 'text' },
});
await chmod('dist/cli.js', 0o755);
