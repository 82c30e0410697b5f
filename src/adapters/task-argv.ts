/**
 * The runner's side of the one argv builder: the parsers of the engine at the task's commit and
 * parent are read from the run's repository (engine-tree.ts), and buildTaskArgv routes the
 * command exactly as `plan --repo` does. When the repository cannot answer (no git repository,
 * commits missing), the workload falls back to client-argv.ts's route-by-name.
 */
import { buildWorkload, type EngineFlavor, type Workload, type WorkloadResult } from '../core/argv/client-argv.js';
import { treeParsers, type EngineParsers } from '../core/argv/engine-parsers.js';
import {
  buildTaskArgv,
  HOST_PLACEHOLDER,
  PORT_PLACEHOLDER,
  type ArgvResult,
  type VariantArgv,
} from '../core/argv/variant-argv.js';
import { DEMO_LAYOUT, VLLM_LAYOUT } from '../core/argv/engine-flags/engine-layout.js';
import type { ParsedPerfCommand } from '../core/dataset/perf-command-types.js';
import { VARIANTS, type Variant } from '../core/schemas.js';
import type { Task } from '../core/task.js';
import { openEngineTree } from './engine-tree.js';
import { providedDataFiles, type DataFileTask } from '../core/preflight/preflight.js';

/** Each variant's argv read from `repoDir`; undefined when the repository does not have the commits. */
export async function taskArgvFromRepo(
  repoDir: string,
  task: Pick<Task, 'commit' | 'parent'> & Partial<DataFileTask>,
  perf: ParsedPerfCommand,
  opts: { gpus: number; engine: EngineFlavor; variants?: readonly Variant[]; dataFilePaths?: Record<string, string> },
): Promise<ArgvResult | undefined> {
  const tree = openEngineTree(repoDir);
  try {
    const parent = task.parent ?? (await tree.resolve(`${task.commit}^`));
    const present = await tree.present([task.commit, ...(parent ? [parent] : [])]);
    if (!present.has(task.commit)) return undefined;
    const layout = opts.engine.serverModule.startsWith('demo_engine') ? DEMO_LAYOUT : VLLM_LAYOUT;
    return await tree.prefetch(() => {
      const byCommit = new Map<string, EngineParsers>();
      const parsers = (c: string) => {
        if (!present.has(c)) return undefined;
        let p = byCommit.get(c);
        if (!p) byCommit.set(c, (p = treeParsers(layout, tree.reader(c), c)));
        return p;
      };
      // Data files the runner provides go where `plan` put them (same rule, same config).
      const dataFiles = providedDataFiles(
        {
          repo: task.repo ?? '',
          ...(task.engineVersionApprox ? { engineVersionApprox: task.engineVersionApprox } : {}),
        },
        perf,
        opts.dataFilePaths ?? {},
        parsers(task.commit)?.version,
      );
      return buildTaskArgv({
        perf,
        gpus: opts.gpus,
        commit: task.commit,
        ...(parent ? { parent } : {}),
        variants: opts.variants ?? VARIANTS,
        parsers,
        dataFiles,
      });
    });
  } catch {
    return undefined;
  } finally {
    tree.close();
  }
}

/** argv without the runner-owned `--host {host} --port {port}` / `--base-url http://{host}:{port}` (run-sample adds the real ones). */
export function withoutEndpointPlaceholders(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    const next = argv[i + 1];
    if (
      (w === '--host' || w === '--port' || w === '--base-url') &&
      next !== undefined &&
      (next.includes(HOST_PLACEHOLDER) || next.includes(PORT_PLACEHOLDER))
    ) {
      i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

export function workloadOf(kind: Workload['kind'], v: VariantArgv): Workload {
  return {
    ...(kind ? { kind } : {}),
    ...(v.server ? { server: { argv: withoutEndpointPlaceholders(v.server), env: { ...v.env } } } : {}),
    client: { argv: withoutEndpointPlaceholders(v.client), env: { ...v.env } },
    clientFrom: v.client_from,
  };
}

/**
 * The sweep's workload, routed by the engine's parsers in the run's repository (the human
 * variant's argv: the client comes from `client_from`, which every arm shares). Refusals of the
 * plan (a flag no parser takes) are refusals here too.
 */
export async function workloadFromRepo(
  repoDir: string,
  task: Pick<Task, 'commit' | 'parent'> & Partial<DataFileTask>,
  perf: ParsedPerfCommand,
  engine: EngineFlavor,
  gpus: number,
  dataFilePaths?: Record<string, string>,
): Promise<WorkloadResult> {
  const byName = buildWorkload(perf, engine);
  if (!byName.ok) return byName;
  const routed = await taskArgvFromRepo(repoDir, task, perf, {
    gpus,
    engine,
    ...(dataFilePaths ? { dataFilePaths } : {}),
  });
  if (!routed) return byName;
  if (!routed.ok) return { ok: false, reason: `${routed.reason} [${routed.source}]` };
  const human = routed.argv.human;
  if (!human) return byName;
  const byVariant: Partial<Record<Variant, Workload>> = {};
  for (const v of VARIANTS) {
    const a = routed.argv[v];
    if (a) byVariant[v] = workloadOf(byName.workload.kind, a);
  }
  return { ok: true, workload: workloadOf(byName.workload.kind, human), byVariant };
}
