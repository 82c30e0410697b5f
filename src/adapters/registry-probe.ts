/**
 * The online way to learn what `--artifacts INDEX` states: for each commit, render the configured
 * templates (`{registry}/{repo}:{sha}`, `...:baseline-{sha12}`, a wheel URL) and probe each
 * candidate without pulling it: `docker image inspect` (already on this runner), then
 * `docker manifest inspect` (registry metadata only); wheels by an HTTP HEAD or a file check.
 * The seeds' images were named by full sha for human commits and `baseline-<12>` for parents
 * (seeds/003_3832605d3a1027c0.txt), so both shapes must be expressible.
 */
import { execa } from 'execa';
import { stat } from 'node:fs/promises';
import type { ArtifactIndex } from '../core/artifacts.js';

export interface TemplateVars {
  registry?: string;
  repo?: string;
}

/** `{sha}` full, `{sha12}`, `{sha8}`, `{sha7}`, `{registry}`, `{repo}`. */
export function renderTemplate(template: string, sha: string, vars: TemplateVars = {}): string {
  return template
    .replaceAll('{registry}', vars.registry ?? '')
    .replaceAll('{repo}', vars.repo ?? '')
    .replaceAll('{sha12}', sha.slice(0, 12))
    .replaceAll('{sha8}', sha.slice(0, 8))
    .replaceAll('{sha7}', sha.slice(0, 7))
    .replaceAll('{sha}', sha)
    .replace(/^\/+/, '');
}

export async function imageAvailable(ref: string, opts: { remote?: boolean; timeoutS?: number } = {}): Promise<boolean> {
  const local = await execa('docker', ['image', 'inspect', ref], { reject: false });
  if (local.exitCode === 0) return true;
  if (opts.remote === false) return false;
  const remote = await execa('docker', ['manifest', 'inspect', ref], { reject: false, timeout: (opts.timeoutS ?? 30) * 1000 });
  return remote.exitCode === 0;
}

export async function wheelAvailable(urlOrPath: string, timeoutS = 30): Promise<boolean> {
  if (/^https?:\/\//.test(urlOrPath)) {
    try {
      const r = await fetch(urlOrPath, { method: 'HEAD', signal: AbortSignal.timeout(timeoutS * 1000), redirect: 'follow' });
      return r.ok;
    } catch {
      return false;
    }
  }
  const path = urlOrPath.replace(/^file:\/\//, '');
  return stat(path).then((s) => s.isFile(), () => false);
}

export interface ProbeOptions extends TemplateVars {
  /** Full commit shas (index keys are full shas). */
  shas: string[];
  imageTemplates: string[];
  wheelTemplates?: string[];
  /** Also ask the registry (docker manifest inspect); false: only images on this machine. */
  remote?: boolean;
  log?: (line: string) => void;
}

/** An index of the first candidate that exists, per commit. */
export async function probeRegistry(o: ProbeOptions): Promise<ArtifactIndex> {
  const index: ArtifactIndex = { images: {}, wheels: {} };
  for (const sha of o.shas) {
    for (const t of o.imageTemplates) {
      const ref = renderTemplate(t, sha, o);
      if (await imageAvailable(ref, { remote: o.remote ?? true })) {
        index.images[sha] = ref;
        o.log?.(`registry: ${sha.slice(0, 12)} -> ${ref}`);
        break;
      }
    }
    if (index.images[sha]) continue;
    for (const t of o.wheelTemplates ?? []) {
      const url = renderTemplate(t, sha, o);
      if (await wheelAvailable(url)) {
        index.wheels[sha] = url;
        o.log?.(`wheel index: ${sha.slice(0, 12)} -> ${url}`);
        break;
      }
    }
  }
  return index;
}
