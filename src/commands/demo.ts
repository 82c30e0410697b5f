import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program.command('demo').description('(not implemented yet)').action(() => {
    throw new Error('demo: not implemented yet');
  });
}
