// The one retry policy of every outbound call (Fivetran, notifiers): full-jitter exponential backoff, a cap, Retry-After.

/** How a caller retries: attempts (including the first) and the backoff's base and cap. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** [0, 1); Math.random by default. Tests pass a constant. */
  random?: () => number;
}

/** What to do after a failure that a retry can help: wait and retry, or stop (and why). */
export type RetryDecision = { retry: true; waitMs: number } | { retry: false; why: "attempts_exhausted" | "retry_after_too_long" };

/**
 * The backoff before retry number `attempt` (1 = after the first failure): a uniformly random wait in
 * [0, min(max, base·2^(attempt-1))), "full jitter". Full rather than equal or decorrelated jitter: it spreads
 * clients that failed together the most with the least total waiting, and needs no floor since a server that
 * wants a minimum says so in Retry-After.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Decides after attempt `attempt` failed retryably. A Retry-After (ms, or null) longer than `maxRetryAfterMs` stops at
 * once (the caller holds until then rather than sleep through it); otherwise the last attempt stops; otherwise the wait
 * is the backoff, or the Retry-After when that is longer.
 */
export function nextRetry(policy: RetryPolicy, attempt: number, retryAfterMs: number | null, maxRetryAfterMs: number): RetryDecision {
  if (retryAfterMs !== null && retryAfterMs > maxRetryAfterMs) return { retry: false, why: "retry_after_too_long" };
  if (attempt >= Math.max(1, Math.floor(policy.maxAttempts))) return { retry: false, why: "attempts_exhausted" };
  const backoff = backoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, policy.random);
  return { retry: true, waitMs: Math.max(backoff, retryAfterMs ?? 0) };
}
