/**
 * Every workflow file parsed: a workflow a `pull_request` event triggers is defined by the PR
 * itself (a fork can edit it), so none may have a self-hosted job, directly or through a reusable
 * workflow it calls. A `runs-on` that is an expression counts as self-hosted (it could be).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const WORKFLOWS = join(import.meta.dirname, '..', '..', '.github', 'workflows');
const FILES = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

interface Job {
  'runs-on'?: string | string[] | { group?: string; labels?: string | string[] };
  uses?: string;
}
interface Workflow {
  on?: string | string[] | Record<string, unknown>;
  true?: Workflow['on'];
  jobs?: Record<string, Job>;
}

const load = (file: string) => parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;

function triggers(wf: Workflow): string[] {
  // YAML 1.1 readers turn a bare `on:` key into `true`.
  const on = wf.on ?? wf.true;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on;
  return Object.keys(on ?? {});
}

/** Hosted only when every label is a GitHub-hosted image name; anything else (self-hosted, a group, an expression) is not. */
export function isHostedRunsOn(runsOn: Job['runs-on']): boolean {
  if (runsOn === undefined) return false;
  if (typeof runsOn === 'object' && !Array.isArray(runsOn)) return false;
  const labels = Array.isArray(runsOn) ? runsOn : [runsOn];
  return labels.length > 0 && labels.every((l) => /^(ubuntu|windows|macos)-[\w.-]+$/.test(l));
}

/** Self-hosted jobs of a workflow, following local reusable workflows (`uses: ./.github/workflows/x.yml`). */
function selfHostedJobs(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const out: string[] = [];
  for (const [name, job] of Object.entries(load(file).jobs ?? {})) {
    if (job.uses) {
      const local = /^\.\/\.github\/workflows\/([^@]+)$/.exec(job.uses);
      if (local) out.push(...selfHostedJobs(local[1]!, seen).map((j) => `${file}:${name} → ${j}`));
      else out.push(`${file}:${name} calls ${job.uses} (another repository's workflow: cannot tell)`);
      continue;
    }
    if (!isHostedRunsOn(job['runs-on'])) out.push(`${file}:${name} (runs-on ${JSON.stringify(job['runs-on'])})`);
  }
  return out;
}

describe('pull_request workflows run hosted jobs only', () => {
  it('finds the workflows', () => {
    expect(FILES).toContain('verify-pr.yml');
    expect(FILES).toContain('verify-pr-bench.yml');
  });

  it.each(FILES)('%s', (file) => {
    const on = triggers(load(file));
    if (!on.includes('pull_request')) return;
    expect(selfHostedJobs(file)).toEqual([]);
  });

  it('the check itself catches self-hosted labels, groups, expressions and reusable calls', () => {
    expect(isHostedRunsOn('ubuntu-latest')).toBe(true);
    expect(isHostedRunsOn(['ubuntu-24.04'])).toBe(true);
    expect(isHostedRunsOn(['self-hosted', 'linux'])).toBe(false);
    expect(isHostedRunsOn('${{ matrix.runs_on }}')).toBe(false);
    expect(isHostedRunsOn({ group: 'gpu' })).toBe(false);
    expect(isHostedRunsOn('gpu-8')).toBe(false);
    // sweep.yml calls bench.yml, whose jobs are self-hosted: following the call finds them.
    expect(selfHostedJobs('sweep.yml').some((j) => j.includes('bench.yml'))).toBe(true);
  });
});

describe('default-branch workflows that run PR data on self-hosted runners', () => {
  it('only verify-pr-bench and they never check out a PR ref there', () => {
    for (const file of FILES) {
      const on = triggers(load(file));
      if (!on.some((e) => e === 'pull_request_target' || e === 'issue_comment' || e === 'workflow_run')) continue;
      const text = readFileSync(join(WORKFLOWS, file), 'utf8');
      for (const [name, job] of Object.entries(load(file).jobs ?? {})) {
        if (isHostedRunsOn(job['runs-on'])) continue;
        expect(file, `${file}:${name} is self-hosted`).toBe('verify-pr-bench.yml');
        const json = JSON.stringify(job);
        expect(json, `${file}:${name}`).not.toMatch(
          /head\.sha|head_sha|head\.ref|refs\/pull|steps\.approval\.outputs\.sha|\.benchsweep-pr"/,
        );
      }
      expect(text).not.toMatch(/secrets\.HF_TOKEN/);
    }
  });
});
