import type { Command } from 'commander';

export function registerPlan(program: Command): void {
  program.command('plan').description('(not implemented yet)').action(() => {
    throw new Error('plan: not implemented yet');
  });
}
