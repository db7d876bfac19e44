// Turns a digest into an email: subject, plain text and HTML bodies (pure; every value HTML-escaped).
import type { Alert } from "../../health/model.js";
import { TEST_MESSAGE, type Digest } from "../types.js";
import { isoTime } from "../../health/format.js";
import { conditionTitle } from "../../health/condition-table.js";
import {
  alertName,
  byDestination,
  countAlerts,
  DESTINATION_SUMMARY_ABOVE,
  destinationLine,
  destinationName,
  digestHeadline,
  lastedText,
  reasonText,
  severityLine,
} from "../digest-text.js";

/** Options of the email builder. */
export interface EmailMessageOptions {
  subjectPrefix: string;
  /** Alerts listed; the rest are summarised as "and N more". */
  maxAlerts: number;
}

/** The parts of one email. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** Builds the email of a digest: counts first, then each alert (most severe first), then "and N more". */
export function buildEmail(digest: Digest, opts: EmailMessageOptions): EmailMessage {
  const counts = countAlerts(digest.alerts);
  const summary = digestHeadline(digest.alerts, digest.baseline);
  const subject = `${opts.subjectPrefix} ${summary}`.trim().replace(/[\r\n]+/g, " ");
  const shown = digest.alerts.slice(0, Math.max(0, opts.maxAlerts));
  const more = digest.alerts.length - shown.length;
  const sev = severityLine(counts, ", ");
  const intro = [`syncwatch: ${summary}`, sev, `Cycle of ${isoTime(digest.created_at)}`].filter((s) => s !== "");

  // Many alerts: one line per destination first, so an outage of one warehouse reads as one line.
  const destinations = digest.alerts.length > DESTINATION_SUMMARY_ABOVE ? byDestination(digest.alerts).map(destinationLine) : [];

  const textBlocks = shown.map((a) => alertLines(a).map(([k, v]) => (k === "" ? v : `  ${k}: ${v}`)).join("\n"));
  const textDestinations = destinations.length > 0 ? [["By destination:", ...destinations.map((l) => `  ${l}`)].join("\n")] : [];
  const text =
    [intro.join("\n"), ...textDestinations, ...textBlocks, ...(more > 0 ? [`…and ${more} more not listed here.`] : [])].join("\n\n") + "\n";

  const items = shown.map((a) => {
    const [head, ...rest] = alertLines(a);
    const rows = rest
      .map(([k, v, href]) => `<tr><th align="left" valign="top">${esc(k)}</th><td>${href ? `<a href="${esc(href)}">${esc(v)}</a>` : esc(v)}</td></tr>`)
      .join("");
    return `<li><p><strong>${esc(head?.[1] ?? "")}</strong></p><table cellpadding="2">${rows}</table></li>`;
  });
  const html =
    `<!doctype html><html><body>` +
    `<h2>${esc(`syncwatch: ${summary}`)}</h2>` +
    intro.slice(1).map((l) => `<p>${esc(l)}</p>`).join("") +
    (destinations.length > 0 ? `<h3>By destination</h3><ul>${destinations.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : "") +
    `<ol>${items.join("")}</ol>` +
    (more > 0 ? `<p>…and ${more} more not listed here.</p>` : "") +
    `</body></html>`;
  return { subject, text, html };
}

/** The email `test-notify` sends: clearly marked, so nobody mistakes it for an alert. */
export function buildTestEmail(subjectPrefix: string): EmailMessage {
  const line = "Sent by `syncwatch test-notify` to check that alerts reach this address. Nothing is wrong.";
  return {
    subject: `${subjectPrefix} ${TEST_MESSAGE}`.trim(),
    text: `${TEST_MESSAGE}\n\n${line}\n`,
    html: `<!doctype html><html><body><h2>${esc(TEST_MESSAGE)}</h2><p>${esc(line)}</p></body></html>`,
  };
}

/**
 * The lines of one alert: a head line, then labelled facts (status, severity, condition, where, what, since, reason,
 * links); a link's third element is its URL (the HTML links it, the text shows the URL itself).
 */
function alertLines(a: Alert): [string, string, string?][] {
  const status = a.status === "resolved" ? "RESOLVED" : a.reminder ? "FIRING (reminder)" : "FIRING";
  const lines: [string, string, string?][] = [["", `[${status}] ${alertName(a)}: ${conditionTitle(a.condition)}`]];
  lines.push(["status", a.status === "resolved" ? "resolved" : a.reminder ? "still firing (reminder)" : "firing"]);
  lines.push(["severity", a.severity]);
  lines.push(["condition", a.condition]);
  if (a.connection_id !== "") {
    lines.push(["schema", a.service ? `${a.schema} (${a.service})` : a.schema]);
    lines.push(["group", destinationName(a)]);
    lines.push(["connection", a.connection_id]);
  }
  lines.push(["summary", a.summary]);
  lines.push(["since", isoTime(a.started_at)]);
  if (a.status === "resolved" && a.resolved_at !== null) lines.push(["resolved", `${isoTime(a.resolved_at)} (${lastedText(a)})`]);
  if (a.reason !== null) lines.push(["reason", reasonText(a.reason)]);
  if (a.connection_url) lines.push(["in Fivetran", a.connection_url, a.connection_url]);
  if (a.runbook_url) lines.push(["runbook", a.runbook_url, a.runbook_url]);
  return lines;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const esc = escapeHtml;
