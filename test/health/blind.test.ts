// watcher_blind: syncwatch alerting on itself when no cycle has succeeded for too long.
import { describe, expect, it } from "vitest";
import { alertKey, judgeBlind, type HealthState } from "../../src/health/index.js";
import { afterBaseline, brief, cycle, MIN, rules, snap, T0 } from "./fixtures.js";

const key = alertKey("", "watcher_blind");
const r = rules({ watcher_blind_after_minutes: 15 }, { repeat_interval_minutes: 60 });

describe("watcher_blind", () => {
  it("does not fire within the blind time since the last success", () => {
    const state: HealthState = { ...afterBaseline(), last_success_at: T0 };
    const out = judgeBlind(state, T0 + 15 * MIN, r, T0 - 100 * MIN);
    expect(out.events).toEqual([]);
    expect(out.next).toBe(state);
  });

  it("fires (critical, empty connection) past the blind time since the last success", () => {
    const state: HealthState = { ...afterBaseline(), last_success_at: T0 };
    const out = judgeBlind(state, T0 + 17 * MIN, r, T0 - 100 * MIN);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toEqual({
      type: "firing",
      baseline: false,
      alert: {
        status: "firing",
        connection_id: "",
        condition: "watcher_blind",
        severity: "critical",
        group_id: "",
        service: "",
        schema: "",
        summary: "syncwatch has not completed a poll for 17m (limit 15m)",
        started_at: T0 + 17 * MIN,
        resolved_at: null,
        reason: null,
        reminder: false,
        group_name: null,
        connection_url: null,
        runbook_url: null,
      },
    });
    expect(state.alerts.has(key)).toBe(false);
    expect(out.next.alerts.get(key)?.phase).toBe("firing");
  });

  it("counts from the start when no cycle ever succeeded", () => {
    const out = judgeBlind(afterBaseline(), T0 + 16 * MIN, r, T0);
    expect(out.events[0]?.alert.summary).toBe("syncwatch has not completed a poll since it started 16m ago (limit 15m)");
    expect(judgeBlind(afterBaseline(), T0 + 14 * MIN, r, T0).events).toEqual([]);
  });

  it("fires once, reminds at the repeat interval, and resolves when a cycle succeeds", () => {
    const start: HealthState = { ...afterBaseline(), last_success_at: T0 };
    let state = start;
    const seen: string[][] = [];
    for (const t of [20, 25, 79, 80]) {
      const out = judgeBlind(state, T0 + t * MIN, r, T0);
      state = out.next;
      seen.push(brief(out.events));
    }
    const ok = cycle(state, [snap()], T0 + 85 * MIN, r);
    expect(ok.next.alerts.has(key)).toBe(true);
    const out = judgeBlind(ok.next, T0 + 85 * MIN, r, T0);
    seen.push(brief(out.events));
    expect(seen).toEqual([["firing watcher_blind "], [], [], ["reminder watcher_blind "], ["resolved watcher_blind "]]);
    expect(out.events[0]?.alert).toMatchObject({ status: "resolved", reason: null, started_at: T0 + 20 * MIN, resolved_at: T0 + 85 * MIN });
    expect(out.next.alerts.has(key)).toBe(false);
  });

  it("resolves without an event when send_resolved is false", () => {
    const quiet = rules({}, { send_resolved: false });
    const fired = judgeBlind({ ...afterBaseline(), last_success_at: T0 }, T0 + 20 * MIN, quiet, T0).next;
    const out = judgeBlind({ ...fired, last_success_at: T0 + 21 * MIN }, T0 + 21 * MIN, quiet, T0);
    expect(out.events).toEqual([]);
    expect(out.next.alerts.has(key)).toBe(false);
  });
});
