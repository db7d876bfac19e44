// Health states for the metrics tests: a few connections covering known and unknown states, nulls and alerts.
import type { AlertRecord, ConnectionRecord, ConnectionSnapshot, HealthState } from "../../src/health/model.js";
import { alertKey } from "../../src/health/model.js";
import { baseSnapshot } from "../helpers/snapshot.js";

/** A snapshot with every field filled; `over` replaces fields. */
export function snapshot(id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return baseSnapshot(id, {
    group_id: "grp_1",
    service: "postgres",
    schema: "public",
    succeeded_at: Date.UTC(2026, 0, 2, 3, 4, 5),
    created_at: Date.UTC(2025, 0, 1),
    data_delay_threshold: null,
    ...over,
  });
}

/** An alert record in the given phase. */
export function alert(connection_id: string, condition: string, severity: "critical" | "warning", phase: "pending" | "firing"): AlertRecord {
  return { connection_id, condition, severity, phase, streak: 1, started_at: Date.UTC(2026, 0, 2), summary: "why", last_notified_at: null };
}

/** A health state holding these snapshots and alert records. */
export function state(snaps: ConnectionSnapshot[], alerts: AlertRecord[] = [], lastSuccessAt: number | null = null): HealthState {
  const connections = new Map<string, ConnectionRecord>(snaps.map((s) => [s.id, { snapshot: s, resumed_at: null }]));
  return {
    baseline_done: true,
    connections,
    alerts: new Map(alerts.map((a) => [alertKey(a.connection_id, a.condition), a])),
    last_success_at: lastSuccessAt,
  };
}

/** The four connections of the main example. */
export const healthy = snapshot("conn_healthy", {
  warnings: [{ code: "resync_table", message: "m" }],
  tasks: [
    { code: "reconnect", message: null },
    { code: "update_key", message: null },
  ],
  failed_at: Date.UTC(2026, 0, 1, 0, 0, 0, 500),
});
export const broken = snapshot("conn_broken", {
  group_id: "grp_2",
  service: "salesforce",
  schema: "sf",
  paused: true,
  setup_state: "broken",
  sync_state: "quantum_entangled",
  update_state: "delayed",
  succeeded_at: null,
});
export const blank = snapshot("conn_blank", {
  group_id: null,
  service: null,
  schema: null,
  paused: null,
  setup_state: null,
  sync_state: null,
  update_state: null,
  succeeded_at: null,
});

/** The main example: three connections, two firing alerts on connections, one pending, and watcher_blind. */
export const example = state(
  [healthy, broken, blank],
  [
    alert("conn_broken", "setup_broken", "critical", "firing"),
    alert("conn_healthy", "stale", "warning", "pending"),
    alert("conn_healthy", "task:reconnect", "warning", "firing"),
    alert("", "watcher_blind", "critical", "firing"),
  ],
  Date.UTC(2026, 0, 2, 3, 5, 0),
);

/** The lines of the exposition whose metric name is one of `names` (samples only, no comments). */
export function samples(text: string, names: readonly string[]): string[] {
  return text.split("\n").filter((line) => names.some((n) => line.startsWith(`${n}{`) || line.startsWith(`${n} `)));
}
