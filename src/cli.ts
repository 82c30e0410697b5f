#!/usr/bin/env node
/** The terminal surface: `benchsweep plan|parse|classify|run|build|report|demo|history|runner-guard|pr-approval`. Wiring only. */
import { Command, CommanderError } from 'commander';
import { registerPlan } from './commands/plan.js';
import { registerParse } from './commands/parse.js';
import { registerClassify } from './commands/classify.js';
import { registerRun } from './commands/run.js';
import { registerBuild } from './commands/build.js';
import { registerReport } from './commands/report.js';
import { registerDemo } from './commands/demo.js';
import { registerRunnerGuard } from './commands/runner-guard.js';
import { registerPrApproval } from './commands/pr-approval.js';
import { registerHistory } from './commands/history.js';
import { UserError } from './cli-output.js';

export function buildProgram(): Command {
  const program = new Command('benchsweep')
    .description('Three-way (baseline / human / agent) benchmarks of inference-engine commits on GPU runners')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerPlan,
    registerParse,
    registerClassify,
    registerRun,
    registerBuild,
    registerReport,
    registerDemo,
    registerHistory,
    registerRunnerGuard,
    registerPrApproval,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      process.stderr.write(`benchsweep: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`benchsweep: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

// `benchsweep plan --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
  throw err;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
