// Shared builders for the health tests: snapshots, rules from config, and cycle helpers.
import { alertsSchema, rulesSchema } from "../../src/config/schema.js";
import { diff, emptyHealthState, rulesFromConfig, type ConnectionSnapshot, type HealthState, type Rules } from "../../src/health/index.js";
import { baseSnapshot } from "../helpers/snapshot.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** 2026-11-22 12:00 UTC. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0);

/** A healthy, automatic, hourly connection that succeeded 10 minutes before T0. */
export function snap(over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return baseSnapshot("c1", { group_id: "g1", service: "salesforce", schema: "sf_prod", succeeded_at: T0 - 10 * MIN, created_at: T0 - 30 * 24 * HOUR, ...over });
}

/** Rules from config sections given as YAML would give them (defaults filled by the schema). */
export function rules(r: Record<string, unknown> = {}, a: Record<string, unknown> = {}): Rules {
  return rulesFromConfig(rulesSchema.parse(r), alertsSchema.parse(a));
}

/** A state whose baseline is done, knowing nothing yet. */
export function afterBaseline(): HealthState {
  return { ...emptyHealthState(), baseline_done: true };
}

/** Runs `diff` for one cycle of the given snapshots. */
export function cycle(prev: HealthState, snaps: ConnectionSnapshot[], now: number, r: Rules = rules()) {
  return diff(prev, { connections: new Map(snaps.map((s) => [s.id, s])) }, now, r);
}

/** Short form of events for assertions: "type condition connection [reason]". */
export function brief(events: { type: string; alert: { condition: string; connection_id: string; reason: string | null } }[]): string[] {
  return events.map((e) => [e.type, e.alert.condition, e.alert.connection_id, e.alert.reason].filter((x) => x !== null).join(" "));
}
