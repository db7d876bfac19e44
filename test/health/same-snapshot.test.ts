// sameSnapshot: equal only when every field is equal, so an unchanged connection can keep its old objects.
import { describe, expect, it } from "vitest";
import { sameSnapshot, type ConnectionSnapshot } from "../../src/health/index.js";
import { snap } from "./fixtures.js";

const base: ConnectionSnapshot = snap({ service: "postgres", schema: "pg", warnings: [{ code: "w", message: "m" }], succeeded_at: 2, failed_at: 1, created_at: 0, sync_frequency: 360 });

describe("sameSnapshot", () => {
  it("is true for a field-by-field copy", () => {
    expect(sameSnapshot(base, { ...base, warnings: [{ code: "w", message: "m" }], tasks: [] })).toBe(true);
  });

  const changes: [string, Partial<ConnectionSnapshot>][] = [
    ["succeeded_at", { succeeded_at: 3 }],
    ["failed_at", { failed_at: null }],
    ["setup_state", { setup_state: "broken" }],
    ["sync_state", { sync_state: "syncing" }],
    ["update_state", { update_state: "delayed" }],
    ["paused", { paused: null }],
    ["group_id", { group_id: "g2" }],
    ["service", { service: "mysql" }],
    ["schema", { schema: "pg2" }],
    ["is_historical_sync", { is_historical_sync: true }],
    ["created_at", { created_at: 5 }],
    ["sync_frequency", { sync_frequency: 60 }],
    ["schedule_type", { schedule_type: "manual" }],
    ["data_delay_sensitivity", { data_delay_sensitivity: "CUSTOM" }],
    ["data_delay_threshold", { data_delay_threshold: 90 }],
    ["rescheduled_for", { rescheduled_for: 9 }],
    ["a warning's message", { warnings: [{ code: "w", message: "other" }] }],
    ["a new task", { tasks: [{ code: "t", message: null }] }],
  ];
  it.each(changes)("is false when %s differs", (_name, change) => {
    expect(sameSnapshot(base, { ...base, ...change })).toBe(false);
  });
});
