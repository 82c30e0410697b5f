/**
 * report with comment / check: the sticky PR comment and the check run, through the one publisher
 * (publishReport in src/adapters/github.ts). The comment names the commit and links the run; a
 * `comment-key` keeps one comment per key (e.g. per workflow) on the same PR.
 */
import * as core from '@actions/core';
import { stickyMarker } from '../core/github/github-surfaces.js';
import type { Report } from '../core/report/report.js';
import { publishReport, type PublishOptions, type Published } from '../adapters/github.js';
import type { ActionInputs } from '../core/github/action-inputs.js';
import type { Env } from './step.js';

export interface RunLink {
  url: string;
  label: string;
}

export function runLink(env: Env): RunLink {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const url = `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`;
  const label = `${env.GITHUB_WORKFLOW ?? 'workflow'} run${env.GITHUB_RUN_NUMBER ? ` #${env.GITHUB_RUN_NUMBER}` : ''}`;
  return { url, label };
}

/** The line above the report in the comment: which commit it measured and which run made it. */
export function commentHeader(commit: string | undefined, link: RunLink, env: Env): string {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repo = env.GITHUB_REPOSITORY ?? '';
  const sha = commit && /^[0-9a-f]{7,40}$/i.test(commit) ? commit : undefined;
  const commitPart = sha ? `commit [\`${sha.slice(0, 12)}\`](${server}/${repo}/commit/${sha})` : 'an unknown commit';
  return `**benchsweep** results for ${commitPart} · [${link.label}](${link.url})`;
}

interface PullRequestEvent {
  pull_request?: { number?: number; head?: { sha?: string } };
}

/** Comment and check run; nothing without a token or when neither is asked for. */
export async function publishToPullRequest(
  inputs: ActionInputs,
  env: Env,
  payload: unknown,
  report: Report,
  markdown: string,
  secrets: readonly string[],
): Promise<Published | undefined> {
  const token = inputs['github-token'];
  if (!token || (!inputs.comment && !inputs.check)) return undefined;
  const event = (payload ?? {}) as PullRequestEvent;
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const prNumber = inputs['pr-number'] ?? event.pull_request?.number;
  const headSha = inputs['head-sha'] ?? event.pull_request?.head?.sha ?? env.GITHUB_SHA;
  if (inputs.comment && prNumber === undefined)
    core.info('comment: no pull request (not a pull_request event and no pr-number input)');
  const link = runLink(env);
  const options: PublishOptions = {
    report,
    markdown,
    owner,
    repo,
    token,
    runUrl: link.url,
    header: commentHeader(headSha, link, env),
    marker: stickyMarker(inputs['comment-key']),
    secrets,
    // The entry writes the summary and the annotations; this is the comment and the check alone.
    summary: false,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
    ...(inputs.comment && prNumber !== undefined ? { issueNumber: prNumber } : {}),
    ...(inputs.check && headSha ? { headSha } : {}),
  };
  return publishReport(options);
}
