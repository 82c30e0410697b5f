/**
 * Runs the action entry the way the runner does: a fresh Node process with the inputs in
 * INPUT_<NAME> variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at files, the event
 * payload at GITHUB_EVENT_PATH; then reads the output file's `name<<delimiter` blocks back.
 */
import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { inputEnvName } from '../../src/core/github/action-inputs.js';

export const ROOT = join(import.meta.dirname, '..', '..');
/** tsx on the sources (what `npm test` checks); a bundle path runs that bundle instead. */
export const TSX_ENTRY = ['--import', 'tsx', join(ROOT, 'src', 'action.ts')];
/** The committed bundle action.yml names (`npm run build` makes it): what a runner runs. */
export const DIST_ENTRY = [join(ROOT, 'dist', 'index.js')];

/** GITHUB_OUTPUT's file format: `name<<DELIM\nvalue\nDELIM` blocks, or legacy `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output ${name}: delimiter ${delimiter} never closes`);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export interface EntryRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface EntryOptions {
  env?: Record<string, string>;
  /** Written to a file that GITHUB_EVENT_PATH names. */
  event?: { name: string; payload: unknown };
  /** Node arguments: TSX_ENTRY by default, or [bundle path]. */
  entry?: string[];
  cwd?: string;
}

export async function runEntry(inputs: Record<string, string>, opts: EntryOptions = {}): Promise<EntryRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bs-action-'));
  const outputFile = join(dir, 'github_output');
  const summaryFile = join(dir, 'step_summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  // The test process's own INPUT_* / GITHUB_* must not leak into the step.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_TOOL_CACHE',
    ),
  );
  const env: Record<string, string | undefined> = {
    ...base,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v])),
    ...opts.env,
  };
  if (opts.event) {
    const eventFile = join(dir, 'event.json');
    await writeFile(eventFile, JSON.stringify(opts.event.payload));
    env.GITHUB_EVENT_NAME = opts.event.name;
    env.GITHUB_EVENT_PATH = eventFile;
  }
  const r = await execa(process.execPath, opts.entry ?? TSX_ENTRY, {
    cwd: opts.cwd ?? ROOT,
    env,
    extendEnv: false,
    reject: false,
  });
  return {
    code: r.exitCode ?? -1,
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

export interface MatrixEntryLike {
  task: string;
  gpus: number;
  kind?: string;
  variants: string[];
  runs_on: string[];
  estimate_s: number;
  shard: number;
}

export function matrixOf(run: EntryRun): { include: MatrixEntryLike[] } {
  return JSON.parse(run.outputs.matrix ?? 'null') as { include: MatrixEntryLike[] };
}

/**
 * The entry bundled as scripts/build.mjs bundles dist/index.js (ESM, code splitting, a CommonJS
 * `require` for bundled CommonJS dependencies), into a temporary folder: the runner runs such a
 * bundle, and a bundle starts in a second where tsx needs three.
 */
/**
 * The action entry as it ships: dist/index.js (CI checks that dist/ matches a fresh build before the
 * tests run; locally, `npm run build` first). Never a bundle built here with other settings.
 */
export async function buildEntryBundle(): Promise<string> {
  const entry = join(ROOT, 'dist', 'index.js');
  await access(entry);
  return entry;
}
