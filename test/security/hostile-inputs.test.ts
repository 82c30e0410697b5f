/**
 * Hostile dataset rows, as data (no processes): environment assignments, task ids, workflow
 * commands hidden in text, datasets with no valid row, and secrets that are not secrets.
 */
import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../../src/core/argv/client-argv.js';
import { formatDatasetError, noValidRowError, parseDataset } from '../../src/core/dataset/dataset.js';
import { parsePerfCommand } from '../../src/core/dataset/perf-command.js';
import { preflightTask } from '../../src/core/preflight/preflight.js';
import {
  createStreamRedactor,
  defuseWorkflowCommands,
  escapeWorkflowText,
  findSecrets,
  redact,
  redactDeep,
  secretValues,
} from '../../src/core/redact.js';
import {
  ENV_ALLOWED,
  ENV_REFUSED,
  envRefusal,
  isExecutorDroppedEnv,
  refusedEnv,
} from '../../src/core/preflight/rules/env-allowlist.js';
import { isSafeTaskId } from '../../src/core/task.js';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const THROUGHPUT =
  'python3 benchmarks/benchmark_throughput.py --model facebook/opt-125m --input-len 32 --output-len 32';
const row = (extra: Record<string, unknown>) =>
  JSON.stringify({ commit_hash: SHA, perf_command: THROUGHPUT, ...extra });

describe('environment assignments from a dataset', () => {
  it('every allowlist and refusal row has a reason and a source, and no name is both', () => {
    for (const r of ENV_ALLOWED) {
      expect(r.reason.length, r.name).toBeGreaterThan(10);
      expect(r.source, r.name).toMatch(
        /^(data\/isobench-vllm\.jsonl|seeds\/\d{3}_[0-9a-f]+\.txt|vllm#\d+|vllm\/envs\.py|[a-z0-9.-]+\.[a-z]{2,}\/\S*)$/,
      );
      expect(
        ENV_REFUSED.some((x) => x.pattern.test(r.name)),
        `${r.name} is allowed and refused`,
      ).toBe(false);
    }
    for (const r of ENV_REFUSED) expect(r.source.length, String(r.pattern)).toBeGreaterThan(5);
  });

  it('allows the assignments the real dataset makes', () => {
    expect(refusedEnv({ VLLM_USE_V1: '1', VLLM_ATTENTION_BACKEND: 'FLASHINFER' })).toEqual([]);
  });

  it.each([
    ['PATH', /chooses which program runs/],
    ['LD_PRELOAD', /libraries/],
    ['LD_LIBRARY_PATH', /libraries/],
    ['PYTHONPATH', /Python code/],
    ['PYTHONSTARTUP', /Python code/],
    ['DOCKER_HOST', /docker CLI/],
    ['NODE_OPTIONS', /Node\.js/],
    ['HTTPS_PROXY', /through another host/],
    ['http_proxy', /through another host/],
    ['HF_ENDPOINT', /redirects model downloads/],
    ['HF_TOKEN', /credentials/],
    ['CUDA_VISIBLE_DEVICES', /assigns the GPUs/],
    ['VLLM_PLUGINS', /loads code/],
    ['BASH_ENV', /shell/],
    ['SOME_NEW_KNOB', /not in the allowlist/],
  ])('refuses %s', (name, why) => {
    expect(envRefusal(name)?.reason).toMatch(why);
  });

  it('the plan refuses such a row as INVALID_COMMAND, naming the variable', () => {
    const { tasks } = parseDataset(
      row({ perf_command: `PATH=/tmp/evil:/usr/bin LD_PRELOAD=/tmp/evil.so ${THROUGHPUT}` }),
      'd.jsonl',
    );
    const r = preflightTask(tasks[0]!, { maxGpus: 8, gpuMemoryGiB: 80 });
    expect(r.runnable).toBe(false);
    expect(r.category).toBe('INVALID_COMMAND');
    expect(r.findings.find((f) => f.rule === 'env-assignments')?.reason).toMatch(/PATH .*LD_PRELOAD/);
  });

  it('run refuses it too: the workload is never built', () => {
    const built = buildWorkload(parsePerfCommand(`DOCKER_HOST=tcp://evil:2375 ${THROUGHPUT}`));
    expect(built.ok).toBe(false);
    expect(!built.ok && built.reason).toMatch(/DOCKER_HOST/);
    const ok = buildWorkload(parsePerfCommand(`VLLM_USE_V1=1 ${THROUGHPUT}`));
    expect(ok.ok && ok.workload.client.env).toEqual({ VLLM_USE_V1: '1' });
  });

  it('the executors drop the dangerous names whoever built the spec', () => {
    for (const name of [
      'PATH',
      'LD_PRELOAD',
      'PYTHONPATH',
      'DOCKER_HOST',
      'NODE_OPTIONS',
      'HTTPS_PROXY',
      'HF_ENDPOINT',
    ])
      expect(isExecutorDroppedEnv(name), name).toBe(true);
    for (const name of ['VLLM_USE_V1', 'DEMO_FAULT']) expect(isExecutorDroppedEnv(name), name).toBe(false);
  });
});

describe('task ids', () => {
  it('accepts hashes and safe ids', () => {
    const d = parseDataset([row({}), row({ commit_hash: 'ABCDEF0', id: 'task-1.v2_b' })].join('\n'), 'd.jsonl');
    expect(d.errors).toEqual([]);
    expect(d.tasks.map((t) => t.id)).toEqual(['abcdef01', 'task-1.v2_b']);
  });

  it.each([
    ['a commit hash that is a path', { commit_hash: '../../..' }, 'commit_hash'],
    ['an id that climbs out of --results', { id: '../../etc' }, 'id'],
    ['an id "."', { id: '.' }, 'id'],
    ['an id ".."', { id: '..' }, 'id'],
    ['an id with a slash', { id: 'a/b' }, 'id'],
    ['an id with a newline and a workflow command', { id: 'x\n::error::pwned' }, 'id'],
    ['an id with a space', { id: 'a b' }, 'id'],
    ['an id of 65 characters', { id: 'a'.repeat(65) }, 'id'],
    ['an empty id', { id: '' }, 'id'],
  ])('refuses %s with file:line', (_name, extra, field) => {
    const d = parseDataset(['', row(extra)].join('\n'), 'rows.jsonl');
    expect(d.tasks).toEqual([]);
    expect(d.errors[0]).toMatchObject({ file: 'rows.jsonl', line: 2, field });
  });

  it('isSafeTaskId', () => {
    expect(isSafeTaskId('67da5720')).toBe(true);
    for (const bad of ['.', '..', '', 'a/b', 'a\\b', 'x'.repeat(65), '::x', 'a\nb'])
      expect(isSafeTaskId(bad), bad).toBe(false);
  });

  it('an error line never carries a raw newline from the data', () => {
    const line = formatDatasetError({ file: 'd.csv', line: 3, message: 'bad value "x\n::add-mask::y"' });
    expect(line).not.toMatch(/\n/);
    expect(line).toContain('d.csv:3');
  });
});

describe('a dataset with no valid row', () => {
  it('is an error listing file:line of each row', () => {
    const d = parseDataset([row({ id: '../x' }), '{not json', row({ commit_hash: 'zz' })].join('\n'), 'bad.jsonl');
    const msg = noValidRowError(d, 'bad.jsonl')!;
    expect(msg).toMatch(/no valid row \(3 errors\)/);
    for (const l of ['bad.jsonl:1 field id', 'bad.jsonl:2', 'bad.jsonl:3 field commit_hash']) expect(msg).toContain(l);
  });

  it('an empty file is an error, one valid row is not', () => {
    expect(noValidRowError(parseDataset('', 'e.jsonl'), 'e.jsonl')).toMatch(/no rows/);
    expect(
      noValidRowError(parseDataset([row({}), row({ id: '..' })].join('\n'), 'm.jsonl'), 'm.jsonl'),
    ).toBeUndefined();
  });
});

describe('workflow commands in text from data', () => {
  it('escapes one-line text the runner would read as a command', () => {
    expect(escapeWorkflowText('::error::x')).not.toMatch(/^::/);
    expect(escapeWorkflowText('  ::add-mask::x')).not.toMatch(/^\s*::/);
    expect(escapeWorkflowText('id\n::set-output name=x::1')).toBe('id%0A::set-output name=x::1');
    expect(escapeWorkflowText('a\r::warning::b')).not.toMatch(/[\r\n]/);
    expect(escapeWorkflowText('##[group]x')).not.toMatch(/^##\[/);
    expect(escapeWorkflowText('plain 100% text')).toBe('plain 100%25 text');
  });

  it('defuses every line of multi-line text and keeps the rest', () => {
    const out = defuseWorkflowCommands('ok line\n::error::a\n  ::stop-commands::t\r::add-mask::z\nlast');
    for (const line of out.split('\n')) expect(line).not.toMatch(/^\s*::/);
    expect(out.split('\n')[0]).toBe('ok line');
    expect(out.split('\n').at(-1)).toBe('last');
  });
});

describe('secrets', () => {
  it('warns about short or common values instead of substituting them', () => {
    const scan = findSecrets({
      SKIP_TOKEN: 'true',
      SHORT_SECRET: 'abc',
      ONE_TOKEN: '1',
      HF_TOKEN: 'hf_abcdefghijklmnop',
      NUM_TOKEN: '12345678',
    });
    expect(scan.values).toEqual(['hf_abcdefghijklmnop']);
    expect(scan.warnings.join('\n')).toMatch(/SKIP_TOKEN .*common/);
    expect(scan.warnings.join('\n')).toMatch(/SHORT_SECRET .*under 8/);
    expect(scan.warnings.join('\n')).toMatch(/NUM_TOKEN/);
    // Names only, never a value.
    expect(scan.warnings.join('\n')).not.toContain('hf_abcdefghijklmnop');
    expect(secretValues({ SKIP_TOKEN: 'true' })).toEqual([]);
  });

  it('also redacts a secret printed URL-encoded or JSON-escaped', () => {
    const secret = 'ab/cd+ef"gh\\ij';
    const values = secretValues({ API_TOKEN: secret });
    const text = `raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify({ t: secret })}`;
    expect(redact(text, values)).toBe('raw *** url *** json {"t":"***"}');
  });

  it('redacts a report as data: the JSON stays valid whatever the secret holds', () => {
    const report = { tasks: [{ task: 't', ok: true, note: 'token sk"quote\\x1234 leaked' }], n: 1 };
    const out = redactDeep(report, ['sk"quote\\x1234']);
    expect(out.tasks[0]!.note).toBe('token *** leaked');
    expect(out.tasks[0]!.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('redacts a secret split across pieces at every position, and holds back no more than a prefix', () => {
    const secret = 'hf_S3cretTokenValue0123456789';
    const text = `start ${secret} middle ${secret}${secret} end hf_S3c`;
    for (let cut = 0; cut <= text.length; cut++) {
      for (const step of [1, 3, 7, 1000]) {
        const r = createStreamRedactor([secret]);
        let out = '';
        const pieces = [text.slice(0, cut), ...(text.slice(cut).match(new RegExp(`[\\s\\S]{1,${step}}`, 'g')) ?? [])];
        for (const p of pieces) {
          const o = r.push(p);
          // What comes out at any moment never holds the secret or a long start of it.
          expect(o.includes(secret)).toBe(false);
          out += o;
          expect(out.includes(secret.slice(0, 8))).toBe(false);
        }
        out += r.end();
        expect(out).toBe(`start *** middle ****** end ***`);
      }
    }
  });

  it('a redactor without secrets passes text through untouched', () => {
    const r = createStreamRedactor([]);
    expect(r.push('a')).toBe('a');
    expect(r.end()).toBe('');
    expect(redact('abc', [])).toBe('abc');
  });
});
