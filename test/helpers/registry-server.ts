/**
 * A minimal Docker Registry HTTP API v2 (the part `docker push` and `docker pull` use) on
 * 127.0.0.1 over plain HTTP: dockerd treats 127.0.0.0/8 registries as insecure, so no TLS. Blobs
 * are content-addressed files in a temp dir (checked against their sha256 on upload); manifests
 * are kept by tag and by digest with their media type. `failBlobUploads` answers 500 to uploads of
 * the repositories it names, to test a registry that breaks mid-push.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
}

export interface RegistryServer {
  /** host:port, the registry part of image references. */
  host: string;
  url: string;
  requests: RegistryRequest[];
  /** `name:tag` of every manifest pushed by tag. */
  tags(): string[];
  /** The next `n` manifest PUTs answer 503 (a registry hiccup after the layers went up). */
  failNextManifestPuts(n: number): void;
  close(): Promise<void>;
}

export interface RegistryServerOptions {
  /** Repositories whose blob uploads answer 500 Internal Server Error (and that hold no blobs). */
  failBlobUploads?: (name: string) => boolean;
}

interface Manifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

const DEFAULT_MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: null }] });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return `sha256:${h.digest('hex')}`;
}

export async function startRegistryServer(opts: RegistryServerOptions = {}): Promise<RegistryServer> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-registry-'));
  const blobPath = (digest: string) => join(dir, `blob-${digest.replace(':', '-')}`);
  const uploadPath = (uuid: string) => join(dir, `upload-${uuid}`);
  const uploads = new Set<string>();
  /** name -> reference (tag or digest) -> manifest */
  const manifests = new Map<string, Map<string, Manifest>>();
  const tagged: string[] = [];
  const requests: RegistryRequest[] = [];
  let manifestPutFailures = 0;

  async function blobSize(digest: string): Promise<number | undefined> {
    return stat(blobPath(digest)).then(
      (s) => s.size,
      () => undefined,
    );
  }

  /** Moves a finished upload into the blob store when its content has the digest the client named. */
  async function finish(uuid: string, digest: string): Promise<boolean> {
    const actual = await sha256File(uploadPath(uuid));
    if (actual !== digest) return false;
    await rename(uploadPath(uuid), blobPath(digest));
    uploads.delete(uuid);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const send = (status: number, headers: Record<string, string | number> = {}, body?: string | Buffer) => {
      res.writeHead(status, {
        'Docker-Distribution-API-Version': 'registry/2.0',
        ...headers,
        ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}),
      });
      res.end(method === 'HEAD' ? undefined : body);
    };
    const notFound = (code: string) =>
      send(404, { 'Content-Type': 'application/json' }, errorBody(code, `${code.toLowerCase()}: ${path}`));

    if (path === '/v2/' || path === '/v2') return send(200, { 'Content-Type': 'application/json' }, '{}');

    let m = /^\/v2\/(.+?)\/blobs\/uploads\/?$/.exec(path);
    if (m && method === 'POST') {
      const name = m[1]!;
      await readBody(req);
      if (opts.failBlobUploads?.(name))
        return send(500, { 'Content-Type': 'text/plain' }, 'upload storage broken (test)');
      const mount = url.searchParams.get('mount');
      if (mount && (await blobSize(mount)) !== undefined) {
        return send(201, { Location: `/v2/${name}/blobs/${mount}`, 'Docker-Content-Digest': mount }, '');
      }
      const uuid = randomUUID();
      uploads.add(uuid);
      await writeFile(uploadPath(uuid), '');
      return send(202, { Location: `/v2/${name}/blobs/uploads/${uuid}`, Range: '0-0', 'Docker-Upload-UUID': uuid }, '');
    }

    m = /^\/v2\/(.+?)\/blobs\/uploads\/([^/]+)$/.exec(path);
    if (m) {
      const [, name, uuid] = m as unknown as [string, string, string];
      if (!uploads.has(uuid)) return notFound('BLOB_UPLOAD_UNKNOWN');
      if (opts.failBlobUploads?.(name)) {
        await readBody(req);
        return send(500, { 'Content-Type': 'text/plain' }, 'upload storage broken (test)');
      }
      if (method === 'PATCH' || method === 'PUT') {
        await pipeline(req, createWriteStream(uploadPath(uuid), { flags: 'a' }));
        const size = (await stat(uploadPath(uuid))).size;
        if (method === 'PATCH') {
          return send(
            202,
            {
              Location: `/v2/${name}/blobs/uploads/${uuid}`,
              Range: `0-${Math.max(0, size - 1)}`,
              'Docker-Upload-UUID': uuid,
            },
            '',
          );
        }
        const digest = url.searchParams.get('digest') ?? '';
        if (!(await finish(uuid, digest)))
          return send(
            400,
            { 'Content-Type': 'application/json' },
            errorBody('DIGEST_INVALID', `content does not match ${digest}`),
          );
        return send(201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest }, '');
      }
      if (method === 'GET') {
        const size = (await stat(uploadPath(uuid))).size;
        return send(204, { Range: `0-${Math.max(0, size - 1)}`, 'Docker-Upload-UUID': uuid });
      }
      if (method === 'DELETE') {
        uploads.delete(uuid);
        await rm(uploadPath(uuid), { force: true });
        return send(204);
      }
    }

    m = /^\/v2\/(.+?)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (m && (method === 'GET' || method === 'HEAD')) {
      const digest = m[2]!;
      // A repository whose storage is broken has no blobs either, so docker must upload (and fail).
      if (opts.failBlobUploads?.(m[1]!)) return notFound('BLOB_UNKNOWN');
      const size = await blobSize(digest);
      if (size === undefined) return notFound('BLOB_UNKNOWN');
      res.writeHead(200, {
        'Docker-Distribution-API-Version': 'registry/2.0',
        'Content-Length': size,
        'Content-Type': 'application/octet-stream',
        'Docker-Content-Digest': digest,
      });
      if (method === 'HEAD') return void res.end();
      await pipeline(createReadStream(blobPath(digest)), res);
      return;
    }

    m = /^\/v2\/(.+?)\/manifests\/([^/]+)$/.exec(path);
    if (m) {
      const [, name, reference] = m as unknown as [string, string, string];
      const byRef = manifests.get(name) ?? new Map<string, Manifest>();
      if (method === 'PUT') {
        const body = await readBody(req);
        if (manifestPutFailures > 0) {
          manifestPutFailures -= 1;
          return send(503, { 'Content-Type': 'text/plain' }, 'service unavailable (test)');
        }
        const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
        const mediaType = String(req.headers['content-type'] ?? '') || DEFAULT_MANIFEST_TYPE;
        // Every blob the manifest names must already be here (what a real registry checks).
        const doc = JSON.parse(body.toString('utf8')) as {
          config?: { digest: string };
          layers?: Array<{ digest: string }>;
        };
        for (const d of [doc.config?.digest, ...(doc.layers ?? []).map((l) => l.digest)].filter((x): x is string =>
          Boolean(x),
        )) {
          if ((await blobSize(d)) === undefined)
            return send(400, { 'Content-Type': 'application/json' }, errorBody('MANIFEST_BLOB_UNKNOWN', d));
        }
        const entry = { body, mediaType, digest };
        byRef.set(reference, entry);
        byRef.set(digest, entry);
        manifests.set(name, byRef);
        if (!reference.startsWith('sha256:')) tagged.push(`${name}:${reference}`);
        return send(201, { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest }, '');
      }
      if (method === 'GET' || method === 'HEAD') {
        const entry = byRef.get(reference);
        if (!entry) return notFound('MANIFEST_UNKNOWN');
        res.writeHead(200, {
          'Docker-Distribution-API-Version': 'registry/2.0',
          'Content-Type': entry.mediaType,
          'Content-Length': entry.body.length,
          'Docker-Content-Digest': entry.digest,
          ETag: `"${entry.digest}"`,
        });
        return void res.end(method === 'HEAD' ? undefined : entry.body);
      }
    }
    return send(405, { 'Content-Type': 'application/json' }, errorBody('UNSUPPORTED', `${method} ${path}`));
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String((e as Error).message));
        } else res.destroy();
      })
      .finally(() => requests.push({ method: req.method ?? '', path: req.url ?? '', status: res.statusCode }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    tags: () => [...tagged],
    failNextManifestPuts: (n) => {
      manifestPutFailures = n;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
