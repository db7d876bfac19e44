// The one matcher: one table of cases, checked as routes, silences and rule overrides see them.
import { describe, expect, it } from "vitest";
import type { Matcher } from "../../src/config/schema.js";
import { conditionRules, effectiveRules, holdingConditions, type Alert } from "../../src/health/index.js";
import { compileMatcher, matches, routeAlerts } from "../../src/notify/index.js";
import { alert as notifyAlert } from "../notify/fixtures.js";
import { T0, rules, snap } from "./fixtures.js";

/** An alert of connection c1 (group g1, salesforce, sf_prod, like `snap()`) unless the row says otherwise. */
function alert(over: Partial<Alert>): Alert {
  return notifyAlert({ connection_id: "c1", ...over });
}

const blind = alert({ connection_id: "", group_id: "", service: "", schema: "", condition: "watcher_blind" });

const rows: { name: string; match: Matcher; alert: Alert; want: boolean }[] = [
  { name: "an empty matcher matches everything", match: {}, alert: alert({}), want: true },
  { name: "an empty matcher matches the watcher's own alert", match: {}, alert: blind, want: true },
  { name: "an exact condition", match: { condition: ["setup_broken"] }, alert: alert({}), want: true },
  { name: "another condition", match: { condition: ["sync_failed"] }, alert: alert({}), want: false },
  { name: "a kind prefix warning:*", match: { condition: ["warning:*"] }, alert: alert({ condition: "warning:schema_change" }), want: true },
  { name: "warning:* does not match a task", match: { condition: ["warning:*"] }, alert: alert({ condition: "task:reconnect" }), want: false },
  { name: "any trailing * (warn*)", match: { condition: ["warn*"] }, alert: alert({ condition: "warning:schema_change" }), want: true },
  { name: "a trailing * on a base condition (sync_*)", match: { condition: ["sync_*"] }, alert: alert({ condition: "sync_failed" }), want: true },
  { name: "a lone * matches every condition", match: { condition: ["*"] }, alert: alert({ condition: "stale" }), want: true },
  { name: "* only at the end is a wildcard", match: { condition: ["*:schema_change"] }, alert: alert({ condition: "warning:schema_change" }), want: false },
  { name: "any value of a list", match: { condition: ["stale", "setup_broken"] }, alert: alert({}), want: true },
  { name: "a severity", match: { severity: ["critical"] }, alert: alert({}), want: true },
  { name: "another severity", match: { severity: ["warning"] }, alert: alert({}), want: false },
  { name: "a connection id", match: { connection_id: ["c1"] }, alert: alert({}), want: true },
  { name: "another connection id", match: { connection_id: ["c2"] }, alert: alert({}), want: false },
  { name: "a group", match: { group_id: ["g1", "g2"] }, alert: alert({}), want: true },
  { name: "a service", match: { service: ["postgres"] }, alert: alert({}), want: false },
  { name: "a schema", match: { schema: ["sf_prod"] }, alert: alert({}), want: true },
  { name: "every given field must match", match: { service: ["salesforce"], severity: ["warning"] }, alert: alert({}), want: false },
  { name: "all fields matching", match: { group_id: ["g1"], service: ["salesforce"], condition: ["setup_*"], severity: ["critical"] }, alert: alert({}), want: true },
  { name: "a scoped matcher never matches the watcher's own alert", match: { group_id: [""] }, alert: blind, want: false },
  { name: "the watcher's alert by condition", match: { condition: ["watcher_*"] }, alert: blind, want: true },
];

describe("the matcher", () => {
  it.each(rows)("$name", ({ match, alert: a, want }) => {
    expect(matches(compileMatcher(match), a)).toBe(want);
  });

  it.each(rows)("as a route: $name", ({ match, alert: a, want }) => {
    const r = routeAlerts([a], [{ match, channels: ["email"], continue: false }], [], T0, ["slack", "email"]);
    expect([...r.byChannel.keys()]).toEqual(want ? ["email"] : ["slack", "email"]);
  });

  it.each(rows)("as a silence: $name", ({ match, alert: a, want }) => {
    const r = routeAlerts([a], [], [{ match }], T0, ["slack"]);
    expect(r.silenced).toBe(want ? 1 : 0);
  });

  // Overrides judge connections, never the watcher's own alert.
  it.each(rows.filter((r) => r.alert.connection_id !== ""))("as a rule override: $name", ({ match, alert: a, want }) => {
    const r = rules({ overrides: [{ match, fire_after: 9 }] });
    const s = snap({ id: a.connection_id, group_id: a.group_id, service: a.service, schema: a.schema });
    expect(conditionRules(r, effectiveRules(r, s), a.condition, a.severity).fireAfter).toBe(want ? 9 : 1);
  });
});

describe("ignore_conditions patterns", () => {
  const s = snap({ setup_state: "broken", warnings: [{ code: "w1", message: null }], tasks: [{ code: "t1", message: null }] });
  const cases: { ignore: string[]; held: string[] }[] = [
    { ignore: ["warn*"], held: ["setup_broken", "task:t1"] },
    { ignore: ["warning:*"], held: ["setup_broken", "task:t1"] },
    { ignore: ["setup_*", "task:t*"], held: ["warning:w1"] },
    { ignore: ["*"], held: [] },
  ];
  it.each(cases)("ignore_conditions $ignore leaves $held", ({ ignore, held }) => {
    const r = rules({ overrides: [{ match: {}, ignore_conditions: ignore }] });
    expect(holdingConditions(s, null, T0, r, effectiveRules(r, s)).map((c) => c.condition)).toEqual(held);
  });
});
