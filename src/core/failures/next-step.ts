/**
 * What the sweep does next after a failure or a round: retry, apply a fix recipe, run every variant
 * again (flagged when the fix missed some), or stop. Pure: run/sweep.ts asks, acts and records.
 */
import type { Category } from '../taxonomy.js';
import type { Variant } from '../schemas.js';
import { backoffS, shouldRetry, type RetryPolicy } from './retry-policy.js';

/** Fix rounds per task: each round applies one more recipe (seeds/000: 2a052011 needed two). */
export const MAX_FIX_ROUNDS = 3;

export type Situation =
  /** Making a variant's image failed on attempt `attempt` (1-based). */
  | { at: 'image-failed'; category: Category; attempt: number }
  /** A sample failed; `recipe` is the known fix recipe its log matched, `roundAttempts` the attempts in this round. */
  | {
      at: 'sample-failed';
      category: Category;
      roundAttempts: number;
      recipe?: string;
      appliedRecipes: readonly string[];
    }
  /** Every variant is done with round `round` (0-based); `triggered` is the first recipe a failure asked for. */
  | { at: 'round-ended'; round: number; triggered?: string }
  /** A fix recipe was offered to every variant: where it applied and where it did not. */
  | { at: 'fix-applied'; applied: readonly Variant[]; missed: readonly Variant[] };

export type Step =
  /** Try the same thing again after `waitS` seconds. */
  | { do: 'retry'; waitS: number }
  /** Stop this variant's round and apply the recipe (to every variant) once the round ends. */
  | { do: 'fix'; recipe: string }
  /** Every variant runs again as a new attempt; not like-for-like when the fix missed some. */
  | { do: 'run-again'; comparable: boolean }
  /** Nothing more: the failure (or the round) is final. */
  | { do: 'stop' };

export function nextStep(situation: Situation, policy: RetryPolicy): Step {
  switch (situation.at) {
    case 'image-failed':
      return shouldRetry(situation.category, situation.attempt, policy)
        ? { do: 'retry', waitS: backoffS(situation.attempt + 1, policy) }
        : { do: 'stop' };
    case 'sample-failed':
      // A recipe not yet applied wins over a retry: the same environment would fail the same way.
      if (situation.recipe !== undefined && !situation.appliedRecipes.includes(situation.recipe))
        return { do: 'fix', recipe: situation.recipe };
      return shouldRetry(situation.category, situation.roundAttempts, policy)
        ? { do: 'retry', waitS: backoffS(situation.roundAttempts + 1, policy) }
        : { do: 'stop' };
    case 'round-ended':
      return situation.triggered !== undefined && situation.round < MAX_FIX_ROUNDS
        ? { do: 'fix', recipe: situation.triggered }
        : { do: 'stop' };
    case 'fix-applied':
      // A fix that reached no variant changes nothing: running again would fail the same way.
      return situation.applied.length === 0
        ? { do: 'stop' }
        : { do: 'run-again', comparable: situation.missed.length === 0 };
  }
}
