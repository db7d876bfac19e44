// diff across cycles: flap control, baseline, paused/manual exemptions, removal, reminders, lifecycle, purity.
import { describe, expect, it } from "vitest";
import { alertKey, emptyHealthState, type ConnectionSnapshot, type HealthState } from "../../src/health/index.js";
import { afterBaseline, brief, cycle, HOUR, MIN, rules, snap, T0 } from "./fixtures.js";

const broken = snap({ setup_state: "broken" });
const healthy = snap();

/** Runs a sequence of cycles 5 minutes apart and returns the brief events of each. */
function run(seq: ConnectionSnapshot[][], r = rules(), start: HealthState = afterBaseline()): string[][] {
  let state = start;
  return seq.map((snaps, i) => {
    const out = cycle(state, snaps, T0 + i * 5 * MIN, r);
    state = out.next;
    return brief(out.events);
  });
}

describe("firing and clearing", () => {
  it("fires when a condition starts holding and resolves when it clears", () => {
    expect(run([[healthy], [broken], [broken], [healthy], [healthy]])).toEqual([[], ["firing setup_broken c1"], [], ["resolved setup_broken c1"], []]);
  });

  it("keeps one alert per condition and connection", () => {
    const both = snap({ setup_state: "broken", update_state: "delayed" });
    const other = snap({ id: "c2", setup_state: "broken" });
    expect(run([[healthy, snap({ id: "c2" })], [both, other], [snap({ update_state: "delayed" }), other]])).toEqual([
      [],
      ["firing setup_broken c1", "firing setup_broken c2", "firing update_delayed c1"],
      ["resolved setup_broken c1"],
    ]);
  });

  it("fills the alert from the snapshot", () => {
    const out = cycle(afterBaseline(), [snap({ setup_state: "broken", group_id: null })], T0);
    expect(out.events[0]!.alert).toEqual({
      status: "firing",
      connection_id: "c1",
      condition: "setup_broken",
      severity: "critical",
      group_id: "",
      service: "salesforce",
      schema: "sf_prod",
      summary: "Setup is broken",
      started_at: T0,
      resolved_at: null,
      reason: null,
      reminder: false,
      // Names and links come later, in the notify step.
      group_name: null,
      connection_url: null,
      runbook_url: null,
    });
    const resolved = cycle(out.next, [healthy], T0 + 5 * MIN).events[0]!.alert;
    expect(resolved).toMatchObject({ status: "resolved", started_at: T0, resolved_at: T0 + 5 * MIN, reason: null, reminder: false });
  });

  it("orders events most severe first, then connection id, then condition", () => {
    const out = cycle(
      afterBaseline(),
      [
        snap({ id: "b", update_state: "delayed" }),
        snap({ id: "a", update_state: "delayed", warnings: [{ code: "x", message: null }] }),
        snap({ id: "c", setup_state: "broken" }),
      ],
      T0,
    );
    expect(brief(out.events)).toEqual(["firing setup_broken c", "firing update_delayed a", "firing warning:x a", "firing update_delayed b"]);
  });

  it("refreshes a firing alert's summary without a new event", () => {
    const s1 = snap({ succeeded_at: T0 - 4 * HOUR });
    const first = cycle(afterBaseline(), [s1], T0);
    const second = cycle(first.next, [s1], T0 + HOUR);
    expect(second.events).toEqual([]);
    expect(second.next.alerts.get(alertKey("c1", "stale"))?.summary).toBe("No successful sync for 5h, limit 3h");
  });

  it("keeps a setup-test detail added to a firing summary while the condition is unchanged", () => {
    const first = cycle(afterBaseline(), [broken], T0);
    const key = alertKey("c1", "setup_broken");
    first.next.alerts.set(key, { ...first.next.alerts.get(key)!, summary: "Setup is broken: Validate Login failed (bad)" });
    expect(cycle(first.next, [broken], T0 + 5 * MIN).next.alerts.get(key)?.summary).toBe("Setup is broken: Validate Login failed (bad)");
  });
});

describe("flap control", () => {
  const r = rules({ fire_after: 2, clear_after: 3 });
  const rows: { name: string; seq: ConnectionSnapshot[][]; expected: string[][] }[] = [
    { name: "one broken cycle does not fire with fire_after=2", seq: [[broken], [healthy], [broken], [healthy]], expected: [[], [], [], []] },
    { name: "two consecutive broken cycles fire", seq: [[broken], [broken], [broken]], expected: [[], ["firing setup_broken c1"], []] },
    {
      name: "it clears after three clear cycles",
      seq: [[broken], [broken], [healthy], [healthy], [healthy], [healthy]],
      expected: [[], ["firing setup_broken c1"], [], [], ["resolved setup_broken c1"], []],
    },
    {
      name: "holding again resets the clear streak",
      seq: [[broken], [broken], [healthy], [healthy], [broken], [healthy], [healthy], [healthy]],
      expected: [[], ["firing setup_broken c1"], [], [], [], [], [], ["resolved setup_broken c1"]],
    },
  ];
  it.each(rows)("$name", ({ seq, expected }) => {
    expect(run(seq, r)).toEqual(expected);
  });

  it("a per-connection override changes fire_after", () => {
    const o = rules({ fire_after: 3, overrides: [{ match: { connection_id: ["c1"] }, fire_after: 1 }] });
    expect(run([[broken]], o)).toEqual([["firing setup_broken c1"]]);
  });

  it("started_at is when it fired", () => {
    let state = afterBaseline();
    state = cycle(state, [broken], T0, r).next;
    const out = cycle(state, [broken], T0 + 5 * MIN, r);
    expect(out.events[0]!.alert.started_at).toBe(T0 + 5 * MIN);
  });
});

describe("baseline", () => {
  it("fires what already holds at once, marked baseline, ignoring fire_after", () => {
    const out = cycle(emptyHealthState(), [broken, snap({ id: "c2" })], T0, rules({ fire_after: 5 }));
    expect(brief(out.events)).toEqual(["firing setup_broken c1"]);
    expect(out.events.every((e) => e.baseline)).toBe(true);
    expect(out.next.baseline_done).toBe(true);
    expect(out.next.last_success_at).toBe(T0);
  });

  it("reports no `added` lifecycle for the baseline, but does afterwards", () => {
    const first = cycle(emptyHealthState(), [healthy], T0);
    expect(first.lifecycle).toEqual([]);
    const second = cycle(first.next, [healthy, snap({ id: "c2" })], T0 + 5 * MIN);
    expect(second.lifecycle).toMatchObject([{ kind: "added", connection_id: "c2" }]);
    expect(second.events.every((e) => !e.baseline)).toBe(true);
  });
});

describe("paused and manual connections", () => {
  const failing = { failed_at: T0 - MIN, succeeded_at: T0 - 10 * HOUR, update_state: "delayed" } as const;
  const rows: { name: string; off: Partial<ConnectionSnapshot>; reason: string }[] = [
    { name: "pausing", off: { paused: true }, reason: "paused" },
    { name: "switching to manual", off: { schedule_type: "manual" }, reason: "manual" },
  ];
  it.each(rows)("$name resolves firing stale, sync_failed and update_delayed at once with reason $reason", ({ off, reason }) => {
    const r = rules({ clear_after: 5 });
    const on = snap(failing);
    expect(run([[on], [snap({ ...failing, ...off })]], r)).toEqual([
      ["firing sync_failed c1", "firing stale c1", "firing update_delayed c1"],
      [`resolved sync_failed c1 ${reason}`, `resolved stale c1 ${reason}`, `resolved update_delayed c1 ${reason}`],
    ]);
  });

  it.each(rows)("$name drops pending alerts of those kinds silently", ({ off }) => {
    const r = rules({ fire_after: 2 });
    let state = cycle(afterBaseline(), [snap(failing)], T0, r).next;
    expect(state.alerts.size).toBe(3);
    const out = cycle(state, [snap({ ...failing, ...off })], T0 + 5 * MIN, r);
    state = out.next;
    expect(out.events).toEqual([]);
    expect(state.alerts.size).toBe(0);
  });

  it.each(rows)("$name still judges setup_broken, warnings and tasks", ({ off }) => {
    const s = snap({
      ...failing,
      ...off,
      setup_state: "broken",
      warnings: [{ code: "w", message: null }],
      tasks: [{ code: "t", message: null }],
    });
    expect(run([[s]])).toEqual([["firing setup_broken c1", "firing task:t c1", "firing warning:w c1"]]);
  });

  it("a connection paused for a week is not stale when it resumes, and is stale a threshold later", () => {
    const weekAgo = T0 - 7 * 24 * HOUR;
    let state = cycle(afterBaseline(), [snap({ paused: true, succeeded_at: weekAgo })], T0).next;
    const resumed = cycle(state, [snap({ paused: false, succeeded_at: weekAgo })], T0 + 5 * MIN);
    expect(resumed.events).toEqual([]);
    expect(resumed.lifecycle).toMatchObject([{ kind: "resumed", connection_id: "c1" }]);
    expect(resumed.next.connections.get("c1")?.resumed_at).toBe(T0 + 5 * MIN);
    state = resumed.next;
    expect(brief(cycle(state, [snap({ paused: false, succeeded_at: weekAgo })], T0 + 5 * MIN + 180 * MIN).events)).toEqual([]);
    expect(brief(cycle(state, [snap({ paused: false, succeeded_at: weekAgo })], T0 + 5 * MIN + 181 * MIN).events)).toEqual(["firing stale c1"]);
  });

  it("judges a resumed connection's sync failure at once", () => {
    const f = { failed_at: T0 - HOUR, succeeded_at: T0 - 2 * HOUR };
    expect(run([[snap({ ...f, paused: true })], [snap({ ...f, paused: false })]])).toEqual([[], ["firing sync_failed c1"]]);
  });

  it("returning to automatic measures stale from then", () => {
    const old = { succeeded_at: T0 - 48 * HOUR };
    const seq = [[snap({ ...old, schedule_type: "manual" })], [snap({ ...old, schedule_type: "auto" })]];
    let state = afterBaseline();
    const outs = seq.map((s, i) => {
      const o = cycle(state, s, T0 + i * MIN);
      state = o.next;
      return o;
    });
    expect(outs[1]!.events).toEqual([]);
    expect(outs[1]!.lifecycle).toMatchObject([{ kind: "automatic", connection_id: "c1" }]);
  });
});

describe("removed connections", () => {
  it("resolve every firing alert with reason removed and count a lifecycle event", () => {
    const s = snap({ setup_state: "broken", warnings: [{ code: "w", message: null }] });
    const first = cycle(afterBaseline(), [s, snap({ id: "c2" })], T0, rules({ clear_after: 4 }));
    const out = cycle(first.next, [snap({ id: "c2" })], T0 + 5 * MIN, rules({ clear_after: 4 }));
    expect(brief(out.events)).toEqual(["resolved setup_broken c1 removed", "resolved warning:w c1 removed"]);
    expect(out.events[0]!.alert).toMatchObject({ group_id: "g1", service: "salesforce", schema: "sf_prod", resolved_at: T0 + 5 * MIN });
    expect(out.lifecycle).toMatchObject([{ kind: "removed", connection_id: "c1" }]);
    expect(out.next.connections.has("c1")).toBe(false);
    expect(out.next.alerts.size).toBe(0);
  });

  it("leave the watcher alert alone", () => {
    const state = afterBaseline();
    state.alerts.set(alertKey("", "watcher_blind"), {
      connection_id: "",
      condition: "watcher_blind",
      severity: "critical",
      phase: "firing",
      streak: 0,
      started_at: T0 - HOUR,
      summary: "x",
      last_notified_at: T0 - HOUR,
    });
    const out = cycle(state, [], T0);
    expect(out.events).toEqual([]);
    expect(out.lifecycle).toEqual([]);
    expect(out.next.alerts.has(alertKey("", "watcher_blind"))).toBe(true);
  });
});

describe("reminders", () => {
  it("repeats a firing alert every repeat interval, and not before", () => {
    const r = rules({}, { repeat_interval_minutes: 60 });
    let state = cycle(afterBaseline(), [broken], T0, r).next;
    const types: string[][] = [];
    for (const t of [30, 59, 60, 90, 119, 120]) {
      const out = cycle(state, [broken], T0 + t * MIN, r);
      state = out.next;
      types.push(out.events.map((e) => `${e.type}${e.alert.reminder ? "+" : ""}`));
    }
    expect(types).toEqual([[], [], ["reminder+"], [], [], ["reminder+"]]);
  });

  it("a repeat interval of 0 sends no reminders", () => {
    const r = rules({}, { repeat_interval_minutes: 0 });
    const state = cycle(afterBaseline(), [broken], T0, r).next;
    const later = T0 + 1000 * HOUR;
    expect(cycle(state, [snap({ setup_state: "broken", succeeded_at: later - MIN })], later, r).events).toEqual([]);
  });

  it("reminds while a clearing alert waits for clear_after", () => {
    const r = rules({ clear_after: 3 }, { repeat_interval_minutes: 60 });
    const state = cycle(afterBaseline(), [broken], T0, r).next;
    expect(brief(cycle(state, [healthy], T0 + HOUR, r).events)).toEqual(["reminder setup_broken c1"]);
  });
});

describe("send_resolved", () => {
  it("when false, resolves clear the state without events", () => {
    const r = rules({}, { send_resolved: false });
    const state = cycle(afterBaseline(), [broken], T0, r).next;
    const out = cycle(state, [healthy], T0 + 5 * MIN, r);
    expect(out.events).toEqual([]);
    expect(out.next.alerts.size).toBe(0);
    const gone = cycle(state, [], T0 + 5 * MIN, r);
    expect(gone.events).toEqual([]);
    expect(gone.next.alerts.size).toBe(0);
  });
});

describe("ignore_conditions on a firing alert", () => {
  it("clears a firing alert whose condition is now ignored", () => {
    const state = cycle(afterBaseline(), [broken], T0).next;
    const r = rules({ clear_after: 5, overrides: [{ match: { service: ["salesforce"] }, ignore_conditions: ["setup_broken"] }] });
    const out = cycle(state, [broken], T0 + 5 * MIN, r);
    expect(brief(out.events)).toEqual(["resolved setup_broken c1"]);
  });
});

describe("lifecycle", () => {
  const rows: { name: string; before: Partial<ConnectionSnapshot>; after: Partial<ConnectionSnapshot>; kinds: string[] }[] = [
    { name: "paused", before: { paused: false }, after: { paused: true }, kinds: ["paused"] },
    { name: "resumed", before: { paused: true }, after: { paused: false }, kinds: ["resumed"] },
    { name: "manual", before: { schedule_type: "auto" }, after: { schedule_type: "manual" }, kinds: ["manual"] },
    { name: "automatic", before: { schedule_type: "manual" }, after: { schedule_type: "auto" }, kinds: ["automatic"] },
    { name: "historical sync started from false", before: { is_historical_sync: false }, after: { is_historical_sync: true }, kinds: ["historical_sync_started"] },
    { name: "historical sync started from null", before: { is_historical_sync: null }, after: { is_historical_sync: true }, kinds: ["historical_sync_started"] },
    { name: "historical sync going on is not new", before: { is_historical_sync: true }, after: { is_historical_sync: true }, kinds: [] },
    { name: "rescheduled", before: { rescheduled_for: null }, after: { rescheduled_for: T0 + HOUR }, kinds: ["rescheduled"] },
    { name: "rescheduled again", before: { rescheduled_for: T0 + HOUR }, after: { rescheduled_for: T0 + 2 * HOUR }, kinds: ["rescheduled"] },
    { name: "still rescheduled for the same time", before: { rescheduled_for: T0 + HOUR }, after: { rescheduled_for: T0 + HOUR }, kinds: [] },
    { name: "nothing changed", before: {}, after: {}, kinds: [] },
  ];
  it.each(rows)("$name", ({ before, after, kinds }) => {
    const state = cycle(afterBaseline(), [snap(before)], T0).next;
    expect(cycle(state, [snap(after)], T0 + 5 * MIN).lifecycle.map((l) => l.kind)).toEqual(kinds);
  });

  it("added and removed", () => {
    const state = cycle(afterBaseline(), [snap({ id: "a" })], T0).next;
    expect(cycle(state, [snap({ id: "b" })], T0 + MIN).lifecycle).toMatchObject([
      { kind: "added", connection_id: "b" },
      { kind: "removed", connection_id: "a" },
    ]);
  });
});

describe("purity", () => {
  it("never changes the previous state", () => {
    const r = rules({ fire_after: 2 });
    const prev = cycle(afterBaseline(), [broken, snap({ id: "c2", update_state: "delayed" }), snap({ id: "c3" })], T0, r).next;
    const frozen = structuredClone(prev);
    cycle(prev, [snap({ setup_state: "broken", paused: true }), snap({ id: "c2", update_state: "delayed" })], T0 + 5 * MIN, r);
    expect(prev).toEqual(frozen);
  });

  it("reuses unchanged connection records", () => {
    const s = snap();
    const prev = cycle(afterBaseline(), [s], T0).next;
    const next = cycle(prev, [s], T0 + 5 * MIN).next;
    expect(next.connections.get("c1")).toBe(prev.connections.get("c1"));
    expect(next.connections).not.toBe(prev.connections);
    expect(next.alerts).not.toBe(prev.alerts);
  });
});
