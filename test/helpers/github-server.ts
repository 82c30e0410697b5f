/**
 * A small GitHub REST stand-in on 127.0.0.1 for the endpoints benchsweep uses, with GitHub's
 * response shapes: issue comments (list with Link pagination, create, update), check runs, the
 * repository (default_branch), a workflow's runs (filtered by branch, event and status as the API
 * filters them) and a run's artifacts (with `expired`).
 * Faults are queued per route: a status with headers and body, optionally after the write took
 * effect (GitHub stored the comment, then the proxy answered 502).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredComment {
  id: number;
  body: string;
  issue: number;
  html_url: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

/** A workflow run as GET /repos/{owner}/{repo}/actions/workflows/{id}/runs lists it (the fields benchsweep reads, and a few more). */
export interface StoredRun {
  id: number;
  /** The workflow file name, e.g. nightly.yml. */
  workflow: string;
  head_branch: string;
  event: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  created_at: string;
  artifacts: Array<{ name: string; expired?: boolean }>;
}

export interface Fault {
  method: string;
  /** Matched against the path (without query). */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Perform the request's effect first, then answer with the fault. */
  afterEffect?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  body?: unknown;
}

export interface FakeGitHub {
  baseUrl: string;
  comments: StoredComment[];
  checkRuns: Array<Record<string, unknown> & { id: number }>;
  runs: StoredRun[];
  defaultBranch: string;
  /**
   * Who the token is: GET /user answers with it, and comments are created in its name. Unset: the
   * workflow's GITHUB_TOKEN, for which GitHub answers GET /user with 403 and writes as github-actions[bot].
   */
  user?: { login: string; type: string };
  requests: RequestLogEntry[];
  faults: Fault[];
  /** Largest page the list endpoint returns, whatever per_page asks (forces pagination). */
  pageSize: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

export async function startFakeGitHub(opts: { pageSize?: number } = {}): Promise<FakeGitHub> {
  let nextId = 1000;
  const state: Omit<FakeGitHub, 'baseUrl' | 'close'> = {
    comments: [],
    checkRuns: [],
    runs: [],
    defaultBranch: 'main',
    requests: [],
    faults: [],
    pageSize: opts.pageSize ?? 2,
  };
  let baseUrl = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const entry: RequestLogEntry = { method, path: url.pathname, status: 0, body };
    if (req.headers.authorization) entry.authorization = req.headers.authorization;
    state.requests.push(entry);
    const faultIndex = state.faults.findIndex((f) => f.method === method && f.path.test(url.pathname));
    const fault = faultIndex >= 0 ? state.faults.splice(faultIndex, 1)[0] : undefined;
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (fault) {
        entry.status = fault.status;
        return send(res, fault.status, fault.body ?? { message: `fault ${fault.status}` }, fault.headers);
      }
      entry.status = status;
      return send(res, status, payload, headers);
    };
    if (fault && !fault.afterEffect) return reply(0, undefined);

    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
      const issue = Number(m[3]);
      if (method === 'GET') {
        const all = state.comments.filter((c) => c.issue === issue);
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), state.pageSize);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const links: string[] = [];
        const link = (p: number, rel: string) => {
          const u = new URL(`${baseUrl}${url.pathname}`);
          u.searchParams.set('per_page', String(perPage));
          u.searchParams.set('page', String(p));
          return `<${u.toString()}>; rel="${rel}"`;
        };
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
        if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
        return reply(
          200,
          all.slice((page - 1) * perPage, page * perPage),
          links.length ? { link: links.join(', ') } : {},
        );
      }
      if (method === 'POST') {
        const now = new Date().toISOString();
        const id = nextId++;
        const comment: StoredComment = {
          id,
          body: String((body as { body?: unknown })?.body ?? ''),
          issue,
          html_url: `https://github.test/${m[1]}/${m[2]}/pull/${issue}#issuecomment-${id}`,
          user: state.user ?? { login: 'github-actions[bot]', type: 'Bot' },
          created_at: now,
          updated_at: now,
        };
        state.comments.push(comment);
        return reply(201, comment);
      }
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/)) && method === 'PATCH') {
      const comment = state.comments.find((c) => c.id === Number(m![3]));
      if (!comment) return reply(404, { message: 'Not Found' });
      comment.body = String((body as { body?: unknown })?.body ?? '');
      comment.updated_at = new Date().toISOString();
      return reply(200, comment);
    }
    if (url.pathname === '/user' && method === 'GET') {
      if (!state.user)
        return reply(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        });
      return reply(200, { login: state.user.login, type: state.user.type, id: 42 });
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/check-runs$/)) && method === 'POST') {
      const run = {
        id: nextId++,
        ...(body as Record<string, unknown>),
        html_url: `https://github.test/${m[1]}/${m[2]}/runs/${nextId}`,
      };
      state.checkRuns.push(run);
      return reply(201, run);
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)$/)) && method === 'GET') {
      return reply(200, {
        id: 1,
        name: m[2],
        full_name: `${m[1]}/${m[2]}`,
        default_branch: state.defaultBranch,
        private: false,
      });
    }
    if (
      (m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/)) &&
      method === 'GET'
    ) {
      const q = url.searchParams;
      const wanted = q.get('status');
      const matches = state.runs
        .filter((r) => r.workflow === decodeURIComponent(m![3]!))
        .filter((r) => !q.get('branch') || r.head_branch === q.get('branch'))
        .filter((r) => !q.get('event') || r.event === q.get('event'))
        // `status` takes a status or a conclusion, as GitHub's does.
        .filter((r) => !wanted || r.status === wanted || r.conclusion === wanted)
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      const perPage = Number(q.get('per_page') ?? 30);
      const page = Number(q.get('page') ?? 1);
      const workflow_runs = matches.slice((page - 1) * perPage, page * perPage).map((r) => ({
        id: r.id,
        name: r.workflow.replace(/\.ya?ml$/, ''),
        path: `.github/workflows/${r.workflow}`,
        head_branch: r.head_branch,
        head_sha: 'f'.repeat(40),
        run_number: r.id % 1000,
        event: r.event,
        status: r.status,
        conclusion: r.conclusion,
        workflow_id: 77,
        html_url: `https://github.test/${m![1]}/${m![2]}/actions/runs/${r.id}`,
        created_at: r.created_at,
        updated_at: r.created_at,
      }));
      return reply(200, { total_count: matches.length, workflow_runs });
    }
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/)) && method === 'GET') {
      const run = state.runs.find((r) => r.id === Number(m![3]));
      if (!run) return reply(404, { message: 'Not Found' });
      const all = run.artifacts.filter((a) => !url.searchParams.get('name') || a.name === url.searchParams.get('name'));
      const artifacts = all.map((a, i) => ({
        id: run.id * 100 + i,
        node_id: `MDg6QXJ0aWZhY3Qx${i}`,
        name: a.name,
        size_in_bytes: 1024,
        url: `${baseUrl}/repos/${m![1]}/${m![2]}/actions/artifacts/${run.id * 100 + i}`,
        archive_download_url: `${baseUrl}/repos/${m![1]}/${m![2]}/actions/artifacts/${run.id * 100 + i}/zip`,
        expired: a.expired ?? false,
        created_at: run.created_at,
        updated_at: run.created_at,
        expires_at: a.expired ? '2020-01-01T00:00:00Z' : '2099-01-01T00:00:00Z',
        workflow_run: {
          id: run.id,
          repository_id: 1,
          head_repository_id: 1,
          head_branch: run.head_branch,
          head_sha: 'f'.repeat(40),
        },
      }));
      return reply(200, { total_count: artifacts.length, artifacts });
    }
    return reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    baseUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeGitHub;
}

/** GitHub's answers when a limit is hit. */
export const RATE_LIMITED = (resetInSeconds = 0): Pick<Fault, 'status' | 'headers' | 'body'> => ({
  status: 403,
  headers: {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-used': '5000',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
  },
  body: {
    message: 'API rate limit exceeded for installation ID 1.',
    documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
  },
});

export const SECONDARY_RATE_LIMITED: Pick<Fault, 'status' | 'headers' | 'body'> = {
  status: 403,
  headers: { 'retry-after': '1' },
  body: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  },
};

export const BAD_GATEWAY: Pick<Fault, 'status' | 'body'> = { status: 502, body: { message: 'Server Error' } };
