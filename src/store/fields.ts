// The one table of a connection snapshot's fields on disk: their order in a tuple and how each is stored by column.
// Encode, decode, the journal and the version 1 reader all follow it.
import type { ConnectionRecord, ConnectionSnapshot, Notice } from "../health/model.js";
import { NO_NOTICES } from "../health/model.js";

/**
 * How a field is stored in a column block: `id` (the key), `coded` (few distinct strings: an index into the file's
 * string table), `plain` (the value itself) or `notices` (only the connections that have some, as [index, list]).
 */
export type FieldKind = "id" | "coded" | "plain" | "notices";

/**
 * Every snapshot field, in tuple order (journal entries; the connections of a version 1 file), then `resumed_at`.
 * Appending a field needs a version bump and a migration: tuples of earlier files have one element fewer.
 */
export const SNAPSHOT_FIELDS = [
  { name: "id", kind: "id" },
  { name: "group_id", kind: "coded" },
  { name: "service", kind: "coded" },
  { name: "schema", kind: "plain" },
  { name: "paused", kind: "plain" },
  { name: "setup_state", kind: "coded" },
  { name: "sync_state", kind: "coded" },
  { name: "update_state", kind: "coded" },
  { name: "is_historical_sync", kind: "plain" },
  { name: "warnings", kind: "notices" },
  { name: "tasks", kind: "notices" },
  { name: "succeeded_at", kind: "plain" },
  { name: "failed_at", kind: "plain" },
  { name: "created_at", kind: "plain" },
  { name: "sync_frequency", kind: "plain" },
  { name: "schedule_type", kind: "coded" },
  { name: "data_delay_sensitivity", kind: "coded" },
  { name: "data_delay_threshold", kind: "plain" },
  { name: "rescheduled_for", kind: "plain" },
] as const satisfies readonly { name: keyof ConnectionSnapshot; kind: FieldKind }[];

// A snapshot field missing from the table fails the build here.
type Unlisted = Exclude<keyof ConnectionSnapshot, (typeof SNAPSHOT_FIELDS)[number]["name"]>;
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

/** The field names in tuple order (a version 1 file records them as `health.fields`). */
export const FIELD_NAMES: readonly (keyof ConnectionSnapshot)[] = SNAPSHOT_FIELDS.map((f) => f.name);

/** A notice on disk: [code, message]. */
export type EncodedNotice = [string, string | null];

/** Notices as stored. */
export function encodeNotices(list: readonly Notice[]): EncodedNotice[] {
  return list.map((n): EncodedNotice => [n.code, n.message]);
}

/** Stored notices back; 0, null and absent are none. Throws on anything else that is not a list. */
export function decodeNotices(v: unknown): Notice[] {
  if (v === 0 || v === null || v === undefined) return NO_NOTICES;
  if (!Array.isArray(v)) throw new Error("health.connections: malformed notices");
  return v.map((n) => {
    const [code, message] = n as EncodedNotice;
    return { code, message };
  });
}

/** A record as a tuple: the fields in table order (no notices: 0), then `resumed_at`. */
export function recordToRow(rec: ConnectionRecord): unknown[] {
  const s = rec.snapshot;
  const row = SNAPSHOT_FIELDS.map((f): unknown => (f.kind === "notices" ? (s[f.name].length === 0 ? 0 : encodeNotices(s[f.name])) : s[f.name]));
  row.push(rec.resumed_at);
  return row;
}

/** A tuple back to a record; throws when it is not one. */
export function rowToRecord(row: unknown): ConnectionRecord {
  if (!Array.isArray(row) || row.length !== SNAPSHOT_FIELDS.length + 1 || typeof row[0] !== "string") {
    throw new Error("health.connections: malformed row");
  }
  const r = row as unknown[];
  const snapshot: Record<string, unknown> = {};
  SNAPSHOT_FIELDS.forEach((f, i) => (snapshot[f.name] = f.kind === "notices" ? decodeNotices(r[i]) : r[i]));
  return { snapshot: snapshot as unknown as ConnectionSnapshot, resumed_at: r[SNAPSHOT_FIELDS.length] as number | null };
}
