/**
 * Cache keys of built artifacts. An image or wheel is reusable only for the same source (commit,
 * agent patch) built with the same toolchain (Python, CUDA, torch arch list) and the same fix
 * recipes (an environment fix changes the artifact: DESIGN.md lesson 6).
 */
import { createHash } from 'node:crypto';

export interface ArtifactKeyFields {
  /** Full 40-character sha (short shas are ambiguous over time). */
  commit: string;
  /** sha256 of the agent patch, when the artifact is commit + patch. */
  patchHash?: string;
  python: string;
  cuda: string;
  torchArchList: string;
  recipes: readonly string[];
}

const ARTIFACT_KEY_VERSION = 'benchsweep-artifact@1';

/** The canonical form that is hashed: fixed field order, recipes sorted and deduplicated. */
function canonicalKeyFields(f: ArtifactKeyFields): string {
  return JSON.stringify({
    v: ARTIFACT_KEY_VERSION,
    commit: f.commit.toLowerCase(),
    patch: f.patchHash ?? null,
    python: f.python,
    cuda: f.cuda,
    arch: f.torchArchList
      .split(/[;\s,]+/)
      .filter(Boolean)
      .sort()
      .join(';'),
    recipes: [...new Set(f.recipes)].sort(),
  });
}

/** `<short sha>[-p<patch>]-<hash>`: readable prefix, collision-free suffix; safe as a file name and a cache key. */
export function artifactKey(f: ArtifactKeyFields): string {
  const digest = createHash('sha256').update(canonicalKeyFields(f)).digest('hex').slice(0, 24);
  const patch = f.patchHash ? `-p${f.patchHash.slice(0, 8)}` : '';
  return `${f.commit.toLowerCase().slice(0, 12)}${patch}-${digest}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
