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
