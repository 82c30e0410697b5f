/**
 * report as a step: carry the previous results forward (the nightly), refuse a missing or empty
 * results folder (a red step; the sticky comment stays as it was), then the report, its
 * annotations, and the comment and check run.
 */
import * as core from '@actions/core';
import { cp, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runReport } from '../commands/report.js';
import { tasksToCarryForward } from '../core/github/rerun-select.js';
import { annotationsFor } from '../core/github/github-surfaces.js';
import { redact } from '../core/redact.js';
import { loadResultRecords } from '../adapters/results-dir.js';
import { reportOptions } from './inputs.js';
import { readEventPayload } from './gate.js';
import { publishToPullRequest } from './publish.js';
import type { StepContext, StepResult } from './step.js';

export class NoResultsError extends Error {
  override name = 'NoResultsError';
}

async function taskDirs(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Tasks this run did not produce keep their earlier records. */
async function carryForwardResults(previous: string, results: string): Promise<string[]> {
  const carried = tasksToCarryForward(await taskDirs(previous), await taskDirs(results));
  for (const task of carried) await cp(join(previous, task), join(results, task), { recursive: true });
  return carried;
}

/** A report of nothing is not a result: no folder, or no record in it, fails the step. */
async function requireRecords(results: string): Promise<void> {
  const info = await stat(results).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new NoResultsError(
      `results folder ${results} does not exist: no job left results (all cancelled? a wrong path?); the report and the comment are left as they were`,
    );
  }
  const loaded = await loadResultRecords(results);
  if (loaded.records.length === 0) {
    const why =
      loaded.errors.length > 0
        ? ` (${loaded.errors.length} file(s) were not valid records, e.g. ${loaded.errors[0]!.file}: ${loaded.errors[0]!.message})`
        : '';
    throw new NoResultsError(
      `results folder ${results} holds no result record${why}; the report and the comment are left as they were`,
    );
  }
}

export async function reportStep({ inputs, env, secrets }: StepContext): Promise<StepResult> {
  const options = reportOptions(inputs);
  const previous = inputs['previous-results'];
  if (previous) {
    const carried = await carryForwardResults(previous, options.results);
    if (carried.length > 0) core.info(`carried ${carried.length} task(s) forward from ${previous}`);
  }
  await requireRecords(options.results);
  const result = await runReport(options);
  const report = result.value;
  const outputs: Record<string, string> = { ...result.outputs };
  if (options.out) outputs['report-path'] = join(options.out, 'report.json');
  if (outputs.counts) outputs['outcome-counts'] = outputs.counts;
  const markdown = result.summary ?? result.text;
  const published = await publishToPullRequest(
    inputs,
    env,
    await readEventPayload(env),
    report,
    markdown,
    secrets,
  ).catch((e: unknown) => {
    core.warning(`could not publish the report to the pull request: ${redact((e as Error).message, secrets)}`);
    return undefined;
  });
  if (published?.comment)
    core.info(`sticky comment ${published.comment.action}: ${published.comment.url ?? published.comment.id}`);
  if (published?.checkRun) core.info(`check run: ${published.checkRun.url ?? published.checkRun.id}`);
  return { ...result, outputs, annotations: annotationsFor(report) };
}
