/**
 * The workflow files and action.yml as data, for the tests in this folder: typed loaders and the
 * small queries (which steps run benchsweep, which jobs are self-hosted) they share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(import.meta.dirname, '..', '..');
export const WORKFLOWS = join(ROOT, '.github', 'workflows');

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
export interface Job {
  'runs-on': string | string[];
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | 'inherit';
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: number; matrix?: unknown };
  'continue-on-error'?: boolean | string;
  'timeout-minutes'?: number;
  steps: Step[];
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export const load = (file: string) => parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
export const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};
export const needsOf = (job: Job) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
export const isSelfHosted = (job: Job) => {
  if (job.uses) return false;
  const r = job['runs-on'];
  return Array.isArray(r) ? r.includes('self-hosted') : r !== 'ubuntu-latest' && !/^(ubuntu|windows|macos)-/.test(r);
};
/** A job that calls a reusable workflow (no runner, no steps of its own). */
export const isCall = (job: Job) => typeof job.uses === 'string';
export const stepsOf = (job: Job) => job.steps ?? [];
export const benchsweepSteps = (job: Job) =>
  stepsOf(job).filter((s) => s.uses === './' || s.uses?.startsWith('./.benchsweep-base'));
