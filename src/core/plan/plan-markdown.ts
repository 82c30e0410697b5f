/** The plan as markdown: the job summary of the plan step and `benchsweep plan` without --json. */
import { markdownTable } from 'markdown-table';
import { formatDatasetError } from '../dataset/dataset.js';
import type { Plan, PlannedTask } from './plan.js';
import { categoryInfo, type Category } from '../taxonomy.js';

const hours = (h: number) => `${h.toFixed(2)} h`;

export function renderPlanMarkdown(plan: Plan, opts: { maxReasonChars?: number } = {}): string {
  const max = opts.maxReasonChars ?? 160;
  const clip = (s: string) =>
    (s.length > max ? `${s.slice(0, max - 1)}…` : s).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const out: string[] = [];
  const { counts, estimate } = plan;
  out.push('## benchsweep plan', '');
  out.push(
    `**${counts.runnable} runnable** of ${counts.tasks} tasks, **${counts.skipped} skipped** before any GPU minute; ` +
      `${plan.matrix.include.length} matrix jobs in ${plan.shards.length} shard${plan.shards.length === 1 ? '' : 's'}; ` +
      `estimate **${hours(estimate.wallHours)}** of runner time, **${estimate.gpuHours.toFixed(2)} GPU-hours**, ` +
      `**$${estimate.usd.toFixed(2)}** at $${estimate.gpuHourUsd}/GPU-hour.`,
    '',
  );
  if (plan.errors.length > 0) {
    out.push(`### Dataset errors (${plan.errors.length} rows skipped)`, '');
    for (const e of plan.errors) out.push(`- \`${formatDatasetError(e)}\``);
    out.push('');
  }
  if (plan.unknown_ids.length > 0)
    out.push(`Unknown task ids in --only: ${plan.unknown_ids.map((i) => `\`${i}\``).join(', ')}`, '');

  if (estimate.bySize.length > 0) {
    out.push('### GPU sizes', '');
    out.push(
      markdownTable([
        ['GPUs', 'jobs', 'task GPUs', 'runner hours', 'GPU-hours', 'USD', 'runs-on'],
        ...estimate.bySize.map((s) => [
          String(s.gpus),
          String(s.jobs),
          [...new Set(plan.matrix.include.filter((e) => e.runner_gpus === s.gpus).map((e) => e.gpus))]
            .sort((a, b) => a - b)
            .join(', '),
          s.wallHours.toFixed(2),
          s.gpuHours.toFixed(2),
          s.usd.toFixed(2),
          `\`${plan.matrix.include.find((e) => e.runner_gpus === s.gpus)?.runs_on.join(', ') ?? ''}\``,
        ]),
      ]),
      '',
      `_Assumptions: ${estimate.assumptions}._`,
      '',
    );
  }

  const skipped = plan.tasks.filter((t) => !t.runnable);
  if (skipped.length > 0) {
    out.push('### Skipped before the GPU', '');
    const groups = new Map<string, PlannedTask[]>();
    for (const t of skipped) groups.set(t.category ?? 'UNKNOWN', [...(groups.get(t.category ?? 'UNKNOWN') ?? []), t]);
    const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    out.push(
      markdownTable([
        ['category', 'tasks', 'action'],
        ...ordered.map(([cat, ts]) => [`\`${cat}\``, String(ts.length), clip(actionFor(cat))]),
      ]),
      '',
    );
    for (const [cat, ts] of ordered) {
      out.push(`<details><summary><code>${cat}</code> — ${ts.length} task${ts.length === 1 ? '' : 's'}</summary>`, '');
      out.push(
        markdownTable([
          ['task', 'reason', 'suggestion'],
          ...ts.map((t) => [`\`${t.id}\``, clip(t.reason ?? ''), clip(t.suggestion ?? '')]),
        ]),
        '',
        '</details>',
        '',
      );
    }
  }

  if (plan.pool) {
    const p = plan.pool;
    out.push('### What-if on the runner pool', '');
    out.push(
      `Pool ${p.spec.map((c) => `${c.count}×${c.name}:${c.gpus}`).join(', ')} (${p.runners} runners, ${p.gpus} GPUs): ` +
        `makespan **${hours(p.makespanH)}** against a lower bound of ${hours(p.lowerBoundH)} ` +
        `(GPU-time / GPUs ${hours(p.bounds.gpuTimeOverGpusH)}, longest job ${hours(p.bounds.longestJobH)}, ` +
        `busiest size ${hours(p.bounds.busiestSizeH)}): ratio **${p.ratio}**, GPU utilization ${(p.utilization * 100).toFixed(1)}%.`,
      '',
    );
    if (p.unschedulable.length > 0) {
      out.push(
        `${p.unschedulable.length} jobs have no runner of their size: ${p.unschedulable.map((u) => `\`${u.id}\` (${u.gpus})`).join(', ')}`,
        '',
      );
    }
  }

  const a = plan.artifact_summary;
  if (a) {
    out.push('### Artifact sources', '');
    const sources = ['cache', 'registry', 'wheel', 'overlay', 'build'] as const;
    out.push(
      markdownTable([
        ['variant', ...sources],
        ...(['baseline', 'human', 'agent'] as const).map((v) => [v, ...sources.map((s) => String(a[v][s]))]),
      ]),
      '',
      `${a.builds} builds on CPU runners and ${a.overlays} overlays (no compile) before the GPU jobs; about ${(a.totalCostS / 60).toFixed(0)} minutes of artifact work.`,
      '',
    );
  }
  return out.join('\n');
}

function actionFor(category: string): string {
  try {
    return categoryInfo(category as Category).action;
  } catch {
    return '';
  }
}

/** The terminal's short form. */
export function renderPlanText(plan: Plan): string {
  const lines = [
    `${plan.counts.runnable} runnable, ${plan.counts.skipped} skipped of ${plan.counts.tasks} tasks; ${plan.matrix.include.length} jobs; ` +
      `${plan.estimate.gpuHours.toFixed(2)} GPU-hours, $${plan.estimate.usd.toFixed(2)}`,
  ];
  for (const t of plan.tasks) {
    lines.push(
      `${t.runnable ? 'run ' : 'skip'} ${t.id.padEnd(10)} ${String(t.gpus).padStart(2)} GPU ${t.runner_gpus !== undefined && t.runner_gpus !== t.gpus ? `on ${t.runner_gpus}-GPU runner ` : ''}${(t.kind ?? '-').padEnd(10)} ` +
        (t.runnable ? (t.model ?? '') : `${t.category}: ${t.reason ?? ''}`),
    );
  }
  if (plan.pool)
    lines.push(
      `pool: makespan ${plan.pool.makespanH} h, lower bound ${plan.pool.lowerBoundH} h, ratio ${plan.pool.ratio}`,
    );
  for (const e of plan.errors) lines.push(`error: ${formatDatasetError(e)}`);
  return lines.join('\n');
}
