// Listing pages kept as bytes while nothing on them changed (the simulator serves 100,000 connections fast).
import type { SimAccount } from "./account.js";

/**
 * The items part of listing pages as bytes, kept while nothing on the page changed: no scripted change anywhere in the
 * account (its revision) and no scheduled success on the page come due (its earliest next change).
 */
export class PageCache {
  private readonly pages = new Map<string, { revision: number; builtAt: number; validUntil: number; body: Buffer }>();
  private bytes = 0;

  constructor(private readonly account: SimAccount) {}

  /** The comma-joined JSON of items[offset..end), from the cache when still valid. */
  get(key: string, items: readonly Parameters<SimAccount["itemJson"]>[0][], offset: number, end: number): Buffer {
    const now = this.account.now();
    const hit = this.pages.get(key);
    if (hit && hit.revision === this.account.revision && now >= hit.builtAt && now < hit.validUntil) return hit.body;
    let validUntil = Number.POSITIVE_INFINITY;
    const parts = new Array<string>(Math.max(0, end - offset));
    for (let i = offset; i < end; i++) {
      const c = items[i]!;
      parts[i - offset] = this.account.itemJson(c);
      validUntil = Math.min(validUntil, this.account.nextChangeAt(c));
    }
    const body = Buffer.from(parts.join(","));
    if (hit) this.bytes -= hit.body.length;
    // Bounded: a changed account leaves old pages behind, so start over rather than grow without end.
    if (this.bytes + body.length > 512 * 1024 * 1024) {
      this.pages.clear();
      this.bytes = 0;
    }
    this.pages.set(key, { revision: this.account.revision, builtAt: now, validUntil, body });
    this.bytes += body.length;
    return body;
  }
}
