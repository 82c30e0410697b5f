/**
 * Wheels as artifacts, the pure part: wheel file names (PEP 427), simple package indexes (PEP 503
 * HTML and PEP 691 JSON), which listed wheel fits the runtime (Python version, platform), and the
 * per-commit index location (vLLM publishes one index per main-branch commit:
 * `pip install vllm --extra-index-url https://wheels.vllm.ai/<sha>`). No I/O.
 */

export interface WheelName {
  /** The distribution as written in the file name (`demo_engine`). */
  distribution: string;
  version: string;
  build?: string;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

/** PEP 503 normalisation: `Demo_Engine` and `demo.engine` name the project `demo-engine`. */
export function normalizeProject(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`; undefined for anything else. */
export function parseWheelName(fileName: string): WheelName | undefined {
  const base = fileName.split('/').pop()!;
  if (!base.endsWith('.whl')) return undefined;
  const parts = base.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2] : undefined;
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  if (!distribution || !version || !py || !abi || !plat) return undefined;
  return {
    distribution,
    version,
    ...(build ? { build } : {}),
    pythonTags: py.split('.'),
    abiTags: abi.split('.'),
    platformTags: plat.split('.'),
  };
}

export interface WheelRuntime {
  /** `3.12`: the interpreter of the runtime image. */
  python: string;
  /** Machine of the runtime image (`x86_64`). */
  arch?: string;
}

/**
 * Whether a wheel installs on the runtime: a pure wheel (`py3-none-any`) anywhere; a binary one
 * when its CPython tag matches (or is an older `abi3`) and its platform is Linux on this machine.
 * Returns the rank (lower is better: exact CPython before abi3 before pure), or undefined.
 */
export function wheelRank(w: WheelName, rt: WheelRuntime): number | undefined {
  const [major, minor] = rt.python.split('.').map(Number) as [number, number];
  const arch = rt.arch ?? 'x86_64';
  const cp = `cp${major}${minor}`;
  // glibc runtimes (Debian, Ubuntu CUDA images): manylinux and plain linux wheels, not musllinux.
  const platOk = w.platformTags.some(
    (p) => p === 'any' || ((p.startsWith('manylinux') || p.startsWith('linux_')) && p.endsWith(`_${arch}`)),
  );
  if (!platOk) return undefined;
  let best: number | undefined;
  for (const py of w.pythonTags) {
    for (const abi of w.abiTags) {
      let r: number | undefined;
      if (py === cp && (abi === cp || abi === `${cp}m` || abi === 'none' || abi === 'abi3')) r = abi === 'abi3' ? 1 : 0;
      else if (
        abi === 'abi3' &&
        /^cp\d+$/.test(py) &&
        py.startsWith(`cp${major}`) &&
        Number(py.slice(2 + String(major).length)) <= minor
      )
        r = 2;
      else if (abi === 'none' && (py === `py${major}` || py === `py${major}${minor}`)) r = 3;
      if (r !== undefined && (best === undefined || r < best)) best = r;
    }
  }
  return best;
}

export interface IndexedWheel {
  fileName: string;
  /** Absolute URL or path of the file (relative links resolved against the page). */
  url: string;
  /** From the JSON `hashes` or the URL fragment `#sha256=`. */
  sha256?: string;
  /** PEP 592: yanked files are not chosen. */
  yanked?: boolean;
}

function resolveLink(href: string, pageUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pageUrl)) return new URL(href, pageUrl).href;
  // A directory index: a plain path.
  if (href.startsWith('/')) return href;
  const dir = pageUrl.endsWith('/') ? pageUrl : pageUrl + '/';
  return dir + href;
}

function splitFragment(url: string): { url: string; sha256?: string } {
  const hash = url.indexOf('#');
  if (hash < 0) return { url };
  const frag = url.slice(hash + 1);
  const m = /(?:^|&)sha256=([0-9a-fA-F]{64})/.exec(frag);
  return { url: url.slice(0, hash), ...(m ? { sha256: m[1]!.toLowerCase() } : {}) };
}

function htmlUnescape(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/gi, '/');
}

/** The wheels a PEP 503 project page (HTML) or PEP 691 JSON document lists. */
export function parseProjectPage(body: string, pageUrl: string, contentType = ''): IndexedWheel[] {
  const trimmed = body.trimStart();
  if (contentType.includes('json') || trimmed.startsWith('{')) {
    const doc = JSON.parse(body) as {
      files?: Array<{ filename?: string; url?: string; hashes?: Record<string, string>; yanked?: boolean | string }>;
    };
    const out: IndexedWheel[] = [];
    for (const f of doc.files ?? []) {
      if (!f.filename || !f.url || !f.filename.endsWith('.whl')) continue;
      const link = splitFragment(resolveLink(f.url, pageUrl));
      const sha = f.hashes?.sha256?.toLowerCase() ?? link.sha256;
      out.push({
        fileName: f.filename,
        url: link.url,
        ...(sha ? { sha256: sha } : {}),
        ...(f.yanked ? { yanked: true } : {}),
      });
    }
    return out;
  }
  const out: IndexedWheel[] = [];
  const anchor = /<a\s([^>]*)>([^<]*)<\/a>/gi;
  for (let m = anchor.exec(body); m; m = anchor.exec(body)) {
    const attrs = m[1]!;
    const href = /href\s*=\s*"([^"]*)"|href\s*=\s*'([^']*)'/i.exec(attrs);
    if (!href) continue;
    const link = splitFragment(resolveLink(htmlUnescape(href[1] ?? href[2] ?? ''), pageUrl));
    const fileName = decodeURIComponent(link.url.split('/').pop() ?? '');
    if (!fileName.endsWith('.whl')) continue;
    out.push({
      fileName,
      url: link.url,
      ...(link.sha256 ? { sha256: link.sha256 } : {}),
      ...(/data-yanked/i.test(attrs) ? { yanked: true } : {}),
    });
  }
  return out;
}

/** The best wheel of `project` for the runtime among listed files; undefined when none fits. */
export function chooseWheel(
  files: readonly IndexedWheel[],
  project: string,
  rt: WheelRuntime,
): (IndexedWheel & { wheel: WheelName }) | undefined {
  const want = normalizeProject(project);
  let best: { f: IndexedWheel; w: WheelName; rank: number } | undefined;
  for (const f of files) {
    if (f.yanked) continue;
    const w = parseWheelName(f.fileName);
    if (!w || normalizeProject(w.distribution) !== want) continue;
    const rank = wheelRank(w, rt);
    if (rank === undefined) continue;
    if (!best || rank < best.rank) best = { f, w, rank };
  }
  return best ? { ...best.f, wheel: best.w } : undefined;
}

/**
 * The per-commit index root for a commit: `{base}` from the config, `{sha}`, `{sha12}`, `{sha8}`,
 * `{sha7}`. A URL (http, https, file) or a directory path.
 */
export function renderWheelIndex(template: string, sha: string, base: string): string {
  return template
    .replaceAll('{base}', base.replace(/\/+$/, ''))
    .replaceAll('{sha12}', sha.slice(0, 12))
    .replaceAll('{sha8}', sha.slice(0, 8))
    .replaceAll('{sha7}', sha.slice(0, 7))
    .replaceAll('{sha}', sha);
}

/** The project page under an index root (`<root>/<normalized project>/`). */
export function projectPageUrl(indexRoot: string, project: string): string {
  return `${indexRoot.replace(/\/+$/, '')}/${normalizeProject(project)}/`;
}

/** The project a package directory is distributed as (`demo_engine` -> `demo-engine`). */
export function projectForPackage(packageDir: string): string {
  return normalizeProject(packageDir.replace(/\/+$/, '').split('/').pop()!);
}

/** Cache key of a commit's wheel (the image key with a `wheel-` prefix: same toolchain and recipes). */
export function wheelCacheKey(artifactKey: string): string {
  return `wheel-${artifactKey}`;
}

/** A PEP 503 project page listing wheels (what the demo and the tests serve). */
export function renderProjectPage(project: string, files: ReadonlyArray<{ fileName: string; sha256: string }>): string {
  const links = files.map(
    (f) => `    <a href="${encodeURIComponent(f.fileName)}#sha256=${f.sha256}">${f.fileName}</a><br/>`,
  );
  return `<!DOCTYPE html>\n<html>\n  <head><meta name="pypi:repository-version" content="1.0"><title>Links for ${project}</title></head>\n  <body>\n    <h1>Links for ${project}</h1>\n${links.join('\n')}\n  </body>\n</html>\n`;
}

/** A PEP 503 root page listing projects. */
export function renderRootPage(projects: readonly string[]): string {
  const links = projects.map((p) => `    <a href="${normalizeProject(p)}/">${p}</a><br/>`);
  return `<!DOCTYPE html>\n<html>\n  <head><meta name="pypi:repository-version" content="1.0"><title>Simple index</title></head>\n  <body>\n${links.join('\n')}\n  </body>\n</html>\n`;
}
