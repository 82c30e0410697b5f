/**
 * `plan --repo` over the 96 real rows against vLLM's history (a bare git dir; BENCHSWEEP_VLLM_REPO,
 * default /work/.mirror/local-inference-lab+vllm/repo): wall time (target ≤ 30 s on 2 cores),
 * runnable count, and the plan's promises checked independently of the builder: every option of
 * every planned argv is accepted by its parser at the commit its variant runs, multi-GPU tasks
 * set a parallel size equal to their GPU count, and the three pp=1 tasks of vllm#8791 run.
 * Then the same commands on other commits of the history (not the dataset's).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPlan } from '../src/commands/plan.js';
import { openEngineTree } from '../src/adapters/engine-tree.js';
import { checkTaskArgv } from '../src/core/argv/check-argv.js';
import { VLLM_LAYOUT } from '../src/core/argv/engine-flags/engine-layout.js';
import { resolveParserFlags, type ParserFlags, type ReadFile } from '../src/core/argv/engine-flags/parser-flags.js';
import { parsePerfCommand } from '../src/core/dataset/perf-command.js';
import { benchmarkParser } from '../src/core/argv/engine-flags/engine-layout.js';
import type { TaskArgv } from '../src/core/argv/variant-argv.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = process.env.BENCHSWEEP_VLLM_REPO ?? '/work/.mirror/local-inference-lab+vllm/repo';
const PP1_TASKS = ['25ebed2f', 'f092153f', 'b2e0ad3b'];

function serverParserOf(read: ReadFile, argv: readonly string[]): ParserFlags | undefined {
  const s = VLLM_LAYOUT.servers.find((x) => x.launcher.every((w, i) => argv[i] === w));
  if (!s) return undefined;
  const p = resolveParserFlags(read, { path: s.file });
  if (p && s.flexibleFrom && /FlexibleArgumentParser/.test(read(s.flexibleFrom) ?? '')) p.flexible = true;
  return p;
}

function clientParserOf(read: ReadFile, argv: readonly string[]): ParserFlags | undefined {
  const bench = parsePerfCommand(argv.join(' ')).benchmark;
  return bench ? benchmarkParser(VLLM_LAYOUT, read, bench) : undefined;
}

async function check(
  tasks: Array<{ id: string; commit: string; parent?: string; gpus: number; argv?: TaskArgv }>,
): Promise<string[]> {
  const tree = openEngineTree(REPO);
  try {
    return await tree.prefetch(() => {
      const problems: string[] = [];
      for (const t of tasks) {
        if (!t.argv) continue;
        const runCommit = (v: string) => (v === 'human' ? t.commit : (t.parent ?? t.commit));
        for (const [variant, a] of Object.entries(t.argv)) {
          const found = checkTaskArgv({ [variant]: a } as TaskArgv, {
            gpus: t.gpus,
            runCommit,
            serverParser: (c) => (a.server ? serverParserOf(tree.reader(c), a.server) : undefined),
            clientParser: (c) => clientParserOf(tree.reader(c), a.client),
          });
          problems.push(...found.map((p) => `${t.id} ${p.variant} ${p.side}: ${p.problem}`));
        }
      }
      return problems;
    });
  } finally {
    tree.close();
  }
}

/** Commits of the first-parent history between two dates, every `step`-th. */
function otherCommits(step: number): Array<{ commit: string; parent: string }> {
  const out = execFileSync(
    'git',
    ['--git-dir', REPO, 'log', '--first-parent', '--format=%H %P', '--since=2023-07-01', '--until=2025-08-15', 'HEAD'],
    { maxBuffer: 1e8 },
  ).toString();
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  return rows.filter((_, i) => i % step === 0).map((r) => ({ commit: r[0]!, parent: r[1]! }));
}

const OTHER_COMMANDS = [
  'python benchmarks/benchmark_serving.py --model meta-llama/Meta-Llama-3-8B --dtype float16 --num-prompts 100 --seed 0 --enable-prefix-caching',
  'python benchmarks/benchmark_serving.py --model Qwen/Qwen2.5-7B-Instruct --max-model-len 4096 --request-rate 1',
  'python benchmarks/benchmark_throughput.py --model facebook/opt-125m --input-len 256 --output-len 256 --num-prompts 50 -tp 2',
  'python benchmarks/benchmark_latency.py --model facebook/opt-125m --input_len 32 --batch_size 8 --load-format dummy',
  'vllm bench serve --model Qwen/Qwen2.5-1.5B-Instruct --dataset-name random --random-input-len 100 --num-prompts 10',
];

export default async function planRepoBench(): Promise<Record<string, number | string>> {
  if (!existsSync(REPO)) return { skipped: `no vLLM history at ${REPO} (set BENCHSWEEP_VLLM_REPO)` };
  const dataset = fileURLToPath(new URL('../examples/datasets/isobench-vllm.jsonl', import.meta.url));
  const config = fileURLToPath(new URL('../examples/sweep-config.yml', import.meta.url));
  const t0 = performance.now();
  const plan = (await runPlan({ dataset, config, repo: REPO })).value;
  const seconds = (performance.now() - t0) / 1000;
  const runnable = plan.tasks.filter((t) => t.runnable);
  const problems = await check(
    runnable.map((t) => ({
      id: t.id,
      commit: t.commit,
      ...(t.parent ? { parent: t.parent } : {}),
      gpus: t.gpus,
      ...(t.argv ? { argv: t.argv } : {}),
    })),
  );
  const multi = runnable.filter((t) => t.gpus > 1);
  const out: Record<string, number | string> = {
    'dataset: plan --repo seconds (≤ 30)': Math.round(seconds * 10) / 10,
    'dataset: tasks / runnable / skipped': `${plan.counts.tasks} / ${plan.counts.runnable} / ${plan.counts.skipped}`,
    'dataset: runnable without argv': runnable.filter((t) => !t.argv).length,
    'dataset: argv problems (flags, parallel size)': problems.length,
    'dataset: multi-GPU tasks (parallel = GPUs checked)': multi.length,
    'dataset: pp=1 #8791 tasks runnable': `${PP1_TASKS.filter((id) => plan.tasks.find((t) => t.id === id)?.runnable).length} / 3`,
    'dataset: skipped by category': JSON.stringify(plan.counts.byCategory),
  };
  if (problems.length) out['dataset: first problems'] = problems.slice(0, 5).join(' | ');

  // The same commands on other commits of the history.
  const commits = otherCommits(Number(process.env.BENCHSWEEP_OTHER_STEP ?? 400));
  const dir = mkdtempSync(join(tmpdir(), 'benchsweep-other-'));
  const rows = commits.flatMap((c, i) =>
    OTHER_COMMANDS.map((cmd, k) =>
      JSON.stringify({
        id: `o${i}-${k}`,
        commit_hash: c.commit,
        parent_commit: c.parent,
        repo: 'vllm-project/vllm',
        perf_command: cmd,
        gpu_config: 'H100:1',
      }),
    ),
  );
  writeFileSync(join(dir, 'other.jsonl'), rows.join('\n') + '\n');
  const t1 = performance.now();
  const other = (await runPlan({ dataset: join(dir, 'other.jsonl'), config, repo: REPO })).value;
  const otherProblems = await check(
    other.tasks
      .filter((t) => t.runnable)
      .map((t) => ({
        id: t.id,
        commit: t.commit,
        ...(t.parent ? { parent: t.parent } : {}),
        gpus: t.gpus,
        ...(t.argv ? { argv: t.argv } : {}),
      })),
  );
  const refusedFlags = other.tasks.filter((t) => !t.runnable && t.category === 'INVALID_COMMAND').length;
  out['other commits: commits × commands'] = `${commits.length} × ${OTHER_COMMANDS.length}`;
  out['other commits: seconds'] = Math.round((performance.now() - t1) / 100) / 10;
  out['other commits: runnable / INVALID_COMMAND / other skips'] =
    `${other.counts.runnable} / ${refusedFlags} / ${other.counts.skipped - refusedFlags}`;
  out['other commits: argv problems'] = otherProblems.length;
  if (otherProblems.length) out['other commits: first problems'] = otherProblems.slice(0, 5).join(' | ');
  return out;
}
