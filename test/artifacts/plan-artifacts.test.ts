import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArtifactIndex,
  lookupBySha,
  planArtifacts,
  planArtifactsForTasks,
  sameSha,
  summarizeArtifacts,
} from '../../src/core/artifacts/artifacts.js';
import { artifactKey } from '../../src/core/artifacts/artifact-keys.js';
import { parseDataset } from '../../src/core/dataset/dataset.js';
import type { Task } from '../../src/core/task.js';

interface Fact {
  id: string;
  commit: string;
  parent: string;
  files_changed: string[];
  rebuild: string;
}
const facts: Fact[] = readFileSync(new URL('../../examples/datasets/vllm-commit-facts.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Fact);

function taskOf(f: Fact, over: Partial<Task> = {}): Task {
  return {
    id: f.id,
    commit: f.commit,
    parent: f.parent,
    repo: 'vllm-project/vllm',
    models: [],
    filesChanged: f.files_changed,
    origin: { file: 'facts', line: 1 },
    ...over,
  };
}

const humanImages = ArtifactIndex.parse({
  images: Object.fromEntries(facts.map((f) => [f.commit, `ghcr.io/x/vllm:${f.commit}`])),
});

describe('planArtifacts with an image for every human commit', () => {
  const plans = facts.map((f) => ({ f, plan: planArtifacts(taskOf(f), { index: humanImages }) }));

  it('makes every no-compile baseline an overlay from its own human image (one image in the index per task)', () => {
    const own = facts.map((f) => ({
      f,
      plan: planArtifacts(taskOf(f), { index: ArtifactIndex.parse({ images: { [f.commit]: `img:${f.id}` } }) }),
    }));
    for (const { f, plan } of own) {
      expect(plan.baseline.source, f.id).toBe(f.rebuild === 'no-compile' ? 'overlay' : 'build');
      if (f.rebuild === 'no-compile') expect(plan.baseline.from).toBe(f.commit);
    }
    expect(summarizeArtifacts(own.map((p) => p.plan)).baseline).toEqual({
      cache: 0,
      registry: 0,
      wheel: 0,
      overlay: 85,
      build: 11,
    });
  });

  it('with every human image indexed: no-compile baselines are overlays or direct images, none that needs a build is', () => {
    const humanCommits = new Set(facts.map((f) => f.commit));
    for (const { f, plan } of plans) {
      if (humanCommits.has(f.parent)) {
        // 98f47f2a and bfdb1ba5: the parent is the human commit of another task, so its image exists.
        expect(plan.baseline, f.id).toMatchObject({ source: 'registry', ref: `ghcr.io/x/vllm:${f.parent}` });
      } else if (f.rebuild === 'no-compile') {
        expect(plan.baseline, f.id).toMatchObject({ source: 'overlay', from: f.commit });
      } else {
        expect(plan.baseline.source, f.id).toBe('build');
        expect(plan.baseline.reason).toMatch(/needs a build/);
      }
      expect(plan.human).toMatchObject({ source: 'registry', ref: `ghcr.io/x/vllm:${f.commit}` });
    }
    const s = summarizeArtifacts(plans.map((p) => p.plan));
    expect(s.baseline).toEqual({ cache: 0, registry: 2, wheel: 0, overlay: 83, build: 11 });
    expect(s.human.registry).toBe(96);
  });

  it('decides the same from the ISO-Bench rows (short shas are matched against full index keys)', () => {
    const text = readFileSync(new URL('../../examples/datasets/isobench-vllm.jsonl', import.meta.url), 'utf8');
    const ds = parseDataset(text, 'isobench-vllm.jsonl');
    expect(ds.tasks).toHaveLength(96);
    const shortIndex = ArtifactIndex.parse({ images: humanImages.images });
    const map = planArtifactsForTasks(
      ds.tasks.map((t) => ({ ...t, commit: t.commit.slice(0, 8) })),
      { index: shortIndex },
    );
    expect(summarizeArtifacts(map.values()).baseline).toEqual({
      cache: 0,
      registry: 2,
      wheel: 0,
      overlay: 83,
      build: 11,
    });
  });
});

describe('planArtifacts order', () => {
  const f = facts.find((x) => x.rebuild === 'no-compile')!;
  const compiled = facts.find((x) => x.rebuild === 'compile')!;

  it('prefers the runner-local cache over the index', () => {
    const p = planArtifacts(taskOf(f), { index: humanImages, cached: new Set([f.parent.slice(0, 12)]) });
    expect(p.baseline.source).toBe('cache');
    expect(p.human.source).toBe('registry');
  });

  it('derives the human from the baseline symmetrically', () => {
    const index = ArtifactIndex.parse({ wheels: { [f.parent]: 'https://wheels.example/vllm.whl' } });
    const p = planArtifacts(taskOf(f), { index });
    expect(p.baseline).toMatchObject({ source: 'wheel', ref: 'https://wheels.example/vllm.whl' });
    expect(p.human).toMatchObject({ source: 'overlay', from: f.parent });
  });

  it('builds the parent once and derives the human when nothing exists', () => {
    const p = planArtifacts(taskOf(f), { index: ArtifactIndex.parse({}) });
    expect(p.baseline.source).toBe('build');
    expect(p.human).toMatchObject({ source: 'overlay', from: f.parent });
    const c = planArtifacts(taskOf(compiled), { index: ArtifactIndex.parse({}) });
    expect([c.baseline.source, c.human.source]).toEqual(['build', 'build']);
  });

  it('uses the checkout diff over files_changed when given', () => {
    const p = planArtifacts(taskOf(f), { index: humanImages, changedFiles: ['csrc/cache_kernels.cu'] });
    expect(p.baseline.source).toBe('build');
    expect(p.baseline.reason).toContain('csrc/cache_kernels.cu (compile)');
  });

  it('builds when the files changed are unknown', () => {
    const p = planArtifacts(taskOf(f, { filesChanged: undefined }), { index: humanImages });
    expect(p.baseline.source).toBe('build');
    expect(p.baseline.reason).toMatch(/unknown/);
  });

  it('derives the agent from the baseline only when its patch is Python-only', () => {
    expect(planArtifacts(taskOf(f), { index: humanImages, agentPatchPaths: ['vllm/utils.py'] }).agent).toMatchObject({
      source: 'overlay',
      from: f.parent,
    });
    expect(
      planArtifacts(taskOf(f), { index: humanImages, agentPatchPaths: ['vllm/utils.py', 'csrc/ops.h'] }).agent.source,
    ).toBe('build');
    expect(planArtifacts(taskOf(f), { index: humanImages }).agent).toMatchObject({
      source: 'overlay',
      tentative: true,
    });
  });

  it('counts a commit produced for one task as a cache hit for the next', () => {
    const a = taskOf(compiled);
    const b = taskOf(f, { id: 'next', parent: compiled.commit, commit: f.commit });
    const map = planArtifactsForTasks([a, b], { index: ArtifactIndex.parse({}) });
    expect(map.get('next')!.baseline).toMatchObject({ source: 'cache' });
  });
});

describe('sha matching and keys', () => {
  it('matches short against full shas and refuses ambiguity', () => {
    expect(sameSha('0ec82edd', '0ec82edda59aaf5cf3b07aadf4ecce1aa1131add')).toBe(true);
    expect(sameSha('0ec82ed', '0ec82ee1')).toBe(false);
    expect(sameSha('abc', 'abcdef0')).toBe(false);
    expect(lookupBySha({ aaaaaaa1111: 'x', aaaaaaa2222: 'y' }, 'aaaaaaa')).toBeUndefined();
    expect(lookupBySha({ aaaaaaa1111: 'x', aaaaaaa2222: 'y' }, 'aaaaaaa2')?.value).toBe('y');
  });

  it('keys are stable over field order and recipe order, and change with the toolchain', () => {
    const base = {
      commit: 'A'.repeat(40),
      python: '3.12',
      cuda: '12.4',
      torchArchList: '9.0;8.0',
      recipes: ['numpy<2', 'aimv2'],
    };
    expect(artifactKey(base)).toBe(
      artifactKey({
        ...base,
        commit: 'a'.repeat(40),
        torchArchList: '8.0 9.0',
        recipes: ['aimv2', 'numpy<2', 'aimv2'],
      }),
    );
    expect(artifactKey(base)).not.toBe(artifactKey({ ...base, cuda: '12.1' }));
    expect(artifactKey(base)).not.toBe(artifactKey({ ...base, patchHash: 'f'.repeat(64) }));
    expect(artifactKey(base)).not.toBe(artifactKey({ ...base, recipes: [] }));
    expect(artifactKey(base)).toMatch(/^[0-9a-z-]+$/);
  });
});
