// The alert history kept with the state: bounded, appended by each save, back after a restart, absent in old files.
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendHistory, HISTORY_LIMIT, type HistoryEntry } from "../../src/health/history.js";
import type { AlertEvent } from "../../src/health/index.js";
import type { Alert, ConnectionRecord } from "../../src/health/model.js";
import { encodeState } from "../../src/store/codec.js";
import { FileStore, readStateReadOnly, type PersistedState } from "../../src/store/index.js";
import { snapshot } from "./fixtures.js";

const fresh = (): string => join(mkdtempSync(join(tmpdir(), "syncwatch-history-")), "state.json");

function event(type: AlertEvent["type"], id: string, at = 1000): AlertEvent {
  const alert: Alert = {
    status: type === "resolved" ? "resolved" : "firing",
    connection_id: id,
    condition: "setup_broken",
    severity: "critical",
    group_id: "g1",
    service: "salesforce",
    schema: `sf_${id}`,
    summary: "Setup is broken",
    started_at: at - 500,
    resolved_at: type === "resolved" ? at : null,
    reason: null,
    reminder: type === "reminder",
    group_name: null,
    connection_url: null,
    runbook_url: null,
  };
  return { type, alert, baseline: false };
}

function state(history: readonly HistoryEntry[] = []): PersistedState {
  const connections = new Map<string, ConnectionRecord>([["c1", { snapshot: snapshot("c1"), resumed_at: null }]]);
  return { health: { baseline_done: true, last_success_at: 1, connections, alerts: new Map() }, outbox: null, hold_until: null, history };
}

describe("appendHistory", () => {
  it("keeps fire and resolve events in order, not reminders, and never more than the limit", () => {
    let h = appendHistory([], [event("firing", "a"), event("reminder", "b"), event("resolved", "c")], 1000);
    expect(h.map((e) => `${e.seq} ${e.type} ${e.connection_id}`)).toEqual(["1 firing a", "2 resolved c"]);
    for (let i = 0; i < 60; i++) h = appendHistory(h, Array.from({ length: 100 }, (_, k) => event("firing", `x${i}-${k}`)), 2000 + i);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[h.length - 1]!.connection_id).toBe("x59-99");
    expect(h[0]!.seq).toBe(h[h.length - 1]!.seq - HISTORY_LIMIT + 1);
  });
});

describe("history in the state file", () => {
  it("comes back after a restart; a save appends only the new events to the journal", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const first = appendHistory([], Array.from({ length: 300 }, (_, i) => event("firing", `c${i}`)), 1000);
    await store.save(state(first));
    const before = statSync(`${path}.journal`).size;
    const second = appendHistory(first, [event("resolved", "c7", 5000)], 5000);
    await store.save(state(second));
    const line = readFileSync(`${path}.journal`, "utf8").slice(before);
    // One new event, not the 301 of the whole history.
    expect(line.match(/"connection_id"/g)).toHaveLength(1);
    const { state: loaded } = await new FileStore({ path }).load();
    expect(loaded!.history).toEqual(second);
  });

  it("loads a state file written before the history existed, with an empty history", async () => {
    const path = fresh();
    const doc = JSON.parse(encodeState(state(), 0)) as Record<string, unknown>;
    delete doc.history;
    writeFileSync(path, JSON.stringify(doc));
    const { state: loaded, discarded } = await new FileStore({ path }).load();
    expect(discarded).toBeNull();
    expect(loaded!.history ?? []).toEqual([]);
    expect(loaded!.health.connections.has("c1")).toBe(true);
  });
});

describe("readStateReadOnly", () => {
  it("reads the file and its journal, skips a torn last entry and changes nothing on disk", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    await store.save(state());
    await store.save(state(appendHistory([], [event("firing", "c1")], 1000)));
    appendFileSync(`${path}.journal`, '{"saved_at":"2026-');
    const files = [path, `${path}.journal`].map((p) => ({ p, bytes: readFileSync(p), mtime: statSync(p).mtimeMs }));
    const read = await readStateReadOnly(path);
    expect(read.history!.map((h) => h.connection_id)).toEqual(["c1"]);
    for (const f of files) {
      expect(readFileSync(f.p)).toEqual(f.bytes);
      expect(statSync(f.p).mtimeMs).toBe(f.mtime);
    }
  });
});
