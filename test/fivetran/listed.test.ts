// The listing builder against a plain Map: whatever the order, repeats and rejections, the same connections come out
// in the same order, each previous connection is found at its previous position, and the known ones are counted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListedConnections, ListingBuilder } from "../../src/fivetran/listed.js";
import type { ConnectionSnapshot } from "../../src/health/model.js";
import { snap as snapshot } from "../health/fixtures.js";

type Step = { kind: "add" | "reject"; id: string };

/** Runs `steps` through a builder the way the source does, with `previous` as the last cycle's connections. */
function build(previous: Map<string, { snapshot: ConnectionSnapshot }>, steps: Step[]) {
  const b = new ListingBuilder(previous);
  const lookups: { id: string; found: ConnectionSnapshot | undefined }[] = [];
  for (const s of steps) {
    const k = b.locate(s.id);
    lookups.push({ id: s.id, found: b.previousAt(k) });
    if (s.kind === "add") b.add(snapshot({ id: s.id }), k);
    else b.drop(s.id, k);
  }
  return { ...b.finish(), lookups };
}

/** The same with a Map: a repeat is deleted and set again (its later place), a rejection deletes. */
function reference(previous: Map<string, { snapshot: ConnectionSnapshot }>, steps: Step[]): { ids: string[]; known: number } {
  const m = new Map<string, true>();
  for (const s of steps) {
    m.delete(s.id);
    if (s.kind === "add") m.set(s.id, true);
  }
  const ids = [...m.keys()];
  return { ids, known: ids.filter((id) => previous.has(id)).length };
}

const ids = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `c${i}`));

describe("ListingBuilder", () => {
  it("lists what a Map would, in the same order, whatever the previous order, repeats and rejections", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(ids, { maxLength: 12 }),
        fc.array(fc.record({ kind: fc.constantFrom("add" as const, "add" as const, "reject" as const), id: ids }), { maxLength: 30 }),
        (prevIds, steps) => {
          const previous = new Map(prevIds.map((id) => [id, { snapshot: snapshot({ id }) }]));
          const out = build(previous, steps);
          const want = reference(previous, steps);
          expect([...out.connections.keys()]).toEqual(want.ids);
          expect(out.connections.size).toBe(want.ids.length);
          expect(out.known).toBe(want.known);
          for (const l of out.lookups) expect(l.found).toBe(previous.get(l.id)?.snapshot);
          for (const id of want.ids) expect(out.connections.get(id)?.id).toBe(id);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("lists an unchanged account in the previous order without an id index, finding every previous snapshot", () => {
    const previous = new Map(Array.from({ length: 1000 }, (_, i) => [`c${i}`, { snapshot: snapshot({ id: `c${i}` }) }]));
    const b = new ListingBuilder(previous);
    for (const [id, rec] of previous) {
      const k = b.locate(id);
      expect(b.previousAt(k)).toBe(rec.snapshot);
      b.add(rec.snapshot, k);
    }
    const { connections, known } = b.finish();
    expect(known).toBe(1000);
    expect([...connections.values()]).toEqual([...previous.values()].map((r) => r.snapshot));
    // Nothing asked `previous` for an id: each was at its expected position.
    expect((b as unknown as { positionOf: unknown }).positionOf).toBeNull();
  });

  it("follows a listing that resumes elsewhere in the previous order (concurrent group pages)", () => {
    const previous = new Map(Array.from({ length: 20 }, (_, i) => [`c${i}`, { snapshot: snapshot({ id: `c${i}` }) }]));
    const order = [...Array.from({ length: 10 }, (_, i) => `c${i + 10}`), ...Array.from({ length: 10 }, (_, i) => `c${i}`)];
    let asked = 0;
    const has = previous.has.bind(previous);
    previous.has = (id) => (asked++, has(id));
    const b = new ListingBuilder(previous);
    for (const id of order) {
      const k = b.locate(id);
      expect(b.previousAt(k)).toBe(previous.get(id)!.snapshot);
      b.add(previous.get(id)!.snapshot, k);
    }
    expect([...b.finish().connections.keys()]).toEqual(order);
    // Once at each jump (c10 first, then c0), then in step again from there.
    expect(asked).toBe(2);
  });
});

describe("ListedConnections", () => {
  it("reads like a Map in listing order, and set replaces in place or appends", () => {
    const a = snapshot({ id: "a" });
    const b = snapshot({ id: "b" });
    const l = new ListedConnections([a, b]);
    expect(l.size).toBe(2);
    expect(l.get("b")).toBe(b);
    expect(l.has("c")).toBe(false);
    const b2 = snapshot({ id: "b", paused: true });
    const c = snapshot({ id: "c" });
    l.set("b", b2).set("c", c);
    expect([...l]).toEqual([
      ["a", a],
      ["b", b2],
      ["c", c],
    ]);
    expect([...l.values()]).toEqual([a, b2, c]);
    const seen: string[] = [];
    l.forEach((v, k) => seen.push(`${k}=${v.id}`));
    expect(seen).toEqual(["a=a", "b=b", "c=c"]);
    expect(() => l.set("a", c)).toThrow(/snapshot of c/);
  });
});
