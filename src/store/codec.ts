// Encodes persisted state as compact JSON (snapshots as fixed-order tuples) and decodes it with checks.
import type { AlertRecord, ConnectionRecord, ConnectionSnapshot, HealthState, Notice } from "../health/model.js";
import { alertKey } from "../health/model.js";
import type { PersistedState } from "./types.js";

/** The state file format version; a file of another version is moved aside, not guessed at. */
export const STATE_VERSION = 1;

// Field order of an encoded snapshot. Appending a field needs a version bump and a migration.
const FIELDS = [
  "id",
  "group_id",
  "service",
  "schema",
  "paused",
  "setup_state",
  "sync_state",
  "update_state",
  "is_historical_sync",
  "warnings",
  "tasks",
  "succeeded_at",
  "failed_at",
  "created_at",
  "sync_frequency",
  "schedule_type",
  "data_delay_sensitivity",
  "data_delay_threshold",
  "rescheduled_for",
] as const satisfies readonly (keyof ConnectionSnapshot)[];

type EncodedNotice = [string, string | null];

/** Rows per piece of `encodeStatePieces`. */
const ROWS_PER_CHUNK = 1000;

/** Serializes the whole persisted state to one JSON string. */
export function encodeState(state: PersistedState, savedAt: number): string {
  return [...encodeStatePieces(state, savedAt)].join("");
}

/**
 * Serializes the persisted state as consecutive pieces of one JSON document (a tuple per connection, about 200 KB
 * per piece), encoded one at a time as they are asked for: a large account is written without ever holding its
 * whole text (18 MB at 100,000 connections), and each piece dies young. The records are taken when it starts.
 */
export function* encodeStatePieces(state: PersistedState, savedAt: number): Generator<string> {
  const h = state.health;
  const records = Array.from(h.connections.values());
  const head = JSON.stringify({
    version: STATE_VERSION,
    saved_at: new Date(savedAt).toISOString(),
    hold_until: state.hold_until,
    outbox: state.outbox ?? null,
    health: { baseline_done: h.baseline_done, last_success_at: h.last_success_at, fields: FIELDS, alerts: [...h.alerts.values()] },
  });
  // Reopen the health object to append the connections array to it.
  yield `${head.slice(0, -2)},"connections":[`;
  for (let start = 0; start < records.length; start += ROWS_PER_CHUNK) {
    const text = JSON.stringify(records.slice(start, start + ROWS_PER_CHUNK).map(row));
    yield `${start === 0 ? "" : ","}${text.slice(1, -1)}`;
  }
  yield "]}}";
}

function row(rec: ConnectionRecord): unknown[] {
  const s = rec.snapshot;
  return [
    s.id,
    s.group_id,
    s.service,
    s.schema,
    s.paused,
    s.setup_state,
    s.sync_state,
    s.update_state,
    s.is_historical_sync,
    s.warnings.length === 0 ? 0 : s.warnings.map((n): EncodedNotice => [n.code, n.message]),
    s.tasks.length === 0 ? 0 : s.tasks.map((n): EncodedNotice => [n.code, n.message]),
    s.succeeded_at,
    s.failed_at,
    s.created_at,
    s.sync_frequency,
    s.schedule_type,
    s.data_delay_sensitivity,
    s.data_delay_threshold,
    s.rescheduled_for,
    rec.resumed_at,
  ];
}

/** Parses a state file; throws an Error saying what is wrong when it is not a usable state. */
export function decodeState(text: string): PersistedState {
  if (text.trim() === "") throw new Error("file is empty");
  const doc = JSON.parse(text) as unknown;
  if (!isObject(doc)) throw new Error("not a JSON object");
  if (doc.version !== STATE_VERSION) throw new Error(`unsupported state version ${JSON.stringify(doc.version)} (this build reads ${STATE_VERSION})`);
  const h = doc.health;
  if (!isObject(h)) throw new Error("health: missing");
  if (!Array.isArray(h.connections) || !Array.isArray(h.alerts)) throw new Error("health: connections or alerts missing");
  if (JSON.stringify(h.fields) !== JSON.stringify(FIELDS)) throw new Error("health.fields: unexpected snapshot layout");

  const connections = new Map<string, ConnectionRecord>();
  for (const row of h.connections) {
    if (!Array.isArray(row) || row.length !== FIELDS.length + 1 || typeof row[0] !== "string") {
      throw new Error("health.connections: malformed row");
    }
    const r = row as unknown[];
    const snapshot: ConnectionSnapshot = {
      id: r[0] as string,
      group_id: r[1] as string | null,
      service: r[2] as string | null,
      schema: r[3] as string | null,
      paused: r[4] as boolean | null,
      setup_state: r[5] as string | null,
      sync_state: r[6] as string | null,
      update_state: r[7] as string | null,
      is_historical_sync: r[8] as boolean | null,
      warnings: decodeNotices(r[9]),
      tasks: decodeNotices(r[10]),
      succeeded_at: r[11] as number | null,
      failed_at: r[12] as number | null,
      created_at: r[13] as number | null,
      sync_frequency: r[14] as number | null,
      schedule_type: r[15] as string | null,
      data_delay_sensitivity: r[16] as string | null,
      data_delay_threshold: r[17] as number | null,
      rescheduled_for: r[18] as number | null,
    };
    connections.set(snapshot.id, { snapshot, resumed_at: r[19] as number | null });
  }
  const alerts = new Map<string, AlertRecord>();
  for (const a of h.alerts) {
    if (!isObject(a) || typeof a.connection_id !== "string" || typeof a.condition !== "string") {
      throw new Error("health.alerts: malformed alert");
    }
    const rec = a as unknown as AlertRecord;
    alerts.set(alertKey(rec.connection_id, rec.condition), rec);
  }
  const health: HealthState = {
    baseline_done: h.baseline_done === true,
    last_success_at: typeof h.last_success_at === "number" ? h.last_success_at : null,
    connections,
    alerts,
  };
  return { health, outbox: doc.outbox ?? null, hold_until: typeof doc.hold_until === "number" ? doc.hold_until : null };
}

function decodeNotices(v: unknown): Notice[] {
  if (v === 0 || v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new Error("health.connections: malformed notices");
  return v.map((n) => {
    const [code, message] = n as EncodedNotice;
    return { code, message };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
