/**
 * A local simple package index: wheels written into a PEP 503 layout (`<root>/index.html`,
 * `<root>/<project>/index.html` with `#sha256=` links, the wheel files beside it) and served over
 * HTTP on 127.0.0.1. The demo stands in for vLLM's per-commit wheel index with it
 * (`<root>/<sha>/<project>/...`), and the tests serve pip a package index with it (no network).
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { basename, join, normalize, sep } from 'node:path';
import { normalizeProject, parseWheelName, renderProjectPage, renderRootPage } from '../core/artifacts/wheel-index.js';
import { sha256File } from './artifact-cache.js';

/** Adds wheels to the index at `root` (one project page per distribution) and rewrites the pages. */
export async function publishWheels(root: string, wheels: readonly string[]): Promise<void> {
  for (const w of wheels) {
    const name = parseWheelName(basename(w));
    if (!name) throw new Error(`not a wheel file name: ${basename(w)}`);
    const dir = join(root, normalizeProject(name.distribution));
    await mkdir(dir, { recursive: true });
    await copyFile(w, join(dir, basename(w)));
  }
  const projects = (await readdir(root, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const p of projects) {
    const files = (await readdir(join(root, p))).filter((f) => f.endsWith('.whl')).sort();
    const listed = [];
    for (const f of files) listed.push({ fileName: f, sha256: await sha256File(join(root, p, f)) });
    await writeFile(join(root, p, 'index.html'), renderProjectPage(p, listed));
  }
  await writeFile(join(root, 'index.html'), renderRootPage(projects));
}

export interface ServedIndex {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  /** Requests served so far (paths), for tests that must see that nothing was downloaded. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` read-only on 127.0.0.1 (an ephemeral port unless one is given); a directory answers with its index.html. */
export async function serveDirectory(dir: string, port = 0): Promise<ServedIndex> {
  const root = normalize(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const target = normalize(join(root, path));
    if (target !== root && !target.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    void (async () => {
      let file = target;
      const s = await stat(file).catch(() => undefined);
      if (s?.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: path + '/' }).end();
          return;
        }
        file = join(file, 'index.html');
      }
      const f = await stat(file).catch(() => undefined);
      if (!f?.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      const type = file.endsWith('.html')
        ? 'text/html'
        : file.endsWith('.json')
          ? 'application/json'
          : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': f.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
