export interface RetryPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(maxMs, baseMs * 2^(n-1)), so many instances recovering at once do not retry in step.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
