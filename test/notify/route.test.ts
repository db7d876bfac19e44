// Routes and silences: which channel gets which alert, and what a silence keeps back.
import { describe, expect, it } from "vitest";
import type { AlertsConfig, ChannelName } from "../../src/config/schema.js";
import type { Alert } from "../../src/health/model.js";
import { routeAlerts } from "../../src/notify/index.js";
import { alert, T0 } from "./fixtures.js";

type Routes = AlertsConfig["routes"];
type Silences = AlertsConfig["silences"];
const ALL: ChannelName[] = ["slack", "email", "webhook"];

const sf = alert({ connection_id: "sf", service: "salesforce", group_id: "g1", condition: "setup_broken", severity: "critical" });
const pg = alert({ connection_id: "pg", service: "postgres", group_id: "g2", condition: "warning:schema_change", severity: "warning" });
const blind = alert({ connection_id: "", service: "", group_id: "", schema: "", condition: "watcher_blind", severity: "critical" });

function routed(alerts: Alert[], routes: Routes, channels: ChannelName[] = ALL, silences: Silences = [], now = T0) {
  const r = routeAlerts(alerts, routes, silences, now, channels);
  const out: Record<string, string[]> = {};
  for (const [ch, list] of r.byChannel) out[ch] = list.map((a) => a.connection_id || "(watcher)");
  return { out, silenced: r.silenced };
}

describe("routes", () => {
  const cases: { name: string; routes: Routes; channels?: ChannelName[]; alerts: Alert[]; want: Record<string, string[]> }[] = [
    { name: "no routes: every alert goes to every configured channel", routes: [], channels: ["slack", "webhook"], alerts: [sf, pg], want: { slack: ["sf", "pg"], webhook: ["sf", "pg"] } },
    {
      name: "first matching route wins",
      routes: [
        { match: { service: ["salesforce"] }, channels: ["slack"], continue: false },
        { match: { severity: ["critical"] }, channels: ["email"], continue: false },
      ],
      alerts: [sf],
      want: { slack: ["sf"] },
    },
    {
      name: "continue lets later routes add channels (each channel once)",
      routes: [
        { match: { service: ["salesforce"] }, channels: ["slack"], continue: true },
        { match: { severity: ["critical"] }, channels: ["email", "slack"], continue: false },
      ],
      alerts: [sf],
      want: { slack: ["sf"], email: ["sf"] },
    },
    {
      name: "an alert matching no route goes everywhere",
      routes: [{ match: { service: ["salesforce"] }, channels: ["slack"], continue: false }],
      alerts: [pg],
      want: { slack: ["pg"], email: ["pg"], webhook: ["pg"] },
    },
    { name: "a route with no channels drops what it matches", routes: [{ match: { group_id: ["g2"] }, channels: [], continue: false }], alerts: [sf, pg], want: { slack: ["sf"], email: ["sf"], webhook: ["sf"] } },
    {
      name: "route channels that are not configured are ignored",
      routes: [{ match: {}, channels: ["email", "webhook"], continue: false }],
      channels: ["webhook"],
      alerts: [sf],
      want: { webhook: ["sf"] },
    },
    { name: "condition prefix warning:* matches warning codes", routes: [{ match: { condition: ["warning:*"] }, channels: ["email"], continue: false }], alerts: [pg, sf], want: { email: ["pg", "sf"], slack: ["sf"], webhook: ["sf"] } },
    { name: "exact condition names match only themselves", routes: [{ match: { condition: ["warning"] }, channels: ["email"], continue: false }], alerts: [pg], want: { slack: ["pg"], email: ["pg"], webhook: ["pg"] } },
    {
      name: "every given field must match",
      routes: [{ match: { service: ["salesforce"], severity: ["warning"] }, channels: ["email"], continue: false }],
      alerts: [sf],
      want: { slack: ["sf"], email: ["sf"], webhook: ["sf"] },
    },
    { name: "lists match any of their values", routes: [{ match: { group_id: ["g9", "g2"] }, channels: ["email"], continue: false }], alerts: [pg], want: { email: ["pg"] } },
    { name: "watcher_blind does not match a route that names services", routes: [{ match: { service: ["salesforce", ""] }, channels: ["email"], continue: false }], alerts: [blind], want: { slack: ["(watcher)"], email: ["(watcher)"], webhook: ["(watcher)"] } },
    { name: "watcher_blind matches a route by condition and severity", routes: [{ match: { condition: ["watcher_blind"], severity: ["critical"] }, channels: ["slack"], continue: false }], alerts: [blind], want: { slack: ["(watcher)"] } },
    { name: "no configured channel: nothing to send", routes: [], channels: [], alerts: [sf], want: {} },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(routed(c.alerts, c.routes, c.channels).out).toEqual(c.want);
    });
  }
});

describe("silences", () => {
  const cases: { name: string; silences: Silences; alerts: Alert[]; want: string[]; silenced: number; now?: number }[] = [
    { name: "a silence keeps matching alerts from every channel and counts them", silences: [{ match: { service: ["salesforce"] } }], alerts: [sf, pg], want: ["pg"], silenced: 1 },
    { name: "a silence before its end time is in force", silences: [{ match: { group_id: ["g2"] }, until: "2026-11-22T12:00:01Z" }], alerts: [sf, pg], want: ["sf"], silenced: 1 },
    { name: "an expired silence is ignored", silences: [{ match: { group_id: ["g2"] }, until: "2026-11-22T12:00:00Z" }], alerts: [sf, pg], want: ["sf", "pg"], silenced: 0 },
    { name: "an offset end time is read correctly", silences: [{ match: {}, until: "2026-11-22T13:30:00+02:00" }], alerts: [sf], want: ["sf"], silenced: 0 },
    { name: "an empty matcher silences everything, watcher_blind included", silences: [{ match: {} }], alerts: [sf, blind], want: [], silenced: 2 },
    { name: "a connection silence does not silence watcher_blind", silences: [{ match: { connection_id: ["sf", ""] } }], alerts: [sf, blind], want: ["(watcher)"], silenced: 1 },
    { name: "a silence on a condition prefix", silences: [{ match: { condition: ["warning:*"] }, comment: "noisy" }], alerts: [sf, pg], want: ["sf"], silenced: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = routed(c.alerts, [], ["slack"], c.silences, c.now);
      expect(r.out.slack ?? []).toEqual(c.want);
      expect(r.silenced).toBe(c.silenced);
    });
  }

  it("a silenced alert is not sent even when a route would send it", () => {
    const r = routed([sf], [{ match: {}, channels: ["email"], continue: false }], ALL, [{ match: { connection_id: ["sf"] } }]);
    expect(r).toEqual({ out: {}, silenced: 1 });
  });
});
