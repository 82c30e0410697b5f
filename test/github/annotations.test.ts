import { describe, expect, it } from 'vitest';
import {
  ANNOTATIONS_PER_STEP,
  annotationsFor,
  capAnnotations,
  datasetErrorAnnotations,
  type Annotation,
} from '../../src/core/github/github-surfaces.js';
import { parseDataset } from '../../src/core/dataset/dataset.js';
import { buildReport } from '../../src/core/report/report.js';
import type { ResultRecord } from '../../src/core/schemas.js';

const error = (i: number): Annotation => ({ level: 'error', title: `t${i}`, message: `m${i}`, task: `task${i}` });
const warning = (i: number): Annotation => ({ level: 'warning', title: `w${i}`, message: `w${i}`, task: `agent${i}` });

describe('annotations capped to what GitHub shows', () => {
  it('keeps up to 10 as they are', () => {
    const ten = Array.from({ length: 10 }, (_, i) => error(i));
    expect(capAnnotations(ten)).toEqual(ten);
    expect(capAnnotations([])).toEqual([]);
  });

  it('40 failed tasks: 10 errors, then one line pointing to the summary', () => {
    const many = Array.from({ length: 40 }, (_, i) => error(i));
    const capped = capAnnotations(many);
    expect(ANNOTATIONS_PER_STEP).toBe(10);
    expect(capped).toHaveLength(11);
    expect(capped.slice(0, 10)).toEqual(many.slice(0, 10));
    expect(capped[10]).toMatchObject({
      level: 'warning',
      message:
        '30 more annotations not shown (30 errors; GitHub shows 10 per step): every one is listed in the job summary.',
    });
  });

  it('errors first; warnings fill at most the rest of their own quota with room for the pointer', () => {
    const mixed = [
      ...Array.from({ length: 12 }, (_, i) => warning(i)),
      ...Array.from({ length: 12 }, (_, i) => error(i)),
    ];
    const capped = capAnnotations(mixed, 10, 'the report');
    expect(capped.filter((a) => a.level === 'error')).toHaveLength(10);
    expect(capped.filter((a) => a.level === 'warning')).toHaveLength(10);
    expect(capped.at(-1)!.message).toBe(
      '5 more annotations not shown (2 errors; GitHub shows 10 per step): every one is listed in the report.',
    );
  });

  it('works on the report annotations of a sweep with many failures', () => {
    const records = Array.from({ length: 25 }, (_, i) =>
      (['baseline', 'human', 'agent'] as const).map(
        (variant) =>
          ({
            task: `t${String(i).padStart(2, '0')}`,
            variant,
            attempt: 1,
            status: 'failed',
            category: 'OOM',
            metrics: {},
            samples: [],
            caveats: [],
            log: `r/t${i}/${variant}.log`,
          }) as ResultRecord,
      ),
    ).flat();
    const all = annotationsFor(buildReport(records));
    expect(all).toHaveLength(25);
    const capped = capAnnotations(all);
    expect(capped).toHaveLength(11);
    expect(capped[10]!.message).toMatch(/^15 more annotations/);
  });
});

describe('invalid dataset rows as annotations', () => {
  it('one error per skipped row, on its file and line, relative to the workspace', () => {
    const text = [
      JSON.stringify({ commit_hash: 'a'.repeat(40), perf_command: 'python benchmarks/benchmark_latency.py --model m' }),
      JSON.stringify({ commit_hash: 'not-a-sha', perf_command: 'x' }),
      '{"commit_hash": broken',
    ].join('\n');
    const ds = parseDataset(text, '/home/runner/work/bench/bench/data/rows.jsonl');
    expect(ds.errors.length).toBeGreaterThanOrEqual(2);
    const annotations = datasetErrorAnnotations(ds.errors, '/home/runner/work/bench/bench/');
    expect(annotations[0]).toMatchObject({
      level: 'error',
      file: 'data/rows.jsonl',
      line: 2,
      title: 'benchsweep: invalid dataset row (skipped)',
    });
    expect(annotations[0]!.message).toMatch(/^field commit_hash: /);
    expect(annotations.find((a) => a.line === 3)).toMatchObject({ file: 'data/rows.jsonl' });
    // A path outside the workspace stays as it is.
    expect(datasetErrorAnnotations(ds.errors, '/elsewhere')[0]!.file).toBe(
      '/home/runner/work/bench/bench/data/rows.jsonl',
    );
  });
});

describe('cache-hit output', () => {
  it('true only when every artifact came from a cache', async () => {
    const { cacheHitOutputs } = await import('../../src/core/github/github-surfaces.js');
    expect(cacheHitOutputs(['cache', 'cache', 'cache'])).toEqual({ 'cache-hit': 'true', 'cache-hits': '3' });
    expect(cacheHitOutputs(['cache', 'build', 'overlay'])).toEqual({ 'cache-hit': 'false', 'cache-hits': '1' });
    expect(cacheHitOutputs([])).toEqual({ 'cache-hit': 'false', 'cache-hits': '0' });
    expect(cacheHitOutputs(['none', 'cache'])).toEqual({ 'cache-hit': 'false', 'cache-hits': '1' });
  });
});
