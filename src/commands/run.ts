import type { Command } from 'commander';

export function registerRun(program: Command): void {
  program.command('run').description('(not implemented yet)').action(() => {
    throw new Error('run: not implemented yet');
  });
}
