/**
 * JSON Schemas of the config files, generated from their zod schemas (one source of truth): editors
 * validate and complete a config with them (`# yaml-language-server: $schema=...`). `input` mode:
 * a field with a default is optional, as in the file a user writes. The committed files under
 * schemas/ are written by scripts/gen-schemas.ts; a test fails when they are stale.
 */
import { z } from 'zod';
import { ArtifactConfig } from './artifacts/artifacts.js';
import { SweepConfig } from './config.js';

export const SCHEMA_FILES = {
  'sweep-config.schema.json': { schema: SweepConfig, title: 'benchsweep sweep config' },
  'artifact-config.schema.json': { schema: ArtifactConfig, title: 'benchsweep artifact config' },
} as const;
export type SchemaFile = keyof typeof SCHEMA_FILES;

/** The file's text: a JSON Schema (draft 2020-12), unknown keys refused at every level. */
function schemaDocument(file: SchemaFile): string {
  const { schema, title } = SCHEMA_FILES[file];
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const doc = { $schema, title, ...rest };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function schemaDocuments(): Record<SchemaFile, string> {
  return Object.fromEntries(Object.keys(SCHEMA_FILES).map((f) => [f, schemaDocument(f as SchemaFile)])) as Record<
    SchemaFile,
    string
  >;
}
