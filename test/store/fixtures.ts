// Snapshot builder shared by the store tests.
import type { ConnectionSnapshot } from "../../src/health/model.js";

/** A healthy connection with every field filled; `over` replaces fields. */
export function snapshot(id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return {
    id,
    group_id: "g1",
    service: "salesforce",
    schema: `sf_${id}`,
    paused: false,
    setup_state: "connected",
    sync_state: "scheduled",
    update_state: "on_schedule",
    is_historical_sync: false,
    warnings: [],
    tasks: [],
    succeeded_at: Date.parse("2026-11-22T10:00:00Z"),
    failed_at: null,
    created_at: Date.parse("2025-01-01T00:00:00Z"),
    sync_frequency: 360,
    schedule_type: "auto",
    data_delay_sensitivity: "NORMAL",
    data_delay_threshold: 0,
    rescheduled_for: null,
    ...over,
  };
}
