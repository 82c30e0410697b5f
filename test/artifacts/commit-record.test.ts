import { describe, expect, it } from 'vitest';
import { DEMO_COMMIT_RECORD, vllmCommitRecord } from '../../src/adapters/overlay-image.js';
import { renderTemplate } from '../../src/adapters/registry-probe.js';

const FROM = '22dd9c2730dc1124b9d0ac15fff223d0b8d9020b';
const TO = 'a6d795d593046abd490b16349bcd9b40feedd334';

describe('commit records rewritten by an overlay', () => {
  it('rewrites the demo record, with the patch hash for agent images', () => {
    expect(DEMO_COMMIT_RECORD.render(TO, null)).toContain(`COMMIT = "${TO}"`);
    expect(DEMO_COMMIT_RECORD.render(TO, null, 'diff')).toMatch(/PATCH_SHA256 = "[0-9a-f]{64}"/);
  });

  it("rewrites vLLM's setuptools-scm version and records __commit__", () => {
    const prev = `__version__ = version = '0.9.2.dev364+g${FROM.slice(0, 9)}'\n__version_tuple__ = version_tuple = (0, 9, 2, 'dev364', 'g${FROM.slice(0, 9)}')\n`;
    const out = vllmCommitRecord(FROM).render(TO, prev);
    expect(out).toContain(`+g${TO.slice(0, 9)}'`);
    expect(out).toContain(`'g${FROM.slice(0, 9)}'`); // the tuple keeps its form; __commit__ is authoritative
    expect(out).toContain(`__commit__ = "${TO}"`);
    expect(out).not.toContain(`+g${FROM.slice(0, 9)}`);
  });
});

describe('registry templates', () => {
  it('renders the shapes the seeds used (full sha for human images, baseline-<12> for parents)', () => {
    expect(renderTemplate('{registry}/{repo}:{sha}', FROM, { registry: 'docker.io', repo: 'x/vllm' })).toBe(
      `docker.io/x/vllm:${FROM}`,
    );
    expect(renderTemplate('{repo}:baseline-{sha12}', TO, { repo: 'anonymous/vllm-baseline' })).toBe(
      'anonymous/vllm-baseline:baseline-a6d795d59304',
    );
    expect(renderTemplate('{registry}/{repo}:{sha}', FROM, { repo: 'x/vllm' })).toBe(`x/vllm:${FROM}`);
  });
});
