// judgeSome: a pushed read of a few connections, judged like a cycle would judge them and nothing else.
import { describe, expect, it } from "vitest";
import { alertKey, diff, judgeSome, LayeredConnections, type ConnectionRecord, type HealthState } from "../../src/health/index.js";
import { afterBaseline, brief, cycle, MIN, rules, snap, T0 } from "./fixtures.js";

const a = snap({ id: "a" });
const b = snap({ id: "b" });
const c = snap({ id: "c", setup_state: "broken" });
/** After two cycles of a, b (healthy) and c (broken). */
function judged(): HealthState {
  const one = cycle(afterBaseline(), [a, b, c], T0);
  return cycle(one.next, [a, b, c], T0 + 5 * MIN).next;
}
const listing = (...snaps: (typeof a)[]) => ({ connections: new Map(snaps.map((s) => [s.id, s])) });

describe("judgeSome", () => {
  it("fires a pushed failure once; the next cycle listing the same failure does not fire again", () => {
    const pushed = judgeSome(judged(), [{ ...a, setup_state: "broken" }], T0 + 6 * MIN, rules());
    expect(brief(pushed.events)).toEqual(["firing setup_broken a"]);
    const next = diff(pushed.next, listing({ ...a, setup_state: "broken" }, b, c), T0 + 10 * MIN, rules());
    expect(brief(next.events)).toEqual([]);
    expect(next.lifecycle).toEqual([]);
  });

  it("judges only the pushed connections: nobody else is removed, resolved or counted", () => {
    const before = judged();
    const out = judgeSome(before, [{ ...b, paused: true }], T0 + 6 * MIN, rules());
    expect(out.events).toEqual([]);
    expect(out.lifecycle).toMatchObject([{ kind: "paused", connection_id: "b" }]);
    expect([...out.next.connections.keys()]).toEqual(["a", "b", "c"]);
    expect(out.next.alerts.get(alertKey("c", "setup_broken"))).toBe(before.alerts.get(alertKey("c", "setup_broken")));
    expect(out.next.last_success_at).toBe(before.last_success_at);
  });

  it("resolves a pushed connection's alert, and only that one", () => {
    const out = judgeSome(judged(), [{ ...c, setup_state: "connected" }], T0 + 6 * MIN, rules());
    expect(brief(out.events)).toEqual(["resolved setup_broken c"]);
  });

  it("adds a connection it did not know, as a cycle would", () => {
    const out = judgeSome(judged(), [snap({ id: "d" })], T0 + 6 * MIN, rules());
    expect(out.lifecycle).toMatchObject([{ kind: "added", connection_id: "d" }]);
    expect([...out.next.connections.keys()]).toEqual(["a", "b", "c", "d"]);
    expect(out.next.connections.size).toBe(4);
  });

  it("never changes the previous state, and shares its unchanged records", () => {
    const before = judged();
    const copy = { connections: [...before.connections], alerts: [...before.alerts] };
    const out = judgeSome(before, [{ ...a, setup_state: "broken" }, { ...c, setup_state: "connected" }], T0 + 6 * MIN, rules());
    expect({ connections: [...before.connections], alerts: [...before.alerts] }).toEqual(copy);
    expect(out.next.connections.get("b")).toBe(before.connections.get("b"));
    expect(out.next.connections.get("a")?.snapshot.setup_state).toBe("broken");
  });
});

describe("LayeredConnections", () => {
  const rec = (id: string, resumed: number | null = null): ConnectionRecord => ({ snapshot: snap({ id }), resumed_at: resumed });
  const base = new Map([rec("a"), rec("b")].map((r) => [r.snapshot.id, r]));

  it("reads as the base with the new records in their place, new ids last", () => {
    const l = LayeredConnections.over(base, [rec("b", 1), rec("c")]);
    expect([...l].map(([id, r]) => `${id}:${r.resumed_at}`)).toEqual(["a:null", "b:1", "c:null"]);
    expect(l.size).toBe(3);
    expect(new Map(l).get("b")?.resumed_at).toBe(1);
  });

  it("does not stack: a layer over a layer shares the first base", () => {
    const once = LayeredConnections.over(base, [rec("b", 1)]);
    const twice = LayeredConnections.over(once, [rec("a", 2)]);
    expect([...twice.values()].map((r) => r.resumed_at)).toEqual([2, 1]);
    expect([...once.values()].map((r) => r.resumed_at)).toEqual([null, 1]);
  });

  it("refuses to be changed", () => {
    const l = LayeredConnections.over(base, []);
    expect(() => l.set("x", rec("x"))).toThrow(TypeError);
    expect(() => l.delete("a")).toThrow(TypeError);
  });
});
