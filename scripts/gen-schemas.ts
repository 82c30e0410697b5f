/**
 * Writes schemas/*.schema.json from the zod schemas (src/core/json-schemas.ts).
 *   node --import tsx scripts/gen-schemas.ts          write them
 *   node --import tsx scripts/gen-schemas.ts --check  exit 1 when a committed file is stale
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaDocuments } from '../src/core/json-schemas.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
const check = process.argv.includes('--check');
let stale = 0;
await mkdir(dir, { recursive: true });
for (const [file, text] of Object.entries(schemaDocuments())) {
  const path = join(dir, file);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === text) continue;
  if (check) {
    stale += 1;
    console.error(`schemas/${file} is stale: run node --import tsx scripts/gen-schemas.ts`);
  } else {
    await writeFile(path, text);
    console.log(`wrote schemas/${file}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
