// The one retry policy: full-jitter backoff with a cap, Retry-After honoured or ending the round, attempts bounded.
import { describe, expect, it } from "vitest";
import { realSleep } from "../../src/clock.js";
import { backoffMs, nextRetry, type RetryPolicy } from "../../src/http/retry-policy.js";

const policy = (random: number, over: Partial<RetryPolicy> = {}): RetryPolicy => ({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 5000, random: () => random, ...over });

describe("backoff", () => {
  const rows: { name: string; attempt: number; random: number; want: number }[] = [
    { name: "the first retry waits up to the base", attempt: 1, random: 0.5, want: 500 },
    { name: "each retry doubles the range", attempt: 2, random: 0.5, want: 1000 },
    { name: "the third retry", attempt: 3, random: 0.5, want: 2000 },
    { name: "the range is capped at the max", attempt: 4, random: 0.5, want: 2500 },
    { name: "the cap holds far out", attempt: 30, random: 0.5, want: 2500 },
    { name: "full jitter can retry at once", attempt: 3, random: 0, want: 0 },
    { name: "and never reaches the cap", attempt: 3, random: 0.9999, want: 3999 },
  ];
  it.each(rows)("$name", ({ attempt, random, want }) => {
    expect(backoffMs(attempt, 1000, 5000, () => random)).toBe(want);
  });
});

describe("next retry", () => {
  const rows: { name: string; attempt: number; retryAfterMs: number | null; want: ReturnType<typeof nextRetry> }[] = [
    { name: "a failure without Retry-After backs off", attempt: 1, retryAfterMs: null, want: { retry: true, waitMs: 500 } },
    { name: "a Retry-After longer than the backoff is the wait", attempt: 1, retryAfterMs: 7000, want: { retry: true, waitMs: 7000 } },
    { name: "a Retry-After shorter than the backoff does not shorten it", attempt: 3, retryAfterMs: 100, want: { retry: true, waitMs: 2000 } },
    { name: "a Retry-After of exactly the limit is waited for", attempt: 1, retryAfterMs: 60_000, want: { retry: true, waitMs: 60_000 } },
    { name: "a Retry-After past the limit stops at once", attempt: 1, retryAfterMs: 60_001, want: { retry: false, why: "retry_after_too_long" } },
    { name: "the last attempt stops", attempt: 5, retryAfterMs: null, want: { retry: false, why: "attempts_exhausted" } },
    { name: "a long Retry-After on the last attempt says so", attempt: 5, retryAfterMs: 3_600_000, want: { retry: false, why: "retry_after_too_long" } },
  ];
  it.each(rows)("$name", ({ attempt, retryAfterMs, want }) => {
    expect(nextRetry(policy(0.5), attempt, retryAfterMs, 60_000)).toEqual(want);
  });

  it("one attempt means no retry", () => {
    expect(nextRetry(policy(0.5, { maxAttempts: 1 }), 1, null, 60_000)).toEqual({ retry: false, why: "attempts_exhausted" });
  });

  it("four attempts that all fail wait three growing backoffs, then give up", () => {
    const waits: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const next = nextRetry(policy(0.5, { maxAttempts: 4 }), attempt, null, 60_000);
      if (!next.retry) break;
      waits.push(next.waitMs);
    }
    expect(waits).toEqual([500, 1000, 2000]);
  });
});

describe("the real sleep", () => {
  it("rejects at once with the reason of an aborted signal", async () => {
    const reason = new Error("stop");
    await expect(realSleep(3_600_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it("rejects when the signal aborts while it waits", async () => {
    const c = new AbortController();
    const slept = realSleep(3_600_000, c.signal);
    c.abort(new Error("shutdown"));
    await expect(slept).rejects.toThrow("shutdown");
  });
});
