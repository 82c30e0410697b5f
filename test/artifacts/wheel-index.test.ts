import { describe, expect, it } from 'vitest';
import {
  chooseWheel,
  normalizeProject,
  parseProjectPage,
  parseWheelName,
  projectForPackage,
  projectPageUrl,
  renderProjectPage,
  renderWheelIndex,
  wheelRank,
} from '../../src/core/artifacts/wheel-index.js';
import { planArtifacts, summarizeArtifacts, ArtifactConfig } from '../../src/core/artifacts/artifacts.js';
import type { Task } from '../../src/core/task.js';

const SHA = 'a'.repeat(40);

describe('wheel names and ranks', () => {
  it('parses PEP 427 names with and without a build tag', () => {
    expect(parseWheelName('demo_engine-0.1.0-py3-none-any.whl')).toEqual({
      distribution: 'demo_engine',
      version: '0.1.0',
      pythonTags: ['py3'],
      abiTags: ['none'],
      platformTags: ['any'],
    });
    const w = parseWheelName('vllm-0.6.4.dev12+g1234abcd-1-cp38-abi3-manylinux1_x86_64.whl')!;
    expect(w.build).toBe('1');
    expect(w.version).toBe('0.6.4.dev12+g1234abcd');
    expect(parseWheelName('vllm-0.6.4.tar.gz')).toBeUndefined();
    expect(parseWheelName('broken-1.whl')).toBeUndefined();
  });

  it('accepts wheels that install on the runtime and refuses the rest', () => {
    const rt = { python: '3.12' };
    expect(wheelRank(parseWheelName('x-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')!, rt)).toBe(0);
    expect(wheelRank(parseWheelName('x-1-cp38-abi3-manylinux1_x86_64.whl')!, rt)).toBe(2);
    expect(wheelRank(parseWheelName('x-1-py3-none-any.whl')!, rt)).toBe(3);
    expect(wheelRank(parseWheelName('x-1-cp311-cp311-manylinux1_x86_64.whl')!, rt)).toBeUndefined();
    expect(wheelRank(parseWheelName('x-1-cp312-cp312-manylinux1_aarch64.whl')!, rt)).toBeUndefined();
    expect(wheelRank(parseWheelName('x-1-cp312-cp312-musllinux_1_1_x86_64.whl')!, rt)).toBeUndefined();
    expect(wheelRank(parseWheelName('x-1-cp312-cp312-win_amd64.whl')!, rt)).toBeUndefined();
  });

  it('normalizes project names (PEP 503)', () => {
    expect(normalizeProject('Demo_Engine')).toBe('demo-engine');
    expect(normalizeProject('a.b__c')).toBe('a-b-c');
    expect(projectForPackage('demo_engine/')).toBe('demo-engine');
    expect(projectForPackage('vllm')).toBe('vllm');
  });
});

describe('simple index pages', () => {
  it('reads a PEP 503 HTML page: relative links, sha256 fragments, yanked files', () => {
    const html = `<html><body>
      <a href="../../files/vllm-0.6.4-cp38-abi3-manylinux1_x86_64.whl#sha256=${'b'.repeat(64)}">vllm-0.6.4-cp38-abi3-manylinux1_x86_64.whl</a>
      <a href="vllm-0.6.3-cp38-abi3-manylinux1_x86_64.whl" data-yanked="">old</a>
      <a href="vllm-0.6.4.tar.gz">sdist</a>
    </body></html>`;
    const files = parseProjectPage(html, `https://wheels.example/${SHA}/vllm/`);
    expect(files).toHaveLength(2);
    expect(files[0]).toEqual({
      fileName: 'vllm-0.6.4-cp38-abi3-manylinux1_x86_64.whl',
      url: 'https://wheels.example/files/vllm-0.6.4-cp38-abi3-manylinux1_x86_64.whl',
      sha256: 'b'.repeat(64),
    });
    expect(files[1]!.yanked).toBe(true);
    // The yanked one is never chosen, even when it is the only other candidate.
    expect(chooseWheel(files, 'vllm', { python: '3.12' })!.fileName).toBe('vllm-0.6.4-cp38-abi3-manylinux1_x86_64.whl');
    expect(chooseWheel([files[1]!], 'vllm', { python: '3.12' })).toBeUndefined();
  });

  it('reads a PEP 691 JSON page and prefers the exact CPython wheel', () => {
    const doc = JSON.stringify({
      meta: { 'api-version': '1.0' },
      name: 'vllm',
      files: [
        {
          filename: 'vllm-1-cp38-abi3-manylinux1_x86_64.whl',
          url: 'https://x/a.whl',
          hashes: { sha256: 'C'.repeat(64) },
        },
        { filename: 'vllm-1-cp312-cp312-manylinux1_x86_64.whl', url: 'b.whl', hashes: {} },
        { filename: 'other-1-py3-none-any.whl', url: 'c.whl', hashes: {} },
      ],
    });
    const files = parseProjectPage(doc, 'https://idx/vllm/', 'application/vnd.pypi.simple.v1+json');
    expect(files[0]!.sha256).toBe('c'.repeat(64));
    expect(files[1]!.url).toBe('https://idx/vllm/b.whl');
    expect(chooseWheel(files, 'vllm', { python: '3.12' })!.fileName).toBe('vllm-1-cp312-cp312-manylinux1_x86_64.whl');
    expect(chooseWheel(files, 'vllm', { python: '3.10' })!.fileName).toBe('vllm-1-cp38-abi3-manylinux1_x86_64.whl');
  });

  it('round-trips the pages it renders (what the demo and the tests serve)', () => {
    const html = renderProjectPage('demo-engine', [
      { fileName: 'demo_engine-0.1.0-py3-none-any.whl', sha256: 'd'.repeat(64) },
    ]);
    const files = parseProjectPage(html, 'http://127.0.0.1:9/x/demo-engine/');
    expect(files).toEqual([
      {
        fileName: 'demo_engine-0.1.0-py3-none-any.whl',
        url: 'http://127.0.0.1:9/x/demo-engine/demo_engine-0.1.0-py3-none-any.whl',
        sha256: 'd'.repeat(64),
      },
    ]);
    // A directory index: links resolve to paths.
    expect(parseProjectPage(html, '/srv/idx/demo-engine')[0]!.url).toBe(
      '/srv/idx/demo-engine/demo_engine-0.1.0-py3-none-any.whl',
    );
  });

  it('renders per-commit index roots and project pages', () => {
    expect(renderWheelIndex('{base}/{sha}/', SHA, 'https://wheels.vllm.ai/')).toBe(`https://wheels.vllm.ai/${SHA}/`);
    expect(renderWheelIndex('/srv/wheels/{sha12}', SHA, '')).toBe(`/srv/wheels/${SHA.slice(0, 12)}`);
    expect(projectPageUrl(`https://wheels.vllm.ai/${SHA}/`, 'vLLM')).toBe(`https://wheels.vllm.ai/${SHA}/vllm/`);
  });
});

describe('planning with wheels', () => {
  const task: Task = {
    id: 'cccccccc',
    commit: 'c'.repeat(40),
    parent: 'b'.repeat(40),
    repo: 'vllm-project/vllm',
    filesChanged: ['vllm/x.py'],
    hasAgentPatch: true,
  } as unknown as Task;

  it('plans the baseline from a wheel named in the index and derives the rest', () => {
    const p = planArtifacts(task, {
      index: { images: {}, wheels: { ['b'.repeat(40)]: 'https://w/vllm-1-cp38-abi3-manylinux1_x86_64.whl' } },
    });
    expect(p.baseline.source).toBe('wheel');
    expect(p.human).toMatchObject({ source: 'overlay', from: 'b'.repeat(40) });
    expect(p.agent).toMatchObject({ source: 'overlay', from: 'b'.repeat(40) });
    expect(summarizeArtifacts([p]).baseline.wheel).toBe(1);
  });

  it('plans from a per-commit index probe and from cached wheels (cheapest)', () => {
    const indexed = planArtifacts(task, {
      index: { images: {}, wheels: {} },
      indexedWheels: new Map([['b'.repeat(40), `https://wheels.vllm.ai/${'b'.repeat(40)}/vllm/`]]),
    });
    expect(indexed.baseline).toMatchObject({ source: 'wheel', reason: expect.stringContaining('per-commit index') });
    const cached = planArtifacts(task, { index: { images: {}, wheels: {} }, cachedWheels: new Set(['b'.repeat(12)]) });
    expect(cached.baseline).toMatchObject({ source: 'wheel', reason: expect.stringContaining('runner-local cache') });
    expect(cached.baseline.costS).toBeLessThan(indexed.baseline.costS);
  });

  it('has wheel settings with offline defaults', () => {
    const c = ArtifactConfig.parse({});
    expect(c.allowNetwork).toBe(false);
    expect(c.wheel).toMatchObject({ indexTemplates: [], build: false });
    expect(() => ArtifactConfig.parse({ wheel: { indexTemplates: 'x' } })).toThrow();
  });
});
