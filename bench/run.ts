/**
 * `npm run bench`: runs every bench/*.bench.ts (each default-exports an async function returning
 * named numbers) and prints one table plus a JSON line per benchmark. Speed and memory targets are
 * checked here, not in timed tests.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
let failed = false;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as {
      default: () => Promise<Record<string, number | string>>;
    };
    const result = await mod.default();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\n${name} (${seconds} s)\n`);
    for (const [k, v] of Object.entries(result)) process.stdout.write(`  ${k.padEnd(34)} ${v}\n`);
    process.stdout.write(`BENCH ${JSON.stringify({ bench: name, ...result })}\n`);
  } catch (e) {
    failed = true;
    process.stdout.write(`\n${name}: FAILED ${(e as Error).stack ?? e}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
