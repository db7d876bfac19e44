// The wall clock jumping: 6 h forward (one reminder each, stale judged like the simulator's clock says), then 3 h back
// (no duplicate firing, no reminder storm, no negative durations).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { FakeClock, HOUR, MINUTE, itemsOf, startRig, startSim, type Item, type Rig } from "./harness.js";

interface Truth {
  id: string;
  paused: boolean;
  schedule_type: string;
  sync_frequency: number | null;
  data_delay_sensitivity: string;
  data_delay_threshold: number | null;
  succeeded_at: string | null;
  created_at: string;
}

/** SPEC section 2's stale rule with the default factor, grace and default threshold. */
function staleIds(truth: Truth[], now: number): string[] {
  return truth
    .filter((c) => !c.paused && c.schedule_type !== "manual")
    .filter((c) => {
      const limit =
        c.data_delay_sensitivity === "CUSTOM" && (c.data_delay_threshold ?? 0) > 0
          ? c.data_delay_threshold!
          : c.sync_frequency !== null
            ? 2 * c.sync_frequency + 60
            : 1500;
      const since = Date.parse(c.succeeded_at ?? c.created_at);
      return now - since > limit * MINUTE;
    })
    .map((c) => c.id)
    .sort();
}

let clock: FakeClock;
let sim: Simulator;
let receiver: Receiver;
let rig: Rig;
let seen = 0;

function next(): Item[] {
  const out = itemsOf(receiver.accepted.slice(seen));
  seen = receiver.accepted.length;
  return out;
}

beforeAll(async () => {
  clock = new FakeClock();
  sim = await startSim(clock, 400, 11);
  receiver = await startReceiver();
  rig = await startRig({ sim, clock, env: { ALERT_WEBHOOK_URL: receiver.url } });
  await rig.cycle(0);
  next();
});
afterAll(async () => {
  await rig.close();
  await Promise.all([sim.close(), receiver.close()]);
});

describe("the clock jumps", () => {
  it("forward by 6 h: one reminder per firing alert, and stale exactly as the simulator's clock says", async () => {
    const ids = healthyIds(sim.account);
    sim.account.break(ids[0]!);
    sim.account.warn(ids[1]!, "w1");
    sim.account.makeStale(ids[2]!, 1); // one hour ago, and no success until fixed: stale once the jump passes its limit
    await rig.cycle();
    next();
    const firingBefore = rig.app.watcher.firing().filter((a) => a.condition !== "stale");
    await rig.cycle(6 * HOUR);
    const items = next();
    const reminders = items.filter((a) => a.reminder);
    expect(reminders.map((a) => `${a.condition} ${a.connection_id}`).sort()).toEqual(
      firingBefore.map((a) => `${a.condition} ${a.connection_id}`).sort(),
    );
    const staleFired = items.filter((a) => a.status === "firing" && a.condition === "stale" && !a.reminder).map((a) => a.connection_id);
    const firingStale = rig.app.watcher.firing().filter((a) => a.condition === "stale").map((a) => a.connection_id).sort();
    expect(firingStale).toEqual(staleIds(sim.account.truth() as unknown as Truth[], clock.now()));
    expect(firingStale).toContain(ids[2]);
    expect(staleFired.length).toBeLessThanOrEqual(firingStale.length);
    // The next cycle is quiet: no flood of reminders.
    await rig.cycle();
    expect(next()).toEqual([]);
  });

  it("back by 3 h: no duplicate firing, no reminder storm, no negative durations", async () => {
    const firingBefore = rig.app.watcher.firing().map((a) => `${a.condition} ${a.connection_id}`).sort();
    const ids = healthyIds(sim.account);
    clock.advance(-3 * HOUR);
    const back = await rig.cycle();
    expect(back.outcome).toBe("success");
    const items = next();
    expect(items.filter((a) => a.status === "firing").filter((a) => firingBefore.includes(`${a.condition} ${a.connection_id}`))).toEqual([]);
    expect(items.filter((a) => a.reminder)).toEqual([]);
    // Fix everything that fires: every resolve has a non-negative duration.
    for (const a of rig.app.watcher.firing()) if (a.connection_id !== "") sim.account.fix(a.connection_id);
    sim.account.break(ids[5]!);
    for (let i = 0; i < 6; i++) await rig.cycle(10 * MINUTE);
    const later = next();
    const resolved = later.filter((a) => a.status === "resolved");
    expect(resolved.length).toBeGreaterThan(0);
    expect(later.filter((a) => a.reminder)).toEqual([]);
    expect(rig.logs.messages().filter((m) => /after -|-\d+ ?(ms|s|m|h)\b/.test(m))).toEqual([]);
  });

  // An alert that started before the clock went back never resolves before it started in the payload.
  it("back by 3 h: a resolve never predates its start in the payload", async () => {
    const c = new FakeClock();
    const s = await startSim(c, 50, 3);
    const r = await startReceiver();
    const w = await startRig({ sim: s, clock: c, env: { ALERT_WEBHOOK_URL: r.url } });
    try {
      await w.cycle(0);
      const id = healthyIds(s.account)[0]!;
      s.account.break(id);
      await w.cycle();
      c.advance(-3 * HOUR);
      s.account.fix(id);
      await w.cycle();
      const resolved = itemsOf(r.accepted).filter((a) => a.status === "resolved");
      expect(resolved).toHaveLength(1);
      expect(Date.parse(resolved[0]!.resolved_at!)).toBeGreaterThanOrEqual(Date.parse(resolved[0]!.started_at));
    } finally {
      await w.close();
      await Promise.all([s.close(), r.close()]);
    }
  });
});
