import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatDatasetError, parseDataset, selectTasks } from '../../src/core/dataset/dataset.js';

const REAL = new URL('../../examples/datasets/isobench-vllm.jsonl', import.meta.url);

describe('parseDataset', () => {
  it('loads every real ISO-Bench row with its fields', () => {
    const { tasks, errors } = parseDataset(readFileSync(REAL, 'utf8'), 'isobench-vllm.jsonl');
    expect(errors).toEqual([]);
    expect(tasks).toHaveLength(96);
    const t = tasks.find((x) => x.id === '310aca88')!;
    expect(t.commit).toMatch(/^310aca88[0-9a-f]{32}$/);
    expect(t.parent).toMatch(/^[0-9a-f]{40}$/);
    expect(t.perfCommand).toContain('-tp 4');
    expect(t.origin.file).toBe('isobench-vllm.jsonl');
    expect(tasks.filter((x) => !x.perfCommand)).toHaveLength(3);
  });

  it('names file, line and field of each bad row and keeps the others', () => {
    const text = [
      JSON.stringify({ commit_hash: 'abcdef1234', perf_command: 'python benchmarks/benchmark_serving.py --model m' }),
      '{not json',
      JSON.stringify({ commit_hash: 'zzzz', perf_command: 'x' }),
      JSON.stringify({ commit_hash: '1234567890ab', models: 'not-a-list' }),
      '',
      JSON.stringify({ commit_hash: 'abcdef12ff' }),
    ].join('\n');
    const { tasks, errors } = parseDataset(text, 'd.jsonl');
    expect(tasks.map((t) => t.id)).toEqual(['abcdef12']);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [2, undefined],
      [3, 'commit_hash'],
      [4, 'models'],
      [6, 'commit_hash'],
    ]);
    expect(formatDatasetError(errors[1]!)).toMatch(/^d\.jsonl:3 field commit_hash: /);
    expect(errors[3]!.message).toMatch(/duplicate task id abcdef12 \(first on line 1\)/);
  });

  it('reads a JSON array and CSV with list cells, short and full hashes', () => {
    const arr = JSON.stringify([{ commit_hash: 'a'.repeat(40), id: 'custom' }, { commit_hash: 'bbbbbbb' }]);
    const json = parseDataset(arr, 'rows.json');
    expect(json.tasks.map((t) => t.id)).toEqual(['custom', 'bbbbbbb']);
    const csv =
      'commit_hash,models,has_agent_patch,perf_command\n' +
      'cccccccc11,"[""m1"",""m2""]",true,"python x.py --a ""b c"""\n' +
      'dddddddd22,m1;unknown,no,\n';
    const parsed = parseDataset(csv, 'rows.csv');
    expect(parsed.errors).toEqual([]);
    expect(parsed.tasks[0]).toMatchObject({
      id: 'cccccccc',
      models: ['m1', 'm2'],
      hasAgentPatch: true,
      perfCommand: 'python x.py --a "b c"',
    });
    expect(parsed.tasks[1]).toMatchObject({ id: 'dddddddd', models: ['m1'], hasAgentPatch: false });
    expect(parsed.tasks[1]!.perfCommand).toBeUndefined();
    expect(detectFormat('x.data', '  [{}]')).toBe('json');
  });

  it('selects by id or commit prefix and reports unknown ids', () => {
    const { tasks } = parseDataset(readFileSync(REAL, 'utf8'), 'r.jsonl');
    const full = tasks.find((t) => t.id === '310aca88')!.commit;
    const sel = selectTasks(tasks, ['526de822', full.slice(0, 12), 'ffffffff']);
    expect(sel.tasks.map((t) => t.id).sort()).toEqual(['310aca88', '526de822']);
    expect(sel.unknown).toEqual(['ffffffff']);
  });
});
