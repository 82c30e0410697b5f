import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStreamed } from '../../src/adapters/streamed-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runStreamed: a long process is never silent', () => {
  it('appends output to the log as it arrives, echoes it, and beats while the process is quiet', async () => {
    const logFile = join(dir, 'build.log');
    await writeFile(logFile, '# header written before the build\n');
    const lines: Array<{ at: number; line: string }> = [];
    const t0 = Date.now();
    let seenMidway = '';
    const r = await runStreamed(
      'sh',
      ['-c', 'echo "Step 1/2 : ADD src.tar /opt"; sleep 1; echo "Step 2/2 : RUN build.sh" >&2; sleep 1; exit 3'],
      {
        what: 'build demo:abc123',
        logFile,
        heartbeatS: 0.25,
        log: (line) => {
          lines.push({ at: Date.now() - t0, line });
          // Midway the log file already holds the first step (streamed, not written at the end).
          if (line.includes('still running') && !seenMidway)
            void readFile(logFile, 'utf8').then((t) => (seenMidway = t));
        },
      },
    );
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.all).toBe('Step 1/2 : ADD src.tar /opt\nStep 2/2 : RUN build.sh');
    expect(await readFile(logFile, 'utf8')).toBe(
      '# header written before the build\nStep 1/2 : ADD src.tar /opt\nStep 2/2 : RUN build.sh\n',
    );
    expect(seenMidway).toContain('Step 1/2');
    expect(lines.map((l) => l.line)).toContain('  Step 1/2 : ADD src.tar /opt');
    expect(lines.map((l) => l.line)).toContain('  Step 2/2 : RUN build.sh');
    const beats = lines.filter((l) => l.line.startsWith('build demo:abc123: still running, '));
    expect(r.heartbeats).toBe(beats.length);
    expect(beats.length).toBeGreaterThanOrEqual(5);
    expect(beats.at(-1)!.line).toMatch(
      /^build demo:abc123: still running, \ds elapsed \(last: Step 2\/2 : RUN build.sh\)$/,
    );
    // No gap between two messages is longer than the heartbeat interval (plus scheduling slack).
    const gaps = lines.slice(1).map((l, i) => l.at - lines[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1000);
  });

  it('a timeout kills the process and says so', async () => {
    const r = await runStreamed('sh', ['-c', 'echo started; sleep 5'], {
      what: 'x',
      heartbeatS: 10,
      execa: { timeout: 300, killSignal: 'SIGKILL' },
    });
    expect(r.timedOut).toBe(true);
    expect(r.all).toContain('started');
  });
});
