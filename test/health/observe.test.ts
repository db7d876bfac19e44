// The observe step: what a cycle judges of a listing, and which previous snapshots it carries forward.
import { describe, expect, it } from "vitest";
import { observe, type ConnectionRecord, type ConnectionSnapshot } from "../../src/health/index.js";
import { baseSnapshot } from "../helpers/snapshot.js";

const prev = (id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionRecord => ({ snapshot: baseSnapshot(id, { service: "old", ...over }), resumed_at: null });
const read = (id: string, over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => baseSnapshot(id, { service: "new", ...over });
/** Every field but `id` null or missing, as an item `{ "id": "x" }` reads. */
const bare = (id: string): ConnectionSnapshot => ({
  ...baseSnapshot(id),
  paused: null,
  setup_state: null,
  sync_state: null,
  update_state: null,
  is_historical_sync: null,
  sync_frequency: null,
  schedule_type: null,
  data_delay_sensitivity: null,
  data_delay_threshold: null,
});

interface Case {
  name: string;
  previous: ConnectionRecord[];
  listed: ConnectionSnapshot[];
  rejected?: { id: string | null; reason: string }[];
  missingBefore?: string[];
  /** id → service of the snapshot judged ("old": carried forward, "new": as read); absent ids are not judged. */
  judged: Record<string, string | null>;
  unreadable: number;
  missing: string[];
  /** null: the previous missing list is kept. */
  remember: string[] | null;
}

const cases: Case[] = [
  { name: "a complete, readable listing is judged as read", previous: [prev("a")], listed: [read("a"), read("b")], judged: { a: "new", b: "new" }, unreadable: 0, missing: [], remember: [] },
  {
    name: "an unreadable item keeps its connection's previous snapshot",
    previous: [prev("a"), prev("b")],
    listed: [read("a")],
    rejected: [{ id: "b", reason: "succeeded_at: not a time" }],
    judged: { a: "new", b: "old" },
    unreadable: 1,
    missing: [],
    remember: [],
  },
  { name: "an unreadable item of an unknown connection is skipped", previous: [], listed: [read("a")], rejected: [{ id: "z", reason: "bad" }], judged: { a: "new" }, unreadable: 1, missing: [], remember: [] },
  {
    name: "an item with every field but id null keeps the previous snapshot",
    previous: [prev("a", { setup_state: "broken" })],
    listed: [bare("a")],
    judged: { a: "old" },
    unreadable: 1,
    missing: [],
    remember: [],
  },
  {
    name: "an item with null status fields but other fields is read like any other",
    previous: [prev("a", { setup_state: "broken" })],
    listed: [read("a", { setup_state: null, sync_state: null, update_state: null })],
    judged: { a: "new" },
    unreadable: 0,
    missing: [],
    remember: [],
  },
  { name: "a field-less item of a new connection is read as it is", previous: [], listed: [bare("a")], judged: { a: null }, unreadable: 0, missing: [], remember: [] },
  { name: "a connection missing for the first time is carried forward", previous: [prev("a"), prev("b")], listed: [read("a")], judged: { a: "new", b: "old" }, unreadable: 0, missing: ["b"], remember: ["b"] },
  { name: "a connection missing twice is not judged (the diff removes it)", previous: [prev("a"), prev("b")], listed: [read("a")], missingBefore: ["b"], judged: { a: "new" }, unreadable: 0, missing: [], remember: [] },
  {
    name: "while an item without an id was skipped, nobody is removed and the missing list is kept",
    previous: [prev("a"), prev("b")],
    listed: [read("a")],
    rejected: [{ id: null, reason: "no id" }],
    missingBefore: ["b"],
    judged: { a: "new", b: "old" },
    unreadable: 1,
    missing: ["b"],
    remember: null,
  },
];

describe("observe", () => {
  for (const c of cases) {
    it(c.name, () => {
      const previous = new Map(c.previous.map((r) => [r.snapshot.id, r]));
      const connections = new Map(c.listed.map((s) => [s.id, s]));
      const known = c.listed.filter((s) => previous.has(s.id)).length;
      const before = [...previous];
      const out = observe({ connections, known, rejected: c.rejected ?? [] }, previous, c.missingBefore ?? []);
      expect(Object.fromEntries([...out.observed.values()].map((s) => [s.id, s.service]))).toEqual(c.judged);
      expect(out.unreadable).toBe(c.unreadable);
      expect(out.missing).toEqual(c.missing);
      expect(out.remember).toEqual(c.remember);
      expect([...previous], "observe changed the previous state").toEqual(before);
    });
  }

  it("names every kept item for the log, field-less and rejected apart", () => {
    const previous = new Map([prev("a"), prev("b")].map((r) => [r.snapshot.id, r]));
    const out = observe({ connections: new Map([["a", bare("a")]]), known: 1, rejected: [{ id: "b", reason: "bad time" }] }, previous, []);
    expect(out.kept).toEqual([
      { kind: "empty", id: "a", reason: "every field but id is null" },
      { kind: "rejected", id: "b", reason: "bad time" },
    ]);
  });
});
