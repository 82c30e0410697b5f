import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp-dir.js';
import { UserError } from '../../src/cli-output.js';
import { parseFile, readLogForClassify, streamFile } from '../../src/adapters/log-stream.js';
import { classifyLines } from '../../src/core/classify.js';

const dir = useTempDir('benchsweep-log-stream-');

describe('readLogForClassify', () => {
  it('a long log: head and tail are read, the lines between are counted, line numbers stay true', async () => {
    const lines = ['INFO 11-20 08:00:01 api_server.py:585] vLLM API server version 0.6.4.post2.dev375+g25ebed2f'];
    for (let i = 2; i <= 5000; i++) lines.push(`INFO:     127.0.0.1:5000 - "POST /v1/completions HTTP/1.1" 200 OK (${i})`);
    lines.push('OSError: [Errno 98] Address already in use');
    const path = join(dir(), 'long.log');
    await writeFile(path, lines.join('\n') + '\n');
    const excerpt = await readLogForClassify(path, { whole: 10_000, head: 4096, tail: 4096 });
    expect(excerpt.cut).toBe(true);
    expect(excerpt.text.length).toBeLessThan(9000);
    const textLines = excerpt.text.split('\n');
    const number = (i: number) => (i < excerpt.headLines ? i + 1 : excerpt.tailFirstLine + (i - excerpt.headLines));
    const c = classifyLines(textLines, { exitCode: 1 }, number);
    // The version printed in the head and the error at the very end: the known bug, with true line numbers.
    expect(c).toMatchObject({ category: 'KNOWN_VERSION_BUG', evidenceLines: [1, 5001] });
    const idx = textLines.findIndex((l) => l.endsWith('(4990)'));
    expect(number(idx)).toBe(4990);
  });

  it('a short log is read whole', async () => {
    const path = join(dir(), 'short.log');
    await writeFile(path, 'a\nb\n');
    expect(await readLogForClassify(path)).toEqual({ text: 'a\nb\n', tailFirstLine: 1, headLines: 0, cut: false });
  });

  it('a missing file or a directory is a UserError naming it', async () => {
    await expect(readLogForClassify(join(dir(), 'none.log'))).rejects.toThrow(UserError);
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
