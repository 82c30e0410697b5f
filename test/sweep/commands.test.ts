import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/cli-output.js';
import { renderRecordsText, runRun } from '../../src/commands/run.js';
import type { ResultRecord } from '../../src/core/schemas.js';

describe('benchsweep run (options)', () => {
  it('refuses unknown variants, executors and bad repeat counts before running anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-cmd-'));
    const dataset = join(dir, 'd.jsonl');
    await writeFile(dataset, '');
    await expect(runRun({ dataset, results: dir, variants: ['baseline', 'robot'] })).rejects.toThrow(UserError);
    await expect(runRun({ dataset, results: dir, repeats: 0 })).rejects.toThrow(/--repeats/);
    await expect(runRun({ dataset, results: dir, executor: 'k8s' as 'docker' })).rejects.toThrow(/--executor/);
  });

  it('an empty dataset is an error naming the file, never a green empty run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'run-cmd-'));
    const dataset = join(dir, 'd.jsonl');
    await writeFile(dataset, '');
    await expect(runRun({ dataset, results: join(dir, 'out'), cache: join(dir, 'cache') })).rejects.toThrow(dataset);
  });

  it('text output: one line per record with the metric or the category and the log', () => {
    const records: ResultRecord[] = [
      {
        task: 't1',
        variant: 'human',
        attempt: 1,
        status: 'success',
        primary_metric: 'output_throughput',
        metrics: { output_throughput: 12.5 },
        samples: [{}, {}],
        caveats: [],
        log: 't1/logs/human/attempt-1/sample-2/client.log',
      },
      {
        task: 't1',
        variant: 'agent',
        attempt: 2,
        status: 'failed',
        category: 'SERVER_CRASH',
        evidence: 'RuntimeError: boom\nmore',
        metrics: {},
        samples: [],
        caveats: [],
      },
    ];
    const text = renderRecordsText(records, '/r');
    expect(text).toContain('t1  human    attempt 1  success  output_throughput=12.5 (median of 2)');
    expect(text).toContain('t1  agent    attempt 2  failed   SERVER_CRASH: RuntimeError: boom');
    expect(text).toContain('2 records (1 success) in /r');
  });
});
