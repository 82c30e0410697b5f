/**
 * Reads the artifact config (toolchain, build limits, engine layout, cache format, registry) and the
 * artifact index, both YAML or JSON. The engine preset supplies the defaults; the file overrides
 * them field by field. Shared by plan, build and run so the three agree on where artifacts are.
 */
import { parse as parseYaml } from 'yaml';
import { ArtifactConfig, ArtifactIndex } from '../core/artifacts/artifacts.js';
import type { EngineKind } from '../core/engine-kind.js';
import { UserError } from '../errors.js';
import { readText } from './files.js';

/** The preset an engine stands for (a config file overrides it field by field). */
export function enginePreset(engine: EngineKind | undefined): Record<string, unknown> {
  if (engine === 'vllm') {
    return {
      engine: { packageDir: 'vllm', commitRecord: 'vllm-version-file', extraDirs: [] },
      // vLLM's runtime image differs per commit range: keep self-contained tarballs.
      cache: { format: 'image' },
      build: { builderImage: 'nvidia/cuda:12.4.1-devel-ubuntu22.04' },
    };
  }
  return {
    engine: {
      packageDir: 'demo_engine',
      installedPath: '/opt/engine/site/demo_engine',
      extraDirs: [{ repoDir: 'benchmarks', installedPath: '/opt/engine/benchmarks' }],
    },
  };
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

async function loadJsonOrYaml(file: string, what: string): Promise<unknown> {
  const text = await readText(file, what);
  try {
    return parseYaml(text) ?? {};
  } catch (e) {
    throw new UserError(`${what} ${file}: not valid YAML/JSON (${(e as Error).message})`);
  }
}

/** zod issues as `field a.b: message`; an unknown key is named by its full path (`runnerLabels.defualt`). */
export function formatIssues(e: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>;
}): string {
  return e.issues
    .flatMap((i) => {
      const at = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys' && i.keys?.length) {
        return i.keys.map((k) => `unknown key ${at ? `${at}.${k}` : k}`);
      }
      return [`field ${at || '(root)'}: ${i.message}`];
    })
    .join('; ');
}

export async function loadArtifactConfig(engine: EngineKind, file: string | undefined): Promise<ArtifactConfig> {
  const raw = merge(
    enginePreset(engine),
    file ? ((await loadJsonOrYaml(file, 'artifact config')) as Record<string, unknown>) : {},
  );
  const parsed = ArtifactConfig.safeParse(raw);
  if (!parsed.success) throw new UserError(`artifact config${file ? ` ${file}` : ''}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export async function loadArtifactIndex(file: string | undefined): Promise<ArtifactIndex> {
  if (!file) return ArtifactIndex.parse({});
  const parsed = ArtifactIndex.safeParse(await loadJsonOrYaml(file, 'artifact index'));
  if (!parsed.success) throw new UserError(`artifact index ${file}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}
