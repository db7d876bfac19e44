// The self-monitor: the `watcher_blind` alert when no cycle has succeeded for too long.
import { CONDITION_TABLE } from "./condition-table.js";
import { formatDuration } from "./format.js";
import { reminderDue, toAlert, type AlertEvent } from "./events.js";
import { alertKey, WATCHER_CONNECTION_ID, type AlertRecord, type HealthState } from "./model.js";
import type { Rules } from "./rules.js";

/** The condition name of the self-monitoring alert. */
export const BLIND_CONDITION = "watcher_blind" satisfies keyof typeof CONDITION_TABLE;

/** What `judgeBlind` returns; `next` is `state` itself when nothing changed. */
export interface BlindResult {
  next: HealthState;
  events: AlertEvent[];
}

function blindSummary(state: HealthState, now: number, since: number, rules: Rules): string {
  const limit = formatDuration(rules.watcherBlindMs);
  const age = formatDuration(now - since);
  return state.last_success_at === null
    ? `syncwatch has not completed a poll since it started ${age} ago (limit ${limit})`
    : `syncwatch has not completed a poll for ${age} (limit ${limit})`;
}

/**
 * Fires `watcher_blind` (critical, not subject to fire_after) when no cycle has succeeded for longer than the
 * watcher blind time (counted from `startedAt` before the first success); resolves it once a cycle has
 * succeeded since; reminds at the repeat interval. Never mutates `state`.
 */
export function judgeBlind(state: HealthState, now: number, rules: Rules, startedAt: number): BlindResult {
  const key = alertKey(WATCHER_CONNECTION_ID, BLIND_CONDITION);
  const rec = state.alerts.get(key);
  const since = state.last_success_at ?? startedAt;
  const blind = now - since > rules.watcherBlindMs;
  const withAlerts = (change: (alerts: Map<string, AlertRecord>) => void): HealthState => {
    const alerts = new Map(state.alerts);
    change(alerts);
    return { ...state, alerts };
  };

  if (!blind) {
    if (rec === undefined) return { next: state, events: [] };
    const events: AlertEvent[] =
      rec.phase === "firing" && rules.sendResolved ? [{ type: "resolved", alert: toAlert(rec, undefined, "resolved", now), baseline: false }] : [];
    return { next: withAlerts((a) => a.delete(key)), events };
  }

  const summary = blindSummary(state, now, since, rules);
  if (rec === undefined || rec.phase !== "firing") {
    const fired: AlertRecord = {
      connection_id: WATCHER_CONNECTION_ID,
      condition: BLIND_CONDITION,
      severity: CONDITION_TABLE[BLIND_CONDITION].severity,
      phase: "firing",
      streak: 0,
      started_at: now,
      summary,
      last_notified_at: now,
    };
    return { next: withAlerts((a) => a.set(key, fired)), events: [{ type: "firing", alert: toAlert(fired, undefined, "firing", now), baseline: false }] };
  }
  const remind = reminderDue(rec, now, rules.repeatIntervalMs);
  const updated: AlertRecord = { ...rec, summary, last_notified_at: remind ? now : rec.last_notified_at };
  const events: AlertEvent[] = remind ? [{ type: "reminder", alert: toAlert(updated, undefined, "reminder", now), baseline: false }] : [];
  return { next: withAlerts((a) => a.set(key, updated)), events };
}
