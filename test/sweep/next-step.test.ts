import { describe, expect, it } from 'vitest';
import { MAX_FIX_ROUNDS, nextStep, type Situation, type Step } from '../../src/core/failures/next-step.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/core/failures/retry-policy.js';

const policy: RetryPolicy = DEFAULT_RETRY_POLICY; // 3 attempts, 5 s doubling, capped at 60 s
const one: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };

const cases: Array<[string, Situation, Step, RetryPolicy?]> = [
  // Making an image.
  [
    'image: retryable, first attempt',
    { at: 'image-failed', category: 'TRANSIENT_INFRA', attempt: 1 },
    { do: 'retry', waitS: 5 },
  ],
  [
    'image: retryable, second attempt',
    { at: 'image-failed', category: 'TRANSIENT_INFRA', attempt: 2 },
    { do: 'retry', waitS: 10 },
  ],
  ['image: retryable, attempts spent', { at: 'image-failed', category: 'TRANSIENT_INFRA', attempt: 3 }, { do: 'stop' }],
  ['image: deterministic', { at: 'image-failed', category: 'BUILD_FAILED', attempt: 1 }, { do: 'stop' }],
  ['image: one attempt allowed', { at: 'image-failed', category: 'PORT_BIND', attempt: 1 }, { do: 'stop' }, one],
  // A failed sample.
  [
    'sample: retryable',
    { at: 'sample-failed', category: 'PORT_BIND', roundAttempts: 1, appliedRecipes: [] },
    { do: 'retry', waitS: 5 },
  ],
  [
    'sample: retryable, round attempts spent',
    { at: 'sample-failed', category: 'PORT_BIND', roundAttempts: 3, appliedRecipes: [] },
    { do: 'stop' },
  ],
  [
    'sample: deterministic, no recipe',
    { at: 'sample-failed', category: 'SERVER_CRASH', roundAttempts: 1, appliedRecipes: [] },
    { do: 'stop' },
  ],
  [
    'sample: a new recipe wins over a retry',
    { at: 'sample-failed', category: 'TRANSIENT_INFRA', roundAttempts: 1, recipe: 'r1', appliedRecipes: [] },
    { do: 'fix', recipe: 'r1' },
  ],
  [
    'sample: a recipe even when retries are spent',
    { at: 'sample-failed', category: 'DEPENDENCY_CONFLICT', roundAttempts: 3, recipe: 'r1', appliedRecipes: ['r0'] },
    { do: 'fix', recipe: 'r1' },
  ],
  [
    'sample: an applied recipe is not applied twice',
    { at: 'sample-failed', category: 'DEPENDENCY_CONFLICT', roundAttempts: 1, recipe: 'r1', appliedRecipes: ['r1'] },
    { do: 'stop' },
  ],
  [
    'sample: an applied recipe falls back to the retry policy',
    { at: 'sample-failed', category: 'TRANSIENT_INFRA', roundAttempts: 2, recipe: 'r1', appliedRecipes: ['r1'] },
    { do: 'retry', waitS: 10 },
  ],
  // The end of a round.
  ['round: nothing triggered', { at: 'round-ended', round: 0 }, { do: 'stop' }],
  ['round: a recipe triggered', { at: 'round-ended', round: 0, triggered: 'r1' }, { do: 'fix', recipe: 'r1' }],
  [
    'round: the last fix round',
    { at: 'round-ended', round: MAX_FIX_ROUNDS - 1, triggered: 'r1' },
    { do: 'fix', recipe: 'r1' },
  ],
  ['round: fix rounds spent', { at: 'round-ended', round: MAX_FIX_ROUNDS, triggered: 'r1' }, { do: 'stop' }],
  // A fix offered to every variant.
  [
    'fix: applied everywhere',
    { at: 'fix-applied', applied: ['baseline', 'human', 'agent'], missed: [] },
    { do: 'run-again', comparable: true },
  ],
  [
    'fix: applied to some variants only',
    { at: 'fix-applied', applied: ['baseline', 'human'], missed: ['agent'] },
    { do: 'run-again', comparable: false },
  ],
  ['fix: applied nowhere', { at: 'fix-applied', applied: [], missed: ['baseline', 'human', 'agent'] }, { do: 'stop' }],
  ['fix: no variants at all', { at: 'fix-applied', applied: [], missed: [] }, { do: 'stop' }],
];

describe('nextStep', () => {
  it.each(cases)('%s', (_name, situation, step, p) => {
    expect(nextStep(situation, p ?? policy)).toEqual(step);
  });

  it('allows three fix rounds', () => {
    expect(MAX_FIX_ROUNDS).toBe(3);
  });
});
