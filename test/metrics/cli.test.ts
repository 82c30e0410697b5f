/**
 * `benchsweep parse` and `benchsweep classify`: a few runs as a user runs them (a process, argv,
 * stdout), the rest through runParse / runClassify in-process (each CLI process costs seconds).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { UserError } from '../../src/cli-output.js';
import { runClassify } from '../../src/commands/classify.js';
import { runParse } from '../../src/commands/parse.js';

const METRICS = join(ROOT, 'test/fixtures/metrics');
const CLASSIFY = join(ROOT, 'test/fixtures/classify');

const cli = (args: string[]) => runCli(args, { timeout: 60_000 });

const dir = useTempDir('benchsweep-parse-cli-');

describe('benchsweep parse (process)', () => {
  it('--json prints exactly one document: kind, metrics and the block used', async () => {
    const r = await cli(['parse', join(METRICS, 'truncated-after-complete.txt'), '--json']);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['kind', 'metrics', 'block']);
    expect(doc.kind).toBe('serving');
    expect(doc.metrics.output_throughput).toBe(3220);
    expect(doc.metrics['p99_itl_ms']).toBe(210.66);
    expect(doc.block).toEqual({ startLine: 2, endLine: 22, complete: true, partial: false });
  });

  it('a missing file is a usage error naming the file (exit 2, nothing on stdout)', async () => {
    const missing = join(dir(), 'nope.log');
    const r = await cli(['parse', missing, '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(missing);
  });
});

describe('benchsweep classify (process)', () => {
  it('--json prints exactly the DESIGN.md shape', async () => {
    const r = await cli([
      'classify',
      join(CLASSIFY, 'fa-utils-v1-engine.log'),
      '--exit-code',
      '1',
      '--phase',
      'server-start',
      '--json',
    ]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['action', 'category', 'evidence', 'fix', 'matched', 'retryable', 'stage']);
    expect(doc.matched).toBe(true);
    expect(doc).toMatchObject({
      category: 'BROKEN_BUILD',
      stage: 'environment',
      retryable: false,
      fix: 'restore-fa-utils',
    });
    expect(doc.evidence).toContain('fa_utils');
  });
});

describe('runParse', () => {
  it('--all adds every block', async () => {
    const r = await runParse({ file: join(METRICS, 'three-runs.txt'), all: true });
    expect(r.value.blocks).toHaveLength(3);
    expect(r.value.metrics.output_throughput).toBe(3200.03);
    expect(r.failed).toBeFalsy();
    expect(r.text).toContain('3. serving lines 38-54 complete, 13 metrics (used)');
  });

  it('no block of the asked kind: kind null, empty metrics, failed', async () => {
    const r = await runParse({ file: join(METRICS, 'serving-table-v0.4.txt'), kind: 'latency' });
    expect(r.value).toEqual({ kind: null, metrics: {} });
    expect(r.failed).toBe(true);
  });

  it('reads JSON result files', async () => {
    const r = await runParse({ file: join(METRICS, 'throughput-result.json') });
    expect(r.value).toMatchObject({ kind: 'throughput', metrics: { tokens_per_second: 24521.13 } });
  });

  it('human text marks the primary metric and an incomplete block', async () => {
    const r = await runParse({ file: join(METRICS, 'latency-percentiles.txt') });
    expect(r.text).toMatch(/latency result, lines 4-10/);
    expect(r.text).toMatch(/avg_latency\s+0\.243057258923848\d+\s+<- primary \(lower is better\)/);
    const cut = join(dir(), 'cut.txt');
    await writeFile(
      cut,
      '============ Serving Benchmark Result ============\nOutput token throughput (tok/s):         12.50     \n',
    );
    expect((await runParse({ file: cut })).text).toContain('INCOMPLETE');
  });

  it('rejects an unknown --kind and a missing file with UserError', async () => {
    await expect(runParse({ file: join(METRICS, 'serving-2023.txt'), kind: 'bogus' as never })).rejects.toThrow(
      UserError,
    );
    await expect(runParse({ file: join(dir(), 'absent.txt') })).rejects.toThrow(/absent\.txt/);
  });
});

describe('runClassify', () => {
  it('a hang with --timed-out and no exception', async () => {
    const log = join(dir(), 'hang.log');
    await writeFile(log, 'INFO loading\nINFO capturing graphs\n');
    const r = await runClassify({ file: log, timedOut: true, phase: 'server-start' });
    expect(r.value).toEqual({
      category: 'SERVER_TIMEOUT',
      stage: 'server',
      retryable: false,
      action: expect.any(String),
      evidence: 'INFO loading\nINFO capturing graphs',
      matched: false,
    });
    expect(r.text).toContain('matched: false');
  });

  it('--explain: the rule that decided, the runners-up and the normalised evidence line', async () => {
    const log = join(dir(), 'explain.log');
    await writeFile(
      log,
      [
        '(RayWorkerWrapper pid=4123, ip=10.0.0.2) ESC[36mERROR 05-01 12:00:40 [worker_base.py:382] torch.distributed.DistBackendError: NCCL error in: ../c10d/NCCLUtils.hpp:275, unhandled system error',
        '[rank1]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.ESC[0m',
        'RuntimeError: Engine core initialization failed. See root cause above.',
      ].join('\n') + '\n',
    );
    const r = await runClassify({ file: log, exitCode: 1, phase: 'server-start', explain: true });
    expect(r.value).toMatchObject({ category: 'OOM', matched: true });
    expect(r.value.explain).toMatchObject({
      decidedBy: { signature: 'cuda-oom', category: 'OOM', strength: 'specific', line: 2 },
      normalized: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.',
    });
    expect(r.value.explain!.runnersUp.map((h) => h.signature)).toEqual(['nccl-system-error', 'engine-core-wrapper']);
    expect(r.text).toContain('decided by: cuda-oom → OOM (specific, line 2)');
    expect(r.text).toContain('normalised line: torch.OutOfMemoryError: CUDA out of memory.');
    expect(r.text).toMatch(/runners-up:\n\s+nccl-system-error → TRANSIENT_INFRA \(symptom, line 1\)/);
    // Without --explain the JSON keeps the DESIGN.md shape (plus matched).
    expect((await runClassify({ file: log, exitCode: 1 })).value).not.toHaveProperty('explain');
  });

  it('--explain when nothing matched: the context decides and says how', async () => {
    const log = join(dir(), 'nothing.log');
    await writeFile(log, 'starting\n');
    const r = await runClassify({ file: log, exitCode: 0, phase: 'benchmark', explain: true });
    expect(r.value).toMatchObject({
      category: 'NO_METRICS',
      matched: false,
      explain: { runnersUp: [], context: 'no signature matched: exit code 0 in phase benchmark → NO_METRICS' },
    });
    expect(r.text).toContain('decided by the context: no signature matched');
  });

  it('human text names the signature and the evidence line numbers', async () => {
    const r = await runClassify({ file: join(CLASSIFY, 'port-bind-8791.log') });
    expect(r.text).toContain('KNOWN_VERSION_BUG');
    expect(r.text).toContain('port-bind-8791');
    expect(r.text).toMatch(/\s7 \| OSError: \[Errno 98\] Address already in use/);
  });

  it('rejects a missing file and an unknown phase', async () => {
    await expect(runClassify({ file: join(dir(), 'missing.log') })).rejects.toThrow(/missing\.log/);
    await expect(runClassify({ file: join(CLASSIFY, 'gated-401.log'), phase: 'lunch' as never })).rejects.toThrow(
      UserError,
    );
  });
});
