// Every channel says where to act: group name, the connection in Fivetran, the runbook; many alerts grouped by destination.
import { describe, expect, it } from "vitest";
import { alertsSchema } from "../../src/config/schema.js";
import { buildEmail } from "../../src/notify/email/message.js";
import { compileLinks, describeAlert } from "../../src/notify/links.js";
import { buildSlackMessage } from "../../src/notify/slack/payload.js";
import { buildTeamsMessage } from "../../src/notify/teams/payload.js";
import { buildWebhookPayloads } from "../../src/notify/webhook/payload.js";
import { T0, alert, digest } from "./fixtures.js";

const names = new Map([
  ["g1", "Finance warehouse"],
  ["g2", "Marketing <lake> & co"],
]);
const links = compileLinks(
  alertsSchema.parse({ links: { runbooks: [{ match: { condition: ["setup_broken"] }, url: "https://wiki.example.com/rb/{condition}?svc={service}" }] } }).links,
);
const broken = describeAlert(alert(), names, links);

describe("describeAlert", () => {
  it("adds the group's name, the dashboard link and the first matching runbook", () => {
    expect(broken).toMatchObject({
      group_name: "Finance warehouse",
      connection_url: "https://fivetran.com/dashboard/connectors/abc123/status",
      runbook_url: "https://wiki.example.com/rb/setup_broken?svc=salesforce",
    });
  });

  it("leaves them null when unknown: a group never read, no runbook, the watcher's own alert", () => {
    const a = describeAlert(alert({ group_id: "g9", condition: "stale", severity: "warning" }), names, links);
    expect([a.group_name, a.runbook_url]).toEqual([null, null]);
    const blind = describeAlert(alert({ connection_id: "", group_id: "", condition: "watcher_blind" }), names, links);
    expect([blind.group_name, blind.connection_url]).toEqual([null, null]);
  });

  it("takes another region's dashboard, and none at all when turned off", () => {
    const eu = compileLinks(alertsSchema.parse({ links: { connection_url: "https://eu.fivetran.example/c/{connection_id}" } }).links);
    expect(describeAlert(alert({ connection_id: "a b" }), names, eu).connection_url).toBe("https://eu.fivetran.example/c/a%20b");
    const off = compileLinks(alertsSchema.parse({ links: { connection_url: "" } }).links);
    expect(describeAlert(alert(), names, off).connection_url).toBeNull();
  });

  it("refuses a connection URL without {connection_id}, naming the key", () => {
    const r = alertsSchema.safeParse({ links: { connection_url: "https://fivetran.com/dashboard" } });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'links.connection_url: must be an http(s) URL containing {connection_id}, or ""',
    ]);
  });
});

describe("webhook", () => {
  it("carries group_name, connection_url and runbook_url in SPEC's field order", () => {
    const [p] = buildWebhookPayloads(digest([broken]), { maxAlertsPerPost: 10, now: T0 });
    expect(JSON.stringify(p!.alerts[0])).toBe(
      JSON.stringify({
        status: "firing",
        connection_id: "abc123",
        condition: "setup_broken",
        severity: "critical",
        group_id: "g1",
        group_name: "Finance warehouse",
        service: "salesforce",
        schema: "sf_prod",
        summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
        started_at: "2026-11-22T11:55:00.000Z",
        resolved_at: null,
        reason: null,
        reminder: false,
        connection_url: "https://fivetran.com/dashboard/connectors/abc123/status",
        runbook_url: "https://wiki.example.com/rb/setup_broken?svc=salesforce",
      }),
    );
  });
});

describe("Slack", () => {
  it("shows the group by name and the links as links", () => {
    const m = buildSlackMessage(digest([broken]), { maxAlerts: 40 });
    const section = m.blocks.find((b) => b.type === "section");
    expect(section?.type === "section" && section.text.text).toBe(
      [
        ":red_circle: *Critical* · *sf_prod (salesforce)* · Setup broken",
        "Setup is broken: Validate Login failed (Invalid login credentials.)",
        "`setup_broken` · group *Finance warehouse* (`g1`) · id `abc123` · since <!date^1795348500^{date_short_pretty} {time}|2026-11-22 11:55 UTC>",
        "<https://fivetran.com/dashboard/connectors/abc123/status|Open in Fivetran> · <https://wiki.example.com/rb/setup_broken?svc=salesforce|Runbook>",
      ].join("\n"),
    );
  });

  it("escapes a group name and opens a digest of many alerts with one line per destination", () => {
    const alerts = [
      ...Array.from({ length: 9 }, (_, i) => describeAlert(alert({ connection_id: `f${i}`, condition: "sync_failed" }), names, links)),
      ...Array.from({ length: 3 }, (_, i) => describeAlert(alert({ connection_id: `m${i}`, group_id: "g2", condition: "stale", severity: "warning" }), names, links)),
      describeAlert(alert({ connection_id: "r1", group_id: "g2", status: "resolved", resolved_at: T0 }), names, links),
    ];
    const m = buildSlackMessage(digest(alerts), { maxAlerts: 40 });
    expect(m.blocks[3]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          "*By destination*",
          "• Finance warehouse (g1): 9 firing (9 critical)",
          "• Marketing &lt;lake&gt; &amp; co (g2): 3 firing (3 warning), 1 resolved",
        ].join("\n"),
      },
    });
    expect(m.blocks[4]).toEqual({ type: "divider" });
    expect(m.blocks.filter((b) => b.type === "section")).toHaveLength(1 + 13);
  });

  it("a digest of ten alerts or fewer has no destination summary", () => {
    const m = buildSlackMessage(digest(Array.from({ length: 10 }, (_, i) => alert({ connection_id: `f${i}` }))), { maxAlerts: 40 });
    expect(m.blocks.some((b) => b.type === "section" && b.text.text.startsWith("*By destination*"))).toBe(false);
  });
});

describe("email", () => {
  it("text shows the group by name and the plain URLs; HTML links them", () => {
    const { text, html } = buildEmail(digest([broken]), { subjectPrefix: "[syncwatch]", maxAlerts: 100 });
    expect(text).toBe(
      [
        "syncwatch: 1 firing",
        "1 critical",
        "Cycle of 2026-11-22T12:00:00.000Z",
        "",
        "[FIRING] sf_prod (salesforce): Setup broken",
        "  status: firing",
        "  severity: critical",
        "  condition: setup_broken",
        "  schema: sf_prod (salesforce)",
        "  group: Finance warehouse (g1)",
        "  connection: abc123",
        "  summary: Setup is broken: Validate Login failed (Invalid login credentials.)",
        "  since: 2026-11-22T11:55:00.000Z",
        "  in Fivetran: https://fivetran.com/dashboard/connectors/abc123/status",
        "  runbook: https://wiki.example.com/rb/setup_broken?svc=salesforce",
        "",
      ].join("\n"),
    );
    expect(html).toContain(
      '<tr><th align="left" valign="top">in Fivetran</th><td><a href="https://fivetran.com/dashboard/connectors/abc123/status">https://fivetran.com/dashboard/connectors/abc123/status</a></td></tr>',
    );
    expect(html).toContain(
      '<tr><th align="left" valign="top">runbook</th><td><a href="https://wiki.example.com/rb/setup_broken?svc=salesforce">https://wiki.example.com/rb/setup_broken?svc=salesforce</a></td></tr>',
    );
  });

  it("opens a digest of many alerts with one line per destination, in text and HTML", () => {
    const alerts = [
      ...Array.from({ length: 11 }, (_, i) => describeAlert(alert({ connection_id: `f${i}`, condition: "sync_failed" }), names, links)),
      describeAlert(alert({ connection_id: "m1", group_id: "g2", condition: "stale", severity: "warning" }), names, links),
    ];
    const { text, html } = buildEmail(digest(alerts), { subjectPrefix: "[syncwatch]", maxAlerts: 2 });
    expect(text.split("\n\n")[1]).toBe(
      ["By destination:", "  Finance warehouse (g1): 11 firing (11 critical)", "  Marketing <lake> & co (g2): 1 firing (1 warning)"].join("\n"),
    );
    expect(html).toContain(
      "<h3>By destination</h3><ul><li>Finance warehouse (g1): 11 firing (11 critical)</li><li>Marketing &lt;lake&gt; &amp; co (g2): 1 firing (1 warning)</li></ul>",
    );
    expect(text).toContain("…and 10 more not listed here.");
  });
});

describe("Teams", () => {
  it("opens a digest of many alerts with one line per destination, as plain text runs", () => {
    const alerts = [
      ...Array.from({ length: 10 }, (_, i) => describeAlert(alert({ connection_id: `f${i}`, condition: "sync_failed" }), names, links)),
      describeAlert(alert({ connection_id: "m1", group_id: "g2", condition: "stale", severity: "warning" }), names, links),
    ];
    const body = buildTeamsMessage(digest(alerts), { maxAlerts: 40 }).attachments[0].content.body;
    const line = (text: string) => ({ type: "RichTextBlock", inlines: [{ type: "TextRun", text }], spacing: "None" });
    expect(body[2]).toEqual({
      type: "Container",
      separator: true,
      items: [
        { type: "TextBlock", text: "By destination", wrap: true, weight: "Bolder" },
        line("Finance warehouse (g1): 10 firing (10 critical)"),
        line("Marketing <lake> & co (g2): 1 firing (1 warning)"),
      ],
    });
  });

  it("a digest of ten alerts or fewer has no destination summary", () => {
    const body = buildTeamsMessage(digest(Array.from({ length: 10 }, (_, i) => alert({ connection_id: `f${i}` }))), { maxAlerts: 40 }).attachments[0].content.body;
    expect(JSON.stringify(body)).not.toContain("By destination");
  });
});
