import { describe, expect, it } from 'vitest';
import {
  isRetryable,
  lastResultsFromRecords,
  lastResultsFromReport,
  ReportLike,
  selectReruns,
  tasksToCarryForward,
} from '../../src/core/github/rerun-select.js';

const report = ReportLike.parse({
  tasks: [
    {
      task: 'aaaa0001',
      variants: {
        baseline: { status: 'success', value: 1 },
        human: { status: 'success' },
        agent: { status: 'success' },
      },
    },
    {
      task: 'aaaa0002',
      variants: { baseline: { status: 'failed', category: 'TRANSIENT_INFRA' }, human: { status: 'success' } },
    },
    {
      task: 'aaaa0003',
      variants: { baseline: { status: 'failed', category: 'OOM' }, human: { status: 'failed', category: 'OOM' } },
    },
    { task: 'aaaa0004', variants: { baseline: { status: 'success' }, human: null } },
    { task: 'aaaa0005', variants: { baseline: { status: 'skipped' }, human: { status: 'skipped' } } },
    // No category on the variant: the failures table names it.
    { task: 'aaaa0006', variants: { baseline: { status: 'failed' }, human: { status: 'success' } } },
  ],
  failures: [{ category: 'PORT_BIND', count: 1, tasks: ['aaaa0006'] }],
});

describe('selectReruns from a report', () => {
  const ids = ['aaaa0001', 'aaaa0002', 'aaaa0003', 'aaaa0004', 'aaaa0005', 'aaaa0006', 'aaaa0007'];
  const sel = selectReruns(ids, lastResultsFromReport(report));
  const rerun = Object.fromEntries(sel.rerun.map((r) => [r.task, r.reason]));
  const skip = Object.fromEntries(sel.skip.map((r) => [r.task, r.reason]));

  it('reruns retryable failures, variants without a result and tasks the report lacks', () => {
    expect(Object.keys(rerun)).toEqual(['aaaa0002', 'aaaa0004', 'aaaa0006', 'aaaa0007']);
    expect(rerun.aaaa0002).toMatch(/baseline failed with TRANSIENT_INFRA/);
    expect(rerun.aaaa0004).toMatch(/no result for human/);
    expect(rerun.aaaa0006).toMatch(/PORT_BIND/);
    expect(rerun.aaaa0007).toMatch(/no result/);
  });

  it('keeps measured tasks, preflight skips and deterministic failures', () => {
    expect(skip.aaaa0001).toBe('measured');
    expect(skip.aaaa0003).toMatch(/deterministic failure \(OOM\)/);
    expect(skip.aaaa0005).toMatch(/preflight/);
  });

  it('ignores tasks that left the dataset', () => {
    const s = selectReruns(['aaaa0001'], lastResultsFromReport(report));
    expect(s.rerun).toEqual([]);
    expect(s.skip.map((x) => x.task)).toEqual(['aaaa0001']);
  });
});

describe('selectReruns from result records', () => {
  it('reads the highest attempt of each task and variant', () => {
    const last = lastResultsFromRecords([
      { task: 't1', variant: 'baseline', attempt: 1, status: 'failed', category: 'TRANSIENT_INFRA' },
      { task: 't1', variant: 'baseline', attempt: 2, status: 'success' },
      { task: 't2', variant: 'baseline', attempt: 2, status: 'failed', category: 'TRANSIENT_INFRA' },
      { task: 't2', variant: 'baseline', attempt: 1, status: 'success' },
    ]);
    const sel = selectReruns(['t1', 't2'], last);
    expect(sel.rerun.map((r) => r.task)).toEqual(['t2']);
    expect(sel.skip.map((r) => r.task)).toEqual(['t1']);
  });
});

describe('taxonomy and carry-forward', () => {
  it('takes retryability from the taxonomy table', () => {
    expect(isRetryable('TRANSIENT_INFRA')).toBe(true);
    expect(isRetryable('PORT_BIND')).toBe(true);
    expect(isRetryable('BUILD_FAILED')).toBe(false);
    expect(isRetryable('NOT_A_CATEGORY')).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it('carries forward the previous tasks the new run did not produce', () => {
    expect(tasksToCarryForward(['a', 'b', 'c'], ['b'])).toEqual(['a', 'c']);
  });
});
