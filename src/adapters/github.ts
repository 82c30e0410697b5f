/**
 * GitHub's REST API and the runner's job summary. Octokit from @actions/github with the retry
 * (5xx, network) and throttling (primary and secondary rate limits) plugins; the base URL is
 * configurable so that tests talk to a server on 127.0.0.1.
 *
 * The sticky comment is upserted exactly once: the list and the update are idempotent and retried
 * by the plugin, but a create is not — a 5xx after GitHub stored the comment would make a blind
 * retry post it twice — so a failed create looks for the marker again before it tries again.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { STICKY_MARKER, annotationsFor, checkRunFor, fitComment, fitSummary, type Annotation, type CheckRunOptions, type CheckRunSpec } from '../core/github-surfaces.js';
import type { Report } from '../core/report.js';
import { redact, secretValues } from '../core/redact.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  /** API root, e.g. https://api.github.com or http://127.0.0.1:PORT (tests); default GITHUB_API_URL. */
  baseUrl?: string;
  /** Retries of 5xx and network errors (default 3). */
  retries?: number;
  /** Milliseconds per unit of backoff (the plugins' retryAfterBaseValue; default 1000). Tests lower it. */
  retryAfterBaseValue?: number;
  /** Rate-limit retries before giving up (default 3). */
  rateLimitRetries?: number;
  log?: (message: string) => void;
}

export function createGitHubClient(opts: ClientOptions): GitHubClient {
  const log = opts.log ?? ((m: string) => core.info(m));
  const rateLimitRetries = opts.rateLimitRetries ?? 3;
  const base = opts.retryAfterBaseValue ?? 1000;
  const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    log(`GitHub ${kind} rate limit on ${options.method ?? ''} ${options.url ?? ''}: retry ${retryCount + 1} after ${retryAfter} units`);
    return retryCount < rateLimitRetries;
  };
  const options: Parameters<typeof getOctokit>[1] = {
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: base },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), retryAfterBaseValue: base },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
  };
  if (opts.baseUrl) {
    options.baseUrl = opts.baseUrl.replace(/\/$/, '');
    // @actions/github's default fetch goes through a proxy agent chosen for GITHUB_API_URL.
    options.request = { fetch: globalThis.fetch };
  }
  return getOctokit(opts.token, options, retry, throttling);
}

export interface RepoRef {
  octokit?: GitHubClient;
  token?: string;
  baseUrl?: string;
  owner: string;
  repo: string;
}

function clientOf(ref: RepoRef & Partial<ClientOptions>): GitHubClient {
  if (ref.octokit) return ref.octokit;
  if (!ref.token) throw new Error('GitHub: a token or an octokit is required');
  const opts: ClientOptions = { token: ref.token };
  if (ref.baseUrl) opts.baseUrl = ref.baseUrl;
  if (ref.retryAfterBaseValue !== undefined) opts.retryAfterBaseValue = ref.retryAfterBaseValue;
  return createGitHubClient(opts);
}

export interface StickyCommentOptions extends RepoRef {
  issueNumber: number;
  body: string;
  marker?: string;
  /** Where the whole report is, for a body that must be cut. */
  runUrl?: string;
  /** Attempts of the create (each followed by a fresh look for the marker). */
  createAttempts?: number;
  retryAfterBaseValue?: number;
}

export interface StickyCommentResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

async function findMarked(octokit: GitHubClient, o: StickyCommentOptions, marker: string) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: o.owner, repo: o.repo, issue_number: o.issueNumber, per_page: 100 });
  return comments.find((c) => typeof c.body === 'string' && c.body.includes(marker));
}

function isRetryable(err: unknown): boolean {
  const status = (err as { status?: number }).status;
  return status === undefined || status >= 500 || status === 429;
}

/** Update the comment that carries the marker, or create it: one comment per marker per PR. */
export async function upsertStickyComment(o: StickyCommentOptions): Promise<StickyCommentResult> {
  const octokit = clientOf(o);
  const marker = o.marker ?? STICKY_MARKER;
  const body = fitComment(o.body, o.runUrl ?? 'the workflow run', undefined, marker);
  const update = async (id: number): Promise<StickyCommentResult> => {
    const res = await octokit.rest.issues.updateComment({ owner: o.owner, repo: o.repo, comment_id: id, body });
    return { action: 'updated', id: res.data.id, url: res.data.html_url };
  };
  const existing = await findMarked(octokit, o, marker);
  if (existing) return update(existing.id);
  const attempts = o.createAttempts ?? 3;
  const base = o.retryAfterBaseValue ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await octokit.rest.issues.createComment({
        owner: o.owner,
        repo: o.repo,
        issue_number: o.issueNumber,
        body,
        // No blind retry of a create: see the module comment.
        request: { retries: 0 },
      });
      return { action: 'created', id: res.data.id, url: res.data.html_url };
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, base * attempt * attempt));
      const stored = await findMarked(octokit, o, marker);
      if (stored) return update(stored.id);
    }
  }
}

export interface CheckRunRequest extends RepoRef {
  headSha: string;
  check: CheckRunSpec;
  detailsUrl?: string;
  externalId?: string;
}

export async function createCheckRun(o: CheckRunRequest): Promise<{ id: number; url?: string }> {
  const octokit = clientOf(o);
  const params: Parameters<GitHubClient['rest']['checks']['create']>[0] = {
    owner: o.owner,
    repo: o.repo,
    name: o.check.name,
    head_sha: o.headSha,
    status: o.check.status,
    conclusion: o.check.conclusion,
    completed_at: new Date().toISOString(),
    output: o.check.output,
  };
  if (o.detailsUrl) params.details_url = o.detailsUrl;
  if (o.externalId) params.external_id = o.externalId;
  const res = await octokit.rest.checks.create(params);
  return { id: res.data.id, url: res.data.html_url ?? undefined };
}

/** Append the report to the step's job summary (GITHUB_STEP_SUMMARY), within 1 MiB. False outside Actions. */
export async function writeJobSummary(md: string): Promise<boolean> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return false;
  await core.summary.addRaw(fitSummary(md), true).write();
  return true;
}

/** One workflow-command annotation per failed task. */
export function emitAnnotations(annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    const props = { title: a.title };
    if (a.level === 'error') core.error(a.message, props);
    else if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
}

export interface PublishOptions {
  report: Report;
  /** The markdown of the report (renderMarkdown), used for the summary, the comment and the check's text. */
  markdown: string;
  owner: string;
  repo: string;
  octokit?: GitHubClient;
  token?: string;
  baseUrl?: string;
  /** The PR to comment on; no comment without it. */
  issueNumber?: number;
  /** The commit to attach a check run to; no check run without it. */
  headSha?: string;
  runUrl?: string;
  marker?: string;
  checkName?: string;
  failOn?: CheckRunOptions['failOn'];
}

export interface Published {
  summary: boolean;
  annotations: number;
  comment?: StickyCommentResult;
  checkRun?: { id: number; url?: string };
}

/** Everything the report shows on GitHub, for the action's report step: summary, annotations, sticky comment, check run. */
export async function publishReport(input: PublishOptions): Promise<Published> {
  // Evidence excerpts come from logs: no secret of this environment reaches GitHub.
  const secrets = secretValues(process.env);
  const o: PublishOptions = {
    ...input,
    markdown: redact(input.markdown, secrets),
    report: secrets.length > 0 ? (JSON.parse(redact(JSON.stringify(input.report), secrets)) as Report) : input.report,
  };
  const annotations = annotationsFor(o.report);
  emitAnnotations(annotations);
  const published: Published = { summary: await writeJobSummary(o.markdown), annotations: annotations.length };
  if (o.issueNumber === undefined && o.headSha === undefined) return published;
  const octokit = clientOf(o);
  const repoRef = { octokit, owner: o.owner, repo: o.repo };
  if (o.issueNumber !== undefined) {
    published.comment = await upsertStickyComment({
      ...repoRef,
      issueNumber: o.issueNumber,
      body: o.markdown,
      ...(o.marker ? { marker: o.marker } : {}),
      ...(o.runUrl ? { runUrl: o.runUrl } : {}),
    });
  }
  if (o.headSha !== undefined) {
    const check = checkRunFor(o.report, {
      text: o.markdown,
      ...(o.checkName ? { name: o.checkName } : {}),
      ...(o.failOn ? { failOn: o.failOn } : {}),
      ...(o.runUrl ? { runUrl: o.runUrl } : {}),
    });
    published.checkRun = await createCheckRun({ ...repoRef, headSha: o.headSha, check, ...(o.runUrl ? { detailsUrl: o.runUrl } : {}) });
  }
  return published;
}
