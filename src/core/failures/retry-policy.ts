/**
 * When to try again: only categories the taxonomy marks retryable (PORT_BIND, TRANSIENT_INFRA).
 * A deterministic failure gives the same answer twice and costs GPU time each time (seeds/000:
 * the "corrected retry analysis" found most "retryable" failures were real outcomes).
 */
import { CATEGORIES, type Category } from '../taxonomy.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt, doubled for each further one, capped at maxDelayS. */
  baseDelayS: number;
  maxDelayS: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayS: 5, maxDelayS: 60 };

/** Whether a failure of this category is worth another attempt; a name outside the taxonomy (a record another tool wrote) is not. */
export function isRetryable(category: Category | string | undefined): boolean {
  return category !== undefined && Object.hasOwn(CATEGORIES, category) && CATEGORIES[category as Category].retryable;
}

/** Whether attempt `attempt` (1-based), which failed with `category`, is followed by another. */
export function shouldRetry(
  category: Category | undefined,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): boolean {
  return isRetryable(category) && attempt < policy.maxAttempts;
}

/** Seconds to wait before attempt `nextAttempt` (2, 3, …). */
export function backoffS(nextAttempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  if (nextAttempt <= 1) return 0;
  return Math.min(policy.maxDelayS, policy.baseDelayS * 2 ** (nextAttempt - 2));
}

/** The whole schedule: the waits before attempts 2..maxAttempts. */
export function backoffSchedule(policy: RetryPolicy = DEFAULT_RETRY_POLICY): number[] {
  return Array.from({ length: Math.max(0, policy.maxAttempts - 1) }, (_, i) => backoffS(i + 2, policy));
}
