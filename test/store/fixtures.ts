// Snapshot builder shared by the store tests.
import type { ConnectionSnapshot } from "../../src/health/model.js";
import { baseSnapshot } from "../helpers/snapshot.js";

/** A healthy connection with every field filled; `over` replaces fields. */
export function snapshot(id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return baseSnapshot(id, {
    group_id: "g1",
    service: "salesforce",
    schema: `sf_${id}`,
    succeeded_at: Date.parse("2026-11-22T10:00:00Z"),
    created_at: Date.parse("2025-01-01T00:00:00Z"),
    sync_frequency: 360,
    ...over,
  });
}
