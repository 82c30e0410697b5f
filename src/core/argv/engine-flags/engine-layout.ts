/**
 * Where an engine's parsers live in its tree, era by era: which server a serving benchmark
 * talks to (the 2023 `/generate` server, `vllm serve`, or the OpenAI api_server module), which
 * file parses a benchmark command (`benchmarks/benchmark_serving.py`, `vllm bench serve` →
 * vllm/entrypoints/cli/benchmark/serve.py), and the engine's version as the tree states it.
 * Every answer comes from reading the tree at one commit (a ReadFile), so the same code serves
 * `plan --repo` and the runner.
 */
import type { BenchCommand } from '../../dataset/perf-command-types.js';
import { resolveParserFlags, type ParserFlags, type ReadFile } from './parser-flags.js';

export interface ServerLayout {
  /** argv before the model and flags: `python3 -m vllm.entrypoints.openai.api_server`, `vllm serve`. */
  launcher: string[];
  /** The file whose parser the server uses. */
  file: string;
  /** `vllm serve MODEL`: the model is the first positional. */
  modelPositional?: boolean;
  /** The 2023 server (`/generate`), for clients that speak that protocol. */
  protocol: 'openai' | 'generate';
  /** The file that builds the CLI's parser (FlexibleArgumentParser) when the launcher is a CLI. */
  flexibleFrom?: string;
  source: string;
}

export interface EngineLayout {
  name: 'vllm' | 'demo';
  /** In order of preference: the first whose file exists at the commit (and speaks the client's protocol). */
  servers: ServerLayout[];
  /** `vllm bench <kind>`: where each subcommand's parser lives. */
  cli?: { program: string; benchDir: string; main: string };
  /** Files that hold `__version__ = "x.y.z"` literally (before setuptools-scm). */
  versionFiles: string[];
}

export const VLLM_LAYOUT: EngineLayout = {
  name: 'vllm',
  servers: [
    {
      launcher: ['python3', '-m', 'vllm.entrypoints.api_server'],
      file: 'vllm/entrypoints/api_server.py',
      protocol: 'generate',
      source: 'vllm@21d93c14 benchmarks/benchmark_serving.py posts to /generate',
    },
    {
      launcher: ['vllm', 'serve'],
      file: 'vllm/entrypoints/cli/serve.py',
      modelPositional: true,
      protocol: 'openai',
      flexibleFrom: 'vllm/entrypoints/cli/main.py',
      source: 'vllm@d46d490c2 adds vllm/entrypoints/cli/main.py (2025-02)',
    },
    {
      launcher: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      file: 'vllm/entrypoints/openai/api_server.py',
      protocol: 'openai',
      source: 'vllm/entrypoints/openai/api_server.py (every vLLM release since 0.1)',
    },
  ],
  cli: { program: 'vllm', benchDir: 'vllm/entrypoints/cli/benchmark', main: 'vllm/entrypoints/cli/main.py' },
  versionFiles: ['vllm/version.py', 'vllm/__init__.py', 'setup.py'],
};

export const DEMO_LAYOUT: EngineLayout = {
  name: 'demo',
  servers: [
    {
      launcher: ['python3', '-m', 'demo_engine.server'],
      file: 'demo_engine/server.py',
      protocol: 'openai',
      source: 'examples/demo-engine/demo_engine/server.py',
    },
  ],
  versionFiles: ['demo_engine/__init__.py'],
};

export interface ResolvedServer {
  layout: ServerLayout;
  parser: ParserFlags;
}

/** The repository path of the file that parses a benchmark command, or undefined when it names none. */
export function benchmarkEntryPath(layout: EngineLayout, bench: BenchCommand): string | undefined {
  if (bench.script !== undefined && !bench.module) return bench.script.replace(/^\.\//, '');
  if (bench.module !== undefined) return `${bench.module.replace(/\./g, '/')}.py`;
  if (
    layout.cli &&
    bench.program !== undefined &&
    bench.program.split('/').pop() === layout.cli.program &&
    bench.cliSubcommand
  ) {
    return `${layout.cli.benchDir}/${bench.cliSubcommand}.py`;
  }
  return undefined;
}

/** The parser of the benchmark command at this tree; undefined when its file is not there. */
export function benchmarkParser(layout: EngineLayout, read: ReadFile, bench: BenchCommand): ParserFlags | undefined {
  const path = benchmarkEntryPath(layout, bench);
  if (path === undefined) return undefined;
  const parser = resolveParserFlags(read, { path });
  if (!parser) return undefined;
  // The `vllm` CLI builds every subcommand's parser as a FlexibleArgumentParser in main.py.
  if (layout.cli && path.startsWith(layout.cli.benchDir) && /FlexibleArgumentParser/.test(read(layout.cli.main) ?? ''))
    parser.flexible = true;
  return parser;
}

/**
 * Which protocol a serving client speaks. 2023's clients post to `/generate` and have no
 * --endpoint; early-2024 clients have --endpoint with the default `/generate` (vllm@cf2f084d);
 * later ones default to `/v1/completions`. An --endpoint in the command decides.
 */
export function clientProtocol(
  read: ReadFile,
  clientFile: string | undefined,
  client: ParserFlags | undefined,
  endpoint?: string,
): 'openai' | 'generate' {
  if (endpoint !== undefined) return endpoint.startsWith('/generate') ? 'generate' : 'openai';
  if (!client || clientFile === undefined) return 'openai';
  const src = read(clientFile) ?? '';
  if (client.flags.includes('--endpoint')) {
    const m = /["']--endpoint["'][^)]*?default\s*=\s*["']([^"']+)["']/s.exec(src);
    return m && m[1]!.startsWith('/generate') ? 'generate' : 'openai';
  }
  if (client.flags.includes('--base-url')) return 'openai';
  return /\/generate["'`]/.test(src) ? 'generate' : 'openai';
}

export function resolveServer(
  layout: EngineLayout,
  read: ReadFile,
  protocol: 'openai' | 'generate',
): ResolvedServer | undefined {
  for (const s of layout.servers) {
    if (s.protocol !== protocol) continue;
    const parser = resolveParserFlags(read, { path: s.file });
    if (!parser) continue;
    if (s.flexibleFrom && /FlexibleArgumentParser/.test(read(s.flexibleFrom) ?? '')) parser.flexible = true;
    return { layout: s, parser };
  }
  return undefined;
}

/** `__version__ = "0.5.4"` in the tree (vllm/version.py, vllm/__init__.py, setup.py); undefined after setuptools-scm. */
export function versionInTree(layout: EngineLayout, read: ReadFile): { version: string; file: string } | undefined {
  for (const file of layout.versionFiles) {
    const src = read(file);
    if (src === null) continue;
    // After setuptools-scm the literal is a fallback (`"dev"`, `"0.0.0"`) next to the generated _version.py.
    if (/from\s+(?:\.|vllm\.)_version\s+import|version\s*=\s*["']0\.0\.0["']|use_scm_version|setuptools_scm/.test(src))
      continue;
    const m =
      /^\s*__version__\s*=\s*["'](\d[^"']*)["']/m.exec(src) ?? /^\s*version\s*=\s*["'](\d[^"']*)["']/m.exec(src);
    if (m) return { version: m[1]!, file };
  }
  return undefined;
}
