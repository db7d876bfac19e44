// The Store interface: what syncwatch persists between runs, and how it is loaded and saved.
import type { HistoryEntry } from "../health/history.js";
import type { HealthState } from "../health/model.js";

/** Everything persisted: health state, the unsent notification queue, and a Fivetran hold-back time. */
export interface PersistedState {
  health: HealthState;
  /** The notification outbox, as plain JSON data owned by the notify pipeline. */
  outbox: unknown;
  /** No Fivetran call before this time (epoch ms): a long `Retry-After` survives a restart. */
  hold_until: number | null;
  /**
   * Known connections the last successful listing did not have (kept for one cycle: a connection deleted while the
   * listing is paged hides the next one); removed when the next listing misses them too. Absent: none.
   */
  missing?: readonly string[];
  /** The last fire and resolve events, oldest first, bounded (`health/history.ts`). Absent: none yet. */
  history?: readonly HistoryEntry[];
}

/** Why a load started over from a baseline, when it did. */
export interface LoadReport {
  /** The state, or null when there was none (first run) or it could not be used. */
  state: PersistedState | null;
  /** Set when a file existed but was unusable and was moved aside. */
  discarded: { reason: string; movedTo: string | null } | null;
  /** Set when the state loaded but part of it was cut off as incomplete (a crash in the middle of a save). */
  repaired?: string;
}

/** Persists `PersistedState`. Saves are atomic: a crash leaves the old or the new state, never a mix. */
export interface Store {
  load(): Promise<LoadReport>;
  save(state: PersistedState): Promise<void>;
  /** Bytes written by the last save (for metrics and the benchmark); 0 if none. */
  readonly lastSaveBytes: number;
}
