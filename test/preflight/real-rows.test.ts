/**
 * The real dataset (examples/datasets/isobench-vllm.jsonl, a byte copy of ../shared/data/) through
 * preflight: the fates the seeds name, the seed-quoted commands, and the whole table of fates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseDataset } from '../../src/core/dataset/dataset.js';
import { preflightTask, type PreflightOptions, type PreflightResult } from '../../src/core/preflight/preflight.js';
import type { Task } from '../../src/core/task.js';

const read = (name: string) => readFileSync(new URL(`../../examples/datasets/${name}`, import.meta.url), 'utf8');
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/preflight/real-rows-fates.json', import.meta.url), 'utf8'),
) as {
  fates: Record<string, { withoutShareGPT: string; withShareGPT: string; gpus: number }>;
};

const SHAREGPT = 'ShareGPT_V3_unfiltered_cleaned_split.json';
const H100x8: PreflightOptions = { maxGpus: 8, gpuMemoryGiB: 80, dataFiles: [] };

const dataset = parseDataset(read('isobench-vllm.jsonl'), 'isobench-vllm.jsonl');
/** The rows with the commands as the seeds quote them (2deb029d's brackets, 19d98e0c's moe_mem.py). */
const quoted = applyOverrides(dataset.tasks, read('seed-quoted-commands.jsonl'), 'seed-quoted-commands.jsonl').tasks;

function fate(tasks: Task[], id: string, opts: Partial<PreflightOptions> = {}): PreflightResult {
  const t = tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}`);
  return preflightTask(t, { ...H100x8, ...opts });
}

function counts(opts: PreflightOptions, tasks: Task[] = dataset.tasks): Record<string, number> {
  const c: Record<string, number> = {};
  for (const t of tasks) {
    const r = preflightTask(t, opts);
    const k = r.runnable ? 'runnable' : r.category!;
    c[k] = (c[k] ?? 0) + 1;
  }
  return c;
}

describe('preflight on the real rows', () => {
  it('loads all 96 rows without errors', () => {
    expect(dataset.errors).toEqual([]);
    expect(dataset.tasks).toHaveLength(96);
  });

  it('526de822: unreplaced placeholders', () => {
    const r = fate(dataset.tasks, '526de822');
    expect(r).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(r.reason).toMatch(/placeholders: .*BS.*INPUT_LEN.*OUTPUT_LEN.*MODEL/);
  });

  it('2deb029d: the literal [--use-v2-block-manager] of the seed-quoted command', () => {
    const r = fate(quoted, '2deb029d');
    expect(r).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(r.reason).toMatch(/brackets: \[--use-v2-block-manager\]/);
    // The mapping's own command has no brackets, but benchmark_prefix_caching.py is not measurable.
    expect(fate(dataset.tasks, '2deb029d')).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
  });

  it('19d98e0c: moe_mem.py is missing (with a checkout) and not a known benchmark (without)', () => {
    const withCheckout = fate(quoted, '19d98e0c', { scriptExists: () => false });
    expect(withCheckout).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(withCheckout.reason).toMatch(/benchmarks\/kernels\/moe_mem\.py does not exist at commit/);
    expect(fate(quoted, '19d98e0c').reason).toMatch(/moe_mem\.py is not a benchmark/);
    // The mapping itself has no command for it.
    expect(fate(dataset.tasks, '19d98e0c').category).toBe('NO_PERF_COMMAND');
  });

  it('fa63e710: a machine-specific model path', () => {
    const r = fate(dataset.tasks, 'fa63e710');
    expect(r).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(r.reason).toContain('/data/users/ktong/llama/llm_8b_oss');
  });

  it('310aca88: -tp 4 runs on a 4-GPU runner, and cannot run when the largest has 2', () => {
    expect(fate(dataset.tasks, '310aca88')).toMatchObject({
      runnable: true,
      gpus: 4,
      kind: 'latency',
      model: 'meta-llama/Meta-Llama-3-70B',
    });
    expect(fate(dataset.tasks, '310aca88', { maxGpus: 2 })).toMatchObject({
      runnable: false,
      category: 'INSUFFICIENT_GPUS',
      gpus: 4,
    });
  });

  it('the other fates the seeds name: hardware, version bug #8791, models too large', () => {
    expect(fate(dataset.tasks, '0d243f2a').category).toBe('WRONG_HARDWARE');
    expect(fate(dataset.tasks, '6a417b86').category).toBe('WRONG_HARDWARE');
    // vllm#8791 needs pipeline parallelism > 1: these single-GPU, pp = 1 serving tasks run (with the data file).
    for (const id of ['25ebed2f', '88693683', 'b2e0ad3b', 'f092153f']) {
      const r = fate(dataset.tasks, id, { dataFiles: [SHAREGPT] });
      expect(r.runnable, `${id}: ${r.reason}`).toBe(true);
      expect(
        r.findings.some((f) => f.category === 'KNOWN_VERSION_BUG'),
        id,
      ).toBe(false);
    }
    for (const id of ['baeded25', '4fb56914', '7661e92e', 'dae68969', 'fb0acb6c'])
      expect(fate(dataset.tasks, id).category, id).toBe('INSUFFICIENT_GPUS');
    expect(fate(dataset.tasks, 'bd6028d6')).toMatchObject({ runnable: true, gpus: 2 });
    // The seeds' one apples-to-apples success stays runnable.
    expect(fate(dataset.tasks, 'ce6bf3a2')).toMatchObject({
      runnable: true,
      kind: 'throughput',
      model: 'google/gemma-2b',
      gpus: 1,
    });
    expect(fate(dataset.tasks, '3127e975').category).toBe('NO_PERF_COMMAND');
  });

  it('every row has the fate of the reviewed table (without and with a ShareGPT file)', () => {
    const got: typeof fixture.fates = {};
    for (const t of dataset.tasks) {
      const a = preflightTask(t, H100x8);
      const b = preflightTask(t, { ...H100x8, dataFiles: [SHAREGPT] });
      got[t.id] = {
        withoutShareGPT: a.runnable ? 'RUNNABLE' : a.category!,
        withShareGPT: b.runnable ? 'RUNNABLE' : b.category!,
        gpus: b.gpus,
      };
    }
    expect(got).toEqual(fixture.fates);
    const without = counts(H100x8);
    const withFile = counts({ ...H100x8, dataFiles: [SHAREGPT] });
    console.log('preflight counts, 8 × 80 GiB, no data files:', without);
    console.log('preflight counts, 8 × 80 GiB, ShareGPT provided:', withFile);
    expect(Object.values(without).reduce((a, b) => a + b, 0)).toBe(96);
    expect(withFile.runnable).toBeGreaterThan(without.runnable!);
  });
});
