/**
 * Forged results: anyone can post a comment that carries the sticky marker. The upsert edits only
 * a comment written by the token's own identity, against the GitHub stand-in on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTIONS_BOT_LOGIN,
  createGitHubClient,
  tokenIdentity,
  upsertStickyComment,
  type GitHubClient,
} from '../../src/adapters/github.js';
import { STICKY_MARKER } from '../../src/core/github/github-surfaces.js';
import { startFakeGitHub, type FakeGitHub } from '../helpers/github-server.js';

const OWNER = 'acme';
const REPO = 'bench';
const PR = 7;

let gh: FakeGitHub;
let octokit: GitHubClient;

beforeEach(async () => {
  gh = await startFakeGitHub({ pageSize: 2 });
  octokit = createGitHubClient({ token: 'ghs_testtoken', baseUrl: gh.baseUrl, retryAfterBaseValue: 5 });
});
afterEach(async () => {
  await gh.close();
});

function comment(id: number, login: string, body: string, type = 'User') {
  gh.comments.push({ id, body, issue: PR, html_url: '', user: { login, type }, created_at: '', updated_at: '' });
}

const FORGED = `${STICKY_MARKER}\n## benchsweep\nagent_wins: 96/96 (forged)`;

describe('sticky comment ownership', () => {
  it('never edits a foreign comment that carries the marker: it writes its own', async () => {
    comment(1, 'mallory', FORGED);
    const r = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: 'the real report',
    });
    expect(r.action).toBe('created');
    expect(gh.comments.find((c) => c.id === 1)!.body).toBe(FORGED);
    expect(gh.requests.filter((q) => q.method === 'PATCH')).toEqual([]);
    const own = gh.comments.find((c) => c.id === r.id)!;
    expect(own.user.login).toBe(ACTIONS_BOT_LOGIN);
    expect(own.body).toContain('the real report');
  });

  it('updates its own marked comment (the workflow token: github-actions[bot]) and not the forged one beside it', async () => {
    comment(1, 'mallory', FORGED);
    comment(2, ACTIONS_BOT_LOGIN, `${STICKY_MARKER}\nold report`, 'Bot');
    const r = await upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, body: 'new report' });
    expect(r).toMatchObject({ action: 'updated', id: 2 });
    expect(gh.comments.find((c) => c.id === 1)!.body).toBe(FORGED);
    expect(gh.comments.find((c) => c.id === 2)!.body).toContain('new report');
  });

  it('a user token writes as its user (GET /user): a bot comment with the marker is not its own', async () => {
    gh.user = { login: 'bench-maintainer', type: 'User' };
    expect(await tokenIdentity(octokit)).toBe('bench-maintainer');
    comment(1, ACTIONS_BOT_LOGIN, `${STICKY_MARKER}\nsomeone else's`, 'Bot');
    comment(2, 'bench-maintainer', `${STICKY_MARKER}\nmine`);
    const r = await upsertStickyComment({ octokit, owner: OWNER, repo: REPO, issueNumber: PR, body: 'fresh' });
    expect(r).toMatchObject({ action: 'updated', id: 2 });
    expect(gh.comments.find((c) => c.id === 1)!.body).toContain("someone else's");
  });

  it('an explicit author (an app token: <slug>[bot]) is used as given', async () => {
    comment(1, 'mallory', FORGED);
    comment(2, 'bench-app[bot]', `${STICKY_MARKER}\nold`, 'Bot');
    const r = await upsertStickyComment({
      octokit,
      owner: OWNER,
      repo: REPO,
      issueNumber: PR,
      body: 'app report',
      author: 'bench-app[bot]',
    });
    expect(r).toMatchObject({ action: 'updated', id: 2 });
    expect(gh.requests.some((q) => q.path === '/user')).toBe(false);
  });
});
