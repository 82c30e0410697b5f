/**
 * `build --push`: the CPU build job tags each verified image with the registry template of its
 * commit (agent: commit + patch) and pushes it, so GPU runners pull it through the same template
 * (src/run/artifact-resolver.ts probes it) instead of needing a shared disk. A multi-GB push crosses
 * networks that drop connections, so transient failures are retried with backoff; a refusal
 * (denied, unauthorized, bad name) is not.
 */
import { execa } from 'execa';
import pRetry, { AbortError } from 'p-retry';
import type { ArtifactConfig } from '../core/artifacts/artifacts.js';
import { renderTemplate } from './registry-probe.js';

/**
 * The reference an image is pushed to: the first `imageTemplates` entry for baseline and human
 * (keyed by commit), `agentTemplate` for the agent (commit + `{patch12}`). Undefined when no
 * template is configured.
 */
export function pushTarget(
  registry: ArtifactConfig['registry'],
  commit: string,
  patchHash?: string,
): string | undefined {
  const template = patchHash ? registry.agentTemplate : registry.imageTemplates[0];
  if (!template || registry.imageTemplates.length === 0) return undefined;
  return renderTemplate(template, commit, {
    registry: registry.registry,
    repo: registry.repo,
    ...(patchHash ? { patchHash } : {}),
  });
}

/** Docker's reference grammar, loosely: lower-case path parts and a tag of at most 128 characters. */
export function validImageRef(ref: string): boolean {
  return (
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(
      ref,
    ) || /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(ref)
  );
}

/** Output of a failed `docker push` that a later attempt may not see (network, registry 5xx). */
const TRANSIENT = [
  /connection reset/i,
  /broken pipe/i,
  /\bEOF\b/,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /connection refused/i,
  /no such host/i,
  /\b50[0234]\b/,
  /Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout/i,
  /unexpected status/i,
  /too many requests|\b429\b/i,
];
/** A refusal: retrying repeats it. */
const PERMANENT = [
  /denied/i,
  /unauthorized/i,
  /authentication required/i,
  /invalid reference format/i,
  /name unknown/i,
  /manifest invalid/i,
];

export function isTransientPushError(output: string): boolean {
  if (PERMANENT.some((r) => r.test(output))) return false;
  return TRANSIENT.some((r) => r.test(output));
}

export type PushResult =
  | { ok: true; ref: string; seconds: number; attempts: number }
  | { ok: false; ref: string; error: string; attempts: number; seconds: number };

export interface PushOptions {
  /** The local image (the resolver's tag). */
  image: string;
  /** Where it goes: a rendered registry template. */
  ref: string;
  /** Extra attempts after a transient failure. */
  retries?: number;
  /** First backoff delay (ms); doubles per attempt. */
  minTimeoutMs?: number;
  log?: (line: string) => void;
}

/** `docker tag image ref` then `docker push ref`, retried on transient failures. */
export async function pushImage(o: PushOptions): Promise<PushResult> {
  const started = Date.now();
  const log = o.log ?? (() => {});
  const seconds = () => Number(((Date.now() - started) / 1000).toFixed(2));
  if (!validImageRef(o.ref))
    return {
      ok: false,
      ref: o.ref,
      error: `not a valid image reference: ${o.ref} (check registry.imageTemplates / agentTemplate)`,
      attempts: 0,
      seconds: 0,
    };
  const tagged = await execa('docker', ['tag', o.image, o.ref], { reject: false, all: true });
  if (tagged.exitCode !== 0)
    return {
      ok: false,
      ref: o.ref,
      error: `docker tag ${o.image} ${o.ref}: ${String(tagged.all).trim()}`,
      attempts: 0,
      seconds: seconds(),
    };
  let attempts = 0;
  try {
    await pRetry(
      async () => {
        attempts += 1;
        const r = await execa('docker', ['push', o.ref], { reject: false, all: true });
        if (r.exitCode === 0) return;
        // The last lines name the cause; progress bars above them do not.
        const tail = String(r.all ?? '')
          .trim()
          .split('\n')
          .slice(-3)
          .join('\n');
        const err = new Error(`docker push ${o.ref} (exit ${r.exitCode}): ${tail}`);
        if (!isTransientPushError(tail)) throw new AbortError(err);
        throw err;
      },
      {
        retries: o.retries ?? 2,
        minTimeout: o.minTimeoutMs ?? 5000,
        factor: 2,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0) log(`push: ${error.message.split('\n')[0]}; retrying (${retriesLeft} left)`);
        },
      },
    );
  } catch (e) {
    return { ok: false, ref: o.ref, error: (e as Error).message, attempts, seconds: seconds() };
  }
  log(`push: ${o.ref} in ${seconds()} s`);
  return { ok: true, ref: o.ref, seconds: seconds(), attempts };
}
