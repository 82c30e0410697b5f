import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { gpusFlag, parseDockerTime } from '../../src/adapters/executor-docker.js';
import { parseGpuMemory, waitGpuMemoryReleased, type ProcessExit } from '../../src/adapters/executor.js';
import { imageTagForKey } from '../../src/adapters/builder.js';
import { freePort, occupyPort } from '../../src/adapters/ports.js';
import { waitReady } from '../../src/adapters/readiness.js';
import {
  paramsFromModelName,
  readinessTimeoutS,
  READINESS_DEFAULT_S,
  READINESS_MAX_S,
} from '../../src/core/readiness-timeout.js';
import { incompleteRun, resultFileOf, withEndpoint } from '../../src/run/run-sample.js';

describe('withEndpoint', () => {
  it("replaces every form of --host/--port/--base-url and appends the runner's", () => {
    expect(
      withEndpoint(
        [
          'python3',
          'b.py',
          '--host',
          '0.0.0.0',
          '--model',
          'm',
          '--port=8000',
          '--base-url',
          'http://x:1',
          '--seed',
          '0',
        ],
        '127.0.0.1',
        4242,
      ),
    ).toEqual(['python3', 'b.py', '--model', 'm', '--seed', '0', '--host', '127.0.0.1', '--port', '4242']);
  });
  it('keeps an argv without endpoint flags in order', () => {
    expect(withEndpoint(['vllm', 'serve', 'm', '-tp', '2'], '127.0.0.1', 1)).toEqual([
      'vllm',
      'serve',
      'm',
      '-tp',
      '2',
      '--host',
      '127.0.0.1',
      '--port',
      '1',
    ]);
  });
});

describe('resultFileOf', () => {
  it('finds the serving result file only when --save-result names it', () => {
    expect(resultFileOf(['--save-result', '--result-dir', 'out/', '--result-filename', 'r.json'])).toBe('out/r.json');
    expect(resultFileOf(['--save-result', '--result-filename=r.json'])).toBe('r.json');
    expect(resultFileOf(['--result-filename', 'r.json'])).toBeUndefined();
    expect(resultFileOf(['--save-result'])).toBeUndefined();
  });
  it('finds --output-json of the offline benchmarks', () => {
    expect(resultFileOf(['benchmark_latency.py', '--output-json', '/tmp/l.json'])).toBe('/tmp/l.json');
  });
});

describe('readiness timeout', () => {
  it('grows with model size and is bounded', () => {
    expect(readinessTimeoutS()).toBe(READINESS_DEFAULT_S);
    expect(readinessTimeoutS(1)).toBeLessThan(readinessTimeoutS(8));
    expect(readinessTimeoutS(8)).toBeLessThan(readinessTimeoutS(70));
    expect(readinessTimeoutS(100_000)).toBe(READINESS_MAX_S);
  });
  it('reads the parameter count from model names', () => {
    expect(paramsFromModelName('meta-llama/Llama-3.1-70B-Instruct')).toBe(70);
    expect(paramsFromModelName('Qwen/Qwen3-0.6B')).toBe(0.6);
    expect(paramsFromModelName('mistralai/Mixtral-8x7B-Instruct-v0.1')).toBe(56);
    expect(paramsFromModelName('facebook/opt-125m')).toBeUndefined();
  });
});

describe('docker and GPU helpers', () => {
  it('quotes a device list for --gpus and omits it without GPUs', () => {
    expect(gpusFlag([0, 1])).toEqual(['--gpus', '"device=0,1"']);
    expect(gpusFlag([])).toEqual([]);
  });
  it('reads docker timestamps with nanoseconds', () => {
    expect(parseDockerTime('2026-11-28T20:14:00.123456789Z')).toBe(Date.UTC(2026, 10, 28, 20, 14, 0, 123));
    expect(parseDockerTime('0001-01-01T00:00:00Z')).toBeUndefined();
  });
  it('parses nvidia-smi memory lines', () => {
    expect([...parseGpuMemory('0, 81000\n1, 3\n')]).toEqual([
      [0, 81000],
      [1, 3],
    ]);
  });
  it('skips the GPU memory wait without GPUs', async () => {
    expect(await waitGpuMemoryReleased([])).toBe('skipped');
  });
  it('names images by their artifact key, docker-safe', () => {
    expect(imageTagForKey('benchsweep/artifact', 'Demo_ded9cebbda5f+p1/x')).toBe(
      'benchsweep/artifact:demo_ded9cebbda5f-p1-x',
    );
    expect(imageTagForKey('r', 'k'.repeat(200)).length).toBe('r:'.length + 128);
  });
});

async function httpServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, server };
}

describe('waitReady', () => {
  it('is ready once /health and then /v1/models answer', async () => {
    let healthCalls = 0;
    const { url, server } = await httpServer((req, res) => {
      if (req.url === '/health') {
        healthCalls++;
        res.statusCode = healthCalls < 3 ? 503 : 200;
        res.end();
      } else if (req.url === '/v1/models') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'demo-model' }] }));
      } else res.end();
    });
    try {
      const r = await waitReady({ baseUrl: url, timeoutS: 10 });
      expect(r).toMatchObject({ ready: true, models: ['demo-model'] });
      expect(healthCalls).toBe(3);
    } finally {
      server.close();
    }
  });

  it('stops at once when the server process exits', async () => {
    const port = await freePort();
    let exit!: (e: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((r) => (exit = r));
    setTimeout(() => exit({ exitCode: 1, at: Date.now() }), 300);
    const started = Date.now();
    const r = await waitReady({ baseUrl: `http://127.0.0.1:${port}`, timeoutS: 60, exited });
    expect(r).toMatchObject({ ready: false, reason: 'exited' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out when /v1/models never lists a model', async () => {
    const { url, server } = await httpServer((req, res) => {
      res.statusCode = 200;
      res.end(req.url === '/v1/models' ? JSON.stringify({ data: [] }) : '');
    });
    try {
      const r = await waitReady({ baseUrl: url, timeoutS: 1 });
      expect(r).toMatchObject({ ready: false, reason: 'timeout', lastError: '/v1/models listed no model' });
    } finally {
      server.close();
    }
  });
});

describe('ports', () => {
  it('gives a port that can be bound, and a held port cannot be taken twice', async () => {
    const port = await freePort();
    const held = await occupyPort(port);
    try {
      expect(held.port).toBe(port);
      await expect(occupyPort(port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await held.release();
    }
  });
});

describe('incompleteRun', () => {
  it('warns when requests failed, from the failed count or the JSON result file', () => {
    expect(incompleteRun({ completed: 14, failed: 2 }, undefined)).toEqual(['2 request(s) failed']);
    expect(incompleteRun({ completed: 14 }, JSON.stringify({ num_prompts: 16, completed: 14 }))).toEqual([
      '2 of 16 requests failed',
    ]);
    expect(incompleteRun({ completed: 16, failed: 0 }, JSON.stringify({ num_prompts: 16, completed: 16 }))).toEqual([]);
  });
});
