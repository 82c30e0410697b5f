/**
 * Files of the engine's tree at any commit, read from git (a checkout or a bare git dir) through
 * one `git cat-file --batch` process and cached per (commit, path). The pure core reads
 * synchronously (engine-flags/, argv/), so `prefetch` runs a computation against the cache,
 * collects the files it missed, reads them all, and repeats until nothing is missing.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execa } from 'execa';
import type { ReadFile } from '../core/argv/engine-flags/parser-flags.js';

export interface EngineTree {
  /** Sync read from the cache; a miss is recorded and answered with null until `prefetch` fills it. */
  reader(commit: string): ReadFile;
  /** Runs `compute` until every file it reads is cached, then returns its last result. */
  prefetch<T>(compute: () => T): Promise<T>;
  /** The full sha of a revision, or undefined when the repository does not have it. */
  resolve(rev: string): Promise<string | undefined>;
  /** The commits (of `revs`) that the repository has, in one `git cat-file --batch-check`. */
  present(revs: readonly string[]): Promise<Set<string>>;
  /** `git rev-list --count from..to` when `from` is an ancestor of `to`; undefined otherwise. */
  distance(from: string, to: string): Promise<number | undefined>;
  close(): void;
  /** Reads done through git (cache misses), for the bench. */
  readonly reads: number;
}

class BatchReader {
  private proc: ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: Array<(r: string | null) => void> = [];

  constructor(repo: string) {
    this.proc = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
    this.proc.stderr.resume();
    // A reader that dies (git gone, a repository that vanished) answers every pending read with "not there".
    this.proc.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
    this.proc.on('error', () => {});
    this.proc.stdin.on('error', () => {});
  }

  private closed = false;

  private drain(): void {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl < 0 || this.waiting.length === 0) return;
      const header = this.buf.subarray(0, nl).toString();
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.waiting.shift()!(null);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = this.buf.subarray(nl + 1, nl + 1 + size);
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      // A tree or commit object where a file was asked for is not a file.
      this.waiting.shift()!(header.split(' ')[1] === 'blob' ? body.toString('utf8') : null);
    }
  }

  read(spec: string): Promise<string | null> {
    return new Promise((resolveRead) => {
      if (this.closed) return resolveRead(null);
      this.waiting.push(resolveRead);
      this.proc.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** `repo`: a checkout or a bare git dir. */
export function openEngineTree(repo: string): EngineTree {
  const cache = new Map<string, string | null>();
  const misses = new Set<string>();
  let batch: BatchReader | undefined;
  let reads = 0;
  const key = (commit: string, path: string) => `${commit}:${path}`;
  return {
    get reads() {
      return reads;
    },
    reader(commit) {
      return (path) => {
        const clean = path.replace(/^(\.\/)+/, '');
        // Outside the tree (`../data/x.json`, `/abs`, a newline): git would refuse the whole batch.
        if (clean === '' || clean.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(clean) || /[\n\r]/.test(clean))
          return null;
        const k = key(commit, clean);
        if (cache.has(k)) return cache.get(k)!;
        misses.add(k);
        return null;
      };
    },
    async prefetch(compute) {
      for (let round = 0; ; round++) {
        misses.clear();
        const result = compute();
        if (misses.size === 0 || round > 20) return result;
        batch ??= new BatchReader(repo);
        const wanted = [...misses];
        const texts = await Promise.all(wanted.map((k) => batch!.read(k)));
        reads += wanted.length;
        wanted.forEach((k, i) => cache.set(k, texts[i]!));
      }
    },
    async resolve(rev) {
      const r = await execa('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
        reject: false,
      });
      return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
    },
    async present(revs) {
      if (revs.length === 0) return new Set();
      const r = await execa('git', ['-C', repo, 'cat-file', '--batch-check'], {
        input: revs.map((x) => `${x}^{commit}`).join('\n') + '\n',
        reject: false,
      });
      const lines = String(r.stdout).split('\n');
      return new Set(revs.filter((_, i) => lines[i] !== undefined && / commit \d+$/.test(lines[i]!)));
    },
    async distance(from, to) {
      const anc = await execa('git', ['-C', repo, 'merge-base', '--is-ancestor', from, to], { reject: false });
      if (anc.exitCode !== 0) return undefined;
      const r = await execa('git', ['-C', repo, 'rev-list', '--count', `${from}..${to}`], { reject: false });
      return r.exitCode === 0 ? Number(String(r.stdout).trim()) : undefined;
    },
    close() {
      batch?.close();
    },
  };
}
