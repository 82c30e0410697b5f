/**
 * Reading argparse flags from an engine's Python source (engine-flags/), and what argparse does
 * with a flag as written: exact, `_` → `-` (FlexibleArgumentParser), `--no-X`, prefixes.
 */
import { describe, expect, it } from 'vitest';
import {
  argumentCalls,
  blockOf,
  dataclassFields,
  importedFrom,
  parserReferences,
} from '../../src/core/argv/engine-flags/python-source.js';
import { acceptFlag, resolveParserFlags } from '../../src/core/argv/engine-flags/parser-flags.js';
import {
  benchmarkParser,
  clientProtocol,
  resolveServer,
  versionInTree,
  VLLM_LAYOUT,
} from '../../src/core/argv/engine-flags/engine-layout.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';
import { scmVersion } from '../../src/core/preflight/rules/vllm-releases.js';
import {
  ARG_UTILS,
  BENCH_SERVE_ARGS,
  BENCH_SERVE_SUBCOMMAND,
  CLI_ARGS,
  CLI_MAIN,
  CLIENT_2023,
  GENERATE_SERVER_2023,
  reader,
  tree054,
} from './fake-vllm.js';

describe('python source', () => {
  it('reads add_argument calls: names, short forms, required, BooleanOptionalAction, multi-line help', () => {
    const calls = argumentCalls(ARG_UTILS());
    const byFlag = (f: string) => calls.find((c) => c.flags.includes(f));
    expect(byFlag('--tensor-parallel-size')!.flags).toEqual(['--tensor-parallel-size', '-tp']);
    expect(byFlag('--enable-prefix-caching')!.negatable).toBe(true);
    expect(byFlag('--dtype')!.negatable).toBe(false);
    expect(calls.map((c) => c.flags[0])).toContain('--max-model-len');
    const req = argumentCalls(CLIENT_2023);
    expect(req.filter((c) => c.required).map((c) => c.flags[0])).toEqual(['--dataset', '--tokenizer']);
    expect(argumentCalls('p.add_argument("model_tag", nargs="?")')[0]).toMatchObject({
      flags: [],
      positional: 'model_tag',
    });
  });

  it('finds blocks, imports, dataclass fields and parser-building calls', () => {
    const engine = blockOf(ARG_UTILS(), 'class', 'EngineArgs')!;
    expect(engine).toContain('--max-model-len');
    expect(engine).not.toContain('--disable-log-requests');
    // A docstring whose lines start at column 0 stays inside the block.
    expect(blockOf(CLI_ARGS, 'class', 'FrontendArgs')).toContain('add_cli_args');
    expect(dataclassFields(blockOf(CLI_ARGS, 'class', 'FrontendArgs')!)).toEqual([
      { name: 'host', bool: false },
      { name: 'port', bool: false },
      { name: 'disable_uvicorn_access_log', bool: true },
    ]);
    expect(importedFrom(CLI_ARGS, 'AsyncEngineArgs')).toBe('vllm.engine.arg_utils');
    expect(importedFrom('from a.b import (\n  X,\n  Y as Z,\n)\n', 'Z')).toBe('a.b');
    expect(parserReferences(blockOf(CLI_ARGS, 'def', 'make_arg_parser')!)).toEqual([
      { kind: 'class', name: 'FrontendArgs' },
      { kind: 'class', name: 'AsyncEngineArgs' },
    ]);
    expect(parserReferences('parser = make_arg_parser()\nargs = parser.parse_args()')).toEqual([
      { kind: 'def', name: 'make_arg_parser' },
    ]);
  });
});

describe('parser flags', () => {
  it('follows the server through make_arg_parser(), a dataclass loop and AsyncEngineArgs → EngineArgs', () => {
    const server = resolveParserFlags(reader(tree054()), { path: 'vllm/entrypoints/openai/api_server.py' })!;
    expect(server.files).toEqual([
      'vllm/entrypoints/openai/api_server.py',
      'vllm/entrypoints/openai/cli_args.py',
      'vllm/engine/arg_utils.py',
    ]);
    for (const f of [
      '--host',
      '--port',
      '--disable-uvicorn-access-log',
      '--no-disable-uvicorn-access-log',
      '--served-model-name',
      '--dtype',
      '-tp',
      '--disable-log-requests',
      '--no-enable-prefix-caching',
    ]) {
      expect(server.flags, f).toContain(f);
    }
    expect(server.flags).not.toContain('--no-dtype');
    expect(server.flexible).toBe(true);
  });

  it('an offline script gets EngineArgs (not AsyncEngineArgs) flags; a re-export is followed', () => {
    const files: Record<string, string> = {
      ...tree054(),
      'vllm/__init__.py': 'from vllm.engine.arg_utils import AsyncEngineArgs, EngineArgs\n',
    };
    const latency = resolveParserFlags(reader(files), { path: 'benchmarks/benchmark_latency.py' })!;
    expect(latency.flags).toContain('--dtype');
    expect(latency.flags).not.toContain('--disable-log-requests');
    files['benchmarks/x.py'] = 'from vllm import AsyncEngineArgs\nparser = AsyncEngineArgs.add_cli_args(parser)\n';
    expect(resolveParserFlags(reader(files), { path: 'benchmarks/x.py' })!.flags).toContain('--disable-log-requests');
    expect(resolveParserFlags(reader(files), { path: 'benchmarks/nope.py' })).toBeUndefined();
  });

  it('accepts flags the way argparse does', () => {
    const p = {
      flags: ['--input-len', '--input-file', '--model', '-tp', '--enable-prefix-caching', '--no-enable-prefix-caching'],
      flexible: true,
    };
    expect(acceptFlag(p, '--model')).toEqual({ ok: true, flag: '--model', how: 'exact' });
    expect(acceptFlag(p, '--model=x')).toMatchObject({ ok: true, flag: '--model' });
    expect(acceptFlag(p, '--input_len')).toEqual({ ok: true, flag: '--input-len', how: 'underscore' });
    expect(acceptFlag({ ...p, flexible: false }, '--input_len')).toEqual({ ok: false, why: 'unknown' });
    expect(acceptFlag(p, '--enable-prefix')).toEqual({
      ok: true,
      flag: '--enable-prefix-caching',
      how: 'abbreviation',
    });
    expect(acceptFlag(p, '--input')).toEqual({
      ok: false,
      why: 'ambiguous',
      candidates: ['--input-len', '--input-file'],
    });
    expect(acceptFlag(p, '--no-enable-prefix-caching')).toMatchObject({ ok: true });
    expect(acceptFlag(p, '--dtype')).toEqual({ ok: false, why: 'unknown' });
    expect(acceptFlag(p, '-t')).toEqual({ ok: false, why: 'unknown' });
    // A script without any parser ignores its arguments.
    expect(acceptFlag({ flags: [], flexible: false, opaque: true }, '--anything')).toMatchObject({ ok: true });
  });
});

describe('engine layout', () => {
  it('picks the server by era and protocol, and the parser of `vllm bench serve`', () => {
    const t = reader(tree054());
    expect(resolveServer(VLLM_LAYOUT, t, 'openai')!.layout.launcher).toEqual([
      'python3',
      '-m',
      'vllm.entrypoints.openai.api_server',
    ]);
    const cli = reader({
      ...tree054(),
      'vllm/entrypoints/cli/serve.py':
        'from vllm.entrypoints.openai.cli_args import make_arg_parser\n\ndef subparser_init(subparsers):\n    serve_parser = subparsers.add_parser("serve")\n    serve_parser.add_argument("model_tag", nargs="?")\n    return make_arg_parser(serve_parser)\n',
      'vllm/entrypoints/cli/main.py': CLI_MAIN,
      'vllm/entrypoints/cli/benchmark/serve.py': BENCH_SERVE_SUBCOMMAND,
      'vllm/benchmarks/serve.py': BENCH_SERVE_ARGS,
    });
    const s = resolveServer(VLLM_LAYOUT, cli, 'openai')!;
    expect(s.layout.launcher).toEqual(['vllm', 'serve']);
    expect(s.layout.modelPositional).toBe(true);
    expect(s.parser.flags).toContain('--dtype');
    const bench = benchmarkParser(VLLM_LAYOUT, cli, parsePerfCommand('vllm bench serve --model m').benchmark!)!;
    expect(bench.files).toEqual(['vllm/entrypoints/cli/benchmark/serve.py', 'vllm/benchmarks/serve.py']);
    expect(bench.flexible).toBe(true);
    // 2023: the client posts to /generate, so the server is vllm.entrypoints.api_server.
    const old = reader({
      'benchmarks/benchmark_serving.py': CLIENT_2023,
      'vllm/entrypoints/api_server.py': GENERATE_SERVER_2023,
      'vllm/engine/arg_utils.py': ARG_UTILS(),
      'vllm/__init__.py': '__version__ = "0.2.4"\n',
    });
    const client = benchmarkParser(
      VLLM_LAYOUT,
      old,
      parsePerfCommand('python benchmarks/benchmark_serving.py').benchmark!,
    )!;
    expect(clientProtocol(old, 'benchmarks/benchmark_serving.py', client)).toBe('generate');
    expect(resolveServer(VLLM_LAYOUT, old, 'generate')!.layout.launcher).toEqual([
      'python3',
      '-m',
      'vllm.entrypoints.api_server',
    ]);
    expect(versionInTree(VLLM_LAYOUT, old)).toEqual({ version: '0.2.4', file: 'vllm/__init__.py' });
  });

  it('reads the version the tree states, not a setuptools-scm fallback, and counts scm versions from an anchor', () => {
    expect(versionInTree(VLLM_LAYOUT, reader(tree054()))!.version).toBe('0.5.4');
    const scm = reader({
      'vllm/version.py': 'try:\n    from ._version import __version__\nexcept Exception:\n    __version__ = "dev"\n',
      'setup.py': 'setup(version="0.0.0")\n',
    });
    expect(versionInTree(VLLM_LAYOUT, scm)).toBeUndefined();
    expect(scmVersion('0.6.4.post1', 375)).toBe('0.6.4.post2.dev375');
    expect(scmVersion('0.6.5', 12)).toBe('0.6.6.dev12');
    expect(scmVersion('0.6.5', 0)).toBe('0.6.5');
  });
});
