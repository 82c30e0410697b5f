/**
 * Parse throughput on a generated log: engine noise (periodic stats, access logs, progress bars with
 * carriage returns, warnings) with a serving result block every MiB, ~1 GB by default
 * (BENCH_PARSE_MB overrides). The log is streamed through createMetricsScanner by the log-stream
 * adapter, as `benchsweep parse` does; peak RSS shows the memory stays flat.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFile } from '../src/adapters/log-stream.js';

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

const BLOCK = [
  '============ Serving Benchmark Result ============',
  'Successful requests:                     1000      ',
  'Benchmark duration (s):                  61.24     ',
  'Total input tokens:                      215196    ',
  'Total generated tokens:                  197195    ',
  'Request throughput (req/s):              16.33     ',
  'Output token throughput (tok/s):         3220.00   ',
  'Total Token throughput (tok/s):          6733.96   ',
  '---------------Time to First Token----------------',
  'Mean TTFT (ms):                          1203.11   ',
  'Median TTFT (ms):                        1110.45   ',
  'P99 TTFT (ms):                           3411.07   ',
  '-----Time per Output Token (excl. 1st token)------',
  'Mean TPOT (ms):                          41.22     ',
  'Median TPOT (ms):                        39.87     ',
  'P99 TPOT (ms):                           96.34     ',
  '---------------Inter-token Latency----------------',
  'Mean ITL (ms):                           38.50     ',
  'Median ITL (ms):                         30.12     ',
  'P99 ITL (ms):                            210.66    ',
  '==================================================',
];

/** One MiB of log ending with a result block. */
function unit(): Buffer {
  const lines: string[] = [];
  let size = BLOCK.join('\n').length + 1;
  for (let i = 0; size < MIB; i++) {
    const line = NOISE[i % NOISE.length]!;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  const text = lines.join('\n') + '\n' + BLOCK.join('\n') + '\n';
  return Buffer.from(text);
}

export default async function bench(): Promise<Record<string, number | string>> {
  const mb = Number(process.env['BENCH_PARSE_MB'] ?? 1024);
  const path = join(tmpdir(), `benchsweep-parse-bench-${process.pid}.log`);
  const buf = unit();
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    while (bytes < mb * MIB) bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  try {
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await parseFile(path, { kind: 'auto' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const blocks = result.blocks.length;
    if (result.metrics['output_throughput'] !== 3220 || blocks !== Math.round(bytes / buf.length)) {
      throw new Error(
        `parse bench: wrong result (${blocks} blocks, output_throughput ${result.metrics['output_throughput']})`,
      );
    }
    return {
      parse_mb_per_s: Math.round((bytes / MIB / seconds) * 10) / 10,
      // On a shared machine wall time includes waiting for a core; CPU time does not.
      parse_mb_per_cpu_s: Math.round((bytes / MIB / cpuSeconds) * 10) / 10,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      rss_before_parse_mb: Math.round(rssBefore / MIB),
      bytes,
      blocks,
      seconds: Math.round(seconds * 100) / 100,
    };
  } finally {
    await rm(path, { force: true });
  }
}
