// The notification planner: inhibit rules, silences and mute intervals hold alerts back; what still fires is sent later.
import { describe, expect, it } from "vitest";
import { alertsSchema } from "../../src/config/schema.js";
import {
  holdPolicyFromConfig,
  planNotifications,
  type ConnectionSnapshot,
  type HealthState,
  type HoldReason,
} from "../../src/health/index.js";
import { HOUR, MIN, T0, afterBaseline, brief, cycle, rules, snap } from "./fixtures.js";

/** A small account run cycle by cycle through diff and the planner, as the watcher runs them. */
class Run {
  state: HealthState = afterBaseline();
  now = T0;
  held = new Map<string, HoldReason>();
  private readonly policy;
  private readonly r;

  constructor(alerts: Record<string, unknown> = {}) {
    this.policy = holdPolicyFromConfig(alertsSchema.parse(alerts));
    this.r = rules({}, alerts);
  }

  /** One cycle `advance` after the previous one; returns what is sent, as "type condition connection" lines. */
  step(snaps: ConnectionSnapshot[], advance = 5 * MIN): string[] {
    this.now += advance;
    const out = cycle(this.state, snaps, this.now, this.r);
    const plan = planNotifications(this.state.alerts, out.next, out.events, this.now, this.policy);
    this.state = { ...out.next, alerts: plan.alerts };
    this.held = plan.held;
    return brief(plan.send);
  }

  heldReasons(): string[] {
    return [...this.held.entries()].map(([k, r]) => `${k.replace("\u0000", " ")} ${r}`).sort();
  }
}

// Succeeded 10 minutes before T0, hourly: stale after 2 × 60 + 60 = 180 minutes without a success.
const ok = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => snap(over);
const broken = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => snap({ setup_state: "broken", ...over });
const failing = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => ok({ failed_at: T0, ...over });

describe("inhibit rules (default: setup_broken holds sync_failed, stale and update_delayed of the same connection)", () => {
  it("a break, then failures, then staleness: one alert until the setup is fixed, then the ones still true", () => {
    const run = new Run();
    expect(run.step([broken()])).toEqual(["firing setup_broken c1"]);
    expect(run.step([broken({ failed_at: T0 + 4 * MIN })])).toEqual([]);
    expect(run.heldReasons()).toEqual(["c1 sync_failed inhibited"]);
    // Three hours later it is also stale; still nothing new is sent, and no reminder of the held ones.
    expect(run.step([broken({ failed_at: T0 + 4 * MIN })], 3 * HOUR)).toEqual([]);
    expect(run.heldReasons()).toEqual(["c1 stale inhibited", "c1 sync_failed inhibited"]);
    // The setup is fixed: its resolve goes out, and what is still true fires now.
    expect(run.step([failing({ failed_at: T0 + 4 * MIN })])).toEqual(["firing sync_failed c1", "resolved setup_broken c1", "firing stale c1"]);
    expect(run.heldReasons()).toEqual([]);
    // A success later clears both, and both resolves are sent (they were sent as firing).
    expect(run.step([ok({ succeeded_at: T0 + 4 * HOUR, failed_at: T0 + 4 * MIN })])).toEqual(["resolved sync_failed c1", "resolved stale c1"]);
  });

  it("an inhibited alert that clears while inhibited is never sent, nor its resolve", () => {
    const run = new Run();
    run.step([broken()]);
    expect(run.step([broken({ failed_at: T0 + 4 * MIN })])).toEqual([]);
    expect(run.step([broken({ failed_at: T0 + 4 * MIN, succeeded_at: T0 + 6 * MIN })])).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 6 * MIN })])).toEqual(["resolved setup_broken c1"]);
  });

  it("an alert sent before the inhibition began gets no reminders while inhibited, and its resolve is sent as usual", () => {
    const run = new Run({ repeat_interval_minutes: 60 });
    expect(run.step([failing()])).toEqual(["firing sync_failed c1"]);
    expect(run.step([broken({ failed_at: T0 })])).toEqual(["firing setup_broken c1"]);
    // Two hours on: setup_broken is due a reminder; sync_failed is inhibited and gets none.
    expect(run.step([broken({ failed_at: T0 })], 2 * HOUR)).toEqual(["reminder setup_broken c1"]);
    expect(run.step([broken({ failed_at: T0, succeeded_at: T0 + 2 * HOUR })])).toEqual(["resolved sync_failed c1"]);
  });

  it("holds only the same connection's alerts", () => {
    const run = new Run();
    expect(run.step([broken(), failing({ id: "c2" })])).toEqual(["firing setup_broken c1", "firing sync_failed c2"]);
  });

  it("inhibit_rules: [] turns inhibition off", () => {
    const run = new Run({ inhibit_rules: [] });
    expect(run.step([broken({ failed_at: T0 })])).toEqual(["firing setup_broken c1", "firing sync_failed c1"]);
  });

  it("a rule with equal: [group_id] holds a whole destination behind one of its alerts", () => {
    const run = new Run({
      inhibit_rules: [{ source: { condition: ["setup_broken"], connection_id: ["wh"] }, target: { condition: ["*"] }, equal: ["group_id"] }],
    });
    const sent = run.step([broken({ id: "wh" }), failing({ id: "c2" }), failing({ id: "c3", group_id: "g2" })]);
    expect(sent).toEqual(["firing sync_failed c3", "firing setup_broken wh"]);
    expect(run.heldReasons()).toEqual(["c2 sync_failed inhibited"]);
  });
});

describe("silences", () => {
  const until = new Date(T0 + HOUR).toISOString();

  it("an alert still firing when its silence ends is sent then (as firing, not a reminder)", () => {
    const run = new Run({ silences: [{ match: { connection_id: ["c1"] }, until }] });
    expect(run.step([failing()])).toEqual([]);
    expect(run.heldReasons()).toEqual(["c1 sync_failed silenced"]);
    expect(run.step([failing()], 30 * MIN)).toEqual([]);
    expect(run.step([failing()], 30 * MIN)).toEqual(["firing sync_failed c1"]);
    expect(run.heldReasons()).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 2 * HOUR })])).toEqual(["resolved sync_failed c1"]);
  });

  it("what started and ended inside a silence is never sent, nor its resolve", () => {
    const run = new Run({ silences: [{ match: {}, until }] });
    expect(run.step([failing()])).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 6 * MIN })])).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 6 * MIN })], HOUR)).toEqual([]);
  });

  it("a silence without an end holds for as long as it is configured", () => {
    const run = new Run({ silences: [{ match: { connection_id: ["c1"] } }] });
    expect(run.step([failing()])).toEqual([]);
    expect(run.step([failing()], 30 * 24 * HOUR)).toEqual([]);
    expect(run.heldReasons()).toEqual(["c1 stale silenced", "c1 sync_failed silenced"]);
  });
});

describe("mute intervals", () => {
  // T0 is Sunday 2026-11-22 12:00 UTC, 13:00 in Berlin. The window: Sundays 12:00–14:00 Berlin time.
  const mute = { mute_intervals: [{ name: "sunday load", time_zone: "Europe/Berlin", weekdays: ["sunday"], times: [{ start: "12:00", end: "14:00" }], match: { group_id: ["g1"] } }] };

  it("holds matching alerts in the window and sends what still fires at its end", () => {
    const run = new Run(mute);
    expect(run.step([failing(), failing({ id: "c2", group_id: "g2" })])).toEqual(["firing sync_failed c2"]);
    expect(run.heldReasons()).toEqual(["c1 sync_failed muted"]);
    // 13:50 Berlin: still inside.
    expect(run.step([failing(), failing({ id: "c2", group_id: "g2" })], 45 * MIN)).toEqual([]);
    // 14:00 Berlin: the window has closed (its end is exclusive).
    expect(run.step([failing(), failing({ id: "c2", group_id: "g2" })], 10 * MIN)).toEqual(["firing sync_failed c1"]);
  });

  it("what started and ended inside the window is never sent, nor its resolve", () => {
    const run = new Run(mute);
    expect(run.step([failing()])).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 8 * MIN })])).toEqual([]);
    expect(run.step([ok({ succeeded_at: T0 + 8 * MIN })], 2 * HOUR)).toEqual([]);
  });

  it("the resolve of an alert sent before the window is sent", () => {
    const run = new Run(mute);
    // 11:05 Berlin, before the window; then 12:05 Berlin, inside it.
    run.now -= 2 * HOUR;
    expect(run.step([failing({ failed_at: T0 - 2 * HOUR, succeeded_at: T0 - 3 * HOUR })])).toEqual(["firing sync_failed c1"]);
    expect(run.step([ok({ succeeded_at: T0 - HOUR })], HOUR)).toEqual(["resolved sync_failed c1"]);
  });
});

describe("reasons", () => {
  it("inhibited wins over silenced, silenced over muted", () => {
    const run = new Run({
      silences: [{ match: { condition: ["sync_failed", "stale"] } }],
      mute_intervals: [{ name: "always", time_zone: "UTC" }],
    });
    run.step([broken({ failed_at: T0 }), ok({ id: "c2", failed_at: T0 }), ok({ id: "c3", update_state: "delayed" })]);
    expect(run.heldReasons()).toEqual(["c1 setup_broken muted", "c1 sync_failed inhibited", "c2 sync_failed silenced", "c3 update_delayed muted"]);
  });
});
