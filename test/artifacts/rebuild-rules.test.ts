import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyChange, rebuildKind, REBUILD_RULES, ruleFor } from '../../src/core/artifacts/rules/rebuild-rules.js';

interface Fact {
  id: string;
  commit: string;
  parent: string;
  files_changed: string[];
  rebuild: 'no-compile' | 'compile' | 'dependencies';
}
const facts: Fact[] = readFileSync(new URL('../../examples/datasets/vllm-commit-facts.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Fact);

describe('rebuild rules against vLLM commit facts', () => {
  it('has 96 commits, 85 of them without a compile', () => {
    expect(facts).toHaveLength(96);
    expect(facts.filter((f) => classifyChange(f.files_changed).needs === 'overlay')).toHaveLength(85);
  });

  it.each(facts.map((f) => [f.id, f] as const))('%s agrees with its recorded rebuild field', (_id, f) => {
    expect(rebuildKind(f.files_changed)).toBe(f.rebuild);
    expect(classifyChange(f.files_changed).needs).toBe(f.rebuild === 'no-compile' ? 'overlay' : 'build');
  });
});

describe('rebuild rules', () => {
  it('ships Python and JSON under the package as-is', () => {
    const c = classifyChange([
      'vllm/model_executor/layers/fused_moe/configs/E=8,N=14336.json',
      'vllm/utils.py',
      'demo_engine/engine.py',
    ]);
    expect(c.needs).toBe('overlay');
    expect(c.reasons.map((r) => r.effect)).toEqual(['ships-as-is', 'ships-as-is', 'ships-as-is']);
  });

  it('sends compiled sources, build configuration and requirements to a build', () => {
    expect(ruleFor('csrc/attention/attention_kernels.cu').effect).toBe('compile');
    expect(ruleFor('vllm/_custom_ops.cpp').effect).toBe('compile');
    expect(ruleFor('CMakeLists.txt').effect).toBe('build-config');
    expect(ruleFor('cmake/utils.cmake').effect).toBe('build-config');
    expect(ruleFor('setup.py').effect).toBe('build-config');
    expect(ruleFor('pyproject.toml').effect).toBe('build-config');
    expect(ruleFor('requirements-cuda.txt').effect).toBe('dependency');
    expect(ruleFor('requirements/common.txt').effect).toBe('dependency');
    expect(rebuildKind(['requirements-common.txt', 'vllm/x.py'])).toBe('dependencies');
    expect(rebuildKind(['requirements-dev.txt', 'setup.py'])).toBe('compile');
  });

  it('ignores files that never reach the installed package', () => {
    const c = classifyChange([
      'tests/test_x.py',
      'benchmarks/benchmark_serving.py',
      'docs/index.md',
      'Dockerfile',
      '.github/workflows/ci.yml',
    ]);
    expect(c.needs).toBe('overlay');
    expect(new Set(c.reasons.map((r) => r.effect))).toEqual(new Set(['outside-package']));
  });

  it('does not replay unknown file types inside the package (they may be build products)', () => {
    expect(classifyChange(['vllm/_C.abi3.so']).needs).toBe('build');
  });

  it('gives every rule a source', () => {
    for (const r of REBUILD_RULES) expect(r.source).toMatch(/^(seeds\/|vllm-commit-facts |vllm#)/);
  });
});
