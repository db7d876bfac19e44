// Alert events (fired, resolved, reminded) and how they are built from alert records and ordered.
import type { Alert, AlertRecord, ConnectionSnapshot, ResolveReason } from "./model.js";

/** One notification-worthy change of one alert in one cycle. */
export interface AlertEvent {
  type: "firing" | "resolved" | "reminder";
  alert: Alert;
  /** True for events of the baseline cycle (the first cycle with no saved state), sent as one digest. */
  baseline: boolean;
}

/** Builds the notification form of an alert record; `snapshot` gives group, service and schema ("" when unknown). */
export function toAlert(
  rec: AlertRecord,
  snapshot: ConnectionSnapshot | undefined,
  type: AlertEvent["type"],
  now: number,
  reason: ResolveReason | null = null,
): Alert {
  const resolved = type === "resolved";
  return {
    status: resolved ? "resolved" : "firing",
    connection_id: rec.connection_id,
    condition: rec.condition,
    severity: rec.severity,
    group_id: snapshot?.group_id ?? "",
    service: snapshot?.service ?? "",
    schema: snapshot?.schema ?? "",
    summary: rec.summary,
    started_at: rec.started_at,
    // Never before it started, even when the host clock went back.
    resolved_at: resolved ? Math.max(now, rec.started_at) : null,
    reason: resolved ? reason : null,
    reminder: type === "reminder",
    // Filled in by the notify step, which knows group names and the configured links.
    group_name: null,
    connection_url: null,
    runbook_url: null,
  };
}

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/** The one alert order: most severe first, firing before resolved, new before reminders, then schema, connection id, condition. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Number(a.status !== "firing") - Number(b.status !== "firing") ||
    Number(a.reminder) - Number(b.reminder) ||
    cmp(a.schema, b.schema) ||
    cmp(a.connection_id, b.connection_id) ||
    cmp(a.condition, b.condition)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Event order: the order of their alerts. */
export function compareEvents(a: AlertEvent, b: AlertEvent): number {
  return compareAlerts(a.alert, b.alert);
}

/** True when a firing alert is due a reminder at `now` (repeat interval 0 disables reminders). */
export function reminderDue(rec: AlertRecord, now: number, repeatIntervalMs: number): boolean {
  return rec.phase === "firing" && repeatIntervalMs > 0 && rec.last_notified_at !== null && rec.last_notified_at + repeatIntervalMs <= now;
}

/**
 * Adds the failed setup test to a summary: ("Setup is broken", {title: "Validate Login", message: "Invalid
 * login credentials."}) → "Setup is broken: Validate Login failed (Invalid login credentials.)".
 */
export function withSetupTest(summary: string, test: { title: string; message: string | null }): string {
  const title = test.title.trim();
  const message = test.message?.trim() ?? "";
  if (title === "") return message === "" ? summary : `${summary} (${message})`;
  return message === "" ? `${summary}: ${title} failed` : `${summary}: ${title} failed (${message})`;
}

/** The longest text an active error adds to a summary; longer remediation text is cut with "…". */
export const MAX_ERROR_TEXT = 300;

/**
 * Adds a connection's active error to a summary, what is wrong then what to do: ("Setup is broken", {title:
 * "Reconnect required", reason: "OAuth token expired", message: "Re-authorize the connection in Fivetran."}) →
 * "Setup is broken: Reconnect required: OAuth token expired. Re-authorize the connection in Fivetran." (bounded).
 */
export function withActiveError(summary: string, error: { title: string | null; reason: string | null; message: string | null }): string {
  const parts = [error.title, error.reason].map((p) => p?.trim() ?? "").filter((p) => p !== "");
  let text = parts.join(": ");
  const message = error.message?.trim() ?? "";
  if (message !== "" && !parts.includes(message)) text = text === "" ? message : `${/[.!?]$/.test(text) ? text : `${text}.`} ${message}`;
  if (text === "") return summary;
  if (text.length > MAX_ERROR_TEXT) text = `${text.slice(0, MAX_ERROR_TEXT - 1).trimEnd()}…`;
  return `${summary}: ${text}`;
}

/** Adds what details said about a connection: an active error (it has a `type`) or a failed setup test. */
export function withProblem(
  summary: string,
  problem: { title: string; message: string | null } | { type: string | null; title: string | null; reason: string | null; message: string | null },
): string {
  return "type" in problem ? withActiveError(summary, problem) : withSetupTest(summary, problem);
}
