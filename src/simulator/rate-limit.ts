// The simulated account's API budget: calls per rolling hour, counted down in `X-Rate-Limit-Remaining`.

const HOUR = 3_600_000;

/** Counts calls in the rolling hour against a budget the caller passes on each call. */
export class RollingHour {
  private readonly calls: number[] = [];
  private head = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one call now; returns the calls left after it (negative once over `budget`). */
  take(budget: number): number {
    const now = this.now();
    const calls = this.calls;
    calls.push(now);
    while (this.head < calls.length && calls[this.head]! <= now - HOUR) this.head++;
    if (this.head > 10_000) {
      calls.splice(0, this.head);
      this.head = 0;
    }
    return budget - (calls.length - this.head);
  }

  /** Whole seconds until the oldest call in the window leaves it (at least 1). */
  retryAfterSeconds(): number {
    const oldest = this.calls[this.head] ?? this.now();
    return Math.max(1, Math.ceil((oldest + HOUR - this.now()) / 1000));
  }
}
