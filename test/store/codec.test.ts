// The state file's hand-written encoding round-trips every field exactly, escapes included.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertKey, type ConnectionRecord, type ConnectionSnapshot, type HealthState } from "../../src/health/model.js";
import { decodeState, encodeState, encodeStatePieces } from "../../src/store/codec.js";
import { FileStore } from "../../src/store/file-store.js";
import type { PersistedState } from "../../src/store/types.js";
import { snapshot } from "./fixtures.js";

/** A snapshot whose strings need escaping, with a warning; `over` replaces fields. */
function snap(id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return snapshot(id, {
    schema: 'sf "prod"\n\\ünïcødé',
    is_historical_sync: null,
    warnings: [{ code: "w1", message: 'say "hi"' }],
    succeeded_at: 1_795_000_000_123,
    data_delay_sensitivity: "CUSTOM",
    data_delay_threshold: 90,
    ...over,
  });
}

describe("state encoding", () => {
  it("round-trips snapshots, alerts and the outbox exactly", () => {
    const health: HealthState = {
      baseline_done: true,
      last_success_at: 1_795_000_000_000,
      connections: new Map([
        ["a", { snapshot: snap("a"), resumed_at: null }],
        ["b\u2028", { snapshot: snap("b\u2028", { paused: null, group_id: null, tasks: [{ code: "t", message: null }] }), resumed_at: 5 }],
      ]),
      alerts: new Map([
        [
          alertKey("a", "warning:w1"),
          { connection_id: "a", condition: "warning:w1", severity: "warning", phase: "firing", streak: 0, started_at: 1, summary: "Warning w1", last_notified_at: 2 },
        ],
      ]),
    };
    const state: PersistedState = { health, outbox: { channels: { webhook: [{ id: "x", alerts: [] }] } }, hold_until: 42 };
    const text = encodeState(state, 0);
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    const back = decodeState(text);
    expect(back.health.connections).toEqual(health.connections);
    expect(back.health.alerts).toEqual(health.alerts);
    expect(back.outbox).toEqual(state.outbox);
    expect(back.hold_until).toBe(42);
  });

  it("splits a large state into pieces of one valid document", () => {
    const connections = new Map(Array.from({ length: 2500 }, (_, i) => [`c${i}`, { snapshot: snap(`c${i}`), resumed_at: null }] as const));
    const chunks = [...encodeStatePieces({ health: { baseline_done: true, last_success_at: null, connections, alerts: new Map() }, outbox: null, hold_until: null }, 0)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(decodeState(chunks.join("")).health.connections.size).toBe(2500);
  });
});

describe("saving again", () => {
  it("writes the changed record and keeps the others", async () => {
    const store = new FileStore({ path: join(mkdtempSync(join(tmpdir(), "syncwatch-rows-")), "state.json") });
    const a: ConnectionRecord = { snapshot: snap("a"), resumed_at: null };
    const b: ConnectionRecord = { snapshot: snap("b"), resumed_at: null };
    const health: HealthState = { baseline_done: true, last_success_at: 1, connections: new Map([["a", a], ["b", b]]), alerts: new Map() };
    await store.save({ health, outbox: null, hold_until: null });
    const changed: ConnectionRecord = { snapshot: snap("b", { setup_state: "broken" }), resumed_at: 7 };
    await store.save({ health: { ...health, connections: new Map<string, ConnectionRecord>([["a", a], ["b", changed]]) }, outbox: null, hold_until: null });
    const loaded = (await store.load()).state!;
    expect(loaded.health.connections.get("a")).toEqual(a);
    expect(loaded.health.connections.get("b")).toEqual(changed);
  });
});
