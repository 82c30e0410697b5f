/**
 * Classify throughput on a generated log: engine noise (periodic stats, access logs, progress bars
 * with carriage returns, preemption warnings, worker INFO lines) with the cause of the failure — a
 * CUDA OOM traceback in a worker — in the middle and the V1 wrapper exception at the end, ~1 GB by
 * default (BENCH_CLASSIFY_MB overrides). The file is streamed whole through the classifier by the
 * log-stream adapter, as `benchsweep classify` does (no head/tail window): the OOM must decide.
 * Target: ≥ 200 MB/s.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyFile } from '../src/adapters/log-stream.js';

const MIB = 1024 * 1024;

const NOISE = [
  'INFO 01-07 21:59:25 [loggers.py:118] Engine 000: Avg prompt throughput: 8123.0 tokens/s, Avg generation throughput: 1500.2 tokens/s, Running: 32 reqs, Waiting: 0 reqs, GPU KV cache usage: 12.5%, Prefix cache hit rate: 0.0%',
  'INFO:     127.0.0.1:53422 - "POST /v1/completions HTTP/1.1" 200 OK',
  'INFO:     127.0.0.1:53424 - "POST /v1/completions HTTP/1.1" 200 OK',
  'DEBUG 01-07 21:59:25 [core.py:412] EngineCore waiting for work.',
  ' 42%|████▏     | 420/1000 [00:25<00:35, 16.40it/s]\r 43%|████▎     | 430/1000 [00:26<00:34, 16.41it/s]',
  'WARNING 01-07 21:59:26 [scheduler.py:1560] Sequence group 17 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space.',
  '(VllmWorker rank=0 pid=123) INFO 01-07 21:59:27 [gpu_model_runner.py:1603] Graph capturing finished in 12 secs, took 0.52 GiB',
];

const CAUSE = [
  '(VllmWorker rank=1 pid=124) ERROR 01-07 22:10:00 [multiproc_executor.py:470] WorkerProc hit an exception.',
  '(VllmWorker rank=1 pid=124) Traceback (most recent call last):',
  '(VllmWorker rank=1 pid=124)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_model_runner.py", line 1500, in execute_model',
  '(VllmWorker rank=1 pid=124) torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.10 GiB of which 1.20 GiB is free.',
];
const END = ['RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}'];

/** One MiB of noise. */
function unit(): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < MIB; i++) {
    const line = NOISE[i % NOISE.length]!;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

function lines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

export default async function bench(): Promise<Record<string, number | string>> {
  const mb = Number(process.env['BENCH_CLASSIFY_MB'] ?? 1024);
  const path = join(tmpdir(), `benchsweep-classify-bench-${process.pid}.log`);
  const buf = unit();
  const perUnit = lines(buf);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let units = 0;
  let causeLine = 0;
  try {
    const half = Math.floor(mb / 2);
    while (bytes < mb * MIB) {
      bytes += writeSync(fd, buf);
      units++;
      if (units === half) {
        bytes += writeSync(fd, CAUSE.join('\n') + '\n');
        causeLine = units * perUnit + CAUSE.length;
      }
    }
    bytes += writeSync(fd, END.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  try {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const c = await classifyFile(path, { exitCode: 1, phase: 'server-start' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (c.category !== 'OOM' || c.evidenceLines[c.evidenceLines.length - 1] !== causeLine) {
      throw new Error(
        `classify bench: wrong result ${c.category} ${c.signature} at ${c.evidenceLines.join(',')} (cause on line ${causeLine})`,
      );
    }
    return {
      classify_mb_per_s: Math.round((bytes / MIB / seconds) * 10) / 10,
      // On a shared machine wall time includes waiting for a core; CPU time does not.
      classify_mb_per_cpu_s: Math.round((bytes / MIB / cpuSeconds) * 10) / 10,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      bytes,
      decided_by: `${c.signature} (line ${causeLine})`,
      runner_up: c.explain.runnersUp[0]?.signature ?? '',
      seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await rm(path, { force: true });
  }
}
