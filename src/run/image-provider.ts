/**
 * The contract between the sweep (src/run/sweep.ts) and artifact resolution (src/run/artifact-resolver.ts):
 * for a task and a variant, an image that holds that variant's engine, and where it came from.
 */
import type { ArtifactSource, Variant } from '../core/schemas.js';
import type { Category } from '../core/taxonomy.js';
import type { Task } from '../core/task.js';

export interface ResolvedImage {
  /** A local Docker image reference (docker executor) or a directory holding the engine (host executor). */
  image: string;
  artifact: { source: ArtifactSource; ref: string; from?: string };
  /** Seconds spent producing it (0 for a cache hit). */
  seconds: number;
}

export type ImageResolution =
  ({ ok: true } & ResolvedImage) | { ok: false; category: Category; reason: string; evidence?: string; log?: string };

export interface ImageRequest {
  task: Task;
  variant: Variant;
  /** The commit whose engine is wanted: parent for baseline and agent, commit for human. */
  commit: string;
  /** agent only: the unified diff to apply on top of `commit` (already checked by the sweep). */
  patch?: string;
  /** A checkout of the engine repository holding both commits (for git diff / build context). */
  repoDir: string;
}

export interface ImageProvider {
  resolve(request: ImageRequest): Promise<ImageResolution>;
  /** How many builds (compiles / full image builds) this provider has performed so far. */
  readonly builds: number;
}
