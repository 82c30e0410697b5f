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
import {
  CHECK_OUTPUT_MAX_CHARS,
  COMMENT_MAX_CHARS,
  STICKY_MARKER,
  annotationsFor,
  capAnnotations,
  cappedReport,
  checkRunFor,
  fitComment,
  fitSummary,
  type Annotation,
  type CheckRunOptions,
  type CheckRunSpec,
} from '../core/github/github-surfaces.js';
import type { Report } from '../core/report/report.js';
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
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
      log(
        `GitHub ${kind} rate limit on ${options.method ?? ''} ${options.url ?? ''}: retry ${retryCount + 1} after ${retryAfter} units`,
      );
      return retryCount < rateLimitRetries;
    };
  const options: Parameters<typeof getOctokit>[1] = {
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: base },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: base,
    },
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
  /** The login the token writes as (default: asked from GitHub, see tokenIdentity). Only its comments are updated. */
  author?: string;
  retryAfterBaseValue?: number;
}

export interface StickyCommentResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

/** The login the workflow's own GITHUB_TOKEN writes as (GET /user answers 403 for it). */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * Who this token writes as: GET /user for a user's token; a workflow or app installation token
 * cannot read /user (401/403), and writes as github-actions[bot] (for GITHUB_TOKEN; another app's
 * token needs `author` set to `<app-slug>[bot]`).
 */
export async function tokenIdentity(octokit: GitHubClient): Promise<string> {
  try {
    const res = await octokit.rest.users.getAuthenticated({ request: { retries: 0 } });
    return res.data.login;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403 || status === 404) return ACTIONS_BOT_LOGIN;
    throw err;
  }
}

/**
 * The marked comment written by `author`. Anyone can post a comment carrying the marker (it is
 * plain text in the body): a comment of someone else's is never edited, whatever it carries.
 */
async function findMarked(octokit: GitHubClient, o: StickyCommentOptions, marker: string, author: string) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: o.owner,
    repo: o.repo,
    issue_number: o.issueNumber,
    per_page: 100,
  });
  return comments.find(
    (c) =>
      typeof c.body === 'string' && c.body.includes(marker) && c.user?.login.toLowerCase() === author.toLowerCase(),
  );
}

/** A request worth another try: no answer, a server error or a rate limit. */
function isRetryableHttpError(err: unknown): boolean {
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
  const author = o.author ?? (await tokenIdentity(octokit));
  const existing = await findMarked(octokit, o, marker, author);
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
      if (!isRetryableHttpError(err) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, base * attempt * attempt));
      const stored = await findMarked(octokit, o, marker, author);
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

/**
 * Annotations as workflow commands (@actions/core escapes their text), capped as GitHub shows
 * them (capAnnotations: 10 errors, then one line saying how many more and where they are listed).
 * Returns how many were written.
 */
export function emitAnnotations(annotations: readonly Annotation[]): number {
  const shown = capAnnotations(annotations);
  for (const a of shown) {
    const props: core.AnnotationProperties = { title: a.title };
    if (a.file) props.file = a.file;
    if (a.line !== undefined) props.startLine = a.line;
    if (a.level === 'error') core.error(a.message, props);
    else if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
  return shown.length;
}

export interface PublishOptions {
  report: Report;
  /** The markdown of the whole report (renderMarkdown), for the job summary. */
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
  /** Markdown put above the report in the comment (the commit and the run it shows). */
  header?: string;
  checkName?: string;
  failOn?: CheckRunOptions['failOn'];
  /** Values that must never reach GitHub (default: the secrets of this process's environment). */
  secrets?: readonly string[];
  /** Write the job summary and the annotations (default true; false: comment and check only). */
  summary?: boolean;
}

export interface Published {
  summary: boolean;
  annotations: number;
  comment?: StickyCommentResult;
  checkRun?: { id: number; url?: string };
}

/**
 * Everything the report shows on GitHub: job summary, annotations (capped), sticky comment and
 * check run. The one place that redacts what is published: every text and the report itself.
 */
export async function publishReport(input: PublishOptions): Promise<Published> {
  const secrets = input.secrets ?? secretValues(process.env);
  const clean = (text: string) => redact(text, secrets);
  const report = secrets.length > 0 ? (JSON.parse(clean(JSON.stringify(input.report))) as Report) : input.report;
  const published: Published = { summary: false, annotations: 0 };
  if (input.summary !== false) {
    published.annotations = emitAnnotations(annotationsFor(report));
    published.summary = await writeJobSummary(clean(input.markdown));
  }
  if (input.issueNumber === undefined && input.headSha === undefined) return published;
  const octokit = clientOf(input);
  const repoRef = { octokit, owner: input.owner, repo: input.repo };
  const header = input.header ? clean(input.header) : '';
  if (input.issueNumber !== undefined) {
    published.comment = await upsertStickyComment({
      ...repoRef,
      issueNumber: input.issueNumber,
      body: cappedReport(report, COMMENT_MAX_CHARS, header),
      ...(input.marker ? { marker: input.marker } : {}),
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
    });
  }
  if (input.headSha !== undefined) {
    const check = checkRunFor(report, {
      text: cappedReport(report, CHECK_OUTPUT_MAX_CHARS, header),
      ...(input.checkName ? { name: input.checkName } : {}),
      ...(input.failOn ? { failOn: input.failOn } : {}),
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
    });
    published.checkRun = await createCheckRun({
      ...repoRef,
      headSha: input.headSha,
      check,
      ...(input.runUrl ? { detailsUrl: input.runUrl } : {}),
    });
  }
  return published;
}

export interface WorkflowRunInfo {
  id: number;
  event: string;
  head_branch: string | null;
  conclusion: string | null;
  created_at: string;
  html_url: string;
  run_number: number;
}

export interface ArtifactInfo {
  id: number;
  name: string;
  expired: boolean;
  expires_at: string | null;
  size_in_bytes: number;
}

/** Successful runs of one workflow on one branch, for the given events, newest first. */
export async function listSuccessfulRuns(
  ref: RepoRef,
  o: { workflow: string; branch: string; events: readonly string[]; perEvent?: number },
): Promise<WorkflowRunInfo[]> {
  const octokit = clientOf(ref);
  const runs: WorkflowRunInfo[] = [];
  for (const event of o.events) {
    const res = await octokit.rest.actions.listWorkflowRuns({
      owner: ref.owner,
      repo: ref.repo,
      workflow_id: o.workflow,
      branch: o.branch,
      event,
      status: 'success',
      per_page: o.perEvent ?? 10,
    });
    for (const r of res.data.workflow_runs) {
      // The API filters; these checks keep a lenient server from widening what counts.
      if (r.conclusion !== 'success' || r.head_branch !== o.branch || r.event !== event) continue;
      runs.push({
        id: r.id,
        event: r.event,
        head_branch: r.head_branch,
        conclusion: r.conclusion,
        created_at: r.created_at,
        html_url: r.html_url,
        run_number: r.run_number,
      });
    }
  }
  return runs.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
}

export async function listRunArtifacts(ref: RepoRef, runId: number): Promise<ArtifactInfo[]> {
  const octokit = clientOf(ref);
  const all = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner: ref.owner,
    repo: ref.repo,
    run_id: runId,
    per_page: 100,
  });
  return all.map((a) => ({
    id: a.id,
    name: a.name,
    expired: a.expired,
    expires_at: a.expires_at ?? null,
    size_in_bytes: a.size_in_bytes,
  }));
}

export async function defaultBranchOf(ref: RepoRef): Promise<string> {
  const octokit = clientOf(ref);
  return (await octokit.rest.repos.get({ owner: ref.owner, repo: ref.repo })).data.default_branch;
}
