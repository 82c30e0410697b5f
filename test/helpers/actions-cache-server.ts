/**
 * A local stand-in for the GitHub Actions cache service as @actions/cache v6 speaks to it on a
 * runner, over real HTTP on 127.0.0.1:
 *
 * - the v2 Twirp API (ACTIONS_CACHE_SERVICE_V2 set, base URL ACTIONS_RESULTS_URL, bearer
 *   ACTIONS_RUNTIME_TOKEN): POST `/twirp/github.actions.results.api.v1.CacheService/<Method>` with
 *   JSON bodies in protobuf field names (`restore_keys`, `size_bytes`; responses `ok`,
 *   `signed_download_url`, `matched_key`, `signed_upload_url`, `entry_id`, `message`);
 * - Azure-blob-style signed URLs for the archive (`/<account>/<container>/<blob>?sig=...`, the
 *   path style @azure/storage-blob uses for an IP host). Uploads are what BlockBlobClient.uploadFile
 *   issues: one Put Blob (`x-ms-blob-type: BlockBlob`) up to 128 MiB, else Put Block
 *   (`?comp=block&blockid=`) and Put Block List (`?comp=blocklist`, XML). Downloads: a plain GET
 *   (the toolkit's http-client path for a host that is not *.blob.core.windows.net).
 *
 * Entries are matched like the service does: the key exactly or a restore key as a prefix, and
 * the `version` (a hash of the paths and compression) always exactly. An entry is visible only
 * after FinalizeCacheEntryUpload with the uploaded size. `calls` records every request so tests can
 * tell a miss, a save and a hit apart.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService';
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-cache';

export interface CacheServiceCall {
  /** `GetCacheEntryDownloadURL`, `CreateCacheEntry`, `FinalizeCacheEntryUpload`, or `blob:<PUT|GET>[:block|:blocklist]`. */
  method: string;
  status: number;
  /** The Twirp request body (JSON), for Twirp calls. */
  body?: Record<string, unknown>;
  /** The Twirp response body, for Twirp calls. */
  response?: Record<string, unknown>;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  blob: string;
  /** The archive bytes once uploaded. */
  data?: Buffer;
  sizeBytes?: number;
  finalized: boolean;
}

export interface ActionsCacheServer {
  /** ACTIONS_RESULTS_URL (ends with '/'). */
  url: string;
  token: string;
  calls: CacheServiceCall[];
  entries: CacheEntry[];
  /** The environment a step gets on a runner with the v2 cache service. */
  env(): Record<string, string>;
  /** Twirp calls by method name, in order. */
  twirp(method?: string): CacheServiceCall[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Twirp's error body: `{ code, msg }` with the HTTP status of the code. */
function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, msg }));
}

/** The headers Azure answers a blob write with (the SDK reads etag and request id). */
function blobWriteHeaders(data?: Buffer): Record<string, string> {
  return {
    etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-id': randomBytes(16).toString('hex'),
    'x-ms-version': '2025-05-05',
    'x-ms-request-server-encrypted': 'true',
    ...(data ? { 'content-md5': createHash('md5').update(data).digest('base64') } : {}),
    date: new Date().toUTCString(),
  };
}

export async function startActionsCacheServer(opts: { token?: string } = {}): Promise<ActionsCacheServer> {
  const token = opts.token ?? `ghs_runtime_${randomBytes(12).toString('hex')}`;
  const calls: CacheServiceCall[] = [];
  const entries: CacheEntry[] = [];
  const blocks = new Map<string, Map<string, Buffer>>();
  let nextId = 1;
  let base = '';

  const blobUrl = (blob: string, perm: 'r' | 'cw') =>
    `${base}${ACCOUNT}/${CONTAINER}/${blob}?sv=2025-05-05&sr=b&sp=${perm}&se=2099-01-01T00%3A00%3A00Z&sig=${randomBytes(12).toString('base64url')}`;

  const findEntry = (key: string, restoreKeys: string[], version: string): CacheEntry | undefined => {
    const done = entries.filter((e) => e.finalized && e.version === version);
    const exact = done.filter((e) => e.key === key).at(-1);
    if (exact) return exact;
    for (const prefix of [key, ...restoreKeys]) {
      const hit = done.filter((e) => e.key.startsWith(prefix)).at(-1);
      if (hit) return hit;
    }
    return undefined;
  };

  async function twirp(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = (status: number, body?: Record<string, unknown>, response?: Record<string, unknown>) =>
      calls.push({ method, status, ...(body ? { body } : {}), ...(response ? { response } : {}) });
    if (req.headers.authorization !== `Bearer ${token}`) {
      record(401);
      return twirpError(res, 401, 'unauthenticated', 'invalid or missing runtime token');
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      record(415);
      return twirpError(res, 415, 'bad_route', 'only application/json is served here');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    } catch {
      record(400);
      return twirpError(res, 400, 'malformed', 'the body is not JSON');
    }
    const key = typeof body.key === 'string' ? body.key : '';
    const version = typeof body.version === 'string' ? body.version : '';
    if (!key || !version) {
      record(400, body);
      return twirpError(res, 400, 'invalid_argument', 'key and version are required');
    }
    let response: Record<string, unknown>;
    if (method === 'GetCacheEntryDownloadURL') {
      const restoreKeys = Array.isArray(body.restore_keys) ? (body.restore_keys as string[]) : [];
      const hit = findEntry(key, restoreKeys, version);
      // A miss is `ok: false` with HTTP 200 (not a Twirp not_found), as the service answers.
      response = hit
        ? { ok: true, signed_download_url: blobUrl(hit.blob, 'r'), matched_key: hit.key }
        : { ok: false, signed_download_url: '', matched_key: '' };
    } else if (method === 'CreateCacheEntry') {
      if (entries.some((e) => e.key === key && e.version === version)) {
        record(409, body);
        return twirpError(
          res,
          409,
          'already_exists',
          `cache entry with the same key, version, and scope already exists`,
        );
      }
      const entry: CacheEntry = {
        id: nextId++,
        key,
        version,
        blob: `${randomBytes(8).toString('hex')}.tar`,
        finalized: false,
      };
      entries.push(entry);
      response = { ok: true, signed_upload_url: blobUrl(entry.blob, 'cw') };
    } else if (method === 'FinalizeCacheEntryUpload') {
      const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
      const size = Number(body.size_bytes);
      if (!entry) response = { ok: false, entry_id: '0', message: `no cache entry being uploaded for key ${key}` };
      else if (!entry.data || entry.data.length !== size)
        response = {
          ok: false,
          entry_id: '0',
          message: `uploaded ${entry.data?.length ?? 0} bytes, finalize says ${size}`,
        };
      else {
        entry.finalized = true;
        entry.sizeBytes = size;
        response = { ok: true, entry_id: String(entry.id) };
      }
    } else {
      record(404, body);
      return twirpError(res, 404, 'bad_route', `no method ${method}`);
    }
    record(200, body, response);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
  }

  async function blob(name: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = entries.find((e) => e.blob === name);
    const comp = url.searchParams.get('comp');
    const method = `blob:${req.method}${comp ? `:${comp}` : ''}`;
    const answer = (status: number, headers: Record<string, string> = {}, payload?: Buffer | string) => {
      calls.push({ method, status });
      res.writeHead(status, headers);
      res.end(payload);
    };
    const azureError = (status: number, code: string) =>
      answer(
        status,
        { 'content-type': 'application/xml', 'x-ms-error-code': code },
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
      );
    if (!url.searchParams.get('sig')) return azureError(403, 'AuthenticationFailed');
    if (!entry) return azureError(404, 'BlobNotFound');
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!entry.finalized || !entry.data) return azureError(404, 'BlobNotFound');
      return answer(
        200,
        {
          'content-type': 'application/octet-stream',
          'content-length': String(entry.data.length),
          'x-ms-blob-type': 'BlockBlob',
        },
        req.method === 'GET' ? entry.data : undefined,
      );
    }
    if (req.method !== 'PUT') return azureError(405, 'UnsupportedHttpVerb');
    if (entry.finalized) return azureError(409, 'BlobImmutable');
    const data = await readBody(req);
    if (comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) return azureError(400, 'InvalidQueryParameterValue');
      if (!blocks.has(name)) blocks.set(name, new Map());
      blocks.get(name)!.set(id, data);
      return answer(201, blobWriteHeaders(data));
    }
    if (comp === 'blocklist') {
      const ids = [
        ...data
          .toString('utf8')
          .matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\/(?:Latest|Committed|Uncommitted)>/g),
      ].map((m) => m[1]!);
      const staged = blocks.get(name) ?? new Map<string, Buffer>();
      const missing = ids.filter((id) => !staged.has(id));
      if (missing.length) return azureError(400, 'InvalidBlockList');
      entry.data = Buffer.concat(ids.map((id) => staged.get(id)!));
      blocks.delete(name);
      return answer(201, blobWriteHeaders());
    }
    if (comp) return azureError(400, 'InvalidQueryParameterValue');
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return azureError(400, 'MissingRequiredHeader');
    entry.data = data;
    return answer(201, blobWriteHeaders(data));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base || 'http://127.0.0.1/');
    const twirpPath = new RegExp(`^/twirp/${CACHE_SERVICE.replace(/\./g, '\\.')}/([A-Za-z]+)$`).exec(url.pathname);
    const blobPath = new RegExp(`^/${ACCOUNT}/${CONTAINER}/([^/]+)$`).exec(url.pathname);
    const handled =
      twirpPath && req.method === 'POST'
        ? twirp(twirpPath[1]!, req, res)
        : blobPath
          ? blob(blobPath[1]!, url, req, res)
          : undefined;
    if (!handled) {
      calls.push({ method: `unknown:${req.method} ${url.pathname}`, status: 404 });
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    handled.catch((err: unknown) => {
      calls.push({ method: `error:${url.pathname}`, status: 500 });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: base,
    token,
    calls,
    entries,
    env: () => ({
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: base,
      ACTIONS_CACHE_SERVICE_V2: 'True',
      // github.com (not GHES): the v2 service is used only there.
      GITHUB_SERVER_URL: 'https://github.com',
    }),
    twirp: (method) => calls.filter((c) => !c.method.startsWith('blob:') && (!method || c.method === method)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
