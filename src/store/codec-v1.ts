// The reader of version 1 state files (an earlier release): one tuple per connection, in the order `health.fields`
// names. Nothing writes this format any more.
import type { ConnectionRecord } from "../health/model.js";
import { FIELD_NAMES, rowToRecord } from "./fields.js";

/** The connections of a version 1 file's `health` object; throws when its layout is not the one this build knows. */
export function decodeV1Connections(h: Record<string, unknown>): Map<string, ConnectionRecord> {
  if (!Array.isArray(h.connections)) throw new Error("health: connections missing");
  if (JSON.stringify(h.fields) !== JSON.stringify(FIELD_NAMES)) throw new Error("health.fields: unexpected snapshot layout");
  const connections = new Map<string, ConnectionRecord>();
  for (const r of h.connections) {
    const rec = rowToRecord(r);
    connections.set(rec.snapshot.id, rec);
  }
  return connections;
}
