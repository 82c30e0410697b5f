/** Runs the CLI the way a user does (from source through tsx, or the committed bundle), never through a shell. */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function runCli(args: string[], opts: { bundle?: boolean; env?: Record<string, string>; cwd?: string; timeout?: number } = {}) {
  const [file, pre] = opts.bundle ? [process.execPath, [`${ROOT}dist/cli.js`]] : [`${ROOT}node_modules/.bin/tsx`, [`${ROOT}src/cli.ts`]];
  return execa(file, [...pre, ...args], {
    reject: false,
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? {},
    timeout: opts.timeout ?? 120_000,
  });
}
