import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { runBuild } from '../../src/commands/build.js';

const FACTS = new URL('../../examples/datasets/vllm-commit-facts.jsonl', import.meta.url);
const DATASET = new URL('../../examples/datasets/isobench-vllm.jsonl', import.meta.url).pathname;
const dir = useTempDir('bs-build-cmd-');

describe('benchsweep build --dry-run', () => {
  it('plans every real row: human images indexed, the no-compile baselines are derived', async () => {
    const facts = readFileSync(FACTS, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { commit: string });
    const index = join(dir(), 'index.json');
    await writeFile(
      index,
      JSON.stringify({
        images: Object.fromEntries(facts.map((f) => [f.commit, `registry.example/vllm:${f.commit}`])),
        wheels: {},
      }),
    );
    const r = await runBuild({
      dataset: DATASET,
      repo: join(dir(), 'no-checkout'),
      cacheDir: join(dir(), 'cache'),
      artifacts: index,
      engine: 'vllm',
      dryRun: true,
    });
    expect(r.value.dry_run).toBe(true);
    expect(r.value.tasks).toHaveLength(96);
    expect(r.value.plan_summary.baseline).toEqual({ cache: 0, registry: 2, wheel: 0, overlay: 83, build: 11 });
    expect(r.value.plan_summary.human.registry).toBe(96);
    expect(r.text).toMatch(/baselines 83 overlay, 11 build, 2 registry/);
    expect(r.value.builds).toBe(0);
  });

  it('rejects a malformed index with the field that is wrong', async () => {
    const index = join(dir(), 'bad.json');
    await writeFile(index, JSON.stringify({ images: { 'not-a-sha': 'x' } }));
    await expect(
      runBuild({ dataset: DATASET, repo: dir(), cacheDir: dir(), artifacts: index, dryRun: true }),
    ).rejects.toThrow(/artifact index .*field images/);
  });
});
