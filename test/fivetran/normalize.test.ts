// Table tests of reading raw Fivetran items into snapshots: what is accepted, what is rejected and why.
import { describe, expect, it } from "vitest";
import { Interner, Rejection, normalizeConnection, readConnection } from "../../src/fivetran/normalize.js";
import type { ConnectionSnapshot } from "../../src/health/model.js";
import { item } from "./fake-api.js";

describe("normalizeConnection", () => {
  it("reads a full item, times as epoch ms", () => {
    const r = normalizeConnection(
      item("c1", {
        status: {
          setup_state: "broken",
          sync_state: "rescheduled",
          update_state: "delayed",
          is_historical_sync: true,
          warnings: [{ code: "resync_table_warning", message: "Resync Table Warning", details: "x" }],
          tasks: [{ code: "reconnect", message: null }],
          rescheduled_for: "2024-12-01T15:43:29.013729Z",
          schema_status: "ready",
        },
        failed_at: "2026-11-22T11:00:00Z",
        data_delay_sensitivity: "CUSTOM",
        data_delay_threshold: 90,
        config: { secret: "ignored" },
      }),
    );
    expect(r).toEqual({
      ok: true,
      snapshot: {
        id: "c1",
        group_id: "g1",
        service: "salesforce",
        schema: "sf_c1",
        paused: false,
        setup_state: "broken",
        sync_state: "rescheduled",
        update_state: "delayed",
        is_historical_sync: true,
        warnings: [{ code: "resync_table_warning", message: "Resync Table Warning" }],
        tasks: [{ code: "reconnect", message: null }],
        succeeded_at: Date.parse("2026-11-22T10:00:00.000Z"),
        failed_at: Date.parse("2026-11-22T11:00:00Z"),
        created_at: Date.parse("2026-01-01T00:00:00Z"),
        sync_frequency: 360,
        schedule_type: "auto",
        data_delay_sensitivity: "CUSTOM",
        data_delay_threshold: 90,
        rescheduled_for: Date.parse("2024-12-01T15:43:29.013Z"),
      },
    });
  });

  it("accepts an item with only an id: every other field null, notices empty", () => {
    expect(normalizeConnection({ id: "x" })).toEqual({
      ok: true,
      snapshot: {
        id: "x",
        group_id: null,
        service: null,
        schema: null,
        paused: null,
        setup_state: null,
        sync_state: null,
        update_state: null,
        is_historical_sync: null,
        warnings: [],
        tasks: [],
        succeeded_at: null,
        failed_at: null,
        created_at: null,
        sync_frequency: null,
        schedule_type: null,
        data_delay_sensitivity: null,
        data_delay_threshold: null,
        rescheduled_for: null,
      },
    });
  });

  it("accepts null everywhere", () => {
    const nulls = Object.fromEntries(Object.keys(item("x")).map((k) => [k, null]));
    const r = normalizeConnection({
      ...nulls,
      id: "x",
      status: { setup_state: null, sync_state: null, update_state: null, is_historical_sync: null, warnings: null, tasks: null, rescheduled_for: null },
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.entries(r.snapshot).filter(([k, v]) => k !== "id" && v !== null && !Array.isArray(v))).toEqual([]);
    }
  });

  it("keeps unknown enum values exactly as given", () => {
    const r = normalizeConnection(
      item("x", {
        status: { setup_state: "quantum", sync_state: "Dreaming", update_state: "late-ish" },
        schedule_type: "cron",
        data_delay_sensitivity: "EXTREME",
      }),
    );
    expect(r.ok && [r.snapshot.setup_state, r.snapshot.sync_state, r.snapshot.update_state, r.snapshot.schedule_type, r.snapshot.data_delay_sensitivity]).toEqual([
      "quantum",
      "Dreaming",
      "late-ish",
      "cron",
      "EXTREME",
    ]);
  });

  it("drops a notice without a code and keeps the others", () => {
    const r = normalizeConnection(item("x", { status: { warnings: [{ message: "no code" }, { code: null }, { code: "w1" }] } }));
    expect(r.ok && r.snapshot.warnings).toEqual([{ code: "w1", message: null }]);
  });

  it("reads rescheduled_for at the top level when status has none", () => {
    const r = normalizeConnection(item("x", { rescheduled_for: "2026-11-22T13:00:00Z" }));
    expect(r.ok && r.snapshot.rescheduled_for).toBe(Date.parse("2026-11-22T13:00:00Z"));
  });

  it("treats an empty timestamp string as absent", () => {
    const r = normalizeConnection(item("x", { succeeded_at: "" }));
    expect(r.ok && r.snapshot.succeeded_at).toBeNull();
  });

  const noId: [string, unknown][] = [
    ["not an object", "c1"],
    ["null", null],
    ["an array", [{ id: "c1" }]],
    ["no id", { service: "x" }],
    ["empty id", { id: "" }],
    ["numeric id", { id: 42 }],
  ];
  it.each(noId)("rejects an item that is %s, with a null id", (_name, raw) => {
    const r = normalizeConnection(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.id).toBeNull();
  });

  const wrongType: [string, Record<string, unknown>, string][] = [
    ["status is not an object", { status: "broken" }, "status"],
    ["status is an array", { status: [] }, "status"],
    ["succeeded_at is not a string", { succeeded_at: 1700000000 }, "succeeded_at"],
    ["failed_at is not a string", { failed_at: true }, "failed_at"],
    ["paused is not a boolean", { paused: "false" }, "paused"],
    ["sync_frequency is not a number", { sync_frequency: "360" }, "sync_frequency"],
    ["data_delay_threshold is not a number", { data_delay_threshold: {} }, "data_delay_threshold"],
    ["group_id is not a string", { group_id: 7 }, "group_id"],
    ["service is not a string", { service: ["a"] }, "service"],
    ["schema is not a string", { schema: {} }, "schema"],
    ["schedule_type is not a string", { schedule_type: 1 }, "schedule_type"],
    ["data_delay_sensitivity is not a string", { data_delay_sensitivity: false }, "data_delay_sensitivity"],
    ["setup_state is not a string", { status: { setup_state: 3 } }, "status.setup_state"],
    ["sync_state is not a string", { status: { sync_state: {} } }, "status.sync_state"],
    ["update_state is not a string", { status: { update_state: [] } }, "status.update_state"],
    ["is_historical_sync is not a boolean", { status: { is_historical_sync: "yes" } }, "status.is_historical_sync"],
    ["warnings is not an array", { status: { warnings: { code: "w" } } }, "status.warnings"],
    ["tasks is not an array", { status: { tasks: "t" } }, "status.tasks"],
    ["a warning is not an object", { status: { warnings: ["w"] } }, "status.warnings[0]"],
    ["a task code is not a string", { status: { tasks: [{ code: 5 }] } }, "status.tasks[0].code"],
  ];
  it.each(wrongType)("rejects an item whose %s, with its id and a reason naming the field", (_name, extra, field) => {
    const r = normalizeConnection(item("c9", extra));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.id).toBe("c9");
      expect(r.reason.startsWith(`${field} `)).toBe(true);
    }
  });
});

describe("real payloads", () => {
  const unparseable: [string, Record<string, unknown>, string, string][] = [
    ['failed_at "null"', { failed_at: "null" }, "failed_at", "null"],
    ['succeeded_at "n/a"', { succeeded_at: "n/a" }, "succeeded_at", "n/a"],
    ["created_at out of range", { created_at: "2026-13-45T99:00:00Z" }, "created_at", "2026-13-45T99:00:00Z"],
    ['status.rescheduled_for "soon"', { status: { setup_state: "connected", rescheduled_for: "soon" } }, "status.rescheduled_for", "soon"],
  ];
  it.each(unparseable)("reads %s as null, keeps the item and reports the field", (_name, extra, field, value) => {
    const seen: [string, string][] = [];
    const r = readConnection(item("c9", extra), null, undefined, (f, v) => seen.push([f, v]));
    expect(r).not.toBeInstanceOf(Rejection);
    const snap = r as ConnectionSnapshot;
    const key = field.replace("status.", "") as keyof ConnectionSnapshot;
    expect(snap[key]).toBeNull();
    expect(snap.service).toBe("salesforce");
    expect(seen).toEqual([[field, value]]);
  });

  it("reads an empty timestamp string as null without reporting it", () => {
    const seen: string[] = [];
    const r = readConnection(item("c9", { failed_at: "" }), null, undefined, (f) => seen.push(f));
    expect((r as ConnectionSnapshot).failed_at).toBeNull();
    expect(seen).toEqual([]);
  });

  it("counts a connection as paused when paused is missing or null and status.sync_state is paused", () => {
    const status = { setup_state: "connected", sync_state: "paused", update_state: "on_schedule" };
    const missing = item("c9", { status });
    delete missing.paused;
    expect((readConnection(missing, null, undefined) as ConnectionSnapshot).paused).toBe(true);
    expect((readConnection(item("c9", { paused: null, status }), null, undefined) as ConnectionSnapshot).paused).toBe(true);
    // An explicit value wins; without either, nothing is known.
    expect((readConnection(item("c9", { paused: false, status }), null, undefined) as ConnectionSnapshot).paused).toBe(false);
    const unknown = item("c9", { status: { ...status, sync_state: "scheduled" } });
    delete unknown.paused;
    expect((readConnection(unknown, null, undefined) as ConnectionSnapshot).paused).toBeNull();
  });

  it("reads an item without a status object with its status fields null", () => {
    const raw = item("c9");
    delete raw.status;
    const snap = readConnection(raw, null, undefined) as ConnectionSnapshot;
    expect([snap.setup_state, snap.sync_state, snap.update_state]).toEqual([null, null, null]);
    expect(snap.succeeded_at).toBe(Date.parse("2026-11-22T10:00:00.000Z"));
  });
});

describe("readConnection against the previous snapshot", () => {
  const raw = item("c1", {
    status: { setup_state: "connected", sync_state: "scheduled", update_state: "on_schedule", is_historical_sync: false, warnings: [{ code: "w", message: "m" }], tasks: [] },
    failed_at: "2026-11-22T09:00:00Z",
    rescheduled_for: "2026-11-22T13:00:00Z",
  });
  const previous = readConnection(raw, new Interner(), undefined) as ConnectionSnapshot;

  it("returns the previous object itself when every field is equal", () => {
    expect(previous).not.toBeInstanceOf(Rejection);
    expect(readConnection(structuredClone(raw), new Interner(), previous)).toBe(previous);
  });

  it("does not mistake another connection's snapshot for this one's", () => {
    const other = readConnection({ ...structuredClone(raw), id: "c2" }, null, previous);
    expect(other).not.toBe(previous);
    expect((other as ConnectionSnapshot).id).toBe("c2");
  });

  const status = raw.status as Record<string, unknown>;
  const changes: [string, Record<string, unknown>][] = [
    ["succeeded_at", { succeeded_at: "2026-11-22T11:00:00Z" }],
    ["failed_at", { failed_at: null }],
    ["setup_state", { status: { ...status, setup_state: "broken" } }],
    ["sync_state", { status: { ...status, sync_state: "syncing" } }],
    ["update_state", { status: { ...status, update_state: "delayed" } }],
    ["paused", { paused: null }],
    ["group_id", { group_id: "g2" }],
    ["service", { service: "mysql" }],
    ["schema", { schema: "pg2" }],
    ["is_historical_sync", { status: { ...status, is_historical_sync: true } }],
    ["created_at", { created_at: "2026-02-01T00:00:00Z" }],
    ["sync_frequency", { sync_frequency: 60 }],
    ["schedule_type", { schedule_type: "manual" }],
    ["data_delay_sensitivity", { data_delay_sensitivity: "CUSTOM" }],
    ["data_delay_threshold", { data_delay_threshold: 90 }],
    ["rescheduled_for", { rescheduled_for: "2026-11-22T14:00:00Z" }],
    ["a warning's message", { status: { ...status, warnings: [{ code: "w", message: "other" }] } }],
    ["a warning gone", { status: { ...status, warnings: [] } }],
    ["a second warning", { status: { ...status, warnings: [{ code: "w", message: "m" }, { code: "w2", message: null }] } }],
    ["a new task", { status: { ...status, tasks: [{ code: "t", message: null }] } }],
  ];
  it.each(changes)("returns a new snapshot, equal to a fresh read, when %s differs", (_name, change) => {
    const changed = { ...structuredClone(raw), ...change };
    const r = readConnection(changed, new Interner(), previous);
    expect(r).not.toBe(previous);
    expect(r).toEqual(readConnection(changed, null, undefined));
  });

  it("never changes the previous snapshot's notice lists", () => {
    const before = structuredClone(previous.warnings);
    readConnection({ ...structuredClone(raw), status: { ...status, warnings: [{ code: "w", message: "m" }, { code: "x", message: null }] } }, null, previous);
    expect(previous.warnings).toEqual(before);
  });
});
