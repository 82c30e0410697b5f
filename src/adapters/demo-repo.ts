/**
 * The demo task as a real git repository: the parent commit is the demo engine, the human commit
 * halves its per-token delay, and the agent patch (a diff against the parent) lowers it less.
 * Used by `benchsweep demo` and the end-to-end tests, so the whole flow runs on CPU.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitAll, git, initRepo } from './git.js';

/** The folder holding package.json, found by walking up from this module (works from src/ via tsx and from dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples', 'demo-engine'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`examples/demo-engine not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Sources of the demo engine (`demo_engine/` and `benchmarks/`, laid out like vLLM's `vllm/` and `benchmarks/`). */
export const DEMO_ENGINE_DIR: string = join(packageRoot(), 'examples', 'demo-engine');

const DEMO_MODEL = 'demo-model';
/** The file every demo commit changes, and its knob. */
export const DEMO_SPEED_FILE = 'demo_engine/speed.py';
export const DEMO_DELAYS = { parent: '0.012', human: '0.006', agent: '0.009' } as const;

/** The demo's benchmark line, as a dataset would carry it (the runner injects --host/--port). */
export const DEMO_PERF_COMMAND =
  // `--dtype` is an engine flag, not one of the (strict) client's: the run must route it to the
  // server, or the client exits 2 and the demo fails (issue 10).
  'python3 benchmarks/benchmark_serving.py --backend vllm --model demo-model --dtype float16 --dataset-name random ' +
  '--num-prompts 16 --random-input-len 32 --random-output-len 32 --request-rate inf --seed 0 ' +
  '--percentile-metrics ttft,tpot,itl,e2el --save-result --result-filename benchmark_result.json';

/** The demo engine as a distribution (`demo-engine`): setuptools from the base image, no dependencies. */
const DEMO_PYPROJECT = [
  '[build-system]',
  'requires = ["setuptools>=61", "wheel"]',
  'build-backend = "setuptools.build_meta"',
  '',
  '[project]',
  'name = "demo-engine"',
  'version = "0.1.0"',
  'description = "The demo engine benchsweep benchmarks instead of vLLM"',
  'requires-python = ">=3.9"',
  '',
  '[tool.setuptools]',
  'packages = ["demo_engine"]',
  '',
].join('\n');

export interface DemoRepo {
  /** The engine repository (a real git repository). */
  dir: string;
  /** The folder createDemoRepo was given: it holds `dir`, the agent patch and the dataset. */
  root: string;
  parent: string;
  human: string;
  /** The agent's change as a unified diff against `parent`. */
  agentPatch: string;
  agentPatchFile: string;
  /** A JSONL file with one ISO-Bench row for the demo task. */
  datasetFile: string;
  taskId: string;
}

function withDelay(speedPy: string, delay: string): string {
  if (!/^TOKEN_DELAY_S = /m.test(speedPy)) throw new Error(`TOKEN_DELAY_S not found in ${DEMO_SPEED_FILE}`);
  return speedPy.replace(/^TOKEN_DELAY_S = .*$/m, `TOKEN_DELAY_S = ${delay}`);
}

export async function createDemoRepo(root: string): Promise<DemoRepo> {
  const dir = join(resolve(root), 'engine');
  await mkdir(dir, { recursive: true });
  for (const part of ['demo_engine', 'benchmarks']) {
    await cp(join(DEMO_ENGINE_DIR, part), join(dir, part), {
      recursive: true,
      filter: (src) => !src.includes('__pycache__') && !src.endsWith('.pyc'),
    });
  }
  await writeFile(join(dir, '.gitignore'), '__pycache__/\n*.pyc\nbenchmark_result.json\n');
  await writeFile(
    join(dir, 'README.md'),
    '# demo engine\n\nAn OpenAI-compatible streaming server in Python (stdlib only) that stands in for vLLM.\n',
  );
  // Packaged, so `pip wheel` builds it: the demo serves a per-commit wheel index of its parent (issue 17).
  await writeFile(join(dir, 'pyproject.toml'), DEMO_PYPROJECT);
  await initRepo(dir);
  const speedPath = join(dir, DEMO_SPEED_FILE);
  const original = await readFile(speedPath, 'utf8');
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.parent));
  // Fixed dates: every demo repository has the same commits, so a warm artifact cache serves a rerun.
  const parent = await commitAll(dir, 'demo engine: OpenAI-compatible streaming server', '2026-01-05T10:00:00Z');

  // The agent's attempt: a diff against the parent, never committed.
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.agent));
  const agentPatch = await git(dir, ['diff', '--no-color', '--no-ext-diff', 'HEAD', '--', DEMO_SPEED_FILE]);
  await writeFile(speedPath, withDelay(original, DEMO_DELAYS.human));
  const human = await commitAll(dir, '[Perf] Halve the per-token decode delay (#1)', '2026-01-06T10:00:00Z');

  const patchDir = join(resolve(root), 'patches');
  await mkdir(patchDir, { recursive: true });
  const taskId = human.slice(0, 8);
  const agentPatchFile = join(patchDir, `${taskId}.patch`);
  await writeFile(agentPatchFile, agentPatch);

  const row = {
    commit_hash: human,
    parent_commit: parent,
    repo: 'benchsweep/demo-engine',
    commit_subject: '[Perf] Halve the per-token decode delay (#1)',
    perf_command: DEMO_PERF_COMMAND,
    models: [DEMO_MODEL],
    gpu_config: 'CPU:0',
    benchmark_mode: 'serving',
    files_changed: [DEMO_SPEED_FILE],
    has_agent_patch: true,
    patch_path: agentPatchFile,
  };
  const datasetFile = join(resolve(root), 'demo-dataset.jsonl');
  await writeFile(datasetFile, JSON.stringify(row) + '\n');
  return { dir, root: resolve(root), parent, human, agentPatch, agentPatchFile, datasetFile, taskId };
}
