/**
 * The workflow files as data: the plan → build → bench → report chain, the matrix wiring, the
 * report that runs whatever failed, least privilege, and the rule that no self-hosted job runs a
 * fork's pull request without the gate. Every `uses: ./…` step is checked against action.yml, so
 * a misspelt input or output fails here instead of on a runner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_NAMES } from '../../src/core/action-inputs.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'runs-on': string | string[];
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: unknown };
  'timeout-minutes'?: number;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = (file: string) => parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};
const OWN = ['sweep.yml', 'verify-pr.yml', 'nightly.yml', 'verify-pr-label-reset.yml', 'verify-pr-publish.yml'];
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const isSelfHosted = (job: Job) => {
  const r = job['runs-on'];
  return (Array.isArray(r) ? r.includes('self-hosted') : r !== 'ubuntu-latest' && !/^(ubuntu|windows|macos)-/.test(r));
};
const benchsweepSteps = (job: Job) => job.steps.filter((s) => s.uses === './' || s.uses?.startsWith('./.benchsweep-base'));

describe('action.yml', () => {
  it('is a node24 action running the committed bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares exactly the inputs the entry reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(action.inputs.command!.required).toBe(true);
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('declares the outputs the workflows and users rely on', () => {
    for (const name of ['matrix', 'shard-count', 'runnable-count', 'skipped-count', 'has-jobs', 'allowed', 'head-sha', 'report-path', 'outcome-counts']) {
      expect(action.outputs, name).toHaveProperty(name);
    }
  });
});

describe.each(OWN)('%s: generic rules', (file) => {
  const wf = load(file);

  it('gives every job a timeout', () => {
    for (const [name, job] of Object.entries(wf.jobs)) expect(job['timeout-minutes'], name).toBeGreaterThan(0);
  });

  it('passes only declared inputs to benchsweep and reads only declared outputs', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of benchsweepSteps(job)) {
        expect(Object.keys(step.with ?? {}).filter((k) => !(k in action.inputs)), step.id ?? step.name).toEqual([]);
        expect(['plan', 'build', 'run', 'report']).toContain(step.with?.command);
      }
      const ids = new Set(benchsweepSteps(job).map((s) => s.id).filter(Boolean));
      for (const value of Object.values(job.outputs ?? {})) {
        const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(value);
        if (m && ids.has(m[1])) expect(action.outputs, value).toHaveProperty(m[2]!);
      }
    }
  });

  it('reads needs.<job>.outputs.<name> only from declared job outputs of jobs it needs', () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const text = JSON.stringify(job);
      for (const m of text.matchAll(/needs\.([\w-]+)\.(outputs\.([\w-]+)|result)/g)) {
        expect(needsOf(job), `${name} reads ${m[0]}`).toContain(m[1]);
        if (m[3]) expect(wf.jobs[m[1]!]!.outputs ?? {}, `${name} reads ${m[0]}`).toHaveProperty(m[3]);
      }
    }
  });

  it('never expands event data or inputs inside a shell script (script injection)', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps) {
        if (step.run) expect(step.run, step.name).not.toMatch(/\$\{\{/);
      }
    }
  });

  it('never leaves the token in a checkout on disk', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
        expect(step.with?.['persist-credentials'], step.name).toBe(false);
      }
    }
  });

  it('runs no self-hosted job for a pull request without the gate', () => {
    const prEvents = Object.keys(wf.on).filter((e) => e.startsWith('pull_request'));
    if (prEvents.length === 0) return;
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (!isSelfHosted(job)) continue;
      expect(needsOf(job), name).toContain('gate');
      expect(job.if, name).toContain("needs.gate.outputs.allowed == 'true'");
      // The same rule as an expression GitHub evaluates itself: a fork runs only on the label event.
      expect(job.if, name).toContain("github.event.pull_request.head.repo.full_name == github.repository");
      expect(job.if, name).toContain("github.event.action == 'labeled' && github.event.label.name == 'safe-to-bench'");
    }
  });
});

/** The bench/build chain every workflow shares. */
function expectChain(wf: Workflow, planJob: string) {
  const { build, bench, report } = wf.jobs as Record<string, Job>;
  const matrix = `\${{ fromJSON(needs.${planJob}.outputs.matrix) }}`;
  expect(wf.jobs[planJob]!['runs-on']).toBe('ubuntu-latest');
  expect(wf.jobs[planJob]!.outputs).toHaveProperty('matrix');
  expect(needsOf(build!)).toEqual([planJob]);
  expect(isSelfHosted(build!)).toBe(true);
  expect(build!.strategy).toMatchObject({ 'fail-fast': false, matrix });
  expect(build!.if).toContain(`needs.${planJob}.outputs.has-jobs == 'true'`);
  expect(benchsweepSteps(build!).map((s) => s.with)).toEqual([expect.objectContaining({ command: 'build', only: '${{ matrix.task }}' })]);

  expect(needsOf(bench!)).toEqual([planJob, 'build']);
  expect(bench!['runs-on']).toBe('${{ matrix.runs_on }}');
  expect(bench!.strategy).toMatchObject({ 'fail-fast': false, matrix });
  // One failed build must not stop the other tasks' benchmarks; a cancelled run must stop them.
  expect(bench!.if).toContain('!cancelled()');
  const run = benchsweepSteps(bench!)[0]!;
  expect(run.with).toMatchObject({ command: 'run', only: '${{ matrix.task }}', variants: "${{ join(matrix.variants, ',') }}" });
  // Both jobs work on a checkout of the engine, at the same path.
  const buildStep = benchsweepSteps(build!)[0]!;
  expect(run.with?.repo).toBe(buildStep.with?.repo);
  expect(bench!.steps.some((s) => s.uses?.startsWith('actions/checkout@') && s.with?.path === run.with?.repo)).toBe(true);
  expect(run.with?.dataset).toBe(buildStep.with?.dataset);
  const upload = bench!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  expect(upload.if).toBe('always()');
  expect(upload.with?.path).toBe(run.with?.results);

  expect(needsOf(report!)).toEqual([planJob, 'bench']);
  expect(report!.if).toMatch(/^always\(\)/);
  const download = report!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.pattern)!;
  expect(download.with).toMatchObject({ pattern: 'results-*', 'merge-multiple': true });
  const rep = benchsweepSteps(report!)[0]!;
  expect(rep.with).toMatchObject({ command: 'report', results: download.with?.path });
  for (const job of [build!, bench!, report!]) expect(benchsweepSteps(job)).toHaveLength(1);
}

describe('sweep.yml', () => {
  const wf = load('sweep.yml');

  it('is dispatched with the sweep inputs', () => {
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    for (const name of ['dataset', 'only', 'gpu-sizes', 'variants', 'repeats', 'dry-run']) expect(inputs).toHaveProperty(name);
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
  });

  it('chains plan → build → bench → report', () => expectChain(wf, 'plan'));

  it('plans on a hosted runner and skips every GPU job on a dry run', () => {
    expect(benchsweepSteps(wf.jobs.plan!)[0]!.with).toMatchObject({ command: 'plan', dataset: '${{ inputs.dataset }}', 'gpu-sizes': '${{ inputs.gpu-sizes }}' });
    expect(wf.jobs.build!.if).toContain('!inputs.dry-run');
    expect(wf.jobs.bench!.if).toContain('!inputs.dry-run');
  });

  it('reads only the repository', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('gives HF_TOKEN to the bench step alone', () => {
    expect(benchsweepSteps(wf.jobs.bench!)[0]!.env).toEqual({ HF_TOKEN: '${{ secrets.HF_TOKEN }}' });
    for (const name of ['plan', 'build', 'report']) expect(JSON.stringify(wf.jobs[name])).not.toContain('secrets.');
  });
});

describe('verify-pr.yml', () => {
  const wf = load('verify-pr.yml');

  it('runs on pull_request (never pull_request_target) for dataset and patch changes', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    const pr = wf.on.pull_request as { types: string[]; paths: string[] };
    expect(pr.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled']));
    expect(pr.paths.some((p) => p.includes('datasets'))).toBe(true);
    expect(pr.paths.some((p) => p.includes('patches'))).toBe(true);
  });

  it('grants nothing by default and each job only what it needs', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.gate!.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(wf.jobs.build!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.bench!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.report!.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', checks: 'write' });
  });

  it('keeps one run per PR, cancelling the stale one', () => {
    expect(wf.concurrency!['cancel-in-progress']).toBe(true);
    expect(wf.concurrency!.group).toContain('${{ github.event.pull_request.number }}');
  });

  it('gates on a hosted runner with the base’s code, planning only the affected tasks', () => {
    const gate = wf.jobs.gate!;
    expect(gate['runs-on']).toBe('ubuntu-latest');
    const step = benchsweepSteps(gate)[0]!;
    expect(step.uses).toBe('./.benchsweep-base');
    expect(step.with).toMatchObject({ command: 'plan', 'pr-gate': 'true', 'gate-label': 'safe-to-bench' });
    expect(step.with).toHaveProperty('changed-files');
    expect(step.with).toHaveProperty('base-dataset');
    const base = gate.steps.find((s) => s.with?.path === '.benchsweep-base')!;
    expect(base.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
  });

  it('chains gate → build → bench → report', () => expectChain(wf, 'gate'));

  it('checks out exactly the head commit the gate decided on in every self-hosted job', () => {
    for (const name of ['build', 'bench']) {
      const head = wf.jobs[name]!.steps.find((s) => s.uses?.startsWith('actions/checkout@') && !s.with?.path)!;
      expect(head.with, name).toMatchObject({ ref: '${{ needs.gate.outputs.head-sha }}', repository: '${{ needs.gate.outputs.head-repo }}' });
      expect(benchsweepSteps(wf.jobs[name]!)[0]!.uses, name).toBe('./.benchsweep-base');
    }
  });

  it('upserts the sticky comment and sets a check where the token can write', () => {
    const rep = benchsweepSteps(wf.jobs.report!)[0]!;
    expect(rep.with).toMatchObject({
      comment: '${{ github.event.pull_request.head.repo.full_name == github.repository }}',
      check: '${{ github.event.pull_request.head.repo.full_name == github.repository }}',
    });
  });

  it('carries no secrets into a PR run', () => {
    expect(JSON.stringify(wf)).not.toContain('secrets.');
  });
});

describe('verify-pr-label-reset.yml', () => {
  const wf = load('verify-pr-label-reset.yml');

  it('removes the label on a fork push without ever checking out the PR', () => {
    expect(wf.on).toEqual({ pull_request_target: { types: ['synchronize'] } });
    expect(wf.permissions).toEqual({});
    const job = wf.jobs['remove-label']!;
    expect(job.permissions).toEqual({ 'pull-requests': 'write' });
    expect(job.steps.every((s) => !s.uses)).toBe(true);
    expect(job.if).toContain("contains(github.event.pull_request.labels.*.name, 'safe-to-bench')");
    expect(job.steps[0]!.run).toContain('labels/safe-to-bench');
  });
});

describe('verify-pr-publish.yml', () => {
  const wf = load('verify-pr-publish.yml');
  const job = wf.jobs.publish!;

  it('runs after verify-pr, for fork PRs only, with write access to comments and checks alone', () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: [load('verify-pr.yml').name], types: ['completed'] } });
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write', checks: 'write' });
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(job.if).toContain('github.event.workflow_run.head_repository.full_name != github.repository');
    expect(isSelfHosted(job)).toBe(false);
  });

  it('never checks out the PR: only the default branch, and the PR’s results as data', () => {
    const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.with).toEqual({ 'persist-credentials': false });
    const download = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ pattern: 'results-*', 'run-id': '${{ github.event.workflow_run.id }}', 'merge-multiple': true });
  });

  it('publishes the report on the PR found through the API, on the verified commit', () => {
    const step = benchsweepSteps(job)[0]!;
    expect(step.uses).toBe('./');
    expect(step.with).toMatchObject({
      command: 'report',
      comment: 'true',
      check: 'true',
      'pr-number': '${{ steps.pr.outputs.number }}',
      'head-sha': '${{ github.event.workflow_run.head_sha }}',
    });
    expect(job.steps.find((s) => s.id === 'pr')!.run).toContain('gh pr list');
  });
});

describe('nightly.yml', () => {
  const wf = load('nightly.yml');

  it('runs on a schedule (and by hand)', () => {
    expect((wf.on.schedule as Array<{ cron: string }>)[0]!.cron).toMatch(/^[\d*\/,-]+( [\d*\/,-]+){4}$/);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('chains plan → build → bench → report', () => expectChain(wf, 'plan'));

  it('resumes from the last state artifact and hands its own state on', () => {
    const plan = wf.jobs.plan!;
    const download = plan.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ name: '${{ env.STATE_ARTIFACT }}', 'run-id': '${{ steps.last.outputs.run-id }}' });
    const step = benchsweepSteps(plan)[0]!;
    expect(step.with?.['rerun-from']).toBe(`${download.with?.path}/report.json`);

    const report = wf.jobs.report!;
    const rep = benchsweepSteps(report)[0]!;
    const previous = report.steps.find((s) => s.with?.name === '${{ env.STATE_ARTIFACT }}' && s.uses?.startsWith('actions/download-artifact@'))!;
    expect(rep.with?.['previous-results']).toBe(`${previous.with?.path}/results`);
    const upload = report.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.name).toBe('${{ env.STATE_ARTIFACT }}');
    expect(upload.if).toBe('always()');
    // The state artifact holds results/ and report.json side by side, as the next plan reads them.
    expect(rep.with?.results).toBe(`${upload.with?.path}/results`);
    expect(rep.with?.out).toBe(upload.with?.path);
  });

  it('never overlaps itself and reads artifacts of earlier runs', () => {
    expect(wf.concurrency).toEqual({ group: 'nightly', 'cancel-in-progress': false });
    expect(wf.permissions).toEqual({ contents: 'read', actions: 'read' });
  });
});

it('owns every workflow file except ci.yml', () => {
  expect(readdirSync(WORKFLOWS).filter((f) => f !== 'ci.yml').sort()).toEqual([...OWN].sort());
});
