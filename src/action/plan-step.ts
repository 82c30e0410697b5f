/**
 * plan as a step: the PR gate and the nightly's resume narrow the tasks before the plan is made;
 * `shard` picks one matrix of a plan over 256 jobs; invalid dataset rows become annotations on
 * their file and line.
 */
import * as core from '@actions/core';
import { runPlan } from '../commands/plan.js';
import type { Plan } from '../core/plan/plan.js';
import { loadDataset } from '../adapters/dataset-file.js';
import { planOptions } from './inputs.js';
import { gateOutputs, runGate } from './gate.js';
import { selectFromLastResults } from './rerun.js';
import { datasetErrorAnnotations } from '../core/github/github-surfaces.js';
import type { StepContext, StepResult } from './step.js';

const EMPTY_MATRIX = JSON.stringify({ include: [] });
const EMPTY_PLAN_OUTPUTS = {
  matrix: EMPTY_MATRIX,
  shards: '[]',
  'shard-count': '0',
  'runnable-count': '0',
  'skipped-count': '0',
  'has-jobs': 'false',
  tasks: '',
};

function emptyPlan(notes: string[], outputs: Record<string, string>): StepResult {
  const text = notes.join('\n');
  return {
    value: { matrix: { include: [] }, notes },
    text,
    summary: text,
    outputs: { ...EMPTY_PLAN_OUTPUTS, ...outputs },
  };
}

export async function planStep({ inputs, env }: StepContext): Promise<StepResult> {
  const options = planOptions(inputs);
  const notes: string[] = [];
  let outputs: Record<string, string> = {};

  if (inputs['pr-gate']) {
    const { decision, affected } = await runGate(inputs, env, options.dataset);
    outputs = gateOutputs(decision);
    notes.push(`**PR gate:** ${decision.allowed ? 'allowed' : 'refused'}: ${decision.reason}`);
    if (!decision.allowed) return emptyPlan(notes, outputs);
    if (affected) {
      const ids = options.only ? affected.ids.filter((id) => options.only!.includes(id)) : affected.ids;
      notes.push(
        ids.length === 0
          ? '**Affected tasks:** none (the PR changes no dataset row and no agent patch).'
          : `**Affected tasks:** ${ids.map((id) => `\`${id}\` (${affected.reasons[id]!.join('; ')})`).join(', ')}`,
      );
      if (ids.length === 0) return emptyPlan(notes, outputs);
      options.only = ids;
    }
  }

  const rerunFrom = inputs['rerun-from'];
  if (rerunFrom) {
    const dataset = await loadDataset(options.dataset);
    const ids = dataset.tasks.map((t) => t.id).filter((id) => !options.only || options.only.includes(id));
    const selection = await selectFromLastResults(rerunFrom, ids);
    if (!selection) {
      core.warning(`rerun-from ${rerunFrom} does not exist (first run?): planning every task`);
      notes.push(`**Resume:** no previous results at \`${rerunFrom}\`: every task is planned.`);
    } else {
      outputs['rerun-count'] = String(selection.rerun.length);
      notes.push(
        `**Resume from \`${rerunFrom}\`:** ${selection.rerun.length} task(s) to rerun, ${selection.skip.length} kept as they are.`,
        ...selection.rerun.map((r) => `- rerun \`${r.task}\`: ${r.reason}`),
      );
      if (selection.rerun.length === 0) return emptyPlan(notes, outputs);
      options.only = selection.rerun.map((r) => r.task);
    }
  }

  const result = await runPlan(options);
  const plan = result.value as Plan;
  const planOutputs: Record<string, string> = { ...result.outputs };
  const shardCount = Number(planOutputs['shard-count'] ?? plan.shards.length);
  planOutputs.shards = JSON.stringify([...Array(shardCount).keys()]);
  if (inputs.shard !== undefined) {
    const shard = planOutputs[`matrix-${inputs.shard}`];
    if (shard === undefined) {
      // An empty matrix is an error on GitHub: say there is nothing, and why.
      const why = `shard ${inputs.shard} is out of range: the plan has ${shardCount} shard(s) (0${shardCount > 1 ? `-${shardCount - 1}` : ''})`;
      core.warning(why);
      notes.push(`**Shard:** ${why}; nothing to run.`);
      planOutputs.matrix = EMPTY_MATRIX;
      planOutputs['has-jobs'] = 'false';
    } else {
      planOutputs.matrix = shard;
      planOutputs['has-jobs'] = String((JSON.parse(shard) as { include: unknown[] }).include.length > 0);
    }
  }
  const matrix = JSON.parse(planOutputs.matrix ?? EMPTY_MATRIX) as { include: Array<{ task?: string }> };
  planOutputs.tasks ??= [...new Set(matrix.include.map((e) => e.task).filter(Boolean))].join(',');
  return {
    ...result,
    outputs: { ...outputs, ...planOutputs },
    summary: [...notes, result.summary ?? ''].filter(Boolean).join('\n\n'),
    // On the row's file and line, relative to the workspace as GitHub matches annotations to files.
    annotations: datasetErrorAnnotations(plan.errors ?? [], env.GITHUB_WORKSPACE),
  };
}
