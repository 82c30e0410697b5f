/**
 * The failure-log corpus (test/fixtures/classify/corpus, written by generate.py): every vLLM era and
 * every shape a log reaches us in, each with the category (and the rule) it must get.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLog, createLogClassifier, type ClassifyContext } from '../../src/core/failures/classify.js';
import { FAILURE_SIGNATURES } from '../../src/core/failures/rules/failure-signatures.js';
import { CATEGORIES, type Category } from '../../src/core/taxonomy.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'classify', 'corpus');
interface Entry {
  file: string;
  category: Category;
  era: string;
  shape: string;
  context: ClassifyContext;
  rule?: string;
}
const MANIFEST = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Entry[];
const text = (e: Entry) => readFileSync(join(DIR, e.file), 'utf8');

/** Engine noise with no failure in it: access logs, stats, progress bars, warnings. */
function noise(bytes: number): string {
  const lines = [
    'INFO 01-07 21:59:25 [loggers.py:118] Engine 000: Avg prompt throughput: 8123.0 tokens/s, Avg generation throughput: 1500.2 tokens/s, Running: 32 reqs, Waiting: 0 reqs, GPU KV cache usage: 12.5%',
    'INFO:     127.0.0.1:53422 - "POST /v1/completions HTTP/1.1" 200 OK',
    ' 42%|████▏     | 420/1000 [00:25<00:35, 16.40it/s]',
    'WARNING 01-07 21:59:26 [scheduler.py:1560] Sequence group 17 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space.',
  ];
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const l = lines[i % lines.length]!;
    out.push(l);
    size += l.length + 1;
  }
  return out.join('\n') + '\n';
}
/** More than the tail the classifier reads whole (256 KiB): a failure before it is found by its needles only. */
const NOISE = noise(272 * 1024);
/** Rules for texts our own harness writes at the very end of a log (never buried). */
const TAIL_ONLY = new Set(['patch-rejected', 'no-perf-command']);

describe('the corpus', () => {
  it('has at least 100 logs, every category of the taxonomy, and old and new vLLM eras', () => {
    expect(MANIFEST.length).toBeGreaterThanOrEqual(100);
    const categories = new Set(MANIFEST.map((e) => e.category));
    expect(Object.keys(CATEGORIES).filter((c) => !categories.has(c as Category))).toEqual([]);
    const eras = new Set(MANIFEST.map((e) => e.era));
    for (const era of ['2023', '2024', '2025', '2026']) expect(eras).toContain(era);
    expect(new Set(MANIFEST.map((e) => e.file)).size).toBe(MANIFEST.length);
  });

  it.each(MANIFEST.map((e) => [e.file, e] as const))('%s', (_file, e) => {
    const c = classifyLog(text(e), e.context);
    expect({ category: c.category, rule: c.signature }).toEqual({ category: e.category, rule: e.rule ?? c.signature });
    if (e.rule) expect(c.matched).toBe(true);
    expect(c.explain.decidedBy?.signature).toBe(c.signature);
    if (c.matched) {
      expect(c.explain.normalized).toBeTruthy();
      expect(c.evidence).toContain(c.explain.normalized);
    } else {
      expect(c.explain.context).toContain(c.category);
    }
  });

  it('any chunking of the bytes gives the same answer', () => {
    for (const e of MANIFEST.filter((_, i) => i % 5 === 0)) {
      const whole = classifyLog(text(e), e.context);
      const bytes = Buffer.from(text(e));
      const c = createLogClassifier(e.context);
      for (let i = 0; i < bytes.length; i += 7) c.pushBytes(bytes.subarray(i, i + 7));
      expect(c.end()).toEqual(whole);
    }
  });

  it('a failure buried under more later output than the tail read whole is still found (the needles cover every rule)', () => {
    const misses: string[] = [];
    const done = new Set<string>();
    for (const e of MANIFEST) {
      const row = FAILURE_SIGNATURES.find((r) => r.id === e.rule);
      if (!row || row.strength === 'progress' || TAIL_ONLY.has(row.id) || done.has(row.id)) continue;
      done.add(row.id);
      const c = classifyLog(text(e) + NOISE, e.context);
      if (c.signature !== e.rule || c.category !== e.category)
        misses.push(`${e.file}: ${c.signature ?? 'none'} ${c.category}`);
    }
    expect(misses).toEqual([]);
    expect(done.size).toBeGreaterThan(50);
  }, 120_000);
});
