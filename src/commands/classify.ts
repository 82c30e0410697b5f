import type { Command } from 'commander';

export function registerClassify(program: Command): void {
  program.command('classify').description('(not implemented yet)').action(() => {
    throw new Error('classify: not implemented yet');
  });
}
