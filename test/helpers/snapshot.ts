// The one complete ConnectionSnapshot literal the test fixtures build on; each area lays its own defaults over it.
import type { ConnectionSnapshot } from "../../src/health/model.js";

/** A healthy, automatic, hourly connection with nothing known of its group, service, schema or times; `over` replaces fields. */
export function baseSnapshot(id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return {
    id,
    group_id: null,
    service: null,
    schema: null,
    paused: false,
    setup_state: "connected",
    sync_state: "scheduled",
    update_state: "on_schedule",
    is_historical_sync: false,
    warnings: [],
    tasks: [],
    succeeded_at: null,
    failed_at: null,
    created_at: null,
    sync_frequency: 60,
    schedule_type: "auto",
    data_delay_sensitivity: "NORMAL",
    data_delay_threshold: 0,
    rescheduled_for: null,
    ...over,
  };
}
