/**
 * verify-pr.yml and its companions (helper C's fork-safety workflows) as data: the plan-only
 * pull_request workflow, the default-branch workflow that benchmarks an approved SHA, the label
 * reset, and the publisher that reads only the default-branch workflow's runs.
 */
import { describe, expect, it } from 'vitest';
import { benchsweepSteps, isSelfHosted, load, needsOf, type Job } from './workflow-helpers.js';

const checkouts = (job: Job) => job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));

describe('verify-pr.yml (pull_request: plan only)', () => {
  const wf = load('verify-pr.yml');

  it('runs on pull_request for dataset and patch changes', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    const pr = wf.on.pull_request as { types: string[]; paths: string[] };
    expect(pr.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened']));
    expect(pr.paths.some((p) => p.includes('datasets'))).toBe(true);
    expect(pr.paths.some((p) => p.includes('patches'))).toBe(true);
  });

  it('has one hosted job, the plan, with read-only permissions', () => {
    expect(Object.keys(wf.jobs)).toEqual(['gate']);
    expect(wf.permissions).toEqual({});
    const gate = wf.jobs.gate!;
    expect(isSelfHosted(gate)).toBe(false);
    expect(gate.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
  });

  it('plans the affected tasks with the base’s benchsweep, reading the PR as data', () => {
    const gate = wf.jobs.gate!;
    const step = benchsweepSteps(gate)[0]!;
    expect(step.uses).toBe('./.benchsweep-base');
    expect(step.with).toMatchObject({ command: 'plan', 'pr-gate': 'true' });
    expect(step.with).toHaveProperty('changed-files');
    const base = gate.steps.find((s) => s.with?.path === '.benchsweep-base')!;
    expect(base.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
  });

  it('keeps one run per PR and carries no secrets', () => {
    expect(wf.concurrency!['cancel-in-progress']).toBe(true);
    expect(JSON.stringify(wf)).not.toContain('secrets.');
  });
});

describe('verify-pr-bench.yml (default branch: benchmarks of an approved SHA)', () => {
  const wf = load('verify-pr-bench.yml');
  const { gate, build, bench, report } = wf.jobs as Record<string, Job>;

  it('runs only from events whose workflow file is the default branch’s', () => {
    expect(wf.on).toEqual({ pull_request_target: { types: ['labeled'] }, issue_comment: { types: ['created'] } });
    expect(wf.permissions).toEqual({});
  });

  it('decides on a hosted runner with the default branch’s benchsweep, from the API’s view of the PR', () => {
    expect(isSelfHosted(gate!)).toBe(false);
    expect(gate!.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    expect(checkouts(gate!)[0]!.with).toEqual({ 'persist-credentials': false });
    const approval = gate!.steps.find((s) => s.id === 'approval')!;
    expect(approval.run).toMatch(/^node dist\/cli\.js pr-approval /);
    expect(gate!.steps.map((s) => s.run ?? '').join('\n')).toMatch(/gh api "repos\/\$REPO\/pulls\/\$PR"/);
    // The PR is checked out at the approved SHA only, into a data folder.
    const pr = checkouts(gate!).find((s) => s.with?.path === '.benchsweep-pr')!;
    expect(pr.with).toMatchObject({
      ref: '${{ steps.approval.outputs.sha }}',
      repository: '${{ steps.approval.outputs.head-repo }}',
      'persist-credentials': false,
    });
    expect(pr.if).toBe("steps.approval.outputs.allowed == 'true'");
  });

  it('never checks out or runs the PR’s tree on a self-hosted runner', () => {
    for (const [name, job] of Object.entries({ build: build!, bench: bench! })) {
      expect(isSelfHosted(job) || job['runs-on'] === '${{ matrix.runs_on }}', name).toBe(true);
      for (const c of checkouts(job)) {
        // The default branch (no ref), or the engine.
        expect(c.with?.ref, name).toBeUndefined();
        expect([undefined, '${{ env.ENGINE_REPO }}'], name).toContain(c.with?.repository);
      }
      for (const s of job.steps) {
        if (s.uses?.startsWith('./')) expect(s.uses, name).toBe('./');
        expect(s.run, name).toBeUndefined();
      }
      const data = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
      expect(data.with).toEqual({ name: 'pr-inputs', path: '.benchsweep-pr-inputs' });
      expect(benchsweepSteps(job)[0]!.with?.dataset).toBe('.benchsweep-pr-inputs/${{ env.DATASET }}');
      expect(benchsweepSteps(job)[0]!.with?.['artifact-config']).toBe('.github/benchsweep-artifacts.yml');
    }
  });

  it('runs the self-hosted jobs only after the gate approved, pinned to its matrix', () => {
    expect(needsOf(build!)).toEqual(['gate']);
    expect(build!.if).toContain("needs.gate.outputs.allowed == 'true'");
    expect(needsOf(bench!)).toEqual(['gate', 'build']);
    expect(bench!.if).toContain("needs.gate.outputs.allowed == 'true'");
    expect(needsOf(report!)).toEqual(['gate', 'bench']);
  });

  it('gives no secret to any job: PR patches run without HF_TOKEN', () => {
    expect(JSON.stringify(wf)).not.toContain('secrets.');
    expect(JSON.stringify(wf)).not.toContain('HF_TOKEN:');
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

  it('reads only runs of verify-pr-bench, a default-branch workflow, never a pull_request run', () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: [load('verify-pr-bench.yml').name], types: ['completed'] } });
    expect(job.if).toContain("github.event.workflow_run.path == '.github/workflows/verify-pr-bench.yml'");
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request_target'");
    expect(job.if).toContain("github.event.workflow_run.event == 'issue_comment'");
    expect(job.if).not.toContain("== 'pull_request'");
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write', checks: 'write' });
    expect(isSelfHosted(job)).toBe(false);
  });

  it('never checks out the PR; publishes on the PR and SHA the gate approved', () => {
    expect(checkouts(job)).toHaveLength(1);
    expect(checkouts(job)[0]!.with).toEqual({ 'persist-credentials': false });
    for (const d of job.steps.filter((s) => s.uses?.startsWith('actions/download-artifact@')))
      expect(d.with?.['run-id']).toBe('${{ github.event.workflow_run.id }}');
    const step = benchsweepSteps(job)[0]!;
    expect(step.with).toMatchObject({
      command: 'report',
      comment: 'true',
      check: 'true',
      'pr-number': '${{ steps.pr.outputs.number }}',
      'head-sha': '${{ steps.pr.outputs.sha }}',
    });
    const pr = job.steps.find((s) => s.id === 'pr')!.run!;
    expect(pr).toContain("grep -Eq '^[0-9a-f]{40}$'");
    expect(pr).toContain("grep -Eq '^[0-9]+$'");
  });
});
