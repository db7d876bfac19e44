// The state file's hand-written encoding round-trips every field exactly, escapes included.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertKey, type ConnectionRecord, type ConnectionSnapshot, type HealthState } from "../../src/health/model.js";
import { decodeState, encodeState, encodeStatePieces, STATE_VERSION } from "../../src/store/codec.js";
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

describe("state file versions", () => {
  // A version 1 file as the previous release wrote it: one tuple per connection, in the order `fields` names.
  const V1_FIELDS = ["id", "group_id", "service", "schema", "paused", "setup_state", "sync_state", "update_state", "is_historical_sync", "warnings", "tasks", "succeeded_at", "failed_at", "created_at", "sync_frequency", "schedule_type", "data_delay_sensitivity", "data_delay_threshold", "rescheduled_for"];
  const v1 = JSON.stringify({
    version: 1,
    saved_at: "2026-11-22T12:00:00.000Z",
    hold_until: null,
    outbox: null,
    health: {
      baseline_done: true,
      last_success_at: 5,
      fields: V1_FIELDS,
      alerts: [{ connection_id: "a", condition: "setup_broken", severity: "critical", phase: "firing", streak: 0, started_at: 1, summary: "Setup is broken", last_notified_at: 2 }],
      connections: [
        ["a", "g1", "salesforce", "sf_a", false, "broken", "scheduled", "on_schedule", false, [["w1", "say \"hi\""]], 0, 10, null, 3, 360, "auto", "NORMAL", null, null, null],
        ["b", null, "hubspot", null, null, "connected", null, null, null, 0, [["t", null]], null, 20, null, null, null, "CUSTOM", 90, 30, 7],
      ],
    },
  });

  it("reads a version 1 file, and the next whole-file save writes version 2 with the same content", async () => {
    const state = decodeState(v1);
    expect([...state.health.connections.keys()]).toEqual(["a", "b"]);
    expect(state.health.connections.get("a")).toEqual({
      snapshot: snapshot("a", { setup_state: "broken", sync_state: "scheduled", update_state: "on_schedule", paused: false, is_historical_sync: false, warnings: [{ code: "w1", message: 'say "hi"' }], succeeded_at: 10, created_at: 3, schedule_type: "auto", data_delay_sensitivity: "NORMAL", data_delay_threshold: null }),
      resumed_at: null,
    });
    expect(state.health.connections.get("b")?.snapshot.tasks).toEqual([{ code: "t", message: null }]);
    expect(state.health.connections.get("b")?.resumed_at).toBe(7);
    expect(state.health.alerts.size).toBe(1);

    const path = join(mkdtempSync(join(tmpdir(), "syncwatch-v1-")), "state.json");
    writeFileSync(path, v1);
    const loaded = (await new FileStore({ path }).load()).state!;
    expect(loaded.health.connections).toEqual(state.health.connections);
    await new FileStore({ path }).save(loaded);
    expect((JSON.parse(readFileSync(path, "utf8")) as { version: unknown }).version).toBe(STATE_VERSION);
    expect((await new FileStore({ path }).load()).state!.health.connections).toEqual(state.health.connections);
  });

  it("keeps each repeated value once and gives the decoded snapshots one shared copy of it", () => {
    const connections = new Map(Array.from({ length: 500 }, (_, i) => [`c${i}`, { snapshot: snap(`c${i}`, { group_id: `g${i % 3}` }), resumed_at: null }] as const));
    const text = encodeState({ health: { baseline_done: true, last_success_at: null, connections, alerts: new Map() }, outbox: null, hold_until: null }, 0);
    const doc = JSON.parse(text) as { health: { connections: { strings: string[] } } };
    expect([...doc.health.connections.strings].sort()).toEqual(["CUSTOM", "auto", "connected", "g0", "g1", "g2", "on_schedule", "salesforce", "scheduled"].sort());
    const back = [...decodeState(text).health.connections.values()];
    expect(back.map((r) => r.snapshot)).toEqual([...connections.values()].map((r) => r.snapshot));
    expect(back[0]!.snapshot.service).toBe(back[499]!.snapshot.service);
  });

  it.each([
    ["a column of the wrong length", (d: Doc) => d.blocks[0]!.schema!.pop(), /health.connections.blocks\[0\].schema: not an array of 2/],
    ["an index past the strings", (d: Doc) => (d.blocks[0]!.service![1] = 99), /health.connections.blocks\[0\].service\[1\]: not an index into strings/],
    ["a missing id", (d: Doc) => (d.blocks[0]!.id![0] = ""), /health.connections.blocks\[0\].id\[0\]: not a connection id/],
    ["a notice list of no connection", (d: Doc) => d.blocks[0]!.warnings!.push([5, []]), /health.connections.blocks\[0\].warnings: malformed entry/],
    ["a block missing", (d: Doc) => d.blocks.pop(), /health.connections: 0 connections where count says 2/],
  ])("refuses a version 2 file with %s, naming where", (_name, spoil, message) => {
    const connections = new Map([
      ["a", { snapshot: snap("a"), resumed_at: null }],
      ["b", { snapshot: snap("b"), resumed_at: 1 }],
    ]);
    const doc = JSON.parse(encodeState({ health: { baseline_done: true, last_success_at: null, connections, alerts: new Map() }, outbox: null, hold_until: null }, 0)) as {
      health: { connections: Doc };
    };
    expect(() => decodeState(JSON.stringify(doc))).not.toThrow();
    spoil(doc.health.connections);
    expect(() => decodeState(JSON.stringify(doc))).toThrow(message);
  });
});

/** The connections of a version 2 file: blocks of columns. */
type Doc = { blocks: Record<string, unknown[]>[] };

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
