/**
 * Hostile inputs against real processes: a fake `docker` and `python3` first on a PATH that a
 * dataset asks for (they must never run), and a child printing HF_TOKEN that is SIGKILLed (or
 * whose runner is SIGKILLed) mid-line, after which no token may be on disk.
 */
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../src/adapters/base-image.js';
import { createDockerExecutor } from '../../src/adapters/executor-docker.js';
import { createHostExecutor } from '../../src/adapters/executor-host.js';
import { runCli, ROOT } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('benchsweep-security-');
const TOKEN = 'hf_SecretTokenValue0123456789abcdef';
const PRINTER = join(ROOT, 'test/fixtures/security/token-printer.py');
const THROUGHPUT = 'benchmarks/benchmark_throughput.py --model facebook/opt-125m --input-len 32 --output-len 32';

let evil: string;
let markers: string;

/** A `docker` and a `python3` that record that they ran (and the token they could read). */
beforeAll(async () => {
  evil = join(tmp(), 'evil-bin');
  markers = join(tmp(), 'markers');
  await mkdir(evil, { recursive: true });
  await mkdir(markers, { recursive: true });
  for (const name of ['docker', 'python3', 'python']) {
    const path = join(evil, name);
    await writeFile(path, `#!/bin/sh\necho "$HF_TOKEN" > '${markers}/ran-${name}'\nexit 0\n`);
    await chmod(path, 0o755);
  }
});

const ranFakes = async () => (await readdir(markers)).sort();

/** Every occurrence on disk under `dir` of the token or a long piece of it. */
async function tokenPiecesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const pieces = [TOKEN, TOKEN.slice(0, 8), TOKEN.slice(5), TOKEN.slice(-12)];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const text = await readFile(p, 'latin1');
        for (const piece of pieces) if (text.includes(piece)) found.push(`${p}: ${piece}`);
      }
    }
  };
  await walk(dir);
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('environment assignments from a dataset never reach a host process', () => {
  it('plan refuses PATH=<fake bin> as INVALID_COMMAND, and run writes that record without starting anything', async () => {
    const dataset = join(tmp(), 'hostile.jsonl');
    const rows = [
      {
        commit_hash: 'abcdef0123456789abcdef0123456789abcdef01',
        parent_commit: '0123456789abcdef0123456789abcdef01234567',
        perf_command: `PATH=${evil}:/usr/bin python3 ${THROUGHPUT}`,
      },
      {
        commit_hash: 'bbcdef0123456789abcdef0123456789abcdef01',
        parent_commit: '1123456789abcdef0123456789abcdef01234567',
        perf_command: `LD_PRELOAD=/tmp/x.so DOCKER_HOST=tcp://127.0.0.1:9 python3 ${THROUGHPUT}`,
      },
    ];
    await writeFile(dataset, rows.map((r) => JSON.stringify(r)).join('\n'));
    const plan = await runCli(['plan', '--dataset', dataset, '--json'], { env: { HF_TOKEN: TOKEN } });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const tasks = (
      JSON.parse(plan.stdout) as { tasks: Array<{ id: string; runnable: boolean; category?: string; reason?: string }> }
    ).tasks;
    expect(tasks.map((t) => [t.runnable, t.category])).toEqual([
      [false, 'INVALID_COMMAND'],
      [false, 'INVALID_COMMAND'],
    ]);
    expect(tasks[0]!.reason).toMatch(/PATH/);
    expect(tasks[1]!.reason).toMatch(/LD_PRELOAD.*DOCKER_HOST/);

    const results = join(tmp(), 'hostile-results');
    const run = await runCli(
      [
        'run',
        '--dataset',
        dataset,
        '--executor',
        'host',
        '--repo',
        tmp(),
        '--results',
        results,
        '--cache',
        join(tmp(), 'cache'),
        '--json',
      ],
      {
        env: { HF_TOKEN: TOKEN },
      },
    );
    expect(run.exitCode, run.stderr).not.toBe(2);
    const record = JSON.parse(await readFile(join(results, 'abcdef01', 'baseline.attempt-1.json'), 'utf8')) as {
      category: string;
      evidence: string;
    };
    expect(record.category).toBe('INVALID_COMMAND');
    expect(record.evidence).toMatch(/PATH/);
    expect(await ranFakes()).toEqual([]);
  }, 180_000);

  it('the host executor drops PATH, LD_* and PYTHON* from a spec and runs the real python3', async () => {
    const ex = createHostExecutor({});
    const logFile = join(tmp(), 'host-env', 'client.log');
    const r = await ex.runOnce({
      argv: [
        'python3',
        '-c',
        'import os; print("real python", os.environ.get("LD_PRELOAD"), os.environ.get("VLLM_USE_V1"))',
      ],
      env: {
        PATH: `${evil}:/usr/bin:/bin`,
        LD_PRELOAD: '/nonexistent/evil.so',
        PYTHONSTARTUP: join(evil, 'python3'),
        VLLM_USE_V1: '1',
      },
      logFile,
      timeoutS: 30,
    });
    await ex.close();
    expect(r.exitCode).toBe(0);
    expect(await readFile(logFile, 'utf8')).toContain('real python None 1');
    expect(await ranFakes()).toEqual([]);
  });

  it('the docker executor keeps the spec out of the docker CLI’s environment and passes only allowed names into the container', async () => {
    const image = await ensureBaseImage();
    const logs: string[] = [];
    const ex = createDockerExecutor({ image, env: { HF_TOKEN: TOKEN }, log: (l) => logs.push(l) });
    const logFile = join(tmp(), 'docker-env', 'client.log');
    const r = await ex.runOnce({
      argv: [
        'python3',
        '-c',
        'import os; print("in container", os.environ.get("VLLM_USE_V1"), os.environ.get("DOCKER_HOST"), len(os.environ["HF_TOKEN"]))',
      ],
      env: { PATH: `${evil}:/usr/bin:/bin`, DOCKER_HOST: 'tcp://127.0.0.1:9', DOCKER_CONFIG: evil, VLLM_USE_V1: '1' },
      logFile,
      timeoutS: 60,
    });
    await ex.close();
    expect(r.exitCode, await readFile(logFile, 'utf8')).toBe(0);
    expect(await readFile(logFile, 'utf8')).toContain(`in container 1 None ${TOKEN.length}`);
    expect(logs.join('\n')).toMatch(/not passed to the container.*PATH, DOCKER_HOST, DOCKER_CONFIG/);
    expect(await ranFakes()).toEqual([]);
  }, 180_000);
});

describe('no secret on disk, whenever a process is killed', () => {
  it('a child SIGKILLed between the halves of a token leaves neither half', async () => {
    const dir = join(tmp(), 'child-kill');
    const logFile = join(dir, 'server.log');
    const ex = createHostExecutor({ env: { HF_TOKEN: TOKEN } });
    const server = await ex.startServer({ argv: ['python3', PRINTER], logFile });
    const pid = await waitFor('the printer', async () => {
      const text = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
      const m = /pid=(\d+)/.exec(text);
      return m && /line 5 /.test(text) ? Number(m[1]) : undefined;
    });
    // Kill it at several moments: at least one lands between the two halves of a line.
    await new Promise((r) => setTimeout(r, 17));
    process.kill(pid, 'SIGKILL');
    const exit = await server.exited;
    expect(exit.signal).toBe('SIGKILL');
    await server.stop();
    await ex.close();
    const text = await readFile(logFile, 'utf8');
    expect(text).toMatch(/line \d+ token=\*\*\* end/);
    expect(text).toMatch(/err \d+ \*\*\*/);
    expect(await tokenPiecesUnder(dir)).toEqual([]);
  }, 60_000);

  it('the runner SIGKILLed mid-log leaves no token on disk (nothing is written raw and redacted later)', async () => {
    const dir = join(tmp(), 'runner-kill');
    const logFile = join(dir, 'server.log');
    for (const delay of [0, 23, 41]) {
      const runner = execa('node', ['--import', 'tsx', 'test/fixtures/security/stream-runner.ts', logFile, PRINTER], {
        cwd: ROOT,
        reject: false,
        env: { HF_TOKEN: TOKEN },
      });
      const pid = await waitFor('the printer', async () => {
        const text = existsSync(logFile) ? await readFile(logFile, 'utf8') : '';
        const m = /pid=(\d+)/.exec(text);
        return m && /line 3 /.test(text) ? Number(m[1]) : undefined;
      });
      await new Promise((r) => setTimeout(r, delay));
      runner.kill('SIGKILL');
      await runner;
      // The printer loses its reader and dies on its next write; make sure it is gone.
      for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      expect(await tokenPiecesUnder(dir), `killed ${delay} ms after line 3`).toEqual([]);
      expect(await readFile(logFile, 'utf8')).toMatch(/token=\*\*\* end/);
    }
  }, 120_000);

  it('a new attempt never appends to an old log', async () => {
    const logFile = join(tmp(), 'rerun', 'client.log');
    await mkdir(join(tmp(), 'rerun'), { recursive: true });
    await writeFile(logFile, `OLD ATTEMPT ${TOKEN}\n`);
    const ex = createHostExecutor({});
    const r = await ex.runOnce({ argv: ['python3', '-c', 'print("new attempt")'], logFile, timeoutS: 30 });
    await ex.close();
    expect(r.exitCode).toBe(0);
    expect(await readFile(logFile, 'utf8')).toBe('new attempt\n');
  });

  it('a benchmark container keeps no daemon-side log (the only copy is the redacted one)', async () => {
    const image = await ensureBaseImage();
    const nonce = `nonce-client-${process.pid}-${Date.now()}`;
    const ex = createDockerExecutor({ image, env: { HF_TOKEN: TOKEN } });
    const logFile = join(tmp(), 'client-driver', 'client.log');
    const running = ex.runOnce({
      argv: ['python3', '-c', `# ${nonce}\nimport os, time\nprint(os.environ["HF_TOKEN"], flush=True)\ntime.sleep(3)`],
      logFile,
      timeoutS: 60,
    });
    const container = await waitFor('the client container', async () => {
      const ps = await execa('docker', [
        'ps',
        '--no-trunc',
        '--filter',
        'label=benchsweep=1',
        '--format',
        '{{.ID}} {{.Command}}',
      ]);
      return ps.stdout
        .split('\n')
        .find((l) => l.includes(nonce))
        ?.split(' ')[0];
    });
    const driver = await execa('docker', ['inspect', '-f', '{{.HostConfig.LogConfig.Type}}', container]);
    expect(driver.stdout.trim()).toBe('none');
    expect((await running).exitCode).toBe(0);
    await ex.close();
    expect(await readFile(logFile, 'utf8')).toBe('***\n');
  }, 120_000);

  it('a container killed between the halves of a token leaves neither half in server.log', async () => {
    const image = await ensureBaseImage();
    const dir = join(tmp(), 'container-kill');
    const logFile = join(dir, 'server.log');
    const script = await readFile(PRINTER, 'utf8');
    const ex = createDockerExecutor({ image, env: { HF_TOKEN: TOKEN } });
    // A nonce in the command finds this test's own container (and no other helper's).
    const nonce = `nonce-${process.pid}-${Date.now()}`;
    const server = await ex.startServer({ argv: ['python3', '-c', `# ${nonce}\n${script}`], logFile });
    await waitFor(
      'the printer',
      async () => ((existsSync(logFile) ? await readFile(logFile, 'utf8') : '').includes('line 5 ') ? true : undefined),
      60_000,
    );
    const ps = await execa('docker', [
      'ps',
      '--no-trunc',
      '--filter',
      'label=benchsweep=1',
      '--format',
      '{{.ID}} {{.Command}}',
    ]);
    const container = ps.stdout
      .split('\n')
      .find((l) => l.includes(nonce))
      ?.split(' ')[0];
    expect(container).toBeDefined();
    await new Promise((r) => setTimeout(r, 13));
    await execa('docker', ['kill', container!]);
    await server.exited;
    await server.flushLogs(3000);
    await server.stop();
    await ex.close();
    expect(await readFile(logFile, 'utf8')).toMatch(/token=\*\*\* end/);
    expect(await tokenPiecesUnder(dir)).toEqual([]);
  }, 180_000);
});
