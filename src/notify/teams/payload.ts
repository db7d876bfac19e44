// Turns a digest into one Microsoft Teams message (an Adaptive Card) within Teams' 28 KB limit (pure).
import type { Alert } from "../../health/model.js";
import { conditionTitle } from "../../health/condition-table.js";
import { formatTime } from "../../health/format.js";
import {
  alertName,
  byDestination,
  countAlerts,
  countsLine,
  DESTINATION_SUMMARY_ABOVE,
  destinationLine,
  digestHeadline,
  lastedText,
  MAX_DESTINATION_LINES,
  plural,
  reasonText,
  severityLine,
  truncate,
} from "../digest-text.js";
import { TEST_MESSAGE, type Digest } from "../types.js";

/** Teams' limit on a message, in bytes of the serialized JSON (a little under 28 KB, for what Workflows adds). */
export const TEAMS_MAX_BYTES = 28_000;
/** A summary longer than this is cut (the webhook and email carry it whole). */
const SUMMARY_MAX = 1000;

/** A run of plain text: Adaptive Cards render `TextRun` as is (no Markdown), so names from Fivetran need no escaping. */
interface TextRun {
  type: "TextRun";
  text: string;
  weight?: "Bolder";
  color?: "Attention" | "Warning" | "Good";
  isSubtle?: boolean;
  selectAction?: { type: "Action.OpenUrl"; url: string };
}
/** The card elements this builder emits (a subset of Adaptive Cards 1.4). */
export type CardElement =
  | { type: "TextBlock"; text: string; wrap: true; size?: "Large"; weight?: "Bolder"; isSubtle?: boolean; spacing?: "None" }
  | { type: "RichTextBlock"; inlines: TextRun[]; spacing?: "None" }
  | { type: "Container"; separator: true; items: CardElement[] };

/** The Workflows webhook body: one message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: "message";
  attachments: [
    {
      contentType: "application/vnd.microsoft.card.adaptive";
      contentUrl: null;
      content: { $schema: string; type: "AdaptiveCard"; version: "1.4"; msteams: { width: "Full" }; body: CardElement[] };
    },
  ];
}

/** Options of the Teams message builder. */
export interface TeamsMessageOptions {
  /** Alerts listed at most; the rest (and whatever does not fit in `maxBytes`) are summarised as "and N more". */
  maxAlerts: number;
  maxBytes?: number;
}

/** The serialized size of a message in bytes, as Teams measures it. */
export function messageBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}

/**
 * The one message of a digest: headline and counts first, then the alerts most severe first while they fit in
 * `maxAlerts` and `maxBytes`, then "and N more" for the rest.
 */
export function buildTeamsMessage(digest: Digest, opts: TeamsMessageOptions): TeamsMessage {
  const maxBytes = opts.maxBytes ?? TEAMS_MAX_BYTES;
  const counts = countAlerts(digest.alerts);
  const head: CardElement[] = [
    { type: "TextBlock", text: `syncwatch: ${digestHeadline(digest.alerts, digest.baseline)}`, wrap: true, size: "Large", weight: "Bolder" },
    { type: "TextBlock", text: [severityLine(counts), `cycle of ${formatTime(digest.created_at)}`].filter((s) => s !== "").join(" · "), wrap: true, isSubtle: true, spacing: "None" },
    ...destinations(digest.alerts),
  ];
  const items = digest.alerts.map(alertElement);
  const limit = Math.min(items.length, Math.max(0, Math.floor(opts.maxAlerts)));
  // Grow while the whole message, "and N more" included, stays within the limit.
  let shown = 0;
  while (shown < limit && messageBytes(card([...head, ...items.slice(0, shown + 1), ...more(digest.alerts.slice(shown + 1))])) <= maxBytes) shown++;
  return card([...head, ...items.slice(0, shown), ...more(digest.alerts.slice(shown))]);
}

/** The message `test-notify` sends: clearly marked, so nobody mistakes it for an alert. */
export function buildTeamsTestMessage(): TeamsMessage {
  return card([
    { type: "TextBlock", text: TEST_MESSAGE, wrap: true, size: "Large", weight: "Bolder" },
    { type: "TextBlock", text: "Sent by syncwatch test-notify to check that alerts reach this channel. Nothing is wrong.", wrap: true },
  ]);
}

function card(body: CardElement[]): TeamsMessage {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: { $schema: "http://adaptivecards.io/schemas/adaptive-card.json", type: "AdaptiveCard", version: "1.4", msteams: { width: "Full" }, body },
      },
    ],
  };
}

/** For a digest of many alerts, one line per destination (group) with its counts, so one outage reads as one line. */
function destinations(alerts: readonly Alert[]): CardElement[] {
  if (alerts.length <= DESTINATION_SUMMARY_ABOVE) return [];
  const all = byDestination(alerts);
  const lines = all.slice(0, MAX_DESTINATION_LINES).map(destinationLine);
  if (all.length > lines.length) lines.push(`…and ${plural(all.length - lines.length, "more destination")}`);
  const line = (text: string): CardElement => ({ type: "RichTextBlock", inlines: [{ type: "TextRun", text }], spacing: "None" });
  return [{ type: "Container", separator: true, items: [{ type: "TextBlock", text: "By destination", wrap: true, weight: "Bolder" }, ...lines.map(line)] }];
}

function more(rest: readonly Alert[]): CardElement[] {
  if (rest.length === 0) return [];
  return [{ type: "TextBlock", text: `…and ${rest.length} more (${countsLine(countAlerts(rest), ", ")}) not listed here`, wrap: true, isSubtle: true }];
}

/** One alert: status and what, the summary, where and since when, then its links. */
function alertElement(a: Alert): CardElement {
  const status: TextRun =
    a.status === "resolved"
      ? { type: "TextRun", text: "✅ Resolved", weight: "Bolder", color: "Good" }
      : a.severity === "critical"
        ? { type: "TextRun", text: "🔴 Critical", weight: "Bolder", color: "Attention" }
        : { type: "TextRun", text: "⚠️ Warning", weight: "Bolder", color: "Warning" };
  const title: TextRun[] = [status, run(" · "), { type: "TextRun", text: alertName(a), weight: "Bolder" }, run(` · ${conditionTitle(a.condition)}`)];
  if (a.status === "firing" && a.reminder) title.push(run(" · still firing (reminder)", true));
  const facts = [a.condition];
  if (a.connection_id !== "") {
    if (a.group_id) facts.push(a.group_name ? `group ${a.group_name} (${a.group_id})` : `group ${a.group_id}`);
    facts.push(`id ${a.connection_id}`);
  }
  facts.push(`since ${formatTime(a.started_at)}`);
  if (a.status === "resolved" && a.resolved_at !== null) facts.push(`resolved ${formatTime(a.resolved_at)} (${lastedText(a)})`);
  if (a.reason !== null) facts.push(`reason: ${reasonText(a.reason)}`);
  const items: CardElement[] = [
    { type: "RichTextBlock", inlines: title },
    { type: "RichTextBlock", inlines: [run(truncate(a.summary, SUMMARY_MAX))], spacing: "None" },
    { type: "RichTextBlock", inlines: [run(facts.join(" · "), true)], spacing: "None" },
  ];
  const links: TextRun[] = [];
  if (a.connection_url) links.push({ type: "TextRun", text: "Open in Fivetran", selectAction: { type: "Action.OpenUrl", url: a.connection_url } });
  if (a.runbook_url) links.push(...(links.length > 0 ? [run(" · ")] : []), { type: "TextRun", text: "Runbook", selectAction: { type: "Action.OpenUrl", url: a.runbook_url } });
  if (links.length > 0) items.push({ type: "RichTextBlock", inlines: links, spacing: "None" });
  return { type: "Container", separator: true, items };
}

function run(text: string, isSubtle = false): TextRun {
  return isSubtle ? { type: "TextRun", text, isSubtle: true } : { type: "TextRun", text };
}
