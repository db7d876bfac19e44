// The alert history: a bounded list of the last fire and resolve events, oldest first (pure).
import type { AlertEvent } from "./events.js";
import type { Alert } from "./model.js";

/** How many events the history keeps by default; older ones are dropped first. */
export const HISTORY_LIMIT = 5000;

/** One fire or resolve event as the history keeps it: the alert's labels and summary, when, and which (epoch ms). */
export interface HistoryEntry extends Pick<Alert, "connection_id" | "condition" | "severity" | "group_id" | "service" | "schema" | "summary" | "reason"> {
  /** Increases by one per entry across the history's whole life (a save appends what is after the last saved one). */
  seq: number;
  at: number;
  type: "firing" | "resolved";
}

/** The history with this cycle's fire and resolve events appended (reminders are not history), cut to `limit`. */
export function appendHistory(
  history: readonly HistoryEntry[],
  events: readonly AlertEvent[],
  now: number,
  limit = HISTORY_LIMIT,
): readonly HistoryEntry[] {
  const added: HistoryEntry[] = [];
  let seq = history.length === 0 ? 0 : history[history.length - 1]!.seq;
  for (const ev of events) {
    if (ev.type === "reminder") continue;
    const a = ev.alert;
    added.push({
      seq: ++seq,
      at: ev.type === "resolved" ? (a.resolved_at ?? now) : now,
      type: ev.type,
      connection_id: a.connection_id,
      condition: a.condition,
      severity: a.severity,
      group_id: a.group_id,
      service: a.service,
      schema: a.schema,
      summary: a.summary,
      reason: a.reason,
    });
  }
  if (added.length === 0) return history;
  return trimHistory([...history, ...added], limit);
}

/** The last `limit` entries (the list itself when it is short enough). */
export function trimHistory(history: readonly HistoryEntry[], limit = HISTORY_LIMIT): readonly HistoryEntry[] {
  return history.length <= limit ? history : history.slice(history.length - limit);
}

/** Reads persisted history entries, dropping any that are not well formed (the history is never worth a lost state). */
export function parseHistory(v: unknown): HistoryEntry[] {
  if (!Array.isArray(v)) return [];
  const out: HistoryEntry[] = [];
  for (const e of v as unknown[]) {
    if (typeof e !== "object" || e === null) continue;
    const h = e as Record<string, unknown>;
    if (typeof h.seq !== "number" || typeof h.at !== "number" || (h.type !== "firing" && h.type !== "resolved")) continue;
    if (typeof h.connection_id !== "string" || typeof h.condition !== "string") continue;
    out.push({
      seq: h.seq,
      at: h.at,
      type: h.type,
      connection_id: h.connection_id,
      condition: h.condition,
      severity: h.severity === "critical" ? "critical" : "warning",
      group_id: str(h.group_id),
      service: str(h.service),
      schema: str(h.schema),
      summary: str(h.summary),
      reason: h.reason === "paused" || h.reason === "manual" || h.reason === "removed" ? h.reason : null,
    });
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}
