/**
 * run as a step: the records it wrote, and a job summary of what ran (one row per task and
 * variant: status, the primary metric or the failure's category, and where the whole log is).
 */
import { runRun, type RunValue } from '../commands/run.js';
import type { ResultRecord } from '../core/schemas.js';
import { runOptions } from './inputs.js';
import type { StepAnnotation, StepContext, StepResult } from './step.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function runSummary(records: readonly ResultRecord[], resultsDir: string): string {
  const ok = records.filter((r) => r.status === 'success').length;
  const rows = records.map((r) => {
    const metric =
      r.primary_metric && r.metrics[r.primary_metric] !== undefined
        ? `${r.primary_metric} = ${r.metrics[r.primary_metric]} (n=${r.samples.length})`
        : '';
    const what =
      r.status === 'success'
        ? metric
        : `${r.category ?? r.status}${r.evidence ? `: ${r.evidence.split('\n')[0]!.slice(0, 160)}` : ''}`;
    return `| \`${cell(r.task)}\` | ${r.variant} | ${r.attempt} | ${r.status} | ${cell(what)} | ${r.log ? `\`${cell(r.log)}\`` : ''} |`;
  });
  return [
    '### benchsweep run',
    '',
    `${records.length} result record(s), ${ok} success, in \`${resultsDir}\`.`,
    '',
    ...(rows.length
      ? ['| task | variant | attempt | status | result | log |', '|---|---|---|---|---|---|', ...rows]
      : ['Nothing ran.']),
    '',
  ].join('\n');
}

export async function runStep({ inputs, env }: StepContext): Promise<StepResult> {
  const result = await runRun(runOptions(inputs, env));
  const value = result.value as RunValue;
  const annotations: StepAnnotation[] = value.records
    .filter((r) => r.status === 'failed')
    .map((r) => ({
      // An agent's failure is a result, not a broken pipeline.
      level: r.variant === 'agent' ? 'warning' : 'error',
      title: `benchsweep ${r.task} ${r.variant}: ${r.category ?? 'failed'}`,
      message: `${r.evidence ? r.evidence.split('\n').slice(0, 5).join('\n') : 'failed'}${r.log ? `\nWhole log: ${r.log}` : ''}`,
    }));
  return {
    ...result,
    summary: result.summary ?? runSummary(value.records, value.results),
    annotations,
  };
}
