// Lifecycle log lines name the connection: its name, service, id and group, whatever changed (removed included).
import { describe, expect, it } from "vitest";
import { lifecycleText } from "../../src/health/index.js";
import { afterBaseline, cycle, MIN, snap, T0 } from "./fixtures.js";

describe("lifecycle log lines", () => {
  it.each([
    ["added", { kind: "added" as const, connection_id: "c1", snapshot: snap() }, "connection added: sf_prod (salesforce, c1) in group g1"],
    ["paused", { kind: "paused" as const, connection_id: "c1", snapshot: snap({ paused: true }) }, "connection paused: sf_prod (salesforce, c1) in group g1"],
    [
      "a connection without name or service",
      { kind: "removed" as const, connection_id: "c9", snapshot: snap({ id: "c9", schema: null, service: null, group_id: null }) },
      "connection removed: c9 (unknown service, c9)",
    ],
    [
      "rescheduled",
      { kind: "rescheduled" as const, connection_id: "c1", snapshot: snap({ rescheduled_for: T0 + 60 * MIN }) },
      "connection rescheduled: sf_prod (salesforce, c1) in group g1 for 2026-11-22T13:00:00.000Z",
    ],
  ])("%s", (_name, event, line) => {
    expect(lifecycleText(event)).toBe(line);
  });

  it("names a removed connection as it was last seen", () => {
    const state = cycle(afterBaseline(), [snap({ id: "a", schema: "hubspot_eu", service: "hubspot", group_id: "g7" })], T0).next;
    const out = cycle(state, [snap({ id: "b" })], T0 + MIN);
    expect(out.lifecycle.map(lifecycleText)).toEqual([
      "connection added: sf_prod (salesforce, b) in group g1",
      "connection removed: hubspot_eu (hubspot, a) in group g7",
    ]);
  });
});
