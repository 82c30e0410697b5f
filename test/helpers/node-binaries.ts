/**
 * The Node binaries the bundle must load on: the action's (node24, the `node` devDependency under
 * node_modules/.bin) and Node 20 (the oldest a terminal may have: Debian's nodejs, /usr/bin/node).
 * BENCHSWEEP_NODE20 names another Node 20 binary. A missing Node 20 is an error, not a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface NodeBinary {
  label: string;
  path: string;
}

function majorOf(path: string): number | undefined {
  try {
    return Number(/^v(\d+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }).trim())?.[1]);
  } catch {
    return undefined;
  }
}

export function node20(): string {
  const candidates = [
    process.env.BENCHSWEEP_NODE20,
    '/usr/bin/node',
    '/usr/local/bin/node',
    ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'node')),
  ];
  for (const c of candidates) if (c && existsSync(c) && majorOf(c) === 20) return c;
  throw new Error(
    "no Node 20 found (tried BENCHSWEEP_NODE20, /usr/bin/node, /usr/local/bin/node and PATH): install Debian's nodejs or set BENCHSWEEP_NODE20",
  );
}

export function nodeBinaries(): NodeBinary[] {
  const action = join(ROOT, 'node_modules', '.bin', 'node');
  const major = majorOf(action);
  if (major !== 24) throw new Error(`${action} is Node ${major ?? '?'}, the action runs on node24`);
  return [
    { label: 'Node 24 (the action runtime)', path: action },
    { label: 'Node 20', path: node20() },
  ];
}
