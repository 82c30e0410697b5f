import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAll, git, initRepo } from '../../src/adapters/git.js';
import type { ParsedPerfCommand } from '../../src/core/dataset/perf-command-types.js';
import type { ResultRecord, Variant } from '../../src/core/schemas.js';
import { ResultRecord as ResultRecordSchema } from '../../src/core/schemas.js';
import type { Task } from '../../src/core/task.js';
import type { SampleOutcome, SampleSpec } from '../../src/run/executor-types.js';
import type { ImageProvider, ImageRequest, ImageResolution } from '../../src/run/image-provider.js';
import type { FixApplication } from '../../src/run/fix-recipes-apply.js';
import { recordPath, runSweep, runTask, type SweepDeps, type SweepOptions } from '../../src/run/sweep.js';

let work: string;
let repo: string;
let parent: string;
let human: string;
const patches: Record<string, string> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sweep-'));
  repo = join(work, 'engine');
  await mkdir(join(repo, 'demo_engine'), { recursive: true });
  await mkdir(join(repo, 'benchmarks'));
  await initRepo(repo);
  await writeFile(join(repo, 'demo_engine/speed.py'), 'TOKEN_DELAY_S = 0.004\n');
  await writeFile(join(repo, 'benchmarks/benchmark_serving.py'), 'NUM_PROMPTS = 16\n');
  parent = await commitAll(repo, 'parent');
  await writeFile(join(repo, 'demo_engine/speed.py'), 'TOKEN_DELAY_S = 0.003\n');
  patches.good = await git(repo, ['diff', 'HEAD']);
  await writeFile(join(repo, 'benchmarks/benchmark_serving.py'), 'NUM_PROMPTS = 1\n');
  patches.benchmarks = await git(repo, ['diff', 'HEAD']);
  patches.broken = patches.good.replace('-TOKEN_DELAY_S = 0.004', '-TOKEN_DELAY_S = 0.009');
  await git(repo, ['checkout', '-q', '--', '.']);
  await writeFile(join(repo, 'demo_engine/speed.py'), 'TOKEN_DELAY_S = 0.002\n');
  human = await commitAll(repo, 'human');
  await mkdir(join(work, 'patches'));
  for (const [name, text] of Object.entries(patches)) await writeFile(join(work, 'patches', `${name}.patch`), text);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function task(id: string, patch: keyof typeof patches | undefined = 'good', over: Partial<Task> = {}): Task {
  return {
    id,
    commit: human,
    parent,
    repo: 'demo',
    perfCommand: 'python3 benchmarks/benchmark_serving.py --model demo-model --num-prompts 4',
    models: ['demo-model'],
    ...(patch ? { patchPath: `patches/${patch}.patch` } : {}),
    origin: { file: join(work, 'dataset.jsonl'), line: 1 },
    ...over,
  };
}

const fakePerf = (raw: string): ParsedPerfCommand => {
  if (raw.includes('EXPLODE')) throw new Error('parser exploded');
  const argv = raw.split(' ');
  const bench = {
    argv,
    env: {},
    role: 'benchmark' as const,
    script: argv[1],
    kind: 'serving' as const,
    options: [],
    positionals: [],
  };
  return {
    raw,
    commands: [bench],
    benchmark: bench,
    kind: 'serving',
    model: 'demo-model',
    tensorParallel: 1,
    errors: [],
  };
};

/** Images named after the variant; a variant listed in `failing` gets a resolution failure. */
function fakeImages(
  failing: Partial<Record<Variant, ImageResolution>> = {},
): ImageProvider & { requests: ImageRequest[] } {
  const requests: ImageRequest[] = [];
  return {
    requests,
    builds: 0,
    async resolve(request) {
      requests.push(request);
      const fail = failing[request.variant];
      if (fail) return fail;
      return {
        ok: true,
        image: `img-${request.variant}`,
        artifact: { source: 'build', ref: request.commit.slice(0, 12) },
        seconds: 0,
      };
    },
  };
}

type Script = (variant: string, call: number, spec: SampleSpec) => Partial<SampleOutcome> | undefined;
const THROUGHPUT: Record<string, number> = { baseline: 100, human: 200, agent: 150 };

/** A sample runner that writes its logs and answers from a script (default: success). */
function fakeRunner(script: Script = () => undefined) {
  const calls: Array<{ image: string; logDir: string; spec: SampleSpec }> = [];
  const perVariant: Record<string, number> = {};
  const runSample = async (spec: SampleSpec): Promise<SampleOutcome> => {
    const variant = spec.image!.replace(/^img-/, '').replace(/-fixed$/, '');
    perVariant[variant] = (perVariant[variant] ?? 0) + 1;
    calls.push({ image: spec.image!, logDir: spec.logDir, spec });
    await mkdir(spec.logDir, { recursive: true });
    const logs = { server: join(spec.logDir, 'server.log'), client: join(spec.logDir, 'client.log') };
    await writeFile(logs.server, 'server up\n');
    await writeFile(logs.client, 'Output token throughput (tok/s): x\n');
    const base = THROUGHPUT[variant]! + perVariant[variant]!;
    const answer = script(variant, perVariant[variant]!, spec);
    return {
      ok: true,
      kind: 'serving',
      metrics: { output_throughput: base, completed: 4, failed: 0 },
      logs,
      durationS: 1,
      ...answer,
    };
  };
  return { runSample, calls };
}

function setup(over: Partial<SweepDeps> = {}, script?: Script) {
  const runner = fakeRunner(script);
  const sleeps: number[] = [];
  const deps: SweepDeps = {
    images: fakeImages(),
    runSample: runner.runSample,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    parsePerfCommand: fakePerf,
    primaryMetricFor: () => ({ name: 'output_throughput' }),
    recipes: [
      {
        id: 'aimv2-exist-ok',
        caveat: 'engine source modified (exist_ok=True)',
        action: { type: 'file-patch', path: 'x.py', find: 'a', replace: 'b' },
      },
    ],
    ...over,
  };
  return { deps, runner, sleeps };
}

async function opts(over: Partial<SweepOptions> = {}): Promise<SweepOptions> {
  return { resultsDir: await mkdtemp(join(work, 'results-')), repoDir: repo, repeats: 2, ...over };
}

const byVariant = (records: ResultRecord[]) => Object.fromEntries(records.map((r) => [`${r.variant}#${r.attempt}`, r]));

describe('runTask', () => {
  it('runs B H A B H A after a warm-up round and writes one success record per variant', async () => {
    const { deps, runner } = setup();
    const o = await opts({ warmup: true });
    const records = await runTask(task('t-ok'), deps, o);
    expect(
      runner.calls.map((c) => c.image.replace('img-', '')[0] + c.logDir.split('/').at(-1)!.replace('sample-', '')),
    ).toEqual(['b0', 'h0', 'a0', 'b1', 'h1', 'a1', 'b2', 'h2', 'a2']);
    expect(records.map((r) => `${r.variant}:${r.status}`)).toEqual([
      'baseline:success',
      'human:success',
      'agent:success',
    ]);
    const h = byVariant(records)['human#1']!;
    // Warm-up (201) not counted: samples 202, 203 → median 202.5.
    expect(h.samples.map((s) => s.output_throughput)).toEqual([202, 203]);
    expect(h.metrics.output_throughput).toBe(202.5);
    expect(h.warmup).toMatchObject({ output_throughput: 201 });
    expect(h).toMatchObject({
      schema: 'benchsweep/result@1',
      task: 't-ok',
      kind: 'serving',
      primary_metric: 'output_throughput',
      artifact: { source: 'build', ref: human.slice(0, 12) },
    });
    expect(h.log).toBe('t-ok/logs/human/attempt-1/sample-2/client.log');
    // The identical workload for every variant.
    const argvs = new Set(runner.calls.map((c) => JSON.stringify([c.spec.server, c.spec.client])));
    expect(argvs.size).toBe(1);
    expect(runner.calls[0]!.spec.server!.argv).toEqual([
      'python3',
      '-m',
      'vllm.entrypoints.openai.api_server',
      '--model',
      'demo-model',
    ]);
    // Records on disk, atomically written (no temporary files left), parseable by the shared schema.
    const files = (await readdir(join(o.resultsDir, 't-ok'))).sort();
    expect(files).toEqual(['agent.attempt-1.json', 'baseline.attempt-1.json', 'human.attempt-1.json', 'logs']);
    const onDisk = JSON.parse(await readFile(recordPath(o.resultsDir, 't-ok', 'human', 1), 'utf8'));
    expect(ResultRecordSchema.parse(onDisk)).toMatchObject({
      status: 'success',
      metrics: { output_throughput: 202.5 },
    });
  });

  it('an agent patch that edits benchmarks/ is PATCH_REJECTED and the other variants still run', async () => {
    const { deps, runner } = setup();
    const o = await opts();
    const images = fakeImages();
    const records = await runTask(task('t-rej', 'benchmarks'), { ...deps, images }, o);
    const r = byVariant(records);
    expect(r['agent#1']).toMatchObject({
      status: 'failed',
      category: 'PATCH_REJECTED',
      offending_paths: ['benchmarks/benchmark_serving.py'],
      log: 't-rej/logs/agent/attempt-1/patch-check.log',
    });
    expect(r['agent#1']!.evidence).toContain('benchmarks/benchmark_serving.py');
    expect(await readFile(join(o.resultsDir, r['agent#1']!.log!), 'utf8')).toContain('benchmarks/benchmark_serving.py');
    expect(r['baseline#1']!.status).toBe('success');
    expect(r['human#1']!.status).toBe('success');
    expect(images.requests.map((q) => q.variant)).toEqual(['baseline', 'human']);
    expect(runner.calls.every((c) => c.image !== 'img-agent')).toBe(true);
  });

  it('an agent patch that does not apply is PATCH_FAILED with git’s message', async () => {
    const { deps } = setup();
    const records = await runTask(task('t-fail', 'broken'), deps, await opts());
    const a = byVariant(records)['agent#1']!;
    expect(a).toMatchObject({ status: 'failed', category: 'PATCH_FAILED' });
    expect(a.evidence).toMatch(/demo_engine\/speed.py/);
    expect(byVariant(records)['human#1']!.status).toBe('success');
  });

  it('the agent image is asked for the parent plus the checked patch; baseline the parent; human the commit', async () => {
    const { deps } = setup();
    const images = fakeImages();
    await runTask(task('t-req'), { ...deps, images }, await opts({ repeats: 1 }));
    expect(images.requests.map((q) => [q.variant, q.commit, q.patch === patches.good])).toEqual([
      ['baseline', parent, false],
      ['human', human, false],
      ['agent', parent, true],
    ]);
  });

  it('a retryable failure is retried with backoff; each attempt has its own record', async () => {
    const { deps, runner, sleeps } = setup({}, (v, call) =>
      v === 'human' && call === 2
        ? {
            ok: false,
            category: 'PORT_BIND',
            evidence: 'OSError: [Errno 98] Address already in use',
            classifiedAfterS: 0.4,
          }
        : undefined,
    );
    const o = await opts();
    const records = await runTask(task('t-retry'), deps, o);
    const r = byVariant(records);
    expect(r['human#1']).toMatchObject({
      status: 'failed',
      category: 'PORT_BIND',
      attempt: 1,
      classified_after_s: 0.4,
      log: 't-retry/logs/human/attempt-1/sample-2/server.log',
    });
    expect(r['human#2']).toMatchObject({ status: 'success', attempt: 2 });
    expect(r['human#2']!.samples).toHaveLength(2);
    expect(sleeps).toEqual([5000]);
    expect(await readdir(join(o.resultsDir, 't-retry'))).toEqual(
      expect.arrayContaining(['human.attempt-1.json', 'human.attempt-2.json']),
    );
    // Interleaving goes on: the retried variant rejoins the rotation.
    expect(runner.calls.map((c) => c.image.slice(4, 5) + c.logDir.split('/').at(-2)!.slice(-1))).toEqual([
      'b1',
      'h1',
      'a1',
      'b1',
      'h1',
      'a1',
      'h2',
      'h2',
    ]);
  });

  it('retries stop at maxAttempts', async () => {
    const { deps, sleeps } = setup({}, (v) =>
      v === 'baseline' ? { ok: false, category: 'TRANSIENT_INFRA', evidence: 'Broken pipe' } : undefined,
    );
    const records = await runTask(task('t-max', 'good'), deps, await opts({ maxAttempts: 3, variants: ['baseline'] }));
    expect(records.map((r) => `${r.attempt}:${r.category}`)).toEqual([
      '1:TRANSIENT_INFRA',
      '2:TRANSIENT_INFRA',
      '3:TRANSIENT_INFRA',
    ]);
    expect(sleeps).toEqual([5000, 10000]);
  });

  it('a deterministic failure is not retried and stops sampling that variant only', async () => {
    const { deps, runner, sleeps } = setup({}, (v) =>
      v === 'agent'
        ? { ok: false, category: 'SERVER_CRASH', evidence: 'Traceback ...\nRuntimeError: boom', classifiedAfterS: 0.2 }
        : undefined,
    );
    const records = await runTask(task('t-crash'), deps, await opts({ repeats: 3 }));
    const r = byVariant(records);
    expect(r['agent#1']).toMatchObject({
      status: 'failed',
      category: 'SERVER_CRASH',
      classified_after_s: 0.2,
      log: 't-crash/logs/agent/attempt-1/sample-1/server.log',
    });
    expect(r['agent#2']).toBeUndefined();
    expect(runner.calls.filter((c) => c.image === 'img-agent')).toHaveLength(1);
    expect(r['baseline#1']!.samples).toHaveLength(3);
    expect(sleeps).toEqual([]);
  });

  it('a clean exit without sane metrics is NO_METRICS, never a success', async () => {
    const { deps } = setup({}, (v) =>
      v === 'baseline'
        ? { metrics: { completed: 0 } as Record<string, number> }
        : v === 'human'
          ? { metrics: { output_throughput: 0 } }
          : undefined,
    );
    const records = await runTask(task('t-nometrics'), deps, await opts());
    const r = byVariant(records);
    expect(r['baseline#1']).toMatchObject({ status: 'failed', category: 'NO_METRICS' });
    expect(r['baseline#1']!.evidence).toContain('output_throughput is missing');
    expect(r['human#1']).toMatchObject({ status: 'failed', category: 'NO_METRICS' });
    expect(r['agent#1']!.status).toBe('success');
  });

  it('an image that cannot be resolved is recorded with its category; the others run', async () => {
    const { deps } = setup({
      images: fakeImages({
        human: { ok: false, category: 'MISSING_ARTIFACT', reason: 'no image for the commit and builds are off' },
      }),
    });
    const records = await runTask(task('t-img'), deps, await opts());
    const r = byVariant(records);
    expect(r['human#1']).toMatchObject({
      status: 'failed',
      category: 'MISSING_ARTIFACT',
      evidence: 'no image for the commit and builds are off',
    });
    expect(r['baseline#1']!.status).toBe('success');
    expect(r['agent#1']!.status).toBe('success');
  });

  it('a triggered fix recipe is applied to every variant and all run again as a new attempt', async () => {
    const applied: string[] = [];
    const applyFix = async (o: { image: string; recipe: { id: string; caveat: string } }): Promise<FixApplication> => {
      applied.push(o.image);
      return { applied: true, image: `${o.image}-fixed`, recipe: o.recipe.id, caveat: o.recipe.caveat };
    };
    const { deps } = setup({ applyFix: applyFix as SweepDeps['applyFix'] }, (v, _c, spec) =>
      v === 'human' && !spec.image!.endsWith('-fixed')
        ? {
            ok: false,
            category: 'DEPENDENCY_CONFLICT',
            fix: 'aimv2-exist-ok',
            evidence: "ValueError: 'aimv2' is already used",
          }
        : undefined,
    );
    const o = await opts();
    const records = await runTask(task('t-fix'), deps, o);
    const r = byVariant(records);
    expect(applied).toEqual(['img-baseline', 'img-human', 'img-agent']);
    expect(r['human#1']).toMatchObject({
      status: 'failed',
      category: 'DEPENDENCY_CONFLICT',
      fix: 'aimv2-exist-ok',
      fix_applied: true,
    });
    for (const v of ['baseline', 'human', 'agent']) {
      expect(r[`${v}#2`]).toMatchObject({ status: 'success', fixes: ['aimv2-exist-ok'], image: `img-${v}-fixed` });
      expect(r[`${v}#2`]!.caveats).toContain('environment fix aimv2-exist-ok: engine source modified (exist_ok=True)');
    }
    // The record of the failure that triggered the fix says what happened, on disk too.
    const disk = JSON.parse(await readFile(recordPath(o.resultsDir, 't-fix', 'human', 1), 'utf8'));
    expect(disk.caveats.join(' ')).toContain('applied to baseline, human, agent');
  });

  it('a fix that reaches only some variants flags the comparison', async () => {
    const applyFix = async (o: { image: string; recipe: { id: string; caveat: string } }): Promise<FixApplication> =>
      o.image === 'img-baseline'
        ? { applied: false, recipe: o.recipe.id, reason: 'the recipe does not fit this image' }
        : { applied: true, image: `${o.image}-fixed`, recipe: o.recipe.id, caveat: o.recipe.caveat };
    const { deps } = setup({ applyFix: applyFix as SweepDeps['applyFix'] }, (v, _c, spec) =>
      v === 'human' && !spec.image!.endsWith('-fixed')
        ? { ok: false, category: 'DEPENDENCY_CONFLICT', fix: 'aimv2-exist-ok', evidence: 'x' }
        : undefined,
    );
    const records = await runTask(task('t-partial'), deps, await opts({ repeats: 1 }));
    const r = byVariant(records);
    expect(r['baseline#2']).toMatchObject({ status: 'success', comparable: false });
    expect(r['baseline#2']!.fixes).toBeUndefined();
    expect(r['agent#2']!.caveats.join(' ')).toContain('not a like-for-like comparison');
  });

  it('a fix that cannot be applied anywhere leaves the failure recorded with the reason, without a rerun', async () => {
    const applyFix = async (o: { recipe: { id: string } }): Promise<FixApplication> => ({
      applied: false,
      recipe: o.recipe.id,
      reason: "pip install 'numpy<2' needs a package index",
    });
    const { deps } = setup({ applyFix: applyFix as SweepDeps['applyFix'] }, (v) =>
      v === 'human' ? { ok: false, category: 'DEPENDENCY_CONFLICT', fix: 'aimv2-exist-ok', evidence: 'x' } : undefined,
    );
    const records = await runTask(task('t-nofix'), deps, await opts({ repeats: 1 }));
    expect(records.map((r) => `${r.variant}#${r.attempt}:${r.status}`)).toEqual([
      'baseline#1:success',
      'human#1:failed',
      'agent#1:success',
    ]);
    expect(byVariant(records)['human#1']!.caveats.join(' ')).toContain('could not be applied');
  });

  it('a task without a perf command gets NO_PERF_COMMAND records and no samples', async () => {
    const { deps, runner } = setup();
    const records = await runTask(task('t-noperf', 'good', { perfCommand: undefined }), deps, await opts());
    expect(records.map((r) => `${r.variant}:${r.category}`)).toEqual([
      'baseline:NO_PERF_COMMAND',
      'human:NO_PERF_COMMAND',
      'agent:NO_PERF_COMMAND',
    ]);
    expect(runner.calls).toHaveLength(0);
  });

  it('a task without an agent patch has a skipped agent record', async () => {
    const { deps } = setup();
    const records = await runTask(
      task('t-nopatch', 'good', { patchPath: undefined }),
      deps,
      await opts({ repeats: 1 }),
    );
    expect(byVariant(records)['agent#1']).toMatchObject({ status: 'skipped', reason: 'no agent patch' });
  });

  it('a sample runner that throws is TRANSIENT_INFRA and retried', async () => {
    let thrown = false;
    const { deps } = setup();
    const inner = deps.runSample;
    deps.runSample = async (spec) => {
      if (!thrown && spec.image === 'img-baseline') {
        thrown = true;
        throw new Error('Cannot connect to the Docker daemon');
      }
      return inner(spec);
    };
    const o = await opts({ repeats: 1, variants: ['baseline'] });
    const records = await runTask(task('t-throw'), deps, o);
    expect(records.map((r) => `${r.attempt}:${r.status}:${r.category ?? ''}`)).toEqual([
      '1:failed:TRANSIENT_INFRA',
      '2:success:',
    ]);
    expect(records[0]!.evidence).toBe('the sample runner failed: Error: Cannot connect to the Docker daemon');
    expect(await readFile(join(o.resultsDir, records[0]!.log!), 'utf8')).toContain(
      'Cannot connect to the Docker daemon',
    );
  });

  it('secrets never reach the evidence', async () => {
    process.env.HF_TOKEN = 'hf_secretsecret123';
    try {
      const { deps } = setup({}, () => ({
        ok: false,
        category: 'MODEL_ACCESS',
        evidence: '401 for token hf_secretsecret123',
      }));
      const records = await runTask(task('t-secret'), deps, await opts({ variants: ['human'] }));
      expect(records[0]!.evidence).toBe('401 for token ***');
    } finally {
      delete process.env.HF_TOKEN;
    }
  });
});

describe('runSweep', () => {
  it('runs tasks one after another; one task’s failure never stops the others', async () => {
    const { deps } = setup();
    const o = await opts({ repeats: 1 });
    const records = await runSweep([task('s-bad', 'good', { perfCommand: 'EXPLODE' }), task('s-good')], deps, o);
    expect(records.filter((r) => r.task === 's-bad').map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(records.find((r) => r.task === 's-bad')!.evidence).toContain('parser exploded');
    expect(records.filter((r) => r.task === 's-good').map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(await readdir(join(o.resultsDir, 's-bad'))).toHaveLength(3);
  });
});
