/**
 * The self-hosted runner's job-started hook: fork and PR event payloads against the guard, the
 * `runner-guard` command, and the hook as scripts/install-runner-hook installs it, run the way the
 * runner runs it.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { decideRunnerGuard, parseWorkflowRef } from '../../src/core/github/runner-guard.js';
import { runCli, ROOT } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('benchsweep-guard-');
const REPO = 'octo/bench';
const repository = { full_name: REPO, default_branch: 'main' };

/** Event payloads as GitHub writes them to GITHUB_EVENT_PATH (the fields the guard reads, and some context). */
const EVENTS = {
  forkPullRequest: {
    action: 'labeled',
    label: { name: 'safe-to-bench' },
    pull_request: {
      number: 7,
      head: { sha: 'a'.repeat(40), repo: { full_name: 'mallory/bench' } },
      base: { ref: 'main', repo: { full_name: REPO } },
    },
    repository,
  },
  workflowRun: {
    action: 'completed',
    workflow_run: { id: 1, event: 'pull_request', head_branch: 'feature' },
    repository,
  },
  pullRequestTarget: { action: 'labeled', pull_request: { number: 7, base: { ref: 'main' } }, repository },
  dispatch: { ref: 'refs/heads/feature', inputs: {}, repository },
  schedule: { schedule: '0 3 * * *' },
};

const ref = (file: string, gitRef: string) => `${REPO}/.github/workflows/${file}@${gitRef}`;

describe('decideRunnerGuard', () => {
  it('refuses a fork PR’s pull_request job: its workflow file is the PR’s own (refs/pull/N/merge)', () => {
    const d = decideRunnerGuard({
      workflowRef: ref('verify-pr.yml', 'refs/pull/7/merge'),
      event: EVENTS.forkPullRequest,
      repository: REPO,
    });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(
      /^runner-guard: refused: \.github\/workflows\/verify-pr\.yml comes from refs\/pull\/7\/merge, not from the default branch \(refs\/heads\/main\)/,
    );
    expect(d.reason).not.toMatch(/\n/);
  });

  it('refuses a workflow a PR adds, whatever its name', () => {
    expect(
      decideRunnerGuard({ workflowRef: ref('innocent.yml', 'refs/pull/8/merge'), event: EVENTS.forkPullRequest })
        .allowed,
    ).toBe(false);
  });

  it('allows default-branch workflows: workflow_run, pull_request_target, schedule', () => {
    expect(
      decideRunnerGuard({
        workflowRef: ref('verify-pr-bench.yml', 'refs/heads/main'),
        event: EVENTS.workflowRun,
        repository: REPO,
      }).allowed,
    ).toBe(true);
    expect(
      decideRunnerGuard({ workflowRef: ref('verify-pr-bench.yml', 'refs/heads/main'), event: EVENTS.pullRequestTarget })
        .allowed,
    ).toBe(true);
    expect(
      decideRunnerGuard({
        workflowRef: ref('nightly.yml', 'refs/heads/main'),
        event: EVENTS.schedule,
        defaultBranch: 'main',
      }).allowed,
    ).toBe(true);
  });

  it('refuses a workflow_dispatch from a feature branch, and tags', () => {
    expect(
      decideRunnerGuard({ workflowRef: ref('sweep.yml', 'refs/heads/feature'), event: EVENTS.dispatch }).allowed,
    ).toBe(false);
    expect(decideRunnerGuard({ workflowRef: ref('sweep.yml', 'refs/tags/v1'), event: EVENTS.dispatch }).allowed).toBe(
      false,
    );
  });

  it('refuses a branch that only starts like the default one', () => {
    expect(
      decideRunnerGuard({ workflowRef: ref('sweep.yml', 'refs/heads/main-evil'), event: EVENTS.dispatch }).allowed,
    ).toBe(false);
  });

  it('refuses a workflow of another repository', () => {
    const d = decideRunnerGuard({
      workflowRef: 'mallory/bench/.github/workflows/x.yml@refs/heads/main',
      event: EVENTS.workflowRun,
      repository: REPO,
    });
    expect(d.allowed).toBe(false);
    expect(d.reason).toMatch(/belongs to mallory\/bench/);
  });

  it('fails closed without the facts it needs', () => {
    expect(decideRunnerGuard({ workflowRef: undefined, event: EVENTS.workflowRun }).reason).toMatch(
      /GITHUB_WORKFLOW_REF is not set/,
    );
    expect(decideRunnerGuard({ workflowRef: 'garbage', event: EVENTS.workflowRun }).allowed).toBe(false);
    expect(
      decideRunnerGuard({ workflowRef: ref('nightly.yml', 'refs/heads/main'), event: EVENTS.schedule }).reason,
    ).toMatch(/no default branch/);
    expect(decideRunnerGuard({ workflowRef: ref('nightly.yml', 'refs/heads/main'), event: undefined }).allowed).toBe(
      false,
    );
  });

  it('the event’s default branch wins over the runner’s setting', () => {
    const event = { repository: { full_name: REPO, default_branch: 'trunk' } };
    expect(
      decideRunnerGuard({ workflowRef: ref('x.yml', 'refs/heads/main'), event, defaultBranch: 'main' }).allowed,
    ).toBe(false);
    expect(
      decideRunnerGuard({ workflowRef: ref('x.yml', 'refs/heads/trunk'), event, defaultBranch: 'main' }).allowed,
    ).toBe(true);
  });

  it('parses workflow refs, including branch names with slashes', () => {
    expect(parseWorkflowRef(`${REPO}/.github/workflows/a.yml@refs/heads/release/1.0`)).toEqual({
      repository: REPO,
      path: '.github/workflows/a.yml',
      ref: 'refs/heads/release/1.0',
    });
    expect(parseWorkflowRef('no-at-sign')).toBeUndefined();
  });
});

async function eventFile(name: string, event: unknown): Promise<string> {
  const path = join(tmp(), 'events', `${name}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(event));
  return path;
}

describe('benchsweep runner-guard', () => {
  it('exits 1 with one line for a fork PR job, 0 for a default-branch workflow', async () => {
    const refused = await runCli(['runner-guard'], {
      env: {
        GITHUB_WORKFLOW_REF: ref('verify-pr.yml', 'refs/pull/7/merge'),
        GITHUB_EVENT_PATH: await eventFile('fork', EVENTS.forkPullRequest),
        GITHUB_REPOSITORY: REPO,
      },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout.trim().split('\n')).toHaveLength(1);
    expect(refused.stdout).toMatch(/refused/);

    const allowed = await runCli(['runner-guard', '--json'], {
      env: {
        GITHUB_WORKFLOW_REF: ref('verify-pr-bench.yml', 'refs/heads/main'),
        GITHUB_EVENT_PATH: await eventFile('run', EVENTS.workflowRun),
        GITHUB_REPOSITORY: REPO,
      },
    });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ allowed: true, ref: 'refs/heads/main', defaultBranch: 'main' });
  });
});

describe('scripts/install-runner-hook', () => {
  it('installs the hook in the runner’s .env, replaces an old one, and the hook refuses a fork PR job', async () => {
    const runnerDir = join(tmp(), 'actions-runner');
    await mkdir(runnerDir, { recursive: true });
    await writeFile(join(runnerDir, '.env'), 'LANG=C.UTF-8\nACTIONS_RUNNER_HOOK_JOB_STARTED=/old/hook.sh\n');
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const install = () =>
      execa(
        join(ROOT, 'scripts/install-runner-hook'),
        ['--runner-dir', runnerDir, '--default-branch', 'main', '--cli', join(ROOT, 'src/cli.ts'), '--node', tsx],
        {
          reject: false,
          env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
        },
      );
    for (let i = 0; i < 2; i++) {
      const r = await install();
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const env = await readFile(join(runnerDir, '.env'), 'utf8');
    const hookLines = env.split('\n').filter((l) => l.startsWith('ACTIONS_RUNNER_HOOK_JOB_STARTED='));
    expect(hookLines).toEqual([`ACTIONS_RUNNER_HOOK_JOB_STARTED=${runnerDir}/benchsweep-runner-guard.sh`]);
    expect(env).toContain('LANG=C.UTF-8');

    // The runner runs the hook with the job's environment.
    const hook = hookLines[0]!.split('=')[1]!;
    const run = (workflowRef: string, eventPath: string) =>
      execa(hook, [], {
        reject: false,
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
          GITHUB_WORKFLOW_REF: workflowRef,
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_REPOSITORY: REPO,
        },
      });
    const fork = await run(ref('verify-pr.yml', 'refs/pull/7/merge'), await eventFile('fork2', EVENTS.forkPullRequest));
    expect(fork.exitCode).toBe(1);
    expect(fork.stdout).toMatch(/^runner-guard: refused/);
    const schedule = await run(ref('nightly.yml', 'refs/heads/main'), await eventFile('schedule', EVENTS.schedule));
    expect(schedule.exitCode, schedule.stdout + schedule.stderr).toBe(0);
  }, 120_000);

  it('refuses a branch name that is not one', async () => {
    const r = await execa(
      join(ROOT, 'scripts/install-runner-hook'),
      [
        '--runner-dir',
        tmp(),
        '--default-branch',
        "main'; rm -rf /",
        '--cli',
        join(ROOT, 'src/cli.ts'),
        '--node',
        process.execPath,
      ],
      { reject: false },
    );
    expect(r.exitCode).toBe(2);
  });
});
