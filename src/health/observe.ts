// The pure observe step: a complete listing + the previous state → what this cycle judges (carry-forward rules).
import { saysNothing, type ConnectionRecord, type ConnectionSnapshot } from "./model.js";

/** One listing as the observe step reads it; the fivetran source's `Listing` fits. */
export interface ListingRead {
  /** Readable connections by id; the observe step takes this Map over and adds to it. */
  connections: ReadonlyMap<string, ConnectionSnapshot> & { set(id: string, snapshot: ConnectionSnapshot): unknown };
  /** How many of `connections` the previous state had. */
  known: number;
  /** Items that could not be read, with their id when they had one. */
  rejected: readonly { id: string | null; reason: string }[];
}

/** A connection whose previous snapshot was kept, and why (for the log). */
export interface KeptItem {
  /** `empty`: read, but every field but `id` was null; `rejected`: could not be read. */
  kind: "empty" | "rejected";
  id: string | null;
  reason: string;
}

/** What `observe` returns. */
export interface Observation {
  /** Every connection this cycle judges: the listing's Map, with kept snapshots put back. */
  observed: ListingRead["connections"];
  /** Items not judged on this listing's data (rejected, or read without any field but `id`). */
  unreadable: number;
  /** The unreadable items in listing order: rejected ones and field-less ones. */
  kept: KeptItem[];
  /** Known connections missing from this listing for the first time (removed if missing next cycle too). */
  missing: readonly string[];
  /** The ids to remember as missing, or null to keep the previous list (an item without an id was skipped). */
  remember: readonly string[] | null;
}

/**
 * Merges a complete listing with the previous state, so that nothing is judged on data syncwatch could not read:
 * - an unreadable item keeps its connection's previous snapshot;
 * - an item whose every field but `id` is null or missing keeps its previous snapshot too (judging it would resolve
 *   alerts for no reason); an item with only some fields null is read like any other;
 * - a connection missing from the listing is only removed when it was also missing from the previous successful
 *   listing (`missingBefore`): the cursor is an offset, so a connection deleted while the listing is paged hides the
 *   next item for one cycle; and while an item without an id was skipped, nobody can be called removed.
 * Takes the listing's Map over (adds to it); never changes `previous`.
 */
export function observe(listing: ListingRead, previous: ReadonlyMap<string, ConnectionRecord>, missingBefore: readonly string[]): Observation {
  const { connections: observed, rejected } = listing;
  let unreadable = rejected.length;
  const kept: KeptItem[] = [];
  // How many previously known connections this listing accounts for; when all are, nobody is missing.
  let known = listing.known;
  let empty: ConnectionSnapshot[] | null = null;
  for (const c of observed.values()) if (saysNothing(c)) (empty ??= []).push(c);
  for (const c of empty ?? []) {
    const prev = previous.get(c.id);
    if (prev === undefined) continue;
    observed.set(c.id, prev.snapshot);
    unreadable++;
    kept.push({ kind: "empty", id: c.id, reason: "every field but id is null" });
  }
  for (const r of rejected) {
    kept.push({ kind: "rejected", id: r.id, reason: r.reason });
    if (r.id === null || observed.has(r.id)) continue;
    const prev = previous.get(r.id);
    if (prev) {
      observed.set(r.id, prev.snapshot);
      known++;
    }
  }

  const anonymous = rejected.some((r) => r.id === null);
  const before = new Set(missingBefore);
  const missing: string[] = [];
  for (const [id, rec] of known === previous.size ? [] : previous) {
    if (observed.has(id)) continue;
    if (anonymous || !before.has(id)) {
      observed.set(id, rec.snapshot);
      missing.push(id);
    }
  }
  // While an anonymous item was skipped, this listing says nothing about who is gone.
  return { observed, unreadable, kept, missing, remember: anonymous ? null : missing };
}

