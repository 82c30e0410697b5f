/**
 * Whether the Docker engine answers. A docker command that failed because the daemon is gone
 * (stopped, restarted, its socket lost) says nothing about the image or the engine under test:
 * callers ask here before blaming a build, a server or a patch (TRANSIENT_INFRA, retried).
 */
import { execa } from 'execa';

/** undefined when the daemon answers; otherwise docker's own words on why not. */
export async function dockerUnreachable(env?: Record<string, string>): Promise<string | undefined> {
  const r = await execa('docker', ['version', '--format', '{{.Server.Version}}'], {
    reject: false,
    all: true,
    timeout: 20_000,
    stdin: 'ignore',
    ...(env ? { env, extendEnv: true } : {}),
  });
  if (r.exitCode === 0 && String(r.stdout).trim()) return undefined;
  const said = String(r.all ?? '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .slice(-2)
    .join(' ');
  return `the Docker engine is not reachable${said ? `: ${said}` : r.timedOut ? ' (docker version timed out)' : ''}`;
}

/** Throws with docker's own words when the daemon cannot be reached. */
export async function assertDockerReachable(): Promise<void> {
  const lost = await dockerUnreachable();
  if (lost) throw new Error(lost);
}
