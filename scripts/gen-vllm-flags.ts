/**
 * Regenerates src/core/argv/rules/vllm-flags-data.ts: the flags of vLLM's parsers per release, read
 * with the same extractor as `plan --repo` at every commit and parent of the dataset in vLLM's
 * history. Usage: node --import tsx scripts/gen-vllm-flags.ts [VLLM_GIT_DIR]
 * (default /work/.mirror/local-inference-lab+vllm/repo; github:local-inference-lab/vllm).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openEngineTree } from '../src/adapters/engine-tree.js';
import { treeParsers } from '../src/core/argv/engine-parsers.js';
import { parseDataset } from '../src/core/dataset/dataset.js';
import { VLLM_LAYOUT } from '../src/core/argv/engine-flags/engine-layout.js';
import { parseEngineVersion } from '../src/core/preflight/engine-version.js';
import { parsePerfCommand } from '../src/core/dataset/perf-command.js';
import type { FlagParserKey, FlagTableRow } from '../src/core/argv/rules/vllm-flags-data.js';

const repo = process.argv[2] ?? '/work/.mirror/local-inference-lab+vllm/repo';
const datasetFile = fileURLToPath(new URL('../examples/datasets/isobench-vllm.jsonl', import.meta.url));
const tasks = parseDataset(await readFile(datasetFile, 'utf8'), datasetFile).tasks;

const CLIENTS: Array<[FlagParserKey, string]> = [
  ['benchmark_serving', 'python benchmarks/benchmark_serving.py'],
  ['benchmark_throughput', 'python benchmarks/benchmark_throughput.py'],
  ['benchmark_latency', 'python benchmarks/benchmark_latency.py'],
  ['vllm_bench_serve', 'vllm bench serve'],
  ['vllm_bench_throughput', 'vllm bench throughput'],
  ['vllm_bench_latency', 'vllm bench latency'],
];

interface Acc {
  flags: Set<string>;
  required?: Set<string>;
  flexible: boolean;
  file: string;
  protocol?: 'openai' | 'generate';
  commits: string[];
}
const acc = new Map<string, Acc>();
const tree = openEngineTree(repo);
const commits = new Map<string, string | undefined>();
for (const t of tasks) {
  commits.set(t.commit, t.engineVersionApprox);
  if (t.parent) commits.set(t.parent, t.engineVersionApprox);
}
await tree.prefetch(() => {
  acc.clear();
  for (const [commit, approx] of commits) {
    const p = treeParsers(VLLM_LAYOUT, tree.reader(commit), commit);
    const v = parseEngineVersion(p.version ?? approx)?.low;
    if (!v) continue;
    const add = (
      key: FlagParserKey,
      file: string,
      flags: string[],
      required: string[],
      flexible: boolean,
      protocol?: 'openai' | 'generate',
    ) => {
      const k = `${key}@${v.join('.')}`;
      const a = acc.get(k) ?? { flags: new Set(), flexible: false, file, commits: [] };
      for (const f of flags) a.flags.add(f);
      a.required = a.required ? new Set([...a.required].filter((r) => required.includes(r))) : new Set(required);
      a.flexible ||= flexible;
      if (protocol) a.protocol = protocol;
      a.commits.push(commit.slice(0, 8));
      acc.set(k, a);
    };
    for (const [key, cmd] of CLIENTS) {
      const bench = parsePerfCommand(cmd).benchmark!;
      const b = p.benchmark(bench);
      if (b)
        add(
          key,
          b.file,
          b.parser.flags,
          b.parser.required,
          b.parser.flexible,
          key.endsWith('serve') || key === 'benchmark_serving' ? p.protocol(bench, b) : undefined,
        );
    }
    for (const protocol of ['openai', 'generate'] as const) {
      const s = p.server(protocol);
      if (!s) continue;
      const key: FlagParserKey =
        protocol === 'generate' ? 'server_generate' : s.layout.launcher[0] === 'vllm' ? 'vllm_serve' : 'server_openai';
      add(key, s.layout.file, s.parser.flags, s.parser.required, s.parser.flexible);
    }
  }
});
tree.close();

const rows: FlagTableRow[] = [...acc.entries()]
  .map(([k, a]) => {
    const [parser, version] = k.split('@') as [FlagParserKey, string];
    const [x, y, z] = version.split('.').map(Number) as [number, number, number];
    return {
      parser,
      from: [x, y, z] as const,
      until: [x, y, z + 1] as const,
      file: a.file,
      flags: [...a.flags].sort(),
      required: [...(a.required ?? [])].sort(),
      flexible: a.flexible,
      ...(a.protocol ? { protocol: a.protocol } : {}),
      source: `vllm history (github:local-inference-lab/vllm) ${a.file} at ${[...new Set(a.commits)].join(', ')}`,
    };
  })
  .sort(
    (a, b) =>
      a.parser.localeCompare(b.parser) || a.from[0] - b.from[0] || a.from[1] - b.from[1] || a.from[2] - b.from[2],
  );

// Adjacent releases whose parser is the same become one range (fewer, longer rows).
const merged: FlagTableRow[] = [];
for (const r of rows) {
  const last = merged[merged.length - 1];
  if (
    last &&
    last.parser === r.parser &&
    last.file === r.file &&
    last.flexible === r.flexible &&
    last.protocol === r.protocol &&
    last.flags.join() === r.flags.join() &&
    last.required.join() === r.required.join()
  ) {
    last.until = r.until;
    last.source = `${last.source}; ${r.source.replace(/^.* at /, '')}`;
  } else merged.push({ ...r });
}
// The gap between two read releases belongs to the earlier one (until = the next row's from).
for (let i = 0; i + 1 < merged.length; i++)
  if (merged[i]!.parser === merged[i + 1]!.parser) merged[i]!.until = merged[i + 1]!.from;
rows.splice(0, rows.length, ...merged);

const out = fileURLToPath(new URL('../src/core/argv/rules/vllm-flags-data.ts', import.meta.url));
const text = await readFile(out, 'utf8');
const head = text.slice(0, text.indexOf('export const VLLM_FLAG_DELTAS'));
// Each row is written as the change from the previous row of the same parser (flags change a little per release).
const deltas = rows.map((r, i) => {
  const prev = rows
    .slice(0, i)
    .reverse()
    .find((x) => x.parser === r.parser);
  const before = new Set(prev?.flags ?? []);
  const now = new Set(r.flags);
  const { flags: _flags, ...rest } = r;
  void _flags;
  const removed = [...before].filter((f) => !now.has(f));
  return { ...rest, add: r.flags.filter((f) => !before.has(f)), ...(removed.length ? { remove: removed } : {}) };
});
await writeFile(
  out,
  `${head.replace(/export const VLLM_FLAG_DELTAS[\s\S]*$/, '')}export const VLLM_FLAG_DELTAS: FlagTableDelta[] = ${JSON.stringify(deltas).replace(/\{"parser"/g, '\n  {"parser"')};\n`,
);
process.stdout.write(`${rows.length} rows\n`);
