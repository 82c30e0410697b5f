import { describe, expect, it } from 'vitest';
import {
  ActionInputError,
  inputEnvName,
  parseActionInputs,
  rawInputsFromEnv,
} from '../../src/core/github/action-inputs.js';
import { buildOptions, defaultCacheDir, planOptions, reportOptions, runOptions } from '../../src/action/inputs.js';
import { engineForRepos } from '../../src/core/engine-kind.js';

const parse = (env: Record<string, string>) => parseActionInputs(rawInputsFromEnv(env));

describe('reading inputs the runner’s way', () => {
  it('names INPUT_<NAME>: upper case, spaces to underscores, dashes kept', () => {
    expect(inputEnvName('max-gpus')).toBe('INPUT_MAX-GPUS');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });

  it('trims values and drops blank ones (an empty `with:` value is no value)', () => {
    expect(rawInputsFromEnv({ INPUT_COMMAND: ' plan ', INPUT_DATASET: '  ', INPUT_UNKNOWN: 'x' })).toEqual({
      command: 'plan',
    });
  });
});

describe('parseActionInputs', () => {
  it('maps plan inputs to the plan options', () => {
    const inputs = parse({
      INPUT_COMMAND: 'plan',
      INPUT_DATASET: 'd.jsonl',
      INPUT_ONLY: 'a, b\nc',
      'INPUT_MAX-GPUS': '4',
      INPUT_POOL: '2xH100:4',
    });
    expect(planOptions(inputs)).toEqual({ dataset: 'd.jsonl', only: ['a', 'b', 'c'], maxGpus: 4, pool: '2xH100:4' });
  });

  it('takes max-gpus from the largest of gpu-sizes unless max-gpus is given', () => {
    expect(planOptions(parse({ INPUT_COMMAND: 'plan', INPUT_DATASET: 'd', 'INPUT_GPU-SIZES': '1,8,2' })).maxGpus).toBe(
      8,
    );
    expect(
      planOptions(parse({ INPUT_COMMAND: 'plan', INPUT_DATASET: 'd', 'INPUT_GPU-SIZES': '1,8', 'INPUT_MAX-GPUS': '2' }))
        .maxGpus,
    ).toBe(2);
  });

  it('maps run inputs with defaults for results, executor and the cache', () => {
    const inputs = parse({
      INPUT_COMMAND: 'run',
      INPUT_DATASET: 'd.jsonl',
      INPUT_ONLY: 't1',
      INPUT_VARIANTS: 'baseline,agent',
      INPUT_REPEATS: '5',
      INPUT_WARMUP: 'false',
    });
    expect(runOptions(inputs, { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache/' })).toEqual({
      dataset: 'd.jsonl',
      only: ['t1'],
      results: 'benchsweep-results',
      executor: 'docker',
      repeats: 5,
      warmup: false,
      variants: ['baseline', 'agent'],
      cache: '/opt/hostedtoolcache/benchsweep',
    });
  });

  it('maps build and report inputs', () => {
    const b = parse({ INPUT_COMMAND: 'build', INPUT_DATASET: 'd', INPUT_REPO: 'engine', 'INPUT_CACHE-DIR': '/cache' });
    expect(buildOptions(b, {})).toEqual({ dataset: 'd', repo: 'engine', cacheDir: '/cache' });
    const v = parse({
      INPUT_COMMAND: 'build',
      INPUT_DATASET: 'd',
      INPUT_REPO: 'e',
      INPUT_ENGINE: 'vllm',
      'INPUT_ARTIFACT-CONFIG': 'a.yml',
    });
    expect(buildOptions(v, { HOME: '/h' })).toEqual({
      dataset: 'd',
      repo: 'e',
      cacheDir: '/h/.cache/benchsweep',
      engine: 'vllm',
      artifactConfig: 'a.yml',
    });
    const r = parse({ INPUT_COMMAND: 'report', INPUT_RESULTS: 'res', INPUT_FORMAT: 'json', INPUT_OUT: 'r.json' });
    expect(reportOptions(r)).toEqual({ results: 'res', format: 'json', out: 'r.json' });
  });

  it('reads booleans as getBooleanInput does and defaults them to false', () => {
    expect(parse({ INPUT_COMMAND: 'report', INPUT_COMMENT: 'True', INPUT_CHECK: 'FALSE' })).toMatchObject({
      comment: true,
      check: false,
      'pr-gate': false,
    });
    expect(() => parse({ INPUT_COMMAND: 'report', INPUT_COMMENT: 'yes' })).toThrow(
      /input comment: expected true or false \(got "yes"\)/,
    );
  });

  it('names every bad input in one error', () => {
    let error: unknown;
    try {
      parse({ INPUT_COMMAND: 'bench', 'INPUT_MAX-GPUS': '0', INPUT_VARIANTS: 'baseline,robot', INPUT_EXECUTOR: 'k8s' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionInputError);
    const message = (error as Error).message;
    expect(message).toMatch(/input command: expected one of plan, build, run, report, state \(got "bench"\)/);
    expect(message).toMatch(/input max-gpus/);
    expect(message).toMatch(/input variants/);
    expect(message).toMatch(/input executor/);
  });

  it('requires the inputs each command needs, by name', () => {
    expect(() => planOptions(parse({ INPUT_COMMAND: 'plan' }))).toThrow(/input dataset is required for command plan/);
    expect(() => buildOptions(parse({ INPUT_COMMAND: 'build', INPUT_DATASET: 'd' }), {})).toThrow(
      /input repo is required/,
    );
  });

  it('picks the demo engine preset only when every task is the demo engine’s', () => {
    expect(engineForRepos(['benchsweep/demo-engine'])).toBe('demo');
    expect(engineForRepos(['benchsweep/demo-engine', 'vllm-project/vllm'])).toBe('vllm');
    expect(engineForRepos([])).toBe('vllm');
  });

  it('falls back to ~/.cache/benchsweep off a runner', () => {
    expect(defaultCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/benchsweep');
  });

  it('passes gpu-sizes to the plan, which sends each task to the smallest size that holds it', () => {
    expect(planOptions(parse({ INPUT_COMMAND: 'plan', INPUT_DATASET: 'd', 'INPUT_GPU-SIZES': '1,2,8' }))).toMatchObject(
      { gpuSizes: [1, 2, 8], maxGpus: 8 },
    );
  });

  it('reads the publishing and nightly-state inputs, with their defaults', () => {
    const state = parse({ INPUT_COMMAND: 'state', 'INPUT_STATE-WORKFLOW': 'nightly.yml' });
    expect(state).toMatchObject({
      command: 'state',
      'state-workflow': 'nightly.yml',
      'state-artifact': 'benchsweep-nightly-state',
      'report-artifact': 'benchsweep-nightly-report',
    });
    expect(parse({ INPUT_COMMAND: 'report', 'INPUT_COMMENT-KEY': 'nightly/main' })['comment-key']).toBe('nightly/main');
    expect(() => parse({ INPUT_COMMAND: 'report', 'INPUT_COMMENT-KEY': 'x -->' })).toThrow(/input comment-key/);
    expect(() => parse({ INPUT_COMMAND: 'state', 'INPUT_STATE-WORKFLOW': '../x' })).toThrow(
      /input state-workflow: expected a workflow file name/,
    );
  });
});
