// Property: across random cycles, alert events alternate fire → resolve per (connection, condition).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyHealthState, type ConnectionSnapshot } from "../../src/health/index.js";
import { cycle, HOUR, MIN, rules, snap, T0 } from "./fixtures.js";

const ids = ["a", "b", "c"];
const arbSnapshot = (id: string): fc.Arbitrary<ConnectionSnapshot> =>
  fc.record({
    paused: fc.constantFrom(true, false, null),
    setup_state: fc.constantFrom("broken", "connected", "weird", null),
    update_state: fc.constantFrom("delayed", "on_schedule", null),
    schedule_type: fc.constantFrom("auto", "manual", null),
    failed: fc.boolean(),
    succeededAgo: fc.option(fc.integer({ min: 0, max: 10 * 60 }), { nil: null }),
    warnings: fc.subarray(["w1", "w2"]),
    tasks: fc.subarray(["t1"]),
  }).map((x) => ({ ...x, id }) as const).map(({ id: cid, failed, succeededAgo, warnings, tasks, ...rest }) =>
    snap({
      ...rest,
      id: cid,
      succeeded_at: succeededAgo === null ? null : T0 - succeededAgo * MIN,
      failed_at: failed ? T0 - 5 * MIN : null,
      created_at: T0 - 10 * HOUR,
      warnings: warnings.map((code) => ({ code, message: null })),
      tasks: tasks.map((code) => ({ code, message: null })),
    }),
  );

/** One cycle: each connection present (random snapshot) or absent. */
const arbCycle = fc.tuple(...ids.map((id) => fc.option(arbSnapshot(id), { nil: undefined, freq: 5 })));

describe("alert event sequences", () => {
  it("never fire twice without a resolve between, and every resolve follows a fire", () => {
    fc.assert(
      fc.property(
        fc.array(arbCycle, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (cycles, fireAfter, clearAfter, baselineFirst) => {
          const r = rules({ fire_after: fireAfter, clear_after: clearAfter }, { repeat_interval_minutes: 30 });
          let state = baselineFirst ? emptyHealthState() : { ...emptyHealthState(), baseline_done: true };
          const firing = new Set<string>();
          cycles.forEach((c, i) => {
            const snaps = c.filter((s): s is ConnectionSnapshot => s !== undefined);
            const now = T0 + i * 20 * MIN;
            const before = structuredClone(state);
            const out = cycle(state, snaps, now, r);
            expect(state, "the pure diff changed its input").toEqual(before);
            expect(out.next.connections, "the next state shares a Map with the previous one").not.toBe(state.connections);
            expect(out.next.alerts, "the next state shares a Map with the previous one").not.toBe(state.alerts);
            for (const e of out.events) {
              const k = `${e.alert.connection_id}/${e.alert.condition}`;
              if (e.type === "firing") {
                expect(firing.has(k), `fired twice: ${k}`).toBe(false);
                firing.add(k);
              } else if (e.type === "resolved") {
                expect(firing.has(k), `resolved without fire: ${k}`).toBe(true);
                firing.delete(k);
              } else {
                expect(firing.has(k), `reminder without fire: ${k}`).toBe(true);
              }
            }
            state = out.next;
            // The state agrees with the events: exactly the fired-and-unresolved alerts are firing.
            const inState = [...state.alerts.values()].filter((a) => a.phase === "firing").map((a) => `${a.connection_id}/${a.condition}`);
            expect(new Set(inState)).toEqual(firing);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
