// The Teams channel: the exact Adaptive Card of a digest, Teams' 28 KB limit kept, and a Workflows-like receiver.
import { afterEach, describe, expect, it } from "vitest";
import type { Alert } from "../../src/health/model.js";
import { TEAMS_MAX_BYTES, buildTeamsMessage, messageBytes, type CardElement } from "../../src/notify/teams/payload.js";
import { TeamsNotifier } from "../../src/notify/teams/teams.js";
import { startReceiver } from "../helpers/receivers.js";
import { T0, alert, digest } from "./fixtures.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function body(alerts: Alert[], maxAlerts = 50): CardElement[] {
  return buildTeamsMessage(digest(alerts), { maxAlerts }).attachments[0].content.body;
}

describe("Teams message", () => {
  it("is one Adaptive Card: counts first, then each alert (plain text runs, links), exactly", () => {
    const broken = alert({ schema: "sf_*prod*", group_name: "Finance", connection_url: "https://fivetran.com/dashboard/connectors/abc123/status", runbook_url: "https://runbooks.example.com/r" });
    const resolved = alert({ connection_id: "x2", schema: "hub", service: "hubspot", condition: "stale", severity: "warning", status: "resolved", resolved_at: T0, reason: "paused", summary: "no sync" });
    expect(buildTeamsMessage(digest([broken, resolved]), { maxAlerts: 50 })).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            msteams: { width: "Full" },
            body: [
              { type: "TextBlock", text: "syncwatch: 1 firing, 1 resolved", wrap: true, size: "Large", weight: "Bolder" },
              { type: "TextBlock", text: "1 critical · cycle of 2026-11-22 12:00 UTC", wrap: true, isSubtle: true, spacing: "None" },
              {
                type: "Container",
                separator: true,
                items: [
                  {
                    type: "RichTextBlock",
                    inlines: [
                      { type: "TextRun", text: "🔴 Critical", weight: "Bolder", color: "Attention" },
                      { type: "TextRun", text: " · " },
                      { type: "TextRun", text: "sf_*prod* (salesforce)", weight: "Bolder" },
                      { type: "TextRun", text: " · Setup broken" },
                    ],
                  },
                  { type: "RichTextBlock", inlines: [{ type: "TextRun", text: broken.summary }], spacing: "None" },
                  {
                    type: "RichTextBlock",
                    inlines: [{ type: "TextRun", text: "setup_broken · group Finance (g1) · id abc123 · since 2026-11-22 11:55 UTC", isSubtle: true }],
                    spacing: "None",
                  },
                  {
                    type: "RichTextBlock",
                    inlines: [
                      { type: "TextRun", text: "Open in Fivetran", selectAction: { type: "Action.OpenUrl", url: "https://fivetran.com/dashboard/connectors/abc123/status" } },
                      { type: "TextRun", text: " · " },
                      { type: "TextRun", text: "Runbook", selectAction: { type: "Action.OpenUrl", url: "https://runbooks.example.com/r" } },
                    ],
                    spacing: "None",
                  },
                ],
              },
              {
                type: "Container",
                separator: true,
                items: [
                  {
                    type: "RichTextBlock",
                    inlines: [
                      { type: "TextRun", text: "✅ Resolved", weight: "Bolder", color: "Good" },
                      { type: "TextRun", text: " · " },
                      { type: "TextRun", text: "hub (hubspot)", weight: "Bolder" },
                      { type: "TextRun", text: " · Data stale" },
                    ],
                  },
                  { type: "RichTextBlock", inlines: [{ type: "TextRun", text: "no sync" }], spacing: "None" },
                  {
                    type: "RichTextBlock",
                    inlines: [
                      {
                        type: "TextRun",
                        text: "stale · group g1 · id x2 · since 2026-11-22 11:55 UTC · resolved 2026-11-22 12:00 UTC (lasted 5m) · reason: connection paused",
                        isSubtle: true,
                      },
                    ],
                    spacing: "None",
                  },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("stays within 28 KB of serialized bytes, multi-byte text included, and says how many more there are", () => {
    const alerts = Array.from({ length: 2000 }, (_, i) =>
      alert({ connection_id: `c${i}`, schema: `schéma_${i}_🚀`, summary: `Sync failed — déjà vu ${i} `.repeat(40), severity: i % 3 === 0 ? "critical" : "warning" }),
    );
    const message = buildTeamsMessage(digest(alerts), { maxAlerts: 2000 });
    const bytes = messageBytes(message);
    expect(bytes).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(bytes).toBe(Buffer.byteLength(JSON.stringify(message)));
    const items = message.attachments[0].content.body;
    // One Container is the "By destination" summary that a digest of more than ten alerts opens with.
    const shown = items.filter((e) => e.type === "Container").length - 1;
    expect(shown).toBeGreaterThan(5);
    const last = items[items.length - 1];
    expect(last).toMatchObject({ type: "TextBlock", text: `…and ${2000 - shown} more (${2000 - shown} firing) not listed here` });
    // As many as fit: one more would not.
    expect(messageBytes(buildTeamsMessage(digest(alerts), { maxAlerts: shown + 1, maxBytes: Infinity }))).toBeGreaterThan(TEAMS_MAX_BYTES);
  });

  it("lists at most max_alerts, counts first in the headline", () => {
    const alerts = Array.from({ length: 12 }, (_, i) => alert({ connection_id: `c${i}` }));
    const items = body(alerts, 10);
    expect(items[0]).toMatchObject({ text: "syncwatch: 12 firing" });
    // Ten alerts, after the "By destination" summary of a digest of more than ten alerts.
    expect(items.filter((e) => e.type === "Container")).toHaveLength(11);
    expect(items[items.length - 1]).toMatchObject({ text: "…and 2 more (2 firing) not listed here" });
  });
});

describe("Teams notifier", () => {
  it("posts one card per digest to the Workflows URL; 202 and 200 both count as arrived", async () => {
    const r = await startReceiver("", "/workflows/abc/triggers/manual/paths/invoke");
    r.replies.push({ status: 202 });
    const n = new TeamsNotifier({ webhookUrl: `${r.url}?api-version=2016-06-01&sig=SIGSECRET`, maxAlerts: 50, timeoutMs: 10_000 });
    closers.push(() => r.close(), () => n.close());
    await n.send(digest([alert()]));
    await n.send(digest([alert({ status: "resolved", resolved_at: T0 })]));
    expect(r.accepted).toHaveLength(2);
    expect(r.received[0]!.headers["content-type"]).toBe("application/json");
    expect((r.received[0]!.json as { attachments: { contentType: string }[] }).attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
  });
});
