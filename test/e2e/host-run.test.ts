/**
 * `benchsweep run --executor host` (the bundled CLI, no Docker): three variants run in three
 * source trees — the parent, the commit, and the parent with the agent patch — never the current
 * checkout three times. The demo's knob proves it: the per-token delay is 0.012 s at the parent,
 * 0.006 s at the human commit and 0.009 s with the agent patch, and the samples show it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDemoRepo } from '../../src/adapters/demo-repo.js';
import { git } from '../../src/adapters/git.js';
import type { ResultRecord } from '../../src/core/schemas.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const work = useTempDir('e2e-host-');

describe('benchsweep run --executor host', () => {
  it('measures three trees: parent, commit, parent + patch', async () => {
    const demo = await createDemoRepo(join(work(), 'engine'));
    // Whatever is checked out must not matter: leave the repository at the human commit.
    expect((await git(demo.dir, ['rev-parse', 'HEAD'])).trim()).toBe(demo.human);
    const results = join(work(), 'results');
    const r = await runCli(
      [
        'run',
        '--executor',
        'host',
        '--dataset',
        demo.datasetFile,
        '--repo',
        demo.dir,
        '--results',
        results,
        '--repeats',
        '2',
        '--json',
      ],
      {
        bundle: true,
        timeout: 240_000,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { records: ResultRecord[] };
    const by = Object.fromEntries(out.records.map((x) => [x.variant, x]));
    for (const v of ['baseline', 'human', 'agent']) expect(by[v]?.status, `${v}: ${by[v]?.evidence}`).toBe('success');
    expect(by.baseline!.commit).toBe(demo.parent);
    expect(by.human!.commit).toBe(demo.human);
    expect(by.agent!.commit).toBe(demo.parent);
    expect(by.agent!.artifact?.ref).toMatch(/\+ patch [0-9a-f]{12}/);
    expect(new Set(out.records.map((x) => x.image)).size).toBe(3);
    // The engines differ as their sources do: per-token time human < agent < baseline.
    const tpot = (v: string) => by[v]!.metrics.median_tpot_ms!;
    expect(tpot('human')).toBeLessThan(tpot('agent'));
    expect(tpot('agent')).toBeLessThan(tpot('baseline'));
    // The trees are gone afterwards; the repository is as it was.
    expect((await git(demo.dir, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);
    expect((await git(demo.dir, ['status', '--porcelain'])).trim()).toBe('');
  }, 240_000);

  it('an agent patch that does not apply: PATCH_FAILED for the agent, the others still run in their trees', async () => {
    const demo = await createDemoRepo(join(work(), 'engine-broken'));
    const row = JSON.parse((await readFile(demo.datasetFile, 'utf8')).trim()) as Record<string, unknown>;
    const broken = join(work(), 'broken.patch');
    await writeFile(broken, demo.agentPatch.replace('-TOKEN_DELAY_S = 0.012', '-TOKEN_DELAY_S = 0.5'));
    const dataset = join(work(), 'broken.jsonl');
    await writeFile(dataset, JSON.stringify({ ...row, patch_path: broken }) + '\n');
    const r = await runCli(
      [
        'run',
        '--executor',
        'host',
        '--dataset',
        dataset,
        '--repo',
        demo.dir,
        '--results',
        join(work(), 'results-broken'),
        '--repeats',
        '1',
        '--json',
      ],
      {
        bundle: true,
        timeout: 240_000,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const by = Object.fromEntries(
      (JSON.parse(r.stdout) as { records: ResultRecord[] }).records.map((x) => [x.variant, x]),
    );
    expect(by.agent).toMatchObject({ status: 'failed', category: 'PATCH_FAILED' });
    expect(by.baseline!.status).toBe('success');
    expect(by.human!.status).toBe('success');
  }, 240_000);
});
