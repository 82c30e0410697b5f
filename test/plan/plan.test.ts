import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, SweepConfig } from '../../src/core/config.js';
import { applyOverrides, parseDataset } from '../../src/core/dataset/dataset.js';
import { planSweep } from '../../src/core/plan/plan.js';
import { renderPlanMarkdown } from '../../src/core/plan/plan-markdown.js';
import { parsePool } from '../../src/core/plan/pool.js';
import type { Task } from '../../src/core/task.js';

const read = (name: string) => readFileSync(new URL(`../../examples/datasets/${name}`, import.meta.url), 'utf8');
const real = () => {
  const base = parseDataset(read('isobench-vllm.jsonl'), 'isobench-vllm.jsonl');
  return applyOverrides(base.tasks, read('seed-quoted-commands.jsonl'), 'seed-quoted-commands.jsonl').tasks;
};

function task(id: string, perfCommand: string | undefined, extra: Partial<Task> = {}): Task {
  return {
    id,
    commit: id.padEnd(40, '0'),
    parent: 'f'.repeat(40),
    repo: 'vllm-project/vllm',
    models: [],
    origin: { file: 't.jsonl', line: 1 },
    ...(perfCommand ? { perfCommand } : {}),
    ...extra,
  };
}

describe('planSweep on the real rows', () => {
  const plan = planSweep(real(), defaultConfig());
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));

  it('lists every row and agrees with the fates the seeds name', () => {
    expect(plan.tasks).toHaveLength(96);
    expect(byId.get('526de822')).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(byId.get('526de822')!.reason).toMatch(/placeholder/i);
    expect(byId.get('2deb029d')).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(byId.get('2deb029d')!.reason).toMatch(/bracket|optional/i);
    expect(byId.get('19d98e0c')).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(byId.get('19d98e0c')!.reason).toMatch(/script/i);
    expect(byId.get('fa63e710')).toMatchObject({ runnable: false, category: 'INVALID_COMMAND' });
    expect(byId.get('fa63e710')!.reason).toMatch(/path/i);
    expect(byId.get('310aca88')).toMatchObject({ runnable: true, gpus: 4 });
    expect(plan.tasks.filter((t) => t.category === 'NO_PERF_COMMAND').length).toBeGreaterThanOrEqual(2);
    expect(plan.counts.runnable + plan.counts.skipped).toBe(96);
  });

  it('emits one matrix entry per runnable task with all three variants, longest first, labelled by size', () => {
    const inc = plan.matrix.include;
    expect(inc).toHaveLength(plan.counts.runnable);
    expect(new Set(inc.map((e) => e.task)).size).toBe(inc.length);
    for (const e of inc) {
      expect(e.variants).toEqual(['baseline', 'human', 'agent']);
      expect(e.runs_on).toEqual(['self-hosted', 'linux', 'h100', `gpu-${e.gpus}`]);
    }
    for (let i = 1; i < inc.length; i++) {
      const [a, b] = [inc[i - 1]!, inc[i]!];
      expect(a.estimate_s > b.estimate_s || (a.estimate_s === b.estimate_s && a.task < b.task)).toBe(true);
    }
    expect(inc.find((e) => e.task === '310aca88')!.runs_on).toContain('gpu-4');
    // Deterministic: the same input gives the same matrix.
    expect(planSweep(real(), defaultConfig()).matrix).toEqual(plan.matrix);
  });

  it('is INSUFFICIENT_GPUS for tp 4 when the largest runner has 2 GPUs', () => {
    const small = planSweep(real(), defaultConfig(), { maxGpus: 2 });
    expect(small.tasks.find((t) => t.id === '310aca88')).toMatchObject({
      runnable: false,
      category: 'INSUFFICIENT_GPUS',
    });
  });

  it('renders a summary with counts, skipped categories, sizes and the estimate', () => {
    const md = renderPlanMarkdown(
      planSweep(real(), defaultConfig(), { pool: parsePool('8xH100:1,2xH100:4,1xH100:8') }),
    );
    expect(md).toContain(`**${plan.counts.runnable} runnable** of 96 tasks`);
    expect(md).toMatch(/### Skipped before the GPU[\s\S]*`INVALID_COMMAND`/);
    expect(md).toMatch(/\| GPUs \| jobs/);
    expect(md).toMatch(/makespan \*\*[\d.]+ h\*\* against a lower bound/);
  });
});

describe('planSweep mechanics', () => {
  const serving = (model: string) =>
    `python benchmarks/benchmark_serving.py --model ${model} --num-prompts 10 --dataset-name random`;

  it('splits into shards of at most maxMatrixJobs entries', () => {
    const tasks = Array.from({ length: 7 }, (_, i) => task(`a${i}bcdef0`, serving('meta-llama/Llama-3.1-8B-Instruct')));
    const plan = planSweep(tasks, SweepConfig.parse({ maxMatrixJobs: 3 }));
    expect(plan.shards.map((s) => s.include.length)).toEqual([3, 3, 1]);
    expect(plan.matrix.include.map((e) => e.shard)).toEqual([0, 0, 0, 1, 1, 1, 2]);
  });

  it('keeps a command with shell syntax as data', () => {
    const sentinel = join(tmpdir(), `benchsweep-sentinel-${process.pid}`);
    const raw = `python benchmarks/benchmark_serving.py --model x; rm -rf /; touch ${sentinel} && echo $(touch ${sentinel}) \`touch ${sentinel}\``;
    const plan = planSweep([task('deadbeef', raw)], defaultConfig());
    expect(plan.tasks[0]!.model).toBe('x');
    expect(existsSync(sentinel)).toBe(false);
  });

  it('carries dataset errors and unknown ids to the plan', () => {
    const plan = planSweep([], defaultConfig(), {
      errors: [{ file: 'd.jsonl', line: 3, field: 'commit_hash', message: 'bad' }],
      unknownIds: ['zzz'],
    });
    expect(plan.errors).toHaveLength(1);
    expect(plan.unknown_ids).toEqual(['zzz']);
    expect(renderPlanMarkdown(plan)).toContain('d.jsonl:3 field commit_hash: bad');
  });
});
