/**
 * The nightly's `history` job as data: it adds the report the report job kept to the store on the
 * benchsweep-history branch, pushes with the job's token and rebases over a concurrent push, checks,
 * publishes the dashboard through GitHub Pages, alerts (issue or comment) and can fail the run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string[] | string;
  if?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  environment?: { name: string; url?: string };
  steps: Step[];
  'timeout-minutes'?: number;
}

const wf = parse(readFileSync(join(ROOT, '.github/workflows/nightly.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
  env: Record<string, string>;
};
const job = wf.jobs['history']!;
const runs = job.steps.map((s) => s.run ?? '').join('\n');

describe('nightly.yml: history job', () => {
  it('runs after the report, with the report it kept', () => {
    expect([job.needs].flat()).toContain('report');
    expect(job.if).toContain("needs.report.result == 'success'");
    const download = job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with?.name).toBe('${{ env.STATE_ARTIFACT }}');
    expect(runs).toContain(`history add --store history/store --report ${download.with?.path}/report.json`);
    expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  it('keeps the store on the benchsweep-history branch: token from the job, a concurrent push rebased over', () => {
    expect(job.env?.['HISTORY_BRANCH']).toBe('benchsweep-history');
    expect(job.permissions).toMatchObject({ contents: 'write', pages: 'write', 'id-token': 'write', issues: 'write' });
    const checkout = job.steps.find((s) => s.run?.includes('git fetch'))!;
    expect(checkout.env?.['GH_TOKEN']).toBe('${{ github.token }}');
    expect(checkout.run).toContain('--orphan "$HISTORY_BRANCH"');
    const push = job.steps.find((s) => s.run?.includes('git push'))!;
    expect(push.run).toMatch(
      /for attempt in [\d ]+; do[\s\S]*git push[\s\S]*git pull -q --rebase origin "\$HISTORY_BRANCH"[\s\S]*done/,
    );
    expect(push.run).toContain('git diff --cached --quiet');
    for (const s of job.steps)
      if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials']).toBe(false);
    for (const s of job.steps) if (s.run) expect(s.run, s.name).not.toMatch(/\$\{\{/);
  });

  it('checks, renders and deploys the dashboard to GitHub Pages', () => {
    const check = job.steps.find((s) => s.id === 'check')!;
    expect(check.run).toContain('history check --store history/store --json --markdown history-check.md');
    expect(check.run).toContain('regressed=true');
    const uses = job.steps.map((s) => s.uses ?? '');
    const render = job.steps.findIndex((s) =>
      s.run?.includes('history render --store history/store --out history-site'),
    );
    const upload = uses.findIndex((u) => u.startsWith('actions/upload-pages-artifact@'));
    const deploy = uses.findIndex((u) => u.startsWith('actions/deploy-pages@'));
    expect(render).toBeGreaterThan(0);
    expect(upload).toBeGreaterThan(render);
    expect(deploy).toBeGreaterThan(upload);
    expect(job.steps[upload]!.with?.path).toBe('history-site');
    expect(job.environment?.name).toBe('github-pages');
  });

  it('on a regression opens an issue or comments on the open one, and fails only when asked', () => {
    const alert = job.steps.find((s) => s.run?.includes('gh issue create'))!;
    expect(alert.if).toBe("steps.check.outputs.regressed == 'true' && env.ALERT != 'none'");
    expect(alert.run).toContain('gh issue comment "$number"');
    expect(alert.run).toContain('--body-file history-check.md');
    expect(job.env?.['ALERT']).toBe("${{ vars.BENCHSWEEP_REGRESSION_ALERT || 'issue' }}");
    const fail = job.steps.find((s) => s.if?.includes('FAIL_ON_REGRESSION'))!;
    expect(fail.if).toBe("steps.check.outputs.regressed == 'true' && env.FAIL_ON_REGRESSION == 'true'");
    expect(fail.run).toContain('exit 1');
    expect(job.env?.['FAIL_ON_REGRESSION']).toBe("${{ vars.BENCHSWEEP_FAIL_ON_REGRESSION || 'false' }}");
    // Deploy comes before the failing step: a red night still publishes its dashboard.
    expect(job.steps.indexOf(fail)).toBeGreaterThan(
      job.steps.findIndex((s) => s.uses?.startsWith('actions/deploy-pages@')),
    );
  });
});
