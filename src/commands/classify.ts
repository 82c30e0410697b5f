/**
 * `benchsweep classify FILE`: the failure category of a whole log (streamed, no window), with the
 * line that proves it; `--explain` adds the deciding rule, the runners-up and the normalised line.
 * Decisions live in core/failures/classify.ts; this module only wires flags to it.
 */
import type { Command } from 'commander';
import { emit, UserError } from '../cli-output.js';
import { classifyFile } from '../adapters/log-stream.js';
import type { Classification, Explanation, Phase } from '../core/failures/classify.js';
import { recipeById } from '../core/failures/rules/fix-recipes.js';
import type { CommandResult } from './command-result.js';

export interface ClassifyOptions {
  file: string;
  exitCode?: number | null;
  timedOut?: boolean;
  phase?: Phase;
  engineVersion?: string;
  /** Add the rule that decided, the runners-up and the normalised evidence line. */
  explain?: boolean;
}

/**
 * DESIGN.md: `{ category, stage, retryable, fix?, action, evidence }`, plus `matched` (false when no
 * rule matched and the context decided) and, with --explain, `explain`.
 */
export type ClassifyValue = Pick<
  Classification,
  'category' | 'stage' | 'retryable' | 'fix' | 'action' | 'evidence' | 'matched'
> & {
  explain?: Explanation;
};

const PHASES: readonly Phase[] = ['server-start', 'benchmark', 'build', 'patch'];

export async function runClassify(options: ClassifyOptions): Promise<CommandResult<ClassifyValue>> {
  if (options.phase && !PHASES.includes(options.phase)) {
    throw new UserError(`--phase: expected ${PHASES.join(', ')}, got ${options.phase}`);
  }
  const c = await classifyFile(options.file, {
    ...(options.exitCode !== undefined ? { exitCode: options.exitCode } : {}),
    ...(options.timedOut ? { timedOut: true } : {}),
    ...(options.phase ? { phase: options.phase } : {}),
    ...(options.engineVersion ? { engineVersion: options.engineVersion } : {}),
  });
  const value: ClassifyValue = {
    category: c.category,
    stage: c.stage,
    retryable: c.retryable,
    action: c.action,
    evidence: c.evidence,
    matched: c.matched,
  };
  if (c.fix) value.fix = c.fix;
  if (options.explain) value.explain = c.explain;

  const hit = (h: { signature: string; category: string; strength: string; line: number; text: string }) =>
    `${h.signature} → ${h.category} (${h.strength}, line ${h.line}): ${h.text.length > 160 ? h.text.slice(0, 160) + '…' : h.text}`;
  const text = [
    `${options.file}: ${c.category} (stage ${c.stage}, ${c.retryable ? 'retryable' : 'not retryable'})` +
      (c.matched
        ? ` — signature ${c.signature}`
        : ' — matched: false, no known signature: decided from exit code / timeout / phase'),
    ...(c.fix ? [`fix: ${c.fix} — ${recipeById(c.fix)?.title ?? ''}`] : []),
    `action: ${c.action}`,
    'evidence:',
    ...c.evidence.split('\n').map((l, i) => `  ${String(c.evidenceLines[i] ?? '?').padStart(7)} | ${l}`),
    ...(options.explain
      ? [
          'explain:',
          c.explain.decidedBy
            ? `  decided by: ${hit(c.explain.decidedBy)}`
            : `  decided by the context: ${c.explain.context ?? ''}`,
          ...(c.explain.normalized !== undefined ? [`  normalised line: ${c.explain.normalized}`] : []),
          ...(c.explain.engineVersion
            ? [`  engine version: ${c.explain.engineVersion.value} (from the ${c.explain.engineVersion.from})`]
            : []),
          c.explain.runnersUp.length > 0 ? '  runners-up:' : '  runners-up: none',
          ...c.explain.runnersUp.map((h) => `    ${hit(h)}`),
        ]
      : []),
  ].join('\n');
  return {
    value,
    text,
    outputs: { category: c.category, retryable: String(c.retryable), ...(c.fix ? { fix: c.fix } : {}) },
  };
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
    .option('--explain', 'show the rule that decided, the runners-up and the normalised evidence line')
    .option('--json', 'print one JSON document')
    .action(
      async (
        file: string,
        opts: {
          exitCode?: number;
          timedOut?: boolean;
          phase?: string;
          engineVersion?: string;
          explain?: boolean;
          json?: boolean;
        },
      ) => {
        const result = await runClassify({
          file,
          ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
          ...(opts.timedOut ? { timedOut: true } : {}),
          ...(opts.phase ? { phase: opts.phase as Phase } : {}),
          ...(opts.engineVersion ? { engineVersion: opts.engineVersion } : {}),
          ...(opts.explain ? { explain: true } : {}),
        });
        emit({ json: !!opts.json, value: result.value, text: () => result.text });
      },
    );
}
