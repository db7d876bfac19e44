// The read-only view the status page and the API answer from: built once after a cycle, never changed after.
import type { HistoryEntry } from "../health/history.js";
import type { Alert, ConnectionRecord, Severity } from "../health/model.js";
import { WATCHER_CONNECTION_ID } from "../health/model.js";

/** Why a firing alert is not being sent. */
export type HeldReason = "silenced" | "inhibited" | "muted";

/** A firing alert as the page shows it: the notification's fields plus where to act and whether it is held back. */
export interface AlertView extends Alert {
  held?: HeldReason | null;
}

/** What the last cycle did. */
export interface CycleInfo {
  started_at: number;
  duration_ms: number;
  outcome: "success" | "failure" | "held";
  /** The error's message when the cycle failed (never a secret: errors carry none). */
  error: string | null;
  connections: number;
  requests: number;
  rejected: number;
  fired: number;
  resolved: number;
  hold_until: number | null;
}

/** What a view is built from (the watcher's state right after a cycle, or after loading the saved state). */
export interface ViewInput {
  /** When the view is built (epoch ms). */
  at: number;
  /** When this process started. */
  started_at: number;
  health: { readonly connections: ReadonlyMap<string, ConnectionRecord>; readonly last_success_at: number | null };
  /** The firing alerts, most severe first. */
  firing: readonly AlertView[];
  history: readonly HistoryEntry[];
  cycle: CycleInfo | null;
  rate_limit_remaining: number | null;
  /** Why an alert is held back, for alerts that do not say so themselves (e.g. the config's silences). */
  held?: (alert: Alert) => HeldReason | null;
  /** Group names by id, where known. */
  group_names?: ReadonlyMap<string, string>;
}

/** The watcher's own health, as one word and a sentence. */
export interface WatcherHealth {
  state: "starting" | "ok" | "degraded" | "blind";
  summary: string;
}

/** Firing alerts of one group. */
export interface GroupCount {
  group_id: string;
  group_name: string | null;
  firing: number;
  critical: number;
}

/** Counts for the top of the page and `/api/v1/status`. */
export interface Counts {
  connections: { total: number; paused: number; with_alerts: number; setup_state: Record<string, number>; sync_state: Record<string, number> };
  firing: number;
  held: number;
  by_severity: Record<Severity, number>;
  by_condition: Record<string, number>;
  held_by_reason: Partial<Record<HeldReason, number>>;
  /** Most firing alerts first. */
  by_group: GroupCount[];
}

/** One connection with its alerts and history. */
export interface ConnectionView {
  record: ConnectionRecord;
  group_name: string | null;
  connection_url: string;
  alerts: AlertView[];
  /** Newest first. */
  history: HistoryEntry[];
}

/** The default Fivetran dashboard link of a connection (SPEC §3). */
export function defaultConnectionUrl(id: string): string {
  return `https://fivetran.com/dashboard/connectors/${encodeURIComponent(id)}/status`;
}

/** Where to act on an alert: its own link when it carries one, else the default; null for the watcher's own alert. */
export function linkOf(a: AlertView): string | null {
  return a.connection_url ?? (a.connection_id === WATCHER_CONNECTION_ID ? null : defaultConnectionUrl(a.connection_id));
}

/** An immutable view of the watcher after one cycle. */
export class StatusView {
  readonly at: number;
  readonly startedAt: number;
  readonly cycle: CycleInfo | null;
  readonly lastSuccessAt: number | null;
  readonly rateLimitRemaining: number | null;
  /** Firing alerts, most severe first, with `held` and `group_name` filled in where known (links: `linkOf`). */
  readonly alerts: readonly AlertView[];
  readonly counts: Counts;
  readonly watcher: WatcherHealth;
  readonly history: readonly HistoryEntry[];
  private readonly connections: ReadonlyMap<string, ConnectionRecord>;
  private readonly groupNames: ReadonlyMap<string, string>;
  private readonly sorted = new Map<string, readonly AlertView[]>();
  private haystacks: Map<AlertView, string> | null = null;

  constructor(input: ViewInput) {
    this.at = input.at;
    this.startedAt = input.started_at;
    this.cycle = input.cycle;
    this.lastSuccessAt = input.health.last_success_at;
    this.rateLimitRemaining = input.rate_limit_remaining;
    this.history = input.history;
    this.connections = input.health.connections;
    this.groupNames = input.group_names ?? new Map();
    const heldOf = input.held ?? (() => null);
    // The published alerts themselves, copied only where something is added (most are not: at 100,000 firing alerts
    // a copy of each cost more than the rest of the view).
    this.alerts = input.firing.map((a) => {
      const held = a.held ?? heldOf(a);
      const groupName = a.group_name ?? (a.group_id === "" ? null : (this.groupNames.get(a.group_id) ?? null));
      return held === (a.held ?? null) && groupName === (a.group_name ?? null) ? a : { ...a, held, group_name: groupName };
    });
    this.counts = count(this.alerts, input.health);
    this.watcher = watcherHealth(this);
  }

  /** The alerts in an order: `key` one of severity, since, connection, group, condition; `desc` reverses it. */
  ordered(key: SortKey, desc: boolean): readonly AlertView[] {
    const name = `${key}:${desc}`;
    let list = this.sorted.get(name);
    if (list === undefined) {
      // Array.prototype.sort is stable: ties keep the base order (most severe first, then schema, connection, condition).
      const by = COMPARE[key];
      const sorted = [...this.alerts].sort(desc ? (x, y) => by(y, x) : by);
      this.sorted.set(name, (list = sorted));
    }
    return list;
  }

  /** The lower-cased text of each alert that the free-text filter searches (built on first use). */
  haystack(): ReadonlyMap<AlertView, string> {
    this.haystacks ??= new Map(
      this.alerts.map((a) => [a, [a.connection_id, a.schema, a.service, a.group_id, a.group_name ?? "", a.condition, a.summary].join("\u0000").toLowerCase()]),
    );
    return this.haystacks;
  }

  /** One connection with its firing alerts and its history, or null when syncwatch does not know it. */
  connection(id: string): ConnectionView | null {
    const record = this.connections.get(id);
    if (record === undefined) return null;
    const groupId = record.snapshot.group_id;
    return {
      record,
      group_name: groupId === null ? null : (this.groupNames.get(groupId) ?? null),
      connection_url: defaultConnectionUrl(id),
      alerts: this.alerts.filter((a) => a.connection_id === id),
      history: this.history.filter((h) => h.connection_id === id).reverse(),
    };
  }
}

/** How the alert list can be sorted. */
export type SortKey = "severity" | "since" | "connection" | "group" | "condition";

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1 };
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const COMPARE: Record<SortKey, (x: AlertView, y: AlertView) => number> = {
  severity: (x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity],
  since: (x, y) => x.started_at - y.started_at,
  connection: (x, y) => text(x.schema || x.connection_id, y.schema || y.connection_id),
  group: (x, y) => text(x.group_name ?? x.group_id, y.group_name ?? y.group_id),
  condition: (x, y) => text(x.condition, y.condition),
};

function count(alerts: readonly AlertView[], health: ViewInput["health"]): Counts {
  const setup: Record<string, number> = {};
  const sync: Record<string, number> = {};
  let paused = 0;
  for (const { snapshot: s } of health.connections.values()) {
    const st = s.setup_state ?? "unknown";
    setup[st] = (setup[st] ?? 0) + 1;
    const sy = s.sync_state ?? "unknown";
    sync[sy] = (sync[sy] ?? 0) + 1;
    if (s.paused === true) paused++;
  }
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0 };
  const byCondition: Record<string, number> = {};
  const heldBy: Partial<Record<HeldReason, number>> = {};
  const groups = new Map<string, GroupCount>();
  const withAlerts = new Set<string>();
  let held = 0;
  for (const a of alerts) {
    bySeverity[a.severity]++;
    byCondition[a.condition] = (byCondition[a.condition] ?? 0) + 1;
    if (a.held) {
      held++;
      heldBy[a.held] = (heldBy[a.held] ?? 0) + 1;
    }
    if (a.connection_id !== WATCHER_CONNECTION_ID) withAlerts.add(a.connection_id);
    let g = groups.get(a.group_id);
    if (g === undefined) groups.set(a.group_id, (g = { group_id: a.group_id, group_name: a.group_name ?? null, firing: 0, critical: 0 }));
    g.firing++;
    if (a.severity === "critical") g.critical++;
  }
  return {
    connections: { total: health.connections.size, paused, with_alerts: withAlerts.size, setup_state: setup, sync_state: sync },
    firing: alerts.length,
    held,
    by_severity: bySeverity,
    by_condition: byCondition,
    held_by_reason: heldBy,
    by_group: [...groups.values()].sort((x, y) => y.critical - x.critical || y.firing - x.firing || text(x.group_id, y.group_id)),
  };
}

function watcherHealth(v: StatusView): WatcherHealth {
  if (v.alerts.some((a) => a.condition === "watcher_blind")) {
    return { state: "blind", summary: v.alerts.find((a) => a.condition === "watcher_blind")!.summary };
  }
  if (v.cycle === null) {
    return v.lastSuccessAt === null
      ? { state: "starting", summary: "No cycle has run yet: waiting for the first one." }
      : { state: "starting", summary: "Showing the saved state; the first cycle of this run has not finished yet." };
  }
  if (v.cycle.outcome === "success") return { state: "ok", summary: "The last cycle read every connection." };
  if (v.cycle.outcome === "held") return { state: "degraded", summary: "Fivetran asked syncwatch to wait (rate limit); alerts are as of the last good cycle." };
  return { state: "degraded", summary: `The last cycle failed (${v.cycle.error ?? "unknown error"}); alerts are as of the last good cycle.` };
}
