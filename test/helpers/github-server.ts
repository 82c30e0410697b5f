/**
 * A small GitHub REST stand-in on 127.0.0.1 for the endpoints benchsweep uses, with GitHub's
 * response shapes: issue comments (list with Link pagination, create, update) and check runs.
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
  const state: Omit<FakeGitHub, 'baseUrl' | 'close'> = { comments: [], checkRuns: [], requests: [], faults: [], pageSize: opts.pageSize ?? 2 };
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
        return reply(200, all.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
      }
      if (method === 'POST') {
        const now = new Date().toISOString();
        const id = nextId++;
        const comment: StoredComment = {
          id,
          body: String((body as { body?: unknown })?.body ?? ''),
          issue,
          html_url: `https://github.test/${m[1]}/${m[2]}/pull/${issue}#issuecomment-${id}`,
          user: { login: 'github-actions[bot]', type: 'Bot' },
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
    if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/check-runs$/)) && method === 'POST') {
      const run = { id: nextId++, ...(body as Record<string, unknown>), html_url: `https://github.test/${m[1]}/${m[2]}/runs/${nextId}` };
      state.checkRuns.push(run);
      return reply(201, run);
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
  body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' },
});

export const SECONDARY_RATE_LIMITED: Pick<Fault, 'status' | 'headers' | 'body'> = {
  status: 403,
  headers: { 'retry-after': '1' },
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
};

export const BAD_GATEWAY: Pick<Fault, 'status' | 'body'> = { status: 502, body: { message: 'Server Error' } };
