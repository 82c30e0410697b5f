/**
 * Is an agent patch allowed? An agent must not move the goalposts: a patch that edits the benchmark
 * scripts, their data or inputs, the tests or the CI configuration is PATCH_REJECTED, whatever it
 * does to the engine (DESIGN.md failure taxonomy, stage `patch`).
 */
import type { ParsedPerfCommand } from './perf-command-types.js';
import { pathsInPatch } from './patch-paths.js';

/**
 * Directories no agent patch may touch, matched as a path segment at any depth so that vLLM's
 * in-package benchmark code (`vllm/benchmarks/`, run by `vllm bench serve`) is covered too.
 */
const PROTECTED_DIRECTORIES = ['benchmarks', 'tests', 'test', '.buildkite', '.github'] as const;

export type PatchPolicyDecision =
  | { allowed: true; paths: string[] }
  | { allowed: false; category: 'PATCH_REJECTED'; paths: string[]; offending: string[]; reason: string };

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

/** Why one path is protected, or undefined when the agent may change it. */
export function protectedReason(path: string, protectedFiles: readonly string[] = []): string | undefined {
  const p = normalize(path);
  const segments = p.split('/');
  // The last segment is the file name: `benchmarks.py` in the engine is fine, `benchmarks/x.py` is not.
  const dir = segments.slice(0, -1).find((s) => (PROTECTED_DIRECTORIES as readonly string[]).includes(s));
  if (dir) return `inside ${dir}/`;
  const file = protectedFiles.map(normalize).find((f) => f === p || p.endsWith(`/${f}`) || f.endsWith(`/${p}`));
  if (file) return `an input of the benchmark (${file})`;
  return undefined;
}

/**
 * The files of the benchmark command that must stay as the dataset defines them: the script and
 * every option value that names a file (dataset path, prompt files, configs).
 */
export function benchmarkInputs(perf: ParsedPerfCommand | undefined): string[] {
  if (!perf) return [];
  const files = new Set<string>();
  const looksLikeFile = (v: string) =>
    /\.(py|json|jsonl|txt|csv|yaml|yml|parquet|arrow)$/i.test(v) && !/^[a-z]+:\/\//i.test(v);
  // Where results are written is an output, not an input.
  const outputFlags = new Set(['--result-filename', '--result-dir', '--output-json', '--output-len']);
  for (const command of perf.commands) {
    if (command.script) files.add(command.script);
    for (const o of command.options)
      if (o.value && !outputFlags.has(o.flag) && looksLikeFile(o.value)) files.add(o.value);
    for (const p of command.positionals) if (looksLikeFile(p)) files.add(p);
  }
  if (perf.datasetPath) files.add(perf.datasetPath);
  return [...files].map(normalize);
}

export function checkPatchPolicy(patch: string, protectedFiles: readonly string[] = []): PatchPolicyDecision {
  const paths = pathsInPatch(patch).map(normalize);
  const offending = paths.filter((p) => protectedReason(p, protectedFiles) !== undefined);
  if (offending.length === 0) return { allowed: true, paths };
  const reason = offending.map((p) => `${p} (${protectedReason(p, protectedFiles)})`).join(', ');
  return {
    allowed: false,
    category: 'PATCH_REJECTED',
    paths,
    offending,
    reason: `the agent patch touches the benchmark or its inputs: ${reason}`,
  };
}
