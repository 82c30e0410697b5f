import type { Command } from 'commander';
import { emit, UserError } from '../cli-output.js';
import { readLogForClassify } from '../adapters/log-stream.js';
import { classifyLines, type Classification, type Phase } from '../core/classify.js';
import { recipeById } from '../core/rules/fix-recipes.js';
import type { CommandResult } from './command-result.js';

export interface ClassifyOptions {
  file: string;
  exitCode?: number | null;
  timedOut?: boolean;
  phase?: Phase;
  engineVersion?: string;
}

/** DESIGN.md: `{ category, stage, retryable, fix?, action, evidence }`. */
export type ClassifyValue = Pick<Classification, 'category' | 'stage' | 'retryable' | 'fix' | 'action' | 'evidence'>;

const PHASES: readonly Phase[] = ['server-start', 'benchmark', 'build', 'patch'];

export async function runClassify(options: ClassifyOptions): Promise<CommandResult<ClassifyValue>> {
  if (options.phase && !PHASES.includes(options.phase)) {
    throw new UserError(`--phase: expected ${PHASES.join(', ')}, got ${options.phase}`);
  }
  const log = await readLogForClassify(options.file);
  const lines = log.text.split('\n');
  const lineNumber = log.cut ? (i: number) => (i < log.headLines ? i + 1 : log.tailFirstLine + (i - log.headLines)) : (i: number) => i + 1;
  const c = classifyLines(
    lines,
    {
      ...(options.exitCode !== undefined ? { exitCode: options.exitCode } : {}),
      ...(options.timedOut ? { timedOut: true } : {}),
      ...(options.phase ? { phase: options.phase } : {}),
      ...(options.engineVersion ? { engineVersion: options.engineVersion } : {}),
    },
    lineNumber,
  );
  const value: ClassifyValue = { category: c.category, stage: c.stage, retryable: c.retryable, action: c.action, evidence: c.evidence };
  if (c.fix) value.fix = c.fix;

  const text = [
    `${options.file}: ${c.category} (stage ${c.stage}, ${c.retryable ? 'retryable' : 'not retryable'})` +
      (c.matched ? ` — signature ${c.signature}` : ' — no known signature: decided from exit code / timeout / phase'),
    ...(c.fix ? [`fix: ${c.fix} — ${recipeById(c.fix)?.title ?? ''}`] : []),
    `action: ${c.action}`,
    'evidence:',
    ...c.evidence.split('\n').map((l, i) => `  ${String(c.evidenceLines[i] ?? '?').padStart(7)} | ${l}`),
    ...(log.cut ? ['(long log: its head and last 64 MiB were read)'] : []),
  ].join('\n');
  return { value, text, outputs: { category: c.category, retryable: String(c.retryable), ...(c.fix ? { fix: c.fix } : {}) } };
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('failure class of one log (taxonomy category, stage, retry, fix recipe, evidence lines)')
    .argument('<file>', 'log file (server, client, build or patch output)')
    .option('--exit-code <n>', 'exit code of the process that wrote the log', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new UserError(`--exit-code: expected an integer, got ${v}`);
      return n;
    })
    .option('--timed-out', 'the process was stopped by a timeout')
    .option('--phase <phase>', 'server-start | benchmark | build | patch')
    .option('--engine-version <version>', 'engine version, when the log does not print it')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts: { exitCode?: number; timedOut?: boolean; phase?: string; engineVersion?: string; json?: boolean }) => {
      const result = await runClassify({
        file,
        ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
        ...(opts.timedOut ? { timedOut: true } : {}),
        ...(opts.phase ? { phase: opts.phase as Phase } : {}),
        ...(opts.engineVersion ? { engineVersion: opts.engineVersion } : {}),
      });
      emit({ json: !!opts.json, value: result.value, text: () => result.text });
    });
}
