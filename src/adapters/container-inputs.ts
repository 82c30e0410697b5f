/**
 * What a real engine container needs from the runner beyond its image: the Hugging Face token (by
 * name: the docker CLI passes `-e HF_TOKEN` and reads the value from its own environment, so the
 * value is never in an argv or a log), the runner's model cache (weights are not downloaded again
 * for every sample), and the data files the sweep config says the runner has (ShareGPT), mounted
 * read-only at the same path the plan's argv names.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ExecutorSettings } from './executor.js';

/** Secrets a gated model needs inside the server container; nothing else of the runner's goes in. */
const FORWARDED_SECRETS = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const;
/** Where the engine images look for the Hugging Face cache (vLLM's images run as root). */
const CONTAINER_HF_HOME = '/root/.cache/huggingface';

export interface ContainerInputs {
  env: Record<string, string>;
  volumes: NonNullable<ExecutorSettings['volumes']>;
  /** Data files the config names that this runner does not have (the benchmark would fail on them). */
  missing: string[];
}

export function containerInputs(env: NodeJS.ProcessEnv, dataFiles: Record<string, string>): ContainerInputs {
  const out: ContainerInputs = { env: { HF_HOME: CONTAINER_HF_HOME }, volumes: [], missing: [] };
  for (const name of FORWARDED_SECRETS) if (env[name]) out.env[name] = env[name]!;
  const hfHome = env.HF_HOME || (env.HOME ? join(env.HOME, '.cache', 'huggingface') : undefined);
  if (hfHome && isAbsolute(hfHome)) {
    mkdirSync(hfHome, { recursive: true });
    out.volumes.push({ host: hfHome, container: CONTAINER_HF_HOME });
  }
  for (const path of new Set(Object.values(dataFiles))) {
    if (!isAbsolute(path) || !existsSync(path)) out.missing.push(path);
    else out.volumes.push({ host: path, container: path, readOnly: true });
  }
  return out;
}
