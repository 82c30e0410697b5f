import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/adapters/config-file.js';
import { loadArtifactConfig } from '../../src/adapters/artifact-config-file.js';
import { SweepConfig } from '../../src/core/config.js';
import { ArtifactConfig } from '../../src/core/artifacts/artifacts.js';
import { SCHEMA_FILES, schemaDocuments } from '../../src/core/json-schemas.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('config-schemas-');

/** Every object of a JSON Schema, with its path. */
function objects(node: unknown, path = '$'): Array<{ path: string; node: Record<string, unknown> }> {
  if (!node || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const out = n.type === 'object' && n.properties ? [{ path, node: n }] : [];
  for (const [k, v] of Object.entries(n)) {
    if (k === 'default') continue;
    if (Array.isArray(v)) v.forEach((x, i) => out.push(...objects(x, `${path}.${k}[${i}]`)));
    else out.push(...objects(v, `${path}.${k}`));
  }
  return out;
}

describe('JSON Schemas of the config files', () => {
  it('the committed schemas/ files are what the zod schemas generate (run scripts/gen-schemas.ts when this fails)', async () => {
    for (const [file, text] of Object.entries(schemaDocuments())) {
      const committed = await readFile(join(ROOT, 'schemas', file), 'utf8').catch(() => '(missing)');
      expect(committed, `schemas/${file} is stale: node --import tsx scripts/gen-schemas.ts`).toBe(text);
    }
  });

  it('refuses unknown keys at every level and names the fields', () => {
    for (const file of Object.keys(SCHEMA_FILES)) {
      const doc = JSON.parse(schemaDocuments()[file as keyof typeof SCHEMA_FILES]) as Record<string, unknown>;
      expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      const objs = objects(doc);
      expect(objs.length).toBeGreaterThan(3);
      for (const o of objs) expect(o.node.additionalProperties, `${file} ${o.path}`).toBe(false);
    }
    const sweep = JSON.parse(schemaDocuments()['sweep-config.schema.json']);
    expect(Object.keys(sweep.properties.runnerLabels.properties)).toEqual(['default', 'bySize']);
    expect(sweep.properties.gpu.properties.sizes.items.type).toBe('integer');
  });

  it('the gen script --check passes on the committed files', async () => {
    const { execa } = await import('execa');
    const r = await execa(process.execPath, ['--import', 'tsx', 'scripts/gen-schemas.ts', '--check'], {
      cwd: ROOT,
      reject: false,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('examples reference their schema and validate', () => {
  const examples: Array<[string, string]> = [
    ['examples/sweep-config.yml', 'sweep-config.schema.json'],
    ['examples/sweep-config-arc.yml', 'sweep-config.schema.json'],
    ['examples/artifact-config.yml', 'artifact-config.schema.json'],
  ];
  it.each(examples)('%s', async (file, schema) => {
    const text = await readFile(join(ROOT, file), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=../schemas/${schema}`);
    const zod = schema.startsWith('sweep') ? SweepConfig : ArtifactConfig;
    const parsed = zod.safeParse(parseYaml(text));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it("the repository's own artifact config (.github/benchsweep-artifacts.yml) has no unknown key", async () => {
    const parsed = ArtifactConfig.safeParse(
      parseYaml(await readFile(join(ROOT, '.github/benchsweep-artifacts.yml'), 'utf8')),
    );
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('the example sweep config sends each task to the smallest runner size', async () => {
    const config = await loadConfig(join(ROOT, 'examples/sweep-config-arc.yml'));
    expect(config.gpu.sizes).toEqual([1, 2, 4, 8]);
    expect(config.runnerLabels.bySize['4']).toEqual(['arc-h100-4gpu']);
  });
});

describe('unknown config keys are errors naming the key', () => {
  it('sweep config: a typo in a nested field', async () => {
    const file = join(tmp(), 'typo.yml');
    await writeFile(file, 'runnerLabels:\n  defualt: [self-hosted]\ngpu:\n  maxGPUs: 4\n');
    const err = await loadConfig(file).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(err).toContain('unknown key runnerLabels.defualt');
    expect(err).toContain('unknown key gpu.maxGPUs');
  });

  it('sweep config: a typo at the top level', async () => {
    const file = join(tmp(), 'top.yml');
    await writeFile(file, 'maxMatrixJob: 100\n');
    await expect(loadConfig(file)).rejects.toThrow('unknown key maxMatrixJob');
  });

  it('artifact config: a typo under registry, on top of the engine preset', async () => {
    const file = join(tmp(), 'artifacts.yml');
    await writeFile(file, 'registry:\n  imageTemplate: ["{registry}/{repo}:{sha}"]\n');
    await expect(loadArtifactConfig('vllm', file)).rejects.toThrow(
      /artifact config .*unknown key registry\.imageTemplate\b/,
    );
    // The preset itself is valid.
    await expect(loadArtifactConfig('vllm', undefined)).resolves.toMatchObject({ engine: { packageDir: 'vllm' } });
  });

  it('plan --config with a typo exits 2 and names the key', async () => {
    const file = join(tmp(), 'cli-typo.yml');
    await writeFile(file, 'runnerLabels:\n  defualt: [x]\n');
    const r = await runCli([
      'plan',
      '--dataset',
      `${ROOT}examples/datasets/isobench-vllm.jsonl`,
      '--config',
      file,
      '--json',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown key runnerLabels.defualt');
  });
});
