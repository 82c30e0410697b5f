/**
 * The sticky comment and the check run against a GitHub stand-in on 127.0.0.1 (real HTTP, GitHub's
 * shapes, Link pagination), with 5xx and rate-limit answers: the comment ends up upserted exactly once.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCheckRun,
  createGitHubClient,
  publishReport,
  upsertStickyComment,
  type GitHubClient,
} from '../../src/adapters/github.js';
import { STICKY_MARKER, checkRunFor, stickyMarker } from '../../src/core/github/github-surfaces.js';
import { buildReport } from '../../src/core/report/report.js';
import { renderMarkdown } from '../../src/core/report/report-markdown.js';
import { SEED_000_THREE_WAY, SEED_003_AGENT_CRASHES, seedRecords } from '../fixtures/report/seed-tables.js';
import {
  BAD_GATEWAY,
  RATE_LIMITED,
  SECONDARY_RATE_LIMITED,
  startFakeGitHub,
  type FakeGitHub,
} from '../helpers/github-server.js';

const OWNER = 'acme';
const REPO = 'bench';
const PR = 7;
const TOKEN = 'ghs_testtoken';

let gh: FakeGitHub;
let octokit: GitHubClient;
const logs: string[] = [];

beforeEach(async () => {
  gh = await startFakeGitHub({ pageSize: 2 });
  logs.length = 0;
  octokit = createGitHubClient({ token: TOKEN, baseUrl: gh.baseUrl, retryAfterBaseValue: 5, log: (m) => logs.push(m) });
});
afterEach(async () => {
  await gh.close();
});

const report = buildReport(seedRecords([...SEED_000_THREE_WAY, ...SEED_003_AGENT_CRASHES]));
const body = renderMarkdown(report);
const marked = () => gh.comments.filter((c) => c.body.includes(STICKY_MARKER));
const calls = (method: string, pattern: RegExp) =>
  gh.requests.filter((r) => r.method === method && pattern.test(r.path));

function seedComments(n: number): void {
  for (let i = 0; i < n; i++) {
    gh.comments.push({
      id: 1 + i,
      body: `an unrelated review comment ${i}`,
      issue: PR,
      html_url: '',
      user: { login: 'someone', type: 'User' },
      created_at: '',
      updated_at: '',
    });
  }
}

describe('upsertStickyComment', () => {
  it('creates once after a 502, then updates the same comment on the next run', async () => {
    seedComments(3);
    gh.faults.push({ method: 'POST', path: /\/issues\/7\/comments$/, ...BAD_GATEWAY });
    const first = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body,
      retryAfterBaseValue: 5,
    });
    expect(first.action).toBe('created');
    expect(marked()).toHaveLength(1);
    expect(calls('POST', /comments$/).map((r) => r.status)).toEqual([502, 201]);
    expect(gh.requests[0]!.authorization).toBe(`token ${TOKEN}`);

    const second = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: body.replace('benchsweep', 'benchsweep (rerun)'),
      retryAfterBaseValue: 5,
    });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(marked()).toHaveLength(1);
    expect(marked()[0]!.body).toContain('benchsweep (rerun)');
    expect(calls('POST', /comments$/)).toHaveLength(2); // no third create
    expect(calls('PATCH', /comments\/\d+$/)).toHaveLength(1);
    expect(gh.comments).toHaveLength(4);
  });

  it('a 502 after GitHub stored the comment does not post it twice', async () => {
    gh.faults.push({ method: 'POST', path: /\/issues\/7\/comments$/, ...BAD_GATEWAY, afterEffect: true });
    const result = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body,
      retryAfterBaseValue: 5,
    });
    expect(result.action).toBe('updated');
    expect(marked()).toHaveLength(1);
    expect(calls('POST', /comments$/)).toHaveLength(1);
  });

  it('finds the marker on a later page (Link pagination) and updates it', async () => {
    seedComments(5);
    gh.comments.push({
      id: 99,
      body: `${STICKY_MARKER}\nold report`,
      issue: PR,
      html_url: '',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      created_at: '',
      updated_at: '',
    });
    seedComments(0);
    const result = await upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, body });
    expect(result).toMatchObject({ action: 'updated', id: 99 });
    expect(calls('GET', /comments$/).length).toBe(3); // 6 comments, 2 per page
    expect(calls('POST', /comments$/)).toHaveLength(0);
    expect(gh.comments.find((c) => c.id === 99)!.body).toContain('Three-way results');
  });

  it('waits out a primary rate limit (403, x-ratelimit-remaining: 0) and a secondary one (retry-after)', async () => {
    gh.faults.push({ method: 'GET', path: /\/issues\/7\/comments$/, ...RATE_LIMITED(0) });
    const created = await upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, body });
    expect(created.action).toBe('created');
    expect(calls('GET', /comments$/).map((r) => r.status)).toEqual([403, 200]);
    expect(logs.some((l) => l.includes('primary rate limit'))).toBe(true);

    gh.faults.push({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, ...SECONDARY_RATE_LIMITED });
    const updated = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: body + '\nsecond run',
    });
    expect(updated).toMatchObject({ action: 'updated', id: created.id });
    expect(calls('PATCH', /comments\/\d+$/).map((r) => r.status)).toEqual([403, 200]);
    expect(logs.some((l) => l.includes('secondary rate limit'))).toBe(true);
    expect(marked()).toHaveLength(1);
    expect(marked()[0]!.body).toContain('second run');
  });

  it('retries a 502 on the list (idempotent) and gives up on a 422 create without retrying', async () => {
    gh.faults.push({ method: 'GET', path: /\/issues\/7\/comments$/, ...BAD_GATEWAY });
    gh.faults.push({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      status: 422,
      body: { message: 'Validation Failed', errors: [{ code: 'too_long' }] },
    });
    await expect(
      upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, body, retryAfterBaseValue: 5 }),
    ).rejects.toMatchObject({ status: 422 });
    expect(calls('GET', /comments$/).map((r) => r.status)).toEqual([502, 200]);
    expect(calls('POST', /comments$/)).toHaveLength(1);
    expect(gh.comments).toHaveLength(0);
  });

  it('keeps one comment per key, and an oversized body points to the run', async () => {
    const big = 'x'.repeat(70_000);
    const a = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: big,
      marker: stickyMarker('sweep'),
      runUrl: 'https://github.test/acme/bench/actions/runs/1',
    });
    const b = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: 'nightly',
      marker: stickyMarker('nightly'),
    });
    expect(a.id).not.toBe(b.id);
    const stored = gh.comments.find((c) => c.id === a.id)!;
    expect(stored.body.length).toBeLessThanOrEqual(65_536);
    expect(stored.body.startsWith(stickyMarker('sweep'))).toBe(true);
    expect(stored.body).toContain('https://github.test/acme/bench/actions/runs/1');
  });
});

describe('createCheckRun', () => {
  it('posts the check run of the report (failure: an agent failed), retrying a 502', async () => {
    gh.faults.push({ method: 'POST', path: /\/check-runs$/, ...BAD_GATEWAY });
    const check = checkRunFor(report, { text: body });
    const result = await createCheckRun({
      octokit,
      owner: OWNER,
      repo: REPO,
      headSha: 'a'.repeat(40),
      check,
      detailsUrl: 'https://github.test/run/1',
    });
    expect(gh.checkRuns).toHaveLength(1);
    const posted = gh.checkRuns[0]!;
    expect(result.id).toBe(posted.id);
    expect(posted).toMatchObject({
      name: 'benchsweep',
      head_sha: 'a'.repeat(40),
      status: 'completed',
      conclusion: 'failure',
      details_url: 'https://github.test/run/1',
    });
    expect((posted['output'] as { title: string }).title).toBe(
      '6/10 evaluable · agent wins 0 · human wins 0 · tie 4 · agent failed 2',
    );
    expect(calls('POST', /check-runs$/).map((r) => r.status)).toEqual([502, 201]);
  });
});

describe('publishReport', () => {
  it('writes the job summary, one annotation per failed task, the sticky comment and the check run', async () => {
    const summaryFile = join(await mkdtemp(join(tmpdir(), 'bs-summary-')), 'summary.md');
    await writeFile(summaryFile, '');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const result = await publishReport({
        report,
        markdown: body,
        octokit,
        owner: OWNER,
        repo: REPO,
        issueNumber: PR,
        headSha: 'b'.repeat(40),
        runUrl: 'https://github.test/run/2',
      });
      expect(result.summary).toBe(true);
      expect(result.annotations).toBe(5); // 3 x NO_METRICS ("success" without a number), 2 agent crashes
      expect(result.comment?.action).toBe('created');
      expect(result.checkRun?.id).toBe(gh.checkRuns[0]!.id);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(await readFile(summaryFile, 'utf8')).toContain('### Three-way results');
    const commands = written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::'));
    expect(commands.filter((l) => l.startsWith('::warning title=benchsweep 35fad35a'))).toHaveLength(1);
    expect(commands.filter((l) => l.startsWith('::error title=benchsweep 015069b0'))).toHaveLength(1);
    expect(commands).toHaveLength(5);
    expect(marked()).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: 'failure', details_url: 'https://github.test/run/2' });
  });
});
