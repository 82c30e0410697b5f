/**
 * Every file of the committed bundle loads on the Node the action runs on (node24, the `node`
 * devDependency) and on the Node 20 a terminal may still have. Each import runs in its own child
 * process, the way a runner loads it: a chunk that only the cache path reaches (a lazy import)
 * broke on runners while every test passed, because nothing loaded it.
 */
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { nodeBinaries } from '../helpers/node-binaries.js';

const DIST = join(ROOT, 'dist');
const files = [
  ...readdirSync(DIST).filter((f) => f.endsWith('.js')),
  ...readdirSync(join(DIST, 'chunks'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `chunks/${f}`),
];

/** Exit 97 only when the import itself throws (a SyntaxError at link time, a ReferenceError at evaluation). */
const IMPORT_ONE = `
const url = process.argv[1];
try { await import(url); } catch (e) { console.error('IMPORT FAILED: ' + (e && e.stack || e)); process.exit(97); }
console.log('LOADED ' + url);`;

async function importInChild(node: string, file: string, env: Record<string, string> = {}) {
  return execa(node, ['--input-type=module', '-e', IMPORT_ONE, pathToFileURL(join(DIST, file)).href], {
    reject: false,
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    extendEnv: false,
    timeout: 60_000,
  });
}

describe.each(nodeBinaries())('dist/ on $label ($path)', ({ path }) => {
  it('finds the entries and the chunks', () => {
    expect(files).toContain('cli.js');
    expect(files).toContain('index.js');
    expect(files.filter((f) => f.startsWith('chunks/')).length).toBeGreaterThan(0);
    // The chunk holding @actions/cache (the one that broke) is among them.
    expect(files.some((f) => /^chunks\/cache-/.test(f))).toBe(true);
  });

  it.each(files.filter((f) => f.startsWith('chunks/')))('imports %s', async (file) => {
    const r = await importInChild(path, file);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('LOADED');
    expect(r.stderr).toBe('');
  });

  it('runs dist/cli.js (--version)', async () => {
    const r = await execa(path, [join(DIST, 'cli.js'), '--version'], { reject: false, cwd: ROOT });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('imports dist/index.js: the entry loads and validates its inputs', async () => {
    // No INPUT_COMMAND: a loaded entry reports the missing input as a workflow error and exits 1.
    const r = await importInChild(path, 'index.js');
    expect(r.stderr).not.toContain('IMPORT FAILED');
    expect(r.stdout).toContain('::error::input command');
    expect(r.exitCode).toBe(1);
  });
});
