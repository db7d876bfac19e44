// Turns a digest into one Slack Block Kit message within Slack's limits (pure).
import type { IncomingWebhookSendArguments } from "@slack/webhook";
import { conditionTitle } from "../../health/condition-table.js";
import { formatTime } from "../../health/format.js";
import type { Alert } from "../../health/model.js";
import { TEST_MESSAGE, type Digest } from "../types.js";
import {
  alertName,
  byDestination,
  countAlerts,
  DESTINATION_SUMMARY_ABOVE,
  destinationLine,
  MAX_DESTINATION_LINES,
  countsLine,
  digestHeadline,
  lastedText,
  plural,
  reasonText,
  severityLine,
  truncate,
} from "../digest-text.js";

/** Slack's documented limits, and our own budget for the whole message. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  contextText: 2000,
  /** Characters of alert sections in one message; past it, "and N more" (keeps messages readable and far from size limits). */
  messageText: 20_000,
  /** A summary longer than this is cut (the webhook and email carry it whole). */
  summary: 1000,
  fallbackText: 1000,
} as const;

/** Options of the Slack message builder. */
export interface SlackMessageOptions {
  /** Alerts listed; the rest are summarised as "and N more". */
  maxAlerts: number;
  username?: string;
  iconEmoji?: string;
}

interface PlainText {
  type: "plain_text";
  text: string;
  emoji: boolean;
}
interface Mrkdwn {
  type: "mrkdwn";
  text: string;
}
/** The blocks this builder emits (a subset of Block Kit). */
export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "context"; elements: Mrkdwn[] }
  | { type: "divider" }
  | { type: "section"; text: Mrkdwn };

/** The message: Block Kit blocks plus the `text` fallback used by notifications and old clients. */
export type SlackMessage = Omit<IncomingWebhookSendArguments, "text" | "blocks"> & { text: string; blocks: SlackBlock[] };

/** Builds the one message of a digest: header and counts first, then alerts most severe first, then "and N more". */
export function buildSlackMessage(digest: Digest, opts: SlackMessageOptions): SlackMessage {
  const counts = countAlerts(digest.alerts);
  const headline = digestHeadline(digest.alerts, digest.baseline);
  const details = [severityLine(counts)].filter((s) => s !== "");
  const contextText = ["*syncwatch*", ...details, `cycle of ${slackDate(digest.created_at)}`].join(" · ");

  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(headline, SLACK_LIMITS.headerText), emoji: true } },
    { type: "context", elements: [{ type: "mrkdwn", text: truncate(contextText, SLACK_LIMITS.contextText) }] },
    { type: "divider" },
  ];
  if (digest.alerts.length > DESTINATION_SUMMARY_ABOVE) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: destinationsText(digest.alerts) } }, { type: "divider" });
  }

  // One block stays free for "and N more".
  const maxSections = Math.min(Math.max(0, opts.maxAlerts), SLACK_LIMITS.blocks - blocks.length - 1);
  let used = 0;
  let shown = 0;
  for (const alert of digest.alerts) {
    if (shown >= maxSections) break;
    const text = sectionText(alert);
    if (used + text.length > SLACK_LIMITS.messageText) break;
    used += text.length;
    blocks.push({ type: "section", text: { type: "mrkdwn", text } });
    shown++;
  }
  const rest = digest.alerts.slice(shown);
  if (rest.length > 0) {
    const more = `_…and ${rest.length} more (${countsLine(countAlerts(rest), ", ")}) not listed here_`;
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: more }] });
  }

  const message: SlackMessage = { text: fallbackText(digest, headline, shown), blocks };
  if (opts.username !== undefined) message.username = opts.username;
  if (opts.iconEmoji !== undefined) message.icon_emoji = opts.iconEmoji;
  return message;
}

/** The message `test-notify` sends: clearly marked, so nobody mistakes it for an alert. */
export function buildSlackTestMessage(opts: Pick<SlackMessageOptions, "username" | "iconEmoji"> = {}): SlackMessage {
  const message: SlackMessage = {
    text: TEST_MESSAGE,
    blocks: [
      { type: "header", text: { type: "plain_text", text: TEST_MESSAGE, emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: "Sent by `syncwatch test-notify` to check that alerts reach this channel. Nothing is wrong." } },
    ],
  };
  if (opts.username !== undefined) message.username = opts.username;
  if (opts.iconEmoji !== undefined) message.icon_emoji = opts.iconEmoji;
  return message;
}

/** One alert as a section: what, where, why, since when; a reminder marker; the resolve reason. */
function sectionText(a: Alert): string {
  const what = `*${esc(alertName(a), 300)}* · ${esc(conditionTitle(a.condition), 300)}`;
  const head =
    a.status === "resolved"
      ? `:white_check_mark: *Resolved* · ${what}`
      : `${a.severity === "critical" ? ":red_circle: *Critical*" : ":warning: *Warning*"} · ${what}` +
        (a.reminder ? " · :repeat: _still firing (reminder)_" : "");
  const facts = [code(a.condition)];
  if (a.connection_id !== "") {
    if (a.group_name) facts.push(`group *${esc(a.group_name)}*${a.group_id ? ` (${code(a.group_id)})` : ""}`);
    else if (a.group_id) facts.push(`group ${code(a.group_id)}`);
    facts.push(`id ${code(a.connection_id)}`);
  }
  facts.push(`since ${slackDate(a.started_at)}`);
  if (a.status === "resolved" && a.resolved_at !== null) facts.push(`resolved ${slackDate(a.resolved_at)} (${lastedText(a)})`);
  if (a.reason !== null) facts.push(`reason: ${reasonText(a.reason)}`);
  const summary = esc(a.summary, SLACK_LIMITS.summary);
  const links = [link(a.connection_url, "Open in Fivetran"), link(a.runbook_url, "Runbook")].filter((l) => l !== "").join(" · ");
  // Each part is bounded above, so the whole stays far below the section limit; the cut is a last guard.
  return truncate([head, summary, facts.join(" · "), links].filter((l) => l !== "").join("\n"), SLACK_LIMITS.sectionText);
}

/** The digest's alerts, one line per destination (group) with counts, within a section's limit. */
function destinationsText(alerts: readonly Alert[]): string {
  const all = byDestination(alerts);
  const lines = ["*By destination*"];
  let length = lines[0]!.length;
  let shown = 0;
  for (const d of all.slice(0, MAX_DESTINATION_LINES)) {
    const line = `• ${esc(destinationLine(d), 300)}`;
    if (length + line.length + 1 > SLACK_LIMITS.sectionText - 100) break;
    lines.push(line);
    length += line.length + 1;
    shown++;
  }
  if (shown < all.length) lines.push(`_…and ${plural(all.length - shown, "more destination")}_`);
  return lines.join("\n");
}

/** A Slack link `<url|text>`, or "" without a URL (a URL that is not http(s) is not linked). */
function link(url: string | null, text: string): string {
  if (url === null || !/^https?:\/\//.test(url)) return "";
  return `<${url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C")}|${text}>`;
}

function fallbackText(digest: Digest, headline: string, shown: number): string {
  const lead = `syncwatch: ${headline}`;
  const first = digest.alerts
    .slice(0, Math.min(3, shown))
    .map((a) => `${alertName(a)} ${conditionTitle(a.condition)}${a.status === "resolved" ? " (resolved)" : ""}`);
  const more = digest.alerts.length - first.length;
  const list = first.length > 0 ? ` — ${first.join("; ")}${more > 0 ? `; and ${plural(more, "other")}` : ""}` : "";
  return esc(`${lead}${list}`, SLACK_LIMITS.fallbackText);
}

/** Slack's date token: rendered in the reader's time zone, with a UTC fallback. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${formatTime(ms)}>`;
}

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, keeping the result within
 * `max` characters (never cutting an entity in half; "…" marks a cut).
 */
function esc(text: string, max = 200): string {
  const full = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (full.length <= max) return full;
  let out = "";
  for (const ch of text) {
    const e = ch === "&" ? "&amp;" : ch === "<" ? "&lt;" : ch === ">" ? "&gt;" : ch;
    if (out.length + e.length > max - 1) return `${out}…`;
    out += e;
  }
  return out;
}

function code(text: string): string {
  return `\`${esc(text.replace(/`/g, "'"))}\``;
}
