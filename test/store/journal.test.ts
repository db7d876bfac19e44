// The state journal as an operator meets it: a save writes only what changed, a reload gives back exactly what was
// saved (order included), the journal is folded into the file when it grows, and a save cut short is dropped.
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertKey, type AlertRecord, type ConnectionRecord, type HealthState } from "../../src/health/model.js";
import { seededRandom } from "../../src/simulator/random.js";
import { encodeState } from "../../src/store/codec.js";
import { FileStore, type PersistedState } from "../../src/store/index.js";
import { snapshot } from "./fixtures.js";

const fresh = (): string => join(mkdtempSync(join(tmpdir(), "syncwatch-journal-")), "state.json");

function account(n: number): PersistedState {
  const connections = new Map<string, ConnectionRecord>();
  for (let i = 0; i < n; i++) connections.set(`c${i}`, { snapshot: snapshot(`c${i}`), resumed_at: null });
  const health: HealthState = { baseline_done: true, last_success_at: 1, connections, alerts: new Map() };
  return { health, outbox: null, hold_until: null };
}

function alert(id: string): AlertRecord {
  return { connection_id: id, condition: "setup_broken", severity: "critical", phase: "firing", streak: 0, started_at: 1, summary: "Setup is broken", last_notified_at: 2 };
}

/** What a reload must give back: every field, and the connections in the same order. */
async function expectReloadEquals(path: string, state: PersistedState): Promise<void> {
  const { state: loaded, discarded } = await new FileStore({ path }).load();
  expect(discarded).toBeNull();
  expect([...loaded!.health.connections.keys()]).toEqual([...state.health.connections.keys()]);
  expect(encodeState(loaded!, 0)).toBe(encodeState(state, 0));
}

describe("state journal", () => {
  it("keeps an alert held back and not yet sent as unsent across a restart (file and journal); a record without the mark (sent, or from an earlier release) loads as sent", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(3);
    state.health.alerts.set(alertKey("c0", "sync_failed"), { ...alert("c0"), condition: "sync_failed", unsent: true });
    await store.save(state);
    const held = { ...alert("c1"), condition: "stale", severity: "warning" as const, unsent: true as const };
    state.health.alerts.set(alertKey("c1", "stale"), held);
    await store.save(state);
    const { state: loaded } = await new FileStore({ path }).load();
    expect(loaded!.health.alerts.get(alertKey("c0", "sync_failed"))?.unsent).toBe(true);
    expect(loaded!.health.alerts.get(alertKey("c1", "stale"))?.unsent).toBe(true);

    // Sent since: the record without the mark replaces it.
    const { unsent: _sent, ...sent } = held;
    state.health.alerts.set(alertKey("c1", "stale"), sent);
    await store.save(state);
    expect((await new FileStore({ path }).load()).state!.health.alerts.get(alertKey("c1", "stale"))?.unsent).toBeUndefined();
  });

  it("appends only what changed, and a reload gives back the whole state", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(2000);
    await store.save(state);
    const base = readFileSync(path, "utf8");
    const journalBefore = statSync(`${path}.journal`).size;

    // Like a cycle: two records replaced, one connection gone, one new, one missing from the listing, an alert, a
    // queued message, a hold-back.
    const h = state.health;
    h.connections.set("c5", { snapshot: snapshot("c5", { setup_state: "broken" }), resumed_at: null });
    h.connections.set("c1500", { snapshot: snapshot("c1500", { paused: true }), resumed_at: 77 });
    h.connections.delete("c9");
    h.connections.set("new", { snapshot: snapshot("new"), resumed_at: null });
    h.alerts.set(alertKey("c5", "setup_broken"), alert("c5"));
    h.last_success_at = 2;
    state.outbox = { channels: { webhook: [{ id: "m1" }] } };
    state.hold_until = 99;
    state.missing = ["c7"];
    await store.save(state);

    expect(readFileSync(path, "utf8")).toBe(base); // the file itself is not rewritten
    const appended = statSync(`${path}.journal`).size - journalBefore;
    expect(store.lastSaveBytes).toBe(appended);
    expect(appended).toBeLessThan(2000); // three rows, an alert and the rest: not 2,000 rows (~360 KB)
    await expectReloadEquals(path, state);
    expect((await new FileStore({ path }).load()).state!.missing).toEqual(["c7"]);

    // Nothing changed: an entry of a few hundred bytes.
    await store.save(state);
    expect(store.lastSaveBytes).toBeLessThan(600);
    await expectReloadEquals(path, state);
  });

  it("keeps every save exact over many cycles of changes, folding the journal into the file as it grows", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(2000);
    const random = seededRandom(7);
    let next = 2000;
    let rewrites = 0;
    let base = "";
    for (let cycle = 0; cycle < 60; cycle++) {
      const h = state.health;
      const ids = [...h.connections.keys()];
      for (let k = 0; k < 60; k++) {
        const id = ids[Math.floor(random() * ids.length)]!;
        h.connections.set(id, { snapshot: snapshot(id, { failed_at: cycle, warnings: [{ code: `w${k}`, message: "é \"q\"\n" }] }), resumed_at: cycle });
      }
      for (let k = 0; k < 3; k++) h.connections.delete(ids[Math.floor(random() * ids.length)]!);
      for (let k = 0; k < 3; k++) h.connections.set(`c${next}`, { snapshot: snapshot(`c${next++}`), resumed_at: null });
      h.alerts = new Map([[alertKey(ids[cycle]!, "setup_broken"), alert(ids[cycle]!)]]);
      state.hold_until = cycle;
      await store.save(state);
      const now = readFileSync(path, "utf8");
      if (now !== base) rewrites++;
      base = now;
      await expectReloadEquals(path, state);
    }
    // The first save and each time the journal reached half the file's size (~60 rows, ~12 KB a save).
    expect(rewrites).toBeGreaterThanOrEqual(3);
    expect(rewrites).toBeLessThanOrEqual(10);
    expect(statSync(`${path}.journal`).size).toBeLessThan(statSync(path).size);
  });

  it("journals only the alerts that changed, however many are firing", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(2000);
    const h = state.health;
    for (const id of h.connections.keys()) h.alerts.set(alertKey(id, "setup_broken"), alert(id));
    await store.save(state);
    const before = statSync(`${path}.journal`).size;

    // One alert reminded (a new record), one resolved, one new; 1,998 untouched.
    h.alerts.set(alertKey("c1", "setup_broken"), { ...alert("c1"), last_notified_at: 99 });
    h.alerts.delete(alertKey("c2", "setup_broken"));
    h.alerts.set(alertKey("c3", "sync_failed"), { ...alert("c3"), condition: "sync_failed" });
    await store.save(state);
    expect(statSync(`${path}.journal`).size - before).toBeLessThan(1500); // not 2,000 alerts (~330 KB)
    await expectReloadEquals(path, state);
    const reloaded = (await new FileStore({ path }).load()).state!.health.alerts;
    expect(reloaded.get(alertKey("c1", "setup_broken"))?.last_notified_at).toBe(99);
    expect(reloaded.has(alertKey("c2", "setup_broken"))).toBe(false);
    expect(reloaded.size).toBe(2000);
  });

  it("replays an entry of the previous release, which carried every alert", async () => {
    const path = fresh();
    const state = account(10);
    state.health.alerts.set(alertKey("c1", "setup_broken"), alert("c1"));
    await new FileStore({ path }).save(state);
    const old = { saved_at: "2026-11-23T12:00:00.000Z", hold_until: null, outbox: null, baseline_done: true, last_success_at: 7, alerts: [alert("c5")], removed: [], connections: [] };
    appendFileSync(`${path}.journal`, `${JSON.stringify(old)}\n`);
    const alerts = (await new FileStore({ path }).load()).state!.health.alerts;
    expect([...alerts.keys()]).toEqual([alertKey("c5", "setup_broken")]);
  });

  it("drops a save cut short (kill -9 mid-write), repairs the journal and goes on from there", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(100);
    await store.save(state);
    state.hold_until = 1;
    state.health.connections.set("c1", { snapshot: snapshot("c1", { setup_state: "broken" }), resumed_at: null });
    await store.save(state);
    const complete = statSync(`${path}.journal`).size;
    const saved = encodeState(state, 0);
    appendFileSync(`${path}.journal`, '{"saved_at":"2026-11-23T12:00:00.000Z","hold_until":2,"outbox":null,"baseline_d');

    const restarted = new FileStore({ path });
    const report = await restarted.load();
    expect(report.repaired).toMatch(/incomplete last journal entry \(\d+ bytes\)/);
    expect(encodeState(report.state!, 0)).toBe(saved);
    expect(statSync(`${path}.journal`).size).toBe(complete);

    // The next save appends after the last complete entry, and reads back.
    const next = report.state!;
    next.hold_until = 3;
    next.health.connections.set("c2", { snapshot: snapshot("c2", { paused: true }), resumed_at: null });
    await restarted.save(next);
    expect(readFileSync(path, "utf8")).not.toContain('"hold_until":3'); // appended, not rewritten
    await expectReloadEquals(path, next);
  });

  it("ignores a journal that continues another file (stopped between writing a new file and its journal)", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(50);
    await store.save(state);
    state.hold_until = 1;
    await store.save(state);
    // A newer whole state was renamed into place, but the journal of the old one is still there.
    const newer: PersistedState = { ...account(50), hold_until: 5 };
    writeFileSync(path, encodeState(newer, 0, "another-journal"));
    await expectReloadEquals(path, newer);
  });

  it("fails an append it cannot make with a coded error, then writes the whole file again", async () => {
    const path = fresh();
    const store = new FileStore({ path });
    const state = account(50);
    await store.save(state);
    rmSync(`${path}.journal`);
    state.hold_until = 1;
    await expect(store.save(state)).rejects.toMatchObject({ code: "state_write_failed" });
    state.hold_until = 2;
    await store.save(state);
    expect(readFileSync(path, "utf8")).toContain('"hold_until":2');
    await expectReloadEquals(path, state);
  });
});
