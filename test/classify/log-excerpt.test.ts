import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { UserError } from '../../src/cli-output.js';
import { classifyFile, parseFile, streamFile } from '../../src/adapters/log-stream.js';

const dir = useTempDir('benchsweep-log-stream-');

describe('classifyFile (streams the whole log)', () => {
  it('a long log: the version printed first, the cause in the middle, true line numbers', async () => {
    const lines = ['INFO 11-20 08:00:01 api_server.py:585] vLLM API server version 0.6.4.post2.dev375+g25ebed2f'];
    for (let i = 2; i <= 20_000; i++)
      lines.push(`INFO:     127.0.0.1:5000 - "POST /v1/completions HTTP/1.1" 200 OK (${i})`);
    lines.push('OSError: [Errno 98] Address already in use');
    // More than the classifier's whole-read tail after the cause: found by its needle, not by a window.
    for (let i = 0; i < 8_000; i++) lines.push(`INFO:     127.0.0.1:5000 - "GET /metrics HTTP/1.1" 200 OK (${i})`);
    const path = join(dir(), 'long.log');
    await writeFile(path, lines.join('\n') + '\n');
    const c = await classifyFile(path, { exitCode: 1 });
    expect(c).toMatchObject({ category: 'KNOWN_VERSION_BUG', evidenceLines: [1, 20_001], matched: true });
    expect(c.explain.engineVersion).toEqual({ value: '0.6.4.post2.dev375+g25ebed2f', from: 'log' });
    expect(c.bytes).toBeGreaterThan(1_000_000);
  });

  it('nothing matched: the context decides, the evidence is the last lines with their numbers', async () => {
    const path = join(dir(), 'short.log');
    await writeFile(path, 'a\nb\n\nc\n');
    const c = await classifyFile(path, { exitCode: 0, phase: 'benchmark' });
    expect(c).toMatchObject({ category: 'NO_METRICS', matched: false, evidence: 'a\nb\nc', evidenceLines: [1, 2, 4] });
  });

  it('a missing file or a directory is a UserError naming it', async () => {
    await expect(classifyFile(join(dir(), 'none.log'))).rejects.toThrow(UserError);
    await expect(streamFile(dir(), () => {})).rejects.toThrow(/not a file/);
  });
});

describe('parseFile', () => {
  it('streams bytes in small chunks with multi-byte characters split across them', async () => {
    const block = [
      '█'.repeat(50) + '\r' + '============ Serving Benchmark Result ============',
      'Successful requests:                     10        ',
      'Output token throughput (tok/s):         123.45    ',
      '==================================================',
    ].join('\n');
    const path = join(dir(), 'block.log');
    await writeFile(path, 'é\n'.repeat(10) + block + '\n');
    const { streamFileBytes } = await import('../../src/adapters/log-stream.js');
    let chunks = 0;
    await streamFileBytes(path, () => chunks++, 7);
    expect(chunks).toBeGreaterThan(10);
    const r = await parseFile(path);
    expect(r).toMatchObject({ kind: 'serving', metrics: { completed: 10, output_throughput: 123.45 } });
    expect(r.blocks[0]).toMatchObject({ startLine: 11, endLine: 14, complete: true });
  });
});
