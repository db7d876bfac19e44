// The pure message builders: exact webhook JSON, Slack Block Kit within limits, email subject/text/HTML.
import { describe, expect, it } from "vitest";
import { buildEmail } from "../../src/notify/email/message.js";
import { SLACK_LIMITS, buildSlackMessage } from "../../src/notify/slack/payload.js";
import { buildWebhookPayloads } from "../../src/notify/webhook/payload.js";
import { alert, digest, manyAlerts, T0 } from "./fixtures.js";

const firing = alert();
const resolved = alert({
  status: "resolved",
  connection_id: "pg1",
  condition: "stale",
  severity: "warning",
  group_id: "g2",
  service: "postgres",
  schema: "pg_main",
  summary: "no successful sync for 14h (limit 13h)",
  started_at: T0 - (2 * 3600 + 5 * 60) * 1000,
  resolved_at: T0,
  reason: "paused",
});

describe("webhook payload", () => {
  it("is exactly SPEC's JSON: every field present, ISO times, version and source", () => {
    const [p, ...rest] = buildWebhookPayloads(digest([firing, resolved]), { maxAlertsPerPost: 1000, now: T0 });
    expect(rest).toEqual([]);
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      version: "1",
      source: "syncwatch",
      sent_at: "2026-11-22T12:00:00.000Z",
      alerts: [
        {
          status: "firing",
          connection_id: "abc123",
          condition: "setup_broken",
          severity: "critical",
          group_id: "g1",
          group_name: null,
          service: "salesforce",
          schema: "sf_prod",
          summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
          started_at: "2026-11-22T11:55:00.000Z",
          resolved_at: null,
          reason: null,
          reminder: false,
          connection_url: null,
          runbook_url: null,
        },
        {
          status: "resolved",
          connection_id: "pg1",
          condition: "stale",
          severity: "warning",
          group_id: "g2",
          group_name: null,
          service: "postgres",
          schema: "pg_main",
          summary: "no successful sync for 14h (limit 13h)",
          started_at: "2026-11-22T09:55:00.000Z",
          resolved_at: "2026-11-22T12:00:00.000Z",
          reason: "paused",
          reminder: false,
          connection_url: null,
          runbook_url: null,
        },
      ],
    });
    expect(Object.keys(p!)).toEqual(["version", "source", "sent_at", "alerts"]);
  });

  it("keeps watcher_blind's empty connection_id", () => {
    const blind = alert({ connection_id: "", condition: "watcher_blind", group_id: "", service: "", schema: "" });
    const [p] = buildWebhookPayloads(digest([blind]), { maxAlertsPerPost: 10, now: T0 });
    expect(p!.alerts[0]).toMatchObject({ connection_id: "", condition: "watcher_blind", group_id: "", service: "", schema: "" });
  });

  it("splits past the size over several POSTs, in order, never truncating", () => {
    const alerts = manyAlerts(7);
    const parts = buildWebhookPayloads(digest(alerts), { maxAlertsPerPost: 3, now: T0 });
    expect(parts.map((p) => p.alerts.length)).toEqual([3, 3, 1]);
    expect(parts.flatMap((p) => p.alerts.map((a) => a.connection_id))).toEqual(alerts.map((a) => a.connection_id));
    for (const p of parts) expect(p).toMatchObject({ version: "1", source: "syncwatch", sent_at: "2026-11-22T12:00:00.000Z" });
  });

  it("sends nothing for an empty digest", () => {
    expect(buildWebhookPayloads(digest([]), { maxAlertsPerPost: 3, now: T0 })).toEqual([]);
  });
});

describe("Slack message", () => {
  it("starts with the counts, lists alerts most severe first and says what, where and since when", () => {
    const m = buildSlackMessage(digest([firing, resolved]), { maxAlerts: 40 });
    expect(m.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "1 firing, 1 resolved", emoji: true } });
    const sections = m.blocks.filter((b) => b.type === "section").map((b) => b.text.text);
    expect(sections).toHaveLength(2);
    expect(sections[0]).toContain(":red_circle: *Critical* · *sf_prod (salesforce)* · Setup broken");
    expect(sections[0]).toContain("Setup is broken: Validate Login failed (Invalid login credentials.)");
    expect(sections[0]).toContain("group `g1`");
    expect(sections[0]).toContain("since <!date^1795348500^{date_short_pretty} {time}|2026-11-22 11:55 UTC>");
    expect(sections[1]).toContain(":white_check_mark: *Resolved* · *pg_main (postgres)* · Data stale");
    expect(sections[1]).toContain("(lasted 2h 5m)");
    expect(sections[1]).toContain("reason: connection paused");
    expect(m.text).toBe("syncwatch: 1 firing, 1 resolved — sf_prod (salesforce) Setup broken; pg_main (postgres) Data stale (resolved)");
  });

  it("escapes Slack control characters in user text", () => {
    const m = buildSlackMessage(digest([alert({ summary: "a <b> & <!channel>" })]), { maxAlerts: 40 });
    const section = m.blocks.find((b) => b.type === "section");
    expect(section?.type === "section" && section.text.text).toContain("a &lt;b&gt; &amp; &lt;!channel&gt;");
  });

  it("stays within Slack's limits with 500 alerts and says how many more", () => {
    const alerts = manyAlerts(500).map((a) => ({ ...a, summary: "x".repeat(5000) }));
    const m = buildSlackMessage(digest(alerts), { maxAlerts: 45 });
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of m.blocks) {
      if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
    // One section is the "By destination" summary; the others are alerts.
    const shown = m.blocks.filter((b) => b.type === "section").length - 1;
    expect(shown).toBeGreaterThan(0);
    const last = m.blocks.at(-1);
    expect(last?.type === "context" && last.elements[0]?.text).toContain(`…and ${500 - shown} more`);
    expect(m.text.length).toBeGreaterThan(0);
    expect(JSON.stringify(m).length).toBeLessThan(40_000);
  });

  it("lists at most max_alerts and summarises the rest", () => {
    const m = buildSlackMessage(digest(manyAlerts(12)), { maxAlerts: 10 });
    // Ten alerts, after the "By destination" summary that a digest of more than ten alerts opens with.
    expect(m.blocks.filter((b) => b.type === "section")).toHaveLength(11);
    const last = m.blocks.at(-1);
    expect(last?.type === "context" && last.elements[0]?.text).toBe("_…and 2 more (2 firing) not listed here_");
  });

  it("names the baseline", () => {
    const m = buildSlackMessage(digest([firing], { baseline: true }), { maxAlerts: 40 });
    expect(m.blocks[0]).toMatchObject({ text: { text: "1 already firing at start" } });
  });
});

describe("email", () => {
  it("subject carries the prefix and the counts", () => {
    expect(buildEmail(digest([firing, firing, resolved]), { subjectPrefix: "[syncwatch]", maxAlerts: 500 }).subject).toBe("[syncwatch] 2 firing, 1 resolved");
    expect(buildEmail(digest([firing], { baseline: true }), { subjectPrefix: "[prod]", maxAlerts: 500 }).subject).toBe("[prod] 1 already firing at start");
  });

  it("text lists each alert: status, severity, condition, schema (service), group, summary, since, how long and why", () => {
    const { text } = buildEmail(digest([firing, resolved]), { subjectPrefix: "[syncwatch]", maxAlerts: 500 });
    expect(text).toBe(
      [
        "syncwatch: 1 firing, 1 resolved",
        "1 critical",
        "Cycle of 2026-11-22T12:00:00.000Z",
        "",
        "[FIRING] sf_prod (salesforce): Setup broken",
        "  status: firing",
        "  severity: critical",
        "  condition: setup_broken",
        "  schema: sf_prod (salesforce)",
        "  group: g1",
        "  connection: abc123",
        "  summary: Setup is broken: Validate Login failed (Invalid login credentials.)",
        "  since: 2026-11-22T11:55:00.000Z",
        "",
        "[RESOLVED] pg_main (postgres): Data stale",
        "  status: resolved",
        "  severity: warning",
        "  condition: stale",
        "  schema: pg_main (postgres)",
        "  group: g2",
        "  connection: pg1",
        "  summary: no successful sync for 14h (limit 13h)",
        "  since: 2026-11-22T09:55:00.000Z",
        "  resolved: 2026-11-22T12:00:00.000Z (lasted 2h 5m)",
        "  reason: connection paused",
        "",
      ].join("\n"),
    );
  });

  it("HTML escapes everything that comes from Fivetran or config", () => {
    const evil = alert({ schema: "<script>alert(1)</script>", summary: `Tom & "Jerry" <b>'x'</b>` });
    const { html, text } = buildEmail(digest([evil]), { subjectPrefix: "[a<b>]", maxAlerts: 500 });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; (salesforce)");
    expect(html).toContain("Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;x&#39;&lt;/b&gt;");
    expect(text).toContain(`Tom & "Jerry" <b>'x'</b>`);
  });

  it("says how many more past max_alerts", () => {
    const { text, html } = buildEmail(digest(manyAlerts(5)), { subjectPrefix: "[syncwatch]", maxAlerts: 3 });
    expect(text.match(/^\[FIRING\]/gm)).toHaveLength(3);
    expect(text).toContain("…and 2 more not listed here.");
    expect(html).toContain("…and 2 more not listed here.");
  });
});
