/**
 * One benchmark sample: for serving, start the engine's server, wait until it answers, run the
 * benchmark client against it and parse the result; for throughput/latency, run the one process.
 * Every failure is classified from the whole log within seconds of the fault (the process exit or
 * the readiness timeout), and everything started is torn down whatever happens.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyLog } from '../core/failures/classify.js';
import { withoutFlags } from '../core/argv/client-argv.js';
import { fillEndpoint, HOST_PLACEHOLDER, PORT_PLACEHOLDER } from '../core/argv/variant-argv.js';
import { parseBenchmarkOutput, parseResultJson, primaryMetricFor } from '../core/metrics/parse.js';
import { redact, secretValues } from '../core/redact.js';
import { checkMetricsSanity } from '../core/compare/samples.js';
import type { BenchmarkKind, Metrics } from '../core/schemas.js';
import { CATEGORIES, type Category } from '../core/taxonomy.js';
import { createDockerExecutor } from '../adapters/executor-docker.js';
import { createHostExecutor } from '../adapters/executor-host.js';
import type { Executor, OneShotResult, ProcessExit, ServerProcess } from '../adapters/executor.js';
import { freePort } from '../adapters/ports.js';
import { readLog } from '../adapters/process-logs.js';
import { waitReady } from '../adapters/readiness.js';
import type { SampleOutcome, SampleSpec } from './executor-types.js';

export const LOOPBACK = '127.0.0.1';

/** Flags the runner owns: whatever the dataset put there would point at the wrong server. */
const ENDPOINT_FLAGS = new Set(['--host', '--port', '--base-url']);

/** argv without `--host/--port/--base-url` (both `--flag value` and `--flag=value`), then `--host H --port P`. */
export function withEndpoint(argv: readonly string[], host: string, port: number): string[] {
  // The plan's argv (core/argv/variant-argv.ts) marks where the endpoint goes: fill it in as is.
  if (argv.some((w) => w.includes(HOST_PLACEHOLDER) || w.includes(PORT_PLACEHOLDER)))
    return fillEndpoint(argv, host, port);
  return [...withoutFlags(argv, ENDPOINT_FLAGS), '--host', host, '--port', String(port)];
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === flag) return argv[i + 1];
    if (w.startsWith(`${flag}=`)) return w.slice(flag.length + 1);
  }
  return undefined;
}

/** The JSON result file the benchmark argv asks for (serving: --save-result --result-filename; offline: --output-json). */
export function resultFileOf(argv: readonly string[]): string | undefined {
  const outputJson = flagValue(argv, '--output-json');
  if (outputJson) return outputJson;
  if (!argv.includes('--save-result')) return undefined;
  const name = flagValue(argv, '--result-filename');
  if (!name) return undefined; // vLLM then names it after the date: not predictable, the printed block is used.
  const dir = flagValue(argv, '--result-dir');
  return dir ? `${dir.replace(/\/+$/, '')}/${name}` : name;
}

function createExecutor(spec: SampleSpec): Executor {
  const settings = {
    ...(spec.workdir ? { workdir: spec.workdir } : {}),
    ...(spec.gpus ? { gpus: spec.gpus } : {}),
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.volumes ? { volumes: spec.volumes } : {}),
    ...(spec.shmSize ? { shmSize: spec.shmSize } : {}),
  };
  if (spec.executor === 'docker') {
    if (!spec.image) throw new Error('the docker executor needs spec.image');
    return createDockerExecutor({ ...settings, image: spec.image });
  }
  return createHostExecutor(settings);
}

type Phase = 'server-start' | 'benchmark'; // what the server or the benchmark was doing when it failed

interface Verdict {
  category: Category;
  evidence?: string;
  fix?: string;
}

/** The classifier's answer, held to the stage the fault happened in. */
function classifyFault(
  text: string,
  ctx: {
    exitCode: number | null;
    timedOut: boolean;
    phase: Phase;
    fallback: Category;
    allowed: (c: Category) => boolean;
  },
): Verdict {
  const c = classifyLog(text, { exitCode: ctx.exitCode, timedOut: ctx.timedOut, phase: ctx.phase });
  const category = c.matched && ctx.allowed(c.category) ? c.category : ctx.fallback;
  return {
    category,
    ...(c.evidence ? { evidence: c.evidence } : {}),
    ...(c.fix && category === c.category ? { fix: c.fix } : {}),
  };
}

/** A server that failed is a server fault or a cause it names (OOM, gated model, dependency ...), never a benchmark one. */
const notBenchmarkStage = (c: Category) => CATEGORIES[c].stage !== 'benchmark' && CATEGORIES[c].stage !== 'patch';

function secretsOf(spec: SampleSpec): string[] {
  return secretValues({ ...process.env, ...spec.env, ...spec.server?.env, ...spec.client.env });
}

async function redactFile(path: string, secrets: string[]): Promise<void> {
  if (secrets.length === 0) return;
  const text = await readLog(path);
  const clean = redact(text, secrets);
  if (clean !== text) await writeFile(path, clean);
}

function parseOutputs(
  clientText: string,
  resultJson: string | undefined,
  kind: BenchmarkKind | undefined,
): { kind?: BenchmarkKind; metrics: Metrics; source: 'json' | 'log' | 'none'; truncated?: string } {
  if (resultJson !== undefined) {
    try {
      const parsed = parseResultJson(JSON.parse(resultJson));
      if (Object.keys(parsed.metrics).length > 0) return { ...parsed, source: 'json' };
    } catch {
      // A half-written or foreign file: the printed block decides.
    }
  }
  const parsed = parseBenchmarkOutput(clientText, kind ? { kind } : {});
  const used = parsed.used !== undefined ? parsed.blocks[parsed.used] : undefined;
  // A block cut off mid-print holds some numbers but not the run's: never a success.
  if (used && !used.complete)
    return {
      metrics: {},
      source: 'none',
      truncated: `the only result block (client.log lines ${used.startLine}–${used.endLine}) is cut off`,
    };
  if (Object.keys(parsed.metrics).length > 0)
    return { ...(parsed.kind ? { kind: parsed.kind } : {}), metrics: parsed.metrics, source: 'log' };
  return { metrics: {}, source: 'none' };
}

/**
 * Requests that failed inside a run that still printed its block (vLLM counts only the successful
 * ones): the numbers are real but describe less work than asked for, which the record should say.
 */
export function incompleteRun(metrics: Metrics, resultJson: string | undefined): string[] {
  const warnings: string[] = [];
  const failed = metrics.failed;
  if (typeof failed === 'number' && failed > 0) warnings.push(`${failed} request(s) failed`);
  if (resultJson !== undefined && failed === undefined) {
    try {
      const doc = JSON.parse(resultJson) as { num_prompts?: unknown; completed?: unknown };
      if (typeof doc.num_prompts === 'number' && typeof doc.completed === 'number' && doc.completed < doc.num_prompts) {
        warnings.push(`${doc.num_prompts - doc.completed} of ${doc.num_prompts} requests failed`);
      }
    } catch {
      // Not JSON: nothing to add.
    }
  }
  return warnings;
}

/** What the steps of one sample share: the spec, the executor, the log paths and the server once started. */
interface SampleRun {
  spec: SampleSpec;
  ex: Executor;
  serverLog: string;
  clientLog: string;
  secrets: string[];
  serving: boolean;
  base: Pick<SampleOutcome, 'kind' | 'logs'>;
  seconds: () => number;
  server?: ServerProcess;
}

/** The server's death while the benchmark ran, classified from its log. */
type ServerDeath = { exit: ProcessExit; verdict: Verdict; classifiedAfterS: number };

/** What the benchmark run left: the executor's answer, the server's death if any, and where its result file went. */
interface ClientRun {
  run: OneShotResult;
  serverDied: ServerDeath | undefined;
  clientStarted: number;
  resultFile: string | undefined;
}

export async function runSample(spec: SampleSpec, executor?: Executor): Promise<SampleOutcome> {
  const started = Date.now();
  const ownExecutor = !executor;
  const ex = executor ?? createExecutor(spec);
  const serverLog = join(spec.logDir, 'server.log');
  const clientLog = join(spec.logDir, 'client.log');
  const serving = !!spec.server;
  const logs = serving ? { server: serverLog, client: clientLog } : { client: clientLog };
  const s: SampleRun = {
    spec,
    ex,
    serverLog,
    clientLog,
    secrets: secretsOf(spec),
    serving,
    base: { ...(spec.kind ? { kind: spec.kind } : {}), logs },
    seconds: () => (Date.now() - started) / 1000,
  };
  try {
    // 1. Serving: the server, started and awaited; a server that never answers is the sample's outcome.
    let port: number | undefined;
    let readyAfterS: number | undefined;
    if (spec.server) {
      const up = await startServer(s, spec.server);
      if (!up.ready) return up.outcome;
      port = up.port;
      readyAfterS = up.readyAfterS;
    }
    // 2. The benchmark (or the one offline process), stopped at once if the server dies under it.
    const client = await runClient(s, port);
    // 3. What the run says: a fault, classified, or the metrics.
    const common = { ...(readyAfterS !== undefined ? { readyAfterS } : {}), ...(port !== undefined ? { port } : {}) };
    return await judgeClient(s, client, common);
  } finally {
    await s.server?.stop().catch(() => {});
    if (ownExecutor) await ex.close().catch(() => {});
    await Promise.all([
      redactFile(clientLog, s.secrets),
      serving ? redactFile(serverLog, s.secrets) : Promise.resolve(),
    ]);
  }
}

/** A failed outcome with the verdict's category, its evidence redacted, and the sample's duration. */
function fail(s: SampleRun, v: Verdict, extra: Partial<SampleOutcome> = {}): SampleOutcome {
  return {
    ok: false,
    ...s.base,
    category: v.category,
    ...(v.evidence ? { evidence: redact(v.evidence, s.secrets) } : {}),
    ...(v.fix ? { fix: v.fix } : {}),
    ...extra,
    durationS: s.seconds(),
  };
}

/** Step 1: the server started on a free port and awaited; its failure to answer classified from its log. */
async function startServer(
  s: SampleRun,
  serverSpec: NonNullable<SampleSpec['server']>,
): Promise<{ ready: false; outcome: SampleOutcome } | { ready: true; port: number; readyAfterS: number }> {
  const { spec } = s;
  const port = spec.port ?? (await freePort());
  const server = await s.ex.startServer({
    argv: withEndpoint(serverSpec.argv, LOOPBACK, port),
    ...(serverSpec.env ? { env: serverSpec.env } : {}),
    logFile: s.serverLog,
    ...(spec.signal ? { signal: spec.signal } : {}),
  });
  s.server = server;
  const ready = await waitReady({
    baseUrl: `http://${LOOPBACK}:${port}`,
    timeoutS: spec.timeouts.readyS,
    exited: server.exited,
    ...(spec.signal ? { signal: spec.signal } : {}),
  });
  if (ready.ready) return { ready: true, port, readyAfterS: ready.afterS };
  // Cancellation stops the server too: its exit is then ours, not a fault.
  if (ready.reason === 'aborted' || spec.signal?.aborted) {
    const outcome = fail(
      s,
      { category: 'TRANSIENT_INFRA', evidence: 'cancelled while waiting for the server' },
      { port, aborted: true },
    );
    return { ready: false, outcome };
  }
  if (ready.reason === 'exited' && ready.exit.infra) {
    // The executor lost the server (the Docker engine went away): the runner's fault, retried.
    const outcome = fail(
      s,
      { category: 'TRANSIENT_INFRA', evidence: ready.exit.infra },
      { port, classifiedAfterS: (Date.now() - ready.exit.at) / 1000 },
    );
    return { ready: false, outcome };
  }
  const faultAt = ready.reason === 'exited' ? ready.exit.at : ready.reason === 'timeout' ? ready.at : Date.now();
  const exitCode = ready.reason === 'exited' ? ready.exit.exitCode : null;
  if (ready.reason === 'exited') await server.flushLogs(1000);
  const text = redact(await readLog(s.serverLog), s.secrets);
  const v = classifyFault(text, {
    exitCode,
    timedOut: ready.reason === 'timeout',
    phase: 'server-start',
    fallback: ready.reason === 'timeout' ? 'SERVER_TIMEOUT' : 'SERVER_CRASH',
    allowed: notBenchmarkStage,
  });
  if (ready.reason === 'timeout' && v.category === 'SERVER_TIMEOUT') {
    const why = `not ready after ${spec.timeouts.readyS} s${ready.lastError ? ` (last answer: ${ready.lastError})` : ''}`;
    v.evidence = v.evidence ? `${why}\n${v.evidence}` : why;
  }
  const classifiedAfterS = (Date.now() - faultAt) / 1000;
  return { ready: false, outcome: fail(s, v, { classifiedAfterS, port, ...(exitCode !== null ? { exitCode } : {}) }) };
}

/** Step 2: the benchmark client, watched by the server's exit (classified at once if the server dies first). */
async function runClient(s: SampleRun, port: number | undefined): Promise<ClientRun> {
  const { spec, server } = s;
  const clientArgv =
    s.serving && port !== undefined ? withEndpoint(spec.client.argv, LOOPBACK, port) : [...spec.client.argv];
  const resultFile = resultFileOf(spec.client.argv);
  let serverDied: ServerDeath | undefined;
  let clientDone = false;
  const serverDeath = server
    ? server.exited.then(async (exit) => {
        if (clientDone) return;
        if (exit.infra) {
          serverDied = {
            exit,
            verdict: { category: 'TRANSIENT_INFRA', evidence: exit.infra },
            classifiedAfterS: (Date.now() - exit.at) / 1000,
          };
          return;
        }
        await server.flushLogs(1000);
        const text = redact(await readLog(s.serverLog), s.secrets);
        const verdict = classifyFault(text, {
          exitCode: exit.exitCode,
          timedOut: false,
          phase: 'server-start',
          fallback: 'SERVER_CRASH',
          allowed: notBenchmarkStage,
        });
        serverDied = { exit, verdict, classifiedAfterS: (Date.now() - exit.at) / 1000 };
      })
    : undefined;
  const clientStarted = Date.now();
  const run = await s.ex.runOnce({
    ...(spec.clientImage ? { image: spec.clientImage } : {}),
    argv: clientArgv,
    env: spec.client.env ?? {},
    logFile: s.clientLog,
    timeoutS: spec.timeouts.benchmarkS,
    ...(spec.signal ? { signal: spec.signal } : {}),
    ...(server ? { stopWhen: server.exited } : {}),
    ...(resultFile ? { collect: [resultFile], collectDir: spec.logDir } : {}),
  });
  clientDone = true;
  if (serverDied === undefined && server?.exitedAlready()) await serverDeath;
  // The server's fate as it stood when the client finished.
  return { run, serverDied, clientStarted, resultFile };
}

/** Step 3: the sample's outcome from the client's run: cancelled, lost, a server death, a timeout, a failed exit, no metrics, or success. */
async function judgeClient(
  s: SampleRun,
  client: ClientRun,
  common: { readyAfterS?: number; port?: number },
): Promise<SampleOutcome> {
  const { spec } = s;
  const { run, serverDied, clientStarted, resultFile } = client;
  if (run.aborted || spec.signal?.aborted)
    return fail(
      s,
      { category: 'TRANSIENT_INFRA', evidence: 'cancelled during the benchmark' },
      { ...common, aborted: true },
    );
  // The executor lost the benchmark or the server (the Docker engine went away): neither variant's fault.
  const lost = run.infra ?? (serverDied?.exit.infra ? serverDied.exit.infra : undefined);
  if (lost)
    return fail(
      s,
      { category: 'TRANSIENT_INFRA', evidence: lost },
      { ...common, classifiedAfterS: (Date.now() - run.endedAt) / 1000 },
    );
  if (serverDied) {
    return fail(s, serverDied.verdict, {
      ...common,
      classifiedAfterS: serverDied.classifiedAfterS,
      ...(serverDied.exit.exitCode !== null ? { exitCode: serverDied.exit.exitCode } : {}),
    });
  }
  const clientText = redact(await readLog(s.clientLog), s.secrets);
  const collected = resultFile ? run.files[resultFile] : undefined;
  const resultJson = collected ? await readFile(collected, 'utf8').catch(() => undefined) : undefined;
  const parsed = parseOutputs(clientText, resultJson, spec.kind);
  const kind = spec.kind ?? parsed.kind;
  const withKind = { ...common, ...(kind ? { kind } : {}), ...(collected ? { resultFile: collected } : {}) };

  if (run.timedOut) {
    const faultAt = clientStarted + spec.timeouts.benchmarkS * 1000;
    return fail(
      s,
      { category: 'BENCHMARK_TIMEOUT', evidence: `the benchmark ran past ${spec.timeouts.benchmarkS} s` },
      { ...withKind, classifiedAfterS: (Date.now() - faultAt) / 1000 },
    );
  }
  if (run.exitCode !== 0) {
    const v = classifyFault(clientText, {
      exitCode: run.exitCode,
      timedOut: false,
      phase: 'benchmark',
      fallback: 'BENCHMARK_FAILED',
      // A client that cannot import the engine or hits a dependency clash says so; a server-side category here would be a guess.
      allowed: (c) => CATEGORIES[c].stage !== 'server' && CATEGORIES[c].stage !== 'patch' && c !== 'NO_METRICS',
    });
    return fail(s, v, {
      ...withKind,
      classifiedAfterS: (Date.now() - run.endedAt) / 1000,
      ...(run.exitCode !== null ? { exitCode: run.exitCode } : {}),
    });
  }
  const primary = kind ? primaryMetricFor(kind, parsed.metrics).name : undefined;
  const sanity = checkMetricsSanity(parsed.metrics, primary);
  if (!sanity.ok) {
    const evidence =
      parsed.truncated ??
      (parsed.source === 'none' ? 'the benchmark exited 0 and printed no result block' : sanity.problems.join('; '));
    return fail(
      s,
      { category: 'NO_METRICS', evidence },
      { ...withKind, classifiedAfterS: (Date.now() - run.endedAt) / 1000, exitCode: 0 },
    );
  }
  const warnings = incompleteRun(parsed.metrics, resultJson);
  return {
    ok: true,
    ...s.base,
    ...withKind,
    metrics: parsed.metrics,
    metricsSource: parsed.source,
    ...(warnings.length ? { warnings } : {}),
    durationS: s.seconds(),
  };
}

/** Where a sample's logs go under a results folder (COMMON.md layout). */
export function sampleLogDir(
  resultsDir: string,
  task: string,
  variant: string,
  attempt: number,
  sample: number,
): string {
  return join(resultsDir, task, 'logs', variant, `attempt-${attempt}`, `sample-${sample}`);
}
