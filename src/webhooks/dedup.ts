// Remembers the deliveries seen lately (by a hash of the raw body) so that a repeated delivery is acted on once.
import { createHash } from "node:crypto";

/** A bounded set of recent delivery hashes, each kept for `ttlMs`; the oldest go first when it is full. */
export class RecentDeliveries {
  /** Insertion order is expiry order (one TTL for all), so the first entries are always the oldest. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The key of a delivery: SHA-256 of its raw body. */
  static key(body: Buffer): string {
    return createHash("sha256").update(body).digest("base64");
  }

  /** True when `key` was seen within the TTL before `now`; otherwise records it and returns false. */
  repeated(key: string, now: number): boolean {
    this.expire(now);
    if (this.seen.has(key)) return true;
    if (this.seen.size >= this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, now + this.ttlMs);
    return false;
  }

  /** How many deliveries are remembered. */
  get size(): number {
    return this.seen.size;
  }

  private expire(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) return;
      this.seen.delete(key);
    }
  }
}
