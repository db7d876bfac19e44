// Human wording shared by every channel: alert order, counts, condition titles, names and times.
import type { Alert, ResolveReason, Severity } from "../health/model.js";

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1 };

/** Digest order: most severe first, firing before resolved, new before reminders, then by name. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    statusRank(a) - statusRank(b) ||
    Number(a.reminder) - Number(b.reminder) ||
    cmp(a.schema, b.schema) ||
    cmp(a.connection_id, b.connection_id) ||
    cmp(a.condition, b.condition)
  );
}

function statusRank(a: Alert): number {
  return a.status === "firing" ? 0 : 1;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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

const TITLES: Record<string, string> = {
  setup_broken: "Setup broken",
  sync_failed: "Sync failed",
  update_delayed: "Update delayed",
  stale: "Data stale",
  watcher_blind: "syncwatch cannot read Fivetran",
};

/** What is wrong, in words: "Setup broken", "Warning: <code>", "Task: <code>". */
export function conditionTitle(condition: string): string {
  const known = TITLES[condition];
  if (known !== undefined) return known;
  const colon = condition.indexOf(":");
  if (colon > 0) {
    const kind = condition.slice(0, colon);
    const code = condition.slice(colon + 1);
    if (kind === "warning") return `Warning: ${code}`;
    if (kind === "task") return `Task: ${code}`;
  }
  return condition;
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

/** ISO-8601 UTC with milliseconds, as the webhook payload writes times. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "2026-11-22 11:55 UTC": short, unambiguous, for people. */
export function shortTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
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

/** "2h 5m", "3d 4h", "45s": how long something lasted, for people. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** "lasted 2h 5m" for a resolved alert with a resolve time; "" otherwise. */
export function lastedText(a: Alert): string {
  return a.status === "resolved" && a.resolved_at !== null ? `lasted ${durationText(a.resolved_at - a.started_at)}` : "";
}

/** The one-line gist of a digest: "3 firing, 1 resolved", or for the baseline "3 already firing at start". */
export function digestHeadline(alerts: readonly Alert[], baseline: boolean): string {
  const c = countAlerts(alerts);
  if (!baseline) return countsLine(c, ", ");
  return `${c.firing} already firing at start${c.resolved > 0 ? `, ${c.resolved} resolved` : ""}`;
}
