/**
 * build as a step. A failed build is explained where a maintainer looks first: its category, the
 * evidence lines and the log's tail go into the job summary and an annotation, and the whole log
 * is copied into the `build-logs` folder, which the workflow uploads with `if: always()`.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runBuild, type BuildReport, type BuiltVariant } from '../commands/build.js';
import { buildOptions } from './inputs.js';
import type { StepAnnotation, StepContext, StepResult } from './step.js';

/** Lines of the log's end shown in the summary (the whole log is in the artifact). */
export const LOG_TAIL_LINES = 40;
/** Lines of the log's end in the annotation (GitHub shows an annotation's first few lines). */
const ANNOTATION_TAIL_LINES = 10;

export interface BuildFailure {
  task: string;
  variant: string;
  built: BuiltVariant;
  /** The whole log as copied into build-logs (undefined when the build left none). */
  copied?: string;
  tail?: string[];
  totalLines?: number;
}

/** A fence longer than any run of backticks in the text, so a log cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}\n${text}\n${f}`;
}

function explainBuildFailure(f: BuildFailure, artifactHint: string): { markdown: string; annotation: StepAnnotation } {
  const b = f.built;
  const where = f.copied
    ? `\`${f.copied}\` (${artifactHint})${b.log ? `; on the runner: \`${b.log}\`` : ''}`
    : b.log
      ? `\`${b.log}\` on the runner`
      : 'no log was written';
  const lines = [
    `#### ✗ ${f.task} ${f.variant}: ${b.category ?? 'BUILD_FAILED'}`,
    '',
    b.reason ?? 'the build failed',
    '',
  ];
  if (b.evidence) lines.push('**Evidence**', '', fence(b.evidence), '');
  if (f.tail?.length)
    lines.push(`**Log tail** (last ${f.tail.length} of ${f.totalLines} lines)`, '', fence(f.tail.join('\n')), '');
  lines.push(`The whole log: ${where}.`, '');
  const evidence = b.evidence ? `\nEvidence:\n${b.evidence.split('\n').slice(0, 5).join('\n')}` : '';
  // An annotation is read on the run's page without opening anything: the last lines say where it stopped.
  const tail = f.tail?.length ? `\nLog tail:\n${f.tail.slice(-ANNOTATION_TAIL_LINES).join('\n')}` : '';
  return {
    markdown: lines.join('\n'),
    annotation: {
      level: 'error',
      title: `benchsweep build ${f.task} ${f.variant}: ${b.category ?? 'BUILD_FAILED'}`,
      message: `${b.reason ?? 'the build failed'}${evidence}${tail}\nWhole log: ${f.copied ?? b.log ?? 'none'}`,
    },
  };
}

function buildFailures(report: BuildReport): BuildFailure[] {
  return report.tasks.flatMap((t) =>
    Object.entries(t.variants)
      .filter(([, b]) => b && !b.ok)
      .map(([variant, b]) => ({ task: t.id, variant, built: b! })),
  );
}

async function collectLog(f: BuildFailure, logsDir: string | undefined): Promise<void> {
  if (!f.built.log) return;
  const text = await readFile(f.built.log, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const lines = text.replace(/\n$/, '').split('\n');
  f.totalLines = lines.length;
  f.tail = lines.slice(-LOG_TAIL_LINES);
  if (!logsDir) return;
  await mkdir(logsDir, { recursive: true });
  const target = join(logsDir, `${f.task}-${f.variant}.${basename(f.built.log)}`);
  await copyFile(f.built.log, target);
  f.copied = target;
}

/** Each failed build explained (summary section and annotation), its whole log copied into `logsDir`. */
export async function explainBuildFailures(
  report: BuildReport,
  logsDir: string,
): Promise<{ summary: string; annotations: StepAnnotation[] }> {
  const failures = buildFailures(report);
  for (const f of failures) await collectLog(f, logsDir);
  const explained = failures.map((f) => explainBuildFailure(f, 'in the build-logs artifact of this run'));
  return {
    summary: explained.length ? ['### Why the build failed', '', ...explained.map((e) => e.markdown)].join('\n') : '',
    annotations: explained.map((e) => e.annotation),
  };
}

export async function buildStep({ inputs, env }: StepContext): Promise<StepResult> {
  const result = await runBuild(buildOptions(inputs, env));
  const report = result.value;
  const logsDir = inputs['build-logs'] ?? 'benchsweep-build-logs';
  const explained = await explainBuildFailures(report, logsDir);
  return {
    ...result,
    summary: [result.summary ?? '', explained.summary].filter(Boolean).join('\n'),
    outputs: { ...result.outputs, 'build-logs': logsDir },
    annotations: explained.annotations,
  };
}
