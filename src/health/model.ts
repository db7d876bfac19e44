// The domain model of connection health: snapshots, alert records, alerts and events. Pure data, no I/O.

/** How bad an alert is. */
export type Severity = "critical" | "warning";

export type { ConditionKind } from "./condition-table.js";

/** A warning or a task from `status.warnings` / `status.tasks`. */
export interface Notice {
  code: string;
  message: string | null;
}

/** The one empty notice list every snapshot without warnings or tasks shares (frozen: never mutated). */
export const NO_NOTICES = Object.freeze([]) as unknown as Notice[];

/**
 * What syncwatch keeps of one connection after one cycle. Every field but `id` may be null
 * (Fivetran may omit it); enum-like strings are kept exactly as they came. Times are epoch ms.
 */
export interface ConnectionSnapshot {
  id: string;
  group_id: string | null;
  service: string | null;
  schema: string | null;
  paused: boolean | null;
  setup_state: string | null;
  sync_state: string | null;
  update_state: string | null;
  is_historical_sync: boolean | null;
  warnings: Notice[];
  tasks: Notice[];
  succeeded_at: number | null;
  failed_at: number | null;
  created_at: number | null;
  /** Minutes between syncs; null for custom schedules. */
  sync_frequency: number | null;
  schedule_type: string | null;
  data_delay_sensitivity: string | null;
  /** Minutes; only meaningful when `data_delay_sensitivity` is `CUSTOM`. */
  data_delay_threshold: number | null;
  rescheduled_for: number | null;
}

/**
 * True when every field but `id` is null (no warnings, no tasks): such an item says nothing, and its connection
 * keeps its previous snapshot. An item that only lacks `status` still says something and is judged.
 */
export function saysNothing(c: ConnectionSnapshot): boolean {
  return (
    c.group_id === null &&
    c.service === null &&
    c.schema === null &&
    c.paused === null &&
    c.setup_state === null &&
    c.sync_state === null &&
    c.update_state === null &&
    c.is_historical_sync === null &&
    c.warnings.length === 0 &&
    c.tasks.length === 0 &&
    c.succeeded_at === null &&
    c.failed_at === null &&
    c.created_at === null &&
    c.sync_frequency === null &&
    c.schedule_type === null &&
    c.data_delay_sensitivity === null &&
    c.data_delay_threshold === null &&
    c.rescheduled_for === null
  );
}

/** What syncwatch remembers of a connection between cycles. */
export interface ConnectionRecord {
  snapshot: ConnectionSnapshot;
  /**
   * The cycle time at which this connection was last seen to resume (unpause) or return to
   * automatic scheduling; `stale` is measured from the later of this and `succeeded_at`.
   */
  resumed_at: number | null;
}

/** Why an alert resolved when it was not because its condition cleared. */
export type ResolveReason = "paused" | "manual" | "removed";

/** Where a (connection, condition) pair is in its life. */
export type AlertPhase = "pending" | "firing";

/** The remembered state of one (connection, condition) pair that is not clear. */
export interface AlertRecord {
  connection_id: string;
  condition: string;
  severity: Severity;
  /** `pending`: the condition holds but has not yet held for `fire_after` cycles. */
  phase: AlertPhase;
  /**
   * While pending: consecutive cycles the condition has held. While firing: consecutive cycles it
   * has been clear (0 when it holds), counting towards `clear_after`.
   */
  streak: number;
  /** When the alert started firing (the cycle time), or for pending ones when the condition was first seen. */
  started_at: number;
  /** The last human reason text, e.g. "no successful sync for 14h (limit 13h)". */
  summary: string;
  /** When a notification (first or reminder) was last produced; null until it fires. */
  last_notified_at: number | null;
  /** True while it fired but was held back (inhibited, silenced, muted) and not yet sent; absent once sent. */
  unsent?: true;
}

/** One alert as notifications carry it (the webhook payload item, with epoch-ms times). */
export interface Alert {
  status: "firing" | "resolved";
  connection_id: string;
  condition: string;
  severity: Severity;
  group_id: string;
  service: string;
  schema: string;
  summary: string;
  started_at: number;
  resolved_at: number | null;
  reason: ResolveReason | null;
  reminder: boolean;
  /** The group's name (the destination people know), null when unknown. */
  group_name: string | null;
  /** The connection's page in the Fivetran dashboard, null when unknown or turned off. */
  connection_url: string | null;
  /** The runbook the config names for this alert, null when none. */
  runbook_url: string | null;
}

/** Lifecycle changes that are counted and logged, not alerted. */
export type LifecycleKind =
  | "added"
  | "removed"
  | "paused"
  | "resumed"
  | "manual"
  | "automatic"
  | "historical_sync_started"
  | "rescheduled";

/** One lifecycle change of one connection. */
export interface LifecycleEvent {
  kind: LifecycleKind;
  connection_id: string;
  /** The connection as this cycle saw it (for `removed`, as last seen): names it in the log line. */
  snapshot: ConnectionSnapshot;
}

/** Everything syncwatch remembers about the account between cycles (persisted by the store). */
export interface HealthState {
  /** False until the first successful cycle has been judged (that cycle is the baseline). */
  baseline_done: boolean;
  connections: Map<string, ConnectionRecord>;
  /** Keyed by `alertKey(connection_id, condition)`. */
  alerts: Map<string, AlertRecord>;
  /** End of the last successful cycle (epoch ms), or null if none yet. */
  last_success_at: number | null;
}

/** How far ahead of the expected position `findAhead` looks before its caller falls back to a Map lookup. */
const LOOKAHEAD = 4;

/**
 * The position of `id` among the next few entries of `order` from `from` (the position after the last one found), or
 * -1: ids that come in the order of the last listing are found with a pointer comparison or two, no hashing.
 */
export function findAhead(order: readonly { readonly snapshot: ConnectionSnapshot }[], from: number, id: string): number {
  const end = Math.min(from + LOOKAHEAD, order.length);
  for (let k = from; k < end; k++) if (order[k]!.snapshot.id === id) return k;
  return -1;
}

/**
 * Looks up connection records expecting the ids to come in the Map's own order (the state keeps connections in the
 * order of the last listing, and the next listing mostly repeats it): each lookup first compares the id with the
 * next few records after the last one found, and only asks the Map on a miss (new, moved, concurrent group pages).
 * At 100,000 connections a Map lookup costs a hash and a cache miss, ~50 ms a cycle per pass; the comparison is
 * mostly a pointer check, since an unchanged connection keeps its id string. Lookups of ids in another order stay
 * correct, just not faster. Records added to the Map after this call are found through the Map. Given an array of
 * records instead, a Map of them is built the first time a lookup misses.
 */
export function recordsInOrder(
  connections: ReadonlyMap<string, ConnectionRecord> | readonly ConnectionRecord[],
): (id: string) => ConnectionRecord | undefined {
  const order: readonly ConnectionRecord[] = isRecordArray(connections) ? connections : Array.from(connections.values());
  let byId: ReadonlyMap<string, ConnectionRecord> | null = isRecordArray(connections) ? null : connections;
  let next = 0;
  return (id) => {
    const k = findAhead(order, next, id);
    if (k >= 0) {
      next = k + 1;
      return order[k];
    }
    byId ??= new Map(order.map((rec) => [rec.snapshot.id, rec]));
    return byId.get(id);
  };
}

function isRecordArray(c: ReadonlyMap<string, ConnectionRecord> | readonly ConnectionRecord[]): c is readonly ConnectionRecord[] {
  return Array.isArray(c);
}

/** The key of a (connection, condition) pair in `HealthState.alerts`. */
export function alertKey(connectionId: string, condition: string): string {
  return `${connectionId}\u0000${condition}`;
}

/** A fresh state: nothing known, baseline pending. */
export function emptyHealthState(): HealthState {
  return { baseline_done: false, connections: new Map(), alerts: new Map(), last_success_at: null };
}

/** The `connection_id` of the self-monitoring `watcher_blind` alert. */
export const WATCHER_CONNECTION_ID = "";
