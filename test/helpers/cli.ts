/**
 * Runs the CLI the way a user does, never through a shell: from source through tsx, or the committed
 * bundle (`bundle: true`, or BENCHSWEEP_E2E_CLI=dist/cli.js for the whole run).
 */
import { execa } from 'execa';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function runCli(
  args: string[],
  opts: { bundle?: boolean; env?: Record<string, string>; cwd?: string; timeout?: number } = {},
) {
  const bundled = opts.bundle ? 'dist/cli.js' : process.env.BENCHSWEEP_E2E_CLI;
  const [file, pre] = bundled
    ? [process.execPath, [resolve(ROOT, bundled)]]
    : [`${ROOT}node_modules/.bin/tsx`, [`${ROOT}src/cli.ts`]];
  return execa(file, [...pre, ...args], {
    reject: false,
    cwd: opts.cwd ?? ROOT,
    // tsx runs on the `node` of PATH: the node running the tests (Node 24) goes first.
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
}
