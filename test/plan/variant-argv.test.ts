/**
 * The one argv builder: routing by the parsers at the commit each variant runs, the launcher of
 * the era, the parallel size of the task's GPUs, one client for every arm, and refusals that name
 * the flag, the file and the commit. Trees are in memory (treeParsers over a file map).
 */
import { describe, expect, it } from 'vitest';
import { treeParsers, type EngineParsers } from '../../src/core/argv/engine-parsers.js';
import { buildTaskArgv, fillEndpoint, type ArgvResult } from '../../src/core/argv/variant-argv.js';
import { checkTaskArgv } from '../../src/core/argv/check-argv.js';
import { resolveParserFlags } from '../../src/core/argv/engine-flags/parser-flags.js';
import { VLLM_LAYOUT } from '../../src/core/argv/engine-flags/engine-layout.js';
import { parseEngineVersion } from '../../src/core/preflight/engine-version.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';
import { releaseTableParsers, VLLM_FLAG_ROWS } from '../../src/core/argv/rules/vllm-flags.js';
import { VARIANTS } from '../../src/core/schemas.js';
import { ARG_UTILS, CLIENT_2023, GENERATE_SERVER_2023, reader, THROUGHPUT, tree054 } from './fake-vllm.js';

const PARENT = 'a'.repeat(40);
const COMMIT = 'b'.repeat(40);

function build(cmd: string, trees: Record<string, Record<string, string>>, gpus = 1): ArgvResult {
  const parsers = new Map<string, EngineParsers>(
    Object.entries(trees).map(([c, files]) => [c, treeParsers(VLLM_LAYOUT, reader(files), c)]),
  );
  return buildTaskArgv({
    perf: parsePerfCommand(cmd),
    gpus,
    commit: COMMIT,
    parent: PARENT,
    variants: VARIANTS,
    parsers: (c) => parsers.get(c),
  });
}

const ok = (r: ArgvResult) => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};

describe('serving argv', () => {
  it('routes engine flags to the server, client flags to the client, the model to both', () => {
    const r = ok(
      build(
        'python benchmarks/benchmark_serving.py --model m/x --dtype float16 --num-prompts 300 --seed 0 --enable-prefix-caching --host 1.2.3.4',
        { [PARENT]: tree054(), [COMMIT]: tree054() },
      ),
    );
    expect(r.argv.baseline).toEqual({
      server: [
        'python3',
        '-m',
        'vllm.entrypoints.openai.api_server',
        '--model',
        'm/x',
        '--dtype',
        'float16',
        '--enable-prefix-caching',
        '--host',
        '{host}',
        '--port',
        '{port}',
      ],
      client: [
        'python3',
        'benchmarks/benchmark_serving.py',
        '--model',
        'm/x',
        '--num-prompts',
        '300',
        '--seed',
        '0',
        '--host',
        '{host}',
        '--port',
        '{port}',
      ],
      client_from: PARENT,
      env: {},
    });
    // One client for every arm, from the parent's tree (the agent's patch cannot change it).
    expect(r.argv.human!.client_from).toBe(PARENT);
    expect(r.argv.agent!.client_from).toBe(PARENT);
    expect(r.notes.map((n) => n.reason).join('\n')).toMatch(/--dtype is an engine flag/);
    expect(fillEndpoint(r.argv.human!.server!, '127.0.0.1', 8123).slice(-4)).toEqual([
      '--host',
      '127.0.0.1',
      '--port',
      '8123',
    ]);
  });

  it('a flag that neither parser has at the commit a variant runs refuses the task, naming flag, file and commit', () => {
    // The commit adds --max-num-batched-tokens to the engine: the human arm has it, the baseline does not.
    const r = build('python benchmarks/benchmark_serving.py --model m/x --max-num-batched-tokens 2048', {
      [PARENT]: tree054(),
      [COMMIT]: tree054('\n        parser.add_argument("--max-num-batched-tokens", type=int)'),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain(
      '--max-num-batched-tokens is not accepted by the benchmark client benchmarks/benchmark_serving.py',
    );
    expect(r.reason).toContain(`at ${PARENT.slice(0, 12)}`);
    expect(r.reason).toContain('vllm/engine/arg_utils.py');
    expect(r.source).toBe(`git ${PARENT.slice(0, 12)}`);
    // An abbreviation and an underscore form are argparse's, not errors.
    ok(
      build('python benchmarks/benchmark_serving.py --model m/x --num_prompts 5 --max-model 1024', {
        [PARENT]: tree054(),
        [COMMIT]: tree054(),
      }),
    );
  });

  it('gives a task that needs N GPUs --tensor-parallel-size N unless the command names one', () => {
    const r = ok(
      build('python benchmarks/benchmark_serving.py --model m/x', { [PARENT]: tree054(), [COMMIT]: tree054() }, 8),
    );
    expect(r.argv.human!.server).toEqual(expect.arrayContaining(['--tensor-parallel-size', '8']));
    const pinned = ok(
      build(
        'python benchmarks/benchmark_serving.py --model m/x -tp 4',
        { [PARENT]: tree054(), [COMMIT]: tree054() },
        4,
      ),
    );
    expect(pinned.argv.human!.server!.filter((w) => w === '-tp' || w === '--tensor-parallel-size')).toEqual(['-tp']);
    expect(pinned.argv.human!.client).not.toContain('-tp');
  });

  it('2023: the /generate server, and a client without --model gets --tokenizer (it requires it)', () => {
    const t = {
      'benchmarks/benchmark_serving.py': CLIENT_2023,
      'vllm/entrypoints/api_server.py': GENERATE_SERVER_2023,
      'vllm/engine/arg_utils.py': ARG_UTILS(),
    };
    const missingDataset = build('python benchmarks/benchmark_serving.py --model m/x --num-prompts 10', {
      [PARENT]: t,
      [COMMIT]: t,
    });
    expect(missingDataset.ok).toBe(false);
    expect(!missingDataset.ok && missingDataset.reason).toMatch(/requires --dataset/);
    const r = ok(
      build(
        'python benchmarks/benchmark_serving.py --model m/x --num-prompts 10 --dataset /data/sharegpt.json --tensor-parallel-size 2',
        { [PARENT]: t, [COMMIT]: t },
        2,
      ),
    );
    expect(r.argv.baseline!.server).toEqual([
      'python3',
      '-m',
      'vllm.entrypoints.api_server',
      '--model',
      'm/x',
      '--tensor-parallel-size',
      '2',
      '--host',
      '{host}',
      '--port',
      '{port}',
    ]);
    expect(r.argv.baseline!.client).toEqual([
      'python3',
      'benchmarks/benchmark_serving.py',
      '--num-prompts',
      '10',
      '--dataset',
      '/data/sharegpt.json',
      '--tokenizer',
      'm/x',
      '--host',
      '{host}',
      '--port',
      '{port}',
    ]);
  });

  it("a serving script the commit creates: every arm runs the commit's client (client_from)", () => {
    const parent = tree054();
    delete parent['benchmarks/benchmark_serving.py'];
    const r = ok(
      build('python benchmarks/benchmark_serving.py --model m/x', { [PARENT]: parent, [COMMIT]: tree054() }),
    );
    for (const v of VARIANTS) expect(r.argv[v]!.client_from).toBe(COMMIT);
    expect(r.notes[0]!.reason).toMatch(/missing at the parent/);
  });
});

describe('offline argv', () => {
  it('checks every flag against the script + engine args at each commit, and adds the parallel size', () => {
    const r = ok(
      build(
        'VLLM_USE_V1=1 python benchmarks/benchmark_latency.py --model m/x --input_len 32 --dtype half',
        { [PARENT]: tree054(), [COMMIT]: tree054() },
        2,
      ),
    );
    expect(r.argv.agent).toEqual({
      server: null,
      client: [
        'python3',
        'benchmarks/benchmark_latency.py',
        '--model',
        'm/x',
        '--input_len',
        '32',
        '--dtype',
        'half',
        '--tensor-parallel-size',
        '2',
      ],
      client_from: PARENT,
      env: { VLLM_USE_V1: '1' },
    });
    expect(r.argv.human!.client_from).toBe(COMMIT);
    const bad = build('python benchmarks/benchmark_latency.py --model m/x --no-such-flag 1', {
      [PARENT]: tree054(),
      [COMMIT]: tree054(),
    });
    expect(!bad.ok && bad.reason).toMatch(
      /--no-such-flag is not accepted by benchmarks\/benchmark_latency\.py \+ vllm\/engine\/arg_utils\.py at a{12} \(baseline\)/,
    );
  });

  it('an offline script that the commit creates cannot run the baseline: refused with the reason', () => {
    const r = build('python benchmarks/benchmark_throughput.py --model m/x --input-len 8 --output-len 8', {
      [PARENT]: tree054(),
      [COMMIT]: { ...tree054(), 'benchmarks/benchmark_throughput.py': THROUGHPUT },
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/does not exist at a{12} \(the parent\), which the baseline variant runs/);
  });
});

describe('the release table (no tree)', () => {
  it('has rows for the releases of the dataset, each with its source', () => {
    expect(VLLM_FLAG_ROWS.length).toBeGreaterThan(20);
    for (const r of VLLM_FLAG_ROWS) expect(r.source).toMatch(/^vllm history \(github:local-inference-lab\/vllm\) /);
  });

  it("says what vLLM's history says: 0.5.4 serving has no --dtype or -tp, its server has both; 0.2.4 speaks /generate", () => {
    const p = releaseTableParsers(parseEngineVersion('0.5.4'))!;
    const client = p.benchmark(parsePerfCommand('python benchmarks/benchmark_serving.py').benchmark!)!;
    expect(client.parser.flags).not.toContain('--dtype');
    expect(client.parser.flags).not.toContain('--tensor-parallel-size');
    expect(client.parser.flags).toContain('--dataset-name');
    const server = p.server('openai')!;
    expect(server.parser.flags).toEqual(
      expect.arrayContaining([
        '--dtype',
        '--tensor-parallel-size',
        '--enable-prefix-caching',
        '--use-v2-block-manager',
      ]),
    );
    const old = releaseTableParsers(parseEngineVersion('0.2.4'))!;
    const oldClient = old.benchmark(parsePerfCommand('python benchmarks/benchmark_serving.py').benchmark!)!;
    expect(oldClient.parser.required).toEqual(expect.arrayContaining(['--tokenizer']));
    expect(old.protocol(parsePerfCommand('python benchmarks/benchmark_serving.py').benchmark!, oldClient)).toBe(
      'generate',
    );
    expect(releaseTableParsers(parseEngineVersion('after pre-v0.1.0, first release ~v0.1.0'))).toBeUndefined();
  });
});

describe('checkTaskArgv', () => {
  it('finds a flag its parser lacks and a parallel size that is not the GPU count', () => {
    const t = reader(tree054());
    const parsers = {
      serverParser: () => resolveParserFlags(t, { path: 'vllm/entrypoints/openai/api_server.py' }),
      clientParser: () => resolveParserFlags(t, { path: 'benchmarks/benchmark_serving.py' }),
    };
    const good = ok(
      build(
        'python benchmarks/benchmark_serving.py --model m/x --dtype half',
        { [PARENT]: tree054(), [COMMIT]: tree054() },
        2,
      ),
    );
    expect(checkTaskArgv(good.argv, { gpus: 2, runCommit: () => PARENT, ...parsers })).toEqual([]);
    const broken = { human: { ...good.argv.human!, client: [...good.argv.human!.client, '--dtype', 'half'] } };
    expect(checkTaskArgv(broken, { gpus: 4, runCommit: () => COMMIT, ...parsers }).map((p) => p.problem)).toEqual([
      `--dtype is not accepted by benchmarks/benchmark_serving.py at ${PARENT.slice(0, 12)}`,
      'parallel size 2 on 4 GPUs',
    ]);
  });
});
