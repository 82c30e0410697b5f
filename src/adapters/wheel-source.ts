/**
 * Reading wheel sources: a simple package index (PEP 503 HTML / PEP 691 JSON) over HTTP(S) or as a
 * directory, and fetching one wheel from a URL or a path with its sha256 checked. A per-commit index
 * (vLLM's `https://wheels.vllm.ai/<sha>/`) is one root per commit; its project page lists the wheels.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  chooseWheel,
  parseProjectPage,
  projectPageUrl,
  type IndexedWheel,
  type WheelName,
  type WheelRuntime,
} from '../core/artifacts/wheel-index.js';
import { sha256File } from './artifact-cache.js';

const isHttp = (u: string) => /^https?:\/\//i.test(u);
const toPath = (u: string) => (/^file:\/\//i.test(u) ? fileURLToPath(u) : u);

export type WheelLookup =
  | { ok: true; wheel: IndexedWheel & { wheel: WheelName }; page: string }
  | { ok: false; reason: string; /** true when the index answered but holds no fitting wheel. */ absent: boolean };

/** The files a project page lists (HTTP) or a directory holds (a directory index, with or without index.html). */
async function listProject(
  page: string,
  timeoutMs: number,
): Promise<{ ok: true; files: IndexedWheel[] } | { ok: false; reason: string; absent: boolean }> {
  if (isHttp(page)) {
    let res: Response;
    try {
      res = await fetch(page, {
        headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      return { ok: false, reason: `${page}: ${(e as Error).message}`, absent: false };
    }
    if (res.status === 404)
      return { ok: false, reason: `${page}: 404 (no wheel published for this commit)`, absent: true };
    if (!res.ok) return { ok: false, reason: `${page}: HTTP ${res.status}`, absent: false };
    return {
      ok: true,
      files: parseProjectPage(await res.text(), res.url || page, res.headers.get('content-type') ?? ''),
    };
  }
  const dir = toPath(page);
  const html = await readFile(join(dir, 'index.html'), 'utf8').catch(() => undefined);
  if (html !== undefined) return { ok: true, files: parseProjectPage(html, dir) };
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return { ok: false, reason: `${dir}: no such directory`, absent: true };
  return { ok: true, files: names.filter((n) => n.endsWith('.whl')).map((n) => ({ fileName: n, url: join(dir, n) })) };
}

/** The wheel of `project` that fits the runtime under an index root (`<root>/<project>/`). */
export async function findIndexedWheel(
  indexRoot: string,
  project: string,
  runtime: WheelRuntime,
  timeoutMs = 30_000,
): Promise<WheelLookup> {
  const page = projectPageUrl(indexRoot, project);
  const listed = await listProject(page, timeoutMs);
  if (!listed.ok) return listed;
  const wheel = chooseWheel(listed.files, project, runtime);
  if (!wheel) {
    const names = listed.files.map((f) => f.fileName).join(', ') || 'none';
    return {
      ok: false,
      reason: `${page}: no ${project} wheel for Python ${runtime.python} (listed: ${names})`,
      absent: true,
    };
  }
  return { ok: true, wheel, page };
}

export type FetchedWheel =
  { ok: true; path: string; sha256: string; bytes: number; seconds: number } | { ok: false; reason: string };

/** Downloads (or copies) a wheel into `destDir` under its own file name; a sha256 that does not match is an error. */
export async function fetchWheel(
  url: string,
  fileName: string,
  destDir: string,
  expectSha256?: string,
  timeoutMs = 600_000,
): Promise<FetchedWheel> {
  const started = Date.now();
  await mkdir(destDir, { recursive: true });
  const dest = join(destDir, fileName);
  const part = `${dest}.part`;
  try {
    if (isHttp(url)) {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok || !res.body) return { ok: false, reason: `${url}: HTTP ${res.status}` };
      const hash = createHash('sha256');
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (c: Buffer) => hash.update(c));
      await pipeline(body, createWriteStream(part));
      return await settle(part, dest, url, hash.digest('hex'), expectSha256, started);
    }
    await copyFile(toPath(url), part);
    return await settle(part, dest, url, await sha256File(part), expectSha256, started);
  } catch (e) {
    await rm(part, { force: true });
    return { ok: false, reason: `${url}: ${(e as Error).message}` };
  }
}

/** A fetched `.part` file becomes the wheel only when its sha256 is the one the index states. */
async function settle(
  part: string,
  dest: string,
  url: string,
  sha: string,
  expectSha256: string | undefined,
  started: number,
): Promise<FetchedWheel> {
  if (expectSha256 && sha !== expectSha256.toLowerCase()) {
    await rm(part, { force: true });
    return { ok: false, reason: `${url}: sha256 ${sha}, the index says ${expectSha256}` };
  }
  await rename(part, dest);
  return { ok: true, path: dest, sha256: sha, bytes: (await stat(dest)).size, seconds: (Date.now() - started) / 1000 };
}
