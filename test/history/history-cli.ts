/**
 * `benchsweep history` alone, for tests that start real processes from source (two concurrent adds)
 * without loading every other command of src/cli.ts. The same main() as the CLI.
 */
import { Command } from 'commander';
import { registerHistory } from '../../src/commands/history.js';
import { UserError } from '../../src/cli-output.js';

const program = new Command('benchsweep').exitOverride();
registerHistory(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`benchsweep: ${(err as Error).message}\n`);
  process.exitCode = err instanceof UserError ? 2 : 1;
}
