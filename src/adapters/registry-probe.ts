/**
 * The online way to learn what `--artifacts INDEX` states: for each commit, render the configured
 * templates (`{registry}/{repo}:{sha}`, `...:baseline-{sha12}`, a wheel URL) and probe each
 * candidate without pulling it: `docker image inspect` (already on this runner), then
 * an HTTP HEAD on the registry's `/v2/<name>/manifests/<tag>` (metadata only; works against the
 * plain-HTTP registries on 127.0.0.0/8 that `docker manifest inspect` refuses), falling back to
 * `docker manifest inspect` when the registry wants credentials; wheels by an HTTP HEAD or a file check.
 * The seeds' images were named by full sha for human commits and `baseline-<12>` for parents
 * (seeds/003_3832605d3a1027c0.txt), so both shapes must be expressible.
 */
import { execa } from 'execa';
import { stat } from 'node:fs/promises';
import type { ArtifactIndex } from '../core/artifacts/artifacts.js';

export interface TemplateVars {
  registry?: string;
  repo?: string;
  /** sha256 hex of the agent patch: `{patch12}` (agent images are keyed by commit AND patch). */
  patchHash?: string;
}

/** `{sha}` full, `{sha12}`, `{sha8}`, `{sha7}`, `{registry}`, `{repo}`, `{patch12}` (first 12 hex of the patch's sha256). */
export function renderTemplate(template: string, sha: string, vars: TemplateVars = {}): string {
  return template
    .replaceAll('{registry}', vars.registry ?? '')
    .replaceAll('{patch12}', (vars.patchHash ?? '').slice(0, 12))
    .replaceAll('{repo}', vars.repo ?? '')
    .replaceAll('{sha12}', sha.slice(0, 12))
    .replaceAll('{sha8}', sha.slice(0, 8))
    .replaceAll('{sha7}', sha.slice(0, 7))
    .replaceAll('{sha}', sha)
    .replace(/^\/+/, '');
}

export interface ImageRefParts {
  /** Registry host[:port]; docker.io when the reference names none. */
  host: string;
  /** Repository path in the registry (`library/` added for Docker Hub's one-part names). */
  name: string;
  /** Tag or digest. */
  reference: string;
}

/** Splits `host:port/a/b:tag` (or `@sha256:...`) the way docker does: the first part is a host when it has a dot, a colon or is localhost. */
export function parseImageRef(ref: string): ImageRefParts {
  let rest = ref;
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { host: first, name: rest.slice(slash + 1), reference };
  return { host: 'docker.io', name: rest.includes('/') ? rest : `library/${rest}`, reference };
}

/** Docker's own rule: registries on loopback are spoken to over plain HTTP. */
function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** The media types a `docker pull` accepts (schema 2, manifest lists, OCI). */
const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/**
 * HEAD `/v2/<name>/manifests/<reference>`: true on 200, false on 404, undefined when the registry
 * cannot answer without credentials or is unreachable (the caller asks docker instead).
 */
async function manifestExists(ref: string, timeoutS = 30): Promise<boolean | undefined> {
  const { host, name, reference } = parseImageRef(ref);
  if (host === 'docker.io') return undefined;
  const url = `${isLoopback(host) ? 'http' : 'https'}://${host}/v2/${name}/manifests/${reference}`;
  try {
    const r = await fetch(url, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT },
      signal: AbortSignal.timeout(timeoutS * 1000),
    });
    if (r.status === 200) return true;
    if (r.status === 404) return false;
    return undefined;
  } catch {
    return undefined;
  }
}

export async function imageAvailable(
  ref: string,
  opts: { remote?: boolean; timeoutS?: number } = {},
): Promise<boolean> {
  const local = await execa('docker', ['image', 'inspect', ref], { reject: false });
  if (local.exitCode === 0) return true;
  if (opts.remote === false) return false;
  const head = await manifestExists(ref, opts.timeoutS ?? 30);
  if (head !== undefined) return head;
  const remote = await execa('docker', ['manifest', 'inspect', ref], {
    reject: false,
    timeout: (opts.timeoutS ?? 30) * 1000,
  });
  return remote.exitCode === 0;
}

async function wheelAvailable(urlOrPath: string, timeoutS = 30): Promise<boolean> {
  if (/^https?:\/\//.test(urlOrPath)) {
    try {
      const r = await fetch(urlOrPath, {
        method: 'HEAD',
        signal: AbortSignal.timeout(timeoutS * 1000),
        redirect: 'follow',
      });
      return r.ok;
    } catch {
      return false;
    }
  }
  const path = urlOrPath.replace(/^file:\/\//, '');
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

export interface ProbeOptions extends TemplateVars {
  /** Full commit shas (index keys are full shas). */
  shas: string[];
  imageTemplates: string[];
  wheelTemplates?: string[];
  /** Also ask the registry (HTTP HEAD, else docker manifest inspect); false: only images on this machine. */
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
