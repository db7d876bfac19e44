// Human wording shared by every channel: counts, condition titles, names and reasons.
import { formatDuration } from "../health/format.js";
import type { Alert, ResolveReason } from "../health/model.js";

/** How many alerts of each kind a digest (or part of it) holds. */
export interface AlertCounts {
  firing: number;
  resolved: number;
  /** Firing alerts that are repeats (also counted in `firing`). */
  reminders: number;
  /** Firing alerts by severity. */
  critical: number;
  warning: number;
}

/** Counts alerts by status, reminder and (for firing ones) severity. */
export function countAlerts(alerts: readonly Alert[]): AlertCounts {
  const c: AlertCounts = { firing: 0, resolved: 0, reminders: 0, critical: 0, warning: 0 };
  for (const a of alerts) {
    if (a.status === "resolved") {
      c.resolved++;
      continue;
    }
    c.firing++;
    if (a.reminder) c.reminders++;
    c[a.severity]++;
  }
  return c;
}

/** "3 firing · 1 resolved" (parts with 0 are left out; "nothing" when both are 0). */
export function countsLine(c: AlertCounts, separator = " · "): string {
  const parts: string[] = [];
  if (c.firing > 0) parts.push(`${c.firing} firing`);
  if (c.resolved > 0) parts.push(`${c.resolved} resolved`);
  return parts.length > 0 ? parts.join(separator) : "nothing";
}

/** "2 critical · 1 warning · 1 reminder" for the firing alerts (empty when none fire). */
export function severityLine(c: AlertCounts, separator = " · "): string {
  const parts: string[] = [];
  if (c.critical > 0) parts.push(`${c.critical} critical`);
  if (c.warning > 0) parts.push(`${c.warning} warning`);
  if (c.reminders > 0) parts.push(`${c.reminders} reminder${c.reminders === 1 ? "" : "s"}`);
  return parts.join(separator);
}

/** Which connection, as a person recognises it: "sf_prod (salesforce)"; "syncwatch" for the watcher itself. */
export function alertName(a: Alert): string {
  if (a.connection_id === "") return "syncwatch";
  const schema = a.schema || a.connection_id;
  return a.service ? `${schema} (${a.service})` : schema;
}

const REASONS: Record<ResolveReason, string> = {
  paused: "connection paused",
  manual: "switched to manual scheduling",
  removed: "connection removed",
};

/** Why an alert resolved other than its condition clearing, in words. */
export function reasonText(reason: ResolveReason): string {
  return REASONS[reason] ?? reason;
}

/** Cuts `text` to at most `max` characters, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  return `${text.slice(0, max - 1)}…`;
}

/** "s" when `n` is not 1. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "lasted 2h 5m" for a resolved alert with a resolve time; "" otherwise. */
export function lastedText(a: Alert): string {
  return a.status === "resolved" && a.resolved_at !== null ? `lasted ${formatDuration(a.resolved_at - a.started_at)}` : "";
}

/** The one-line gist of a digest: "3 firing, 1 resolved", or for the baseline "3 already firing at start". */
export function digestHeadline(alerts: readonly Alert[], baseline: boolean): string {
  const c = countAlerts(alerts);
  if (!baseline) return countsLine(c, ", ");
  return `${c.firing} already firing at start${c.resolved > 0 ? `, ${c.resolved} resolved` : ""}`;
}

/** A digest with more alerts than this opens with one line per destination (group) and its counts. */
export const DESTINATION_SUMMARY_ABOVE = 10;
/** Destinations named in that summary at most; the rest are counted ("and N more destinations"). */
export const MAX_DESTINATION_LINES = 25;

/** The alerts of one destination (group) in a digest. */
export interface DestinationCount {
  group_id: string;
  group_name: string | null;
  counts: AlertCounts;
}

/** Where an alert's connection writes, as people know it: "Finance warehouse (g1)", "g1", or "" for none. */
export function destinationName(d: { group_id: string; group_name: string | null }): string {
  if (d.group_name) return d.group_id ? `${d.group_name} (${d.group_id})` : d.group_name;
  return d.group_id;
}

/** The digest's alerts counted per destination, the most critical firing first, then the most alerts, then by name. */
export function byDestination(alerts: readonly Alert[]): DestinationCount[] {
  const groups = new Map<string, { group_id: string; group_name: string | null; alerts: Alert[] }>();
  for (const a of alerts) {
    const g = groups.get(a.group_id);
    if (g) {
      g.alerts.push(a);
      g.group_name ??= a.group_name;
    } else groups.set(a.group_id, { group_id: a.group_id, group_name: a.group_name, alerts: [a] });
  }
  const out = [...groups.values()].map((g) => ({ group_id: g.group_id, group_name: g.group_name, counts: countAlerts(g.alerts), total: g.alerts.length }));
  out.sort(
    (a, b) =>
      b.counts.critical - a.counts.critical ||
      b.total - a.total ||
      destinationName(a).localeCompare(destinationName(b)),
  );
  return out.map(({ group_id, group_name, counts }) => ({ group_id, group_name, counts }));
}

/** "Finance warehouse (g1): 80 firing (80 critical), 2 resolved"; the watcher's own alerts are "syncwatch". */
export function destinationLine(d: DestinationCount): string {
  const name = destinationName(d) || "syncwatch";
  const sev = severityLine({ ...d.counts, reminders: 0 }, ", ");
  const firing = d.counts.firing > 0 ? `${d.counts.firing} firing${sev ? ` (${sev})` : ""}` : "";
  const resolved = d.counts.resolved > 0 ? `${d.counts.resolved} resolved` : "";
  return `${name}: ${[firing, resolved].filter((p) => p !== "").join(", ")}`;
}
