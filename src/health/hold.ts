// The notification planner: which of a cycle's alert events are sent, held back (inhibited, silenced, muted) or released. Pure.
import type { AlertsConfig } from "../config/schema.js";
import { compareEvents, toAlert, type AlertEvent } from "./events.js";
import { compileInhibitRules, inhibitedBy, type InhibitRule, type LabelledAlert } from "./inhibit.js";
import { compileMatcher, matches, type CompiledMatcher, type MatchLabels } from "./matcher.js";
import { alertKey, type AlertRecord, type HealthState } from "./model.js";
import { compileMuteInterval, type MuteInterval } from "./mute.js";

/** Why a firing alert is not sent now. */
export type HoldReason = "inhibited" | "silenced" | "muted";

/** Every hold reason, in the order one is chosen when several apply (the cause first). */
export const HOLD_REASONS: readonly HoldReason[] = ["inhibited", "silenced", "muted"];

/** What holds alerts back: inhibit rules, silences (with their end) and mute intervals, prepared. */
export interface HoldPolicy {
  inhibit: readonly InhibitRule[];
  silences: readonly { match: CompiledMatcher; until: number | null }[];
  mutes: readonly MuteInterval[];
}

/** Prepares the hold policy from the validated `alerts` config section. */
export function holdPolicyFromConfig(alerts: Pick<AlertsConfig, "silences" | "inhibit_rules" | "mute_intervals">): HoldPolicy {
  return {
    inhibit: compileInhibitRules(alerts.inhibit_rules),
    silences: alerts.silences.map((s) => {
      const until = s.until === undefined ? NaN : Date.parse(s.until);
      return { match: compileMatcher(s.match), until: Number.isNaN(until) ? null : until };
    }),
    mutes: alerts.mute_intervals.map(compileMuteInterval),
  };
}

/** What one cycle's notifications come to. */
export interface NotificationPlan {
  /** The next alert records: `health.alerts` itself when nothing changed, else a new Map. */
  alerts: Map<string, AlertRecord>;
  /** Events to send, in digest order: this cycle's events not held back, plus held alerts released now (as firing). */
  send: AlertEvent[];
  /** Every firing alert held back now, by key, with why. */
  held: Map<string, HoldReason>;
  /** Events not sent because they were held, or were the resolve of an alert never sent. */
  withheld: number;
  /** Alerts held earlier and sent now. */
  released: number;
}

/**
 * Plans a cycle's notifications. A firing alert that is held is recorded as unsent (`unsent: true`) and sent (as
 * firing, not as a reminder) in the first cycle nothing holds it; held alerts get no reminders; the resolve of an
 * alert never sent is never sent, the resolve of a sent one always is. `previous` holds the records as they were
 * before this cycle (a resolved event's record is gone from `health`). Neither input is changed.
 */
export function planNotifications(
  previous: ReadonlyMap<string, AlertRecord>,
  health: HealthState,
  events: readonly AlertEvent[],
  now: number,
  policy: HoldPolicy,
): NotificationPlan {
  const held = holdReasons(health, now, policy);
  let alerts = health.alerts;
  const change = (key: string, rec: AlertRecord): void => {
    if (alerts === health.alerts) alerts = new Map(health.alerts);
    alerts.set(key, rec);
  };
  const send: AlertEvent[] = [];
  const firedNow = new Set<string>();
  let withheld = 0;
  for (const ev of events) {
    const key = alertKey(ev.alert.connection_id, ev.alert.condition);
    if (ev.type === "resolved") {
      if (previous.get(key)?.unsent === true) withheld++;
      else send.push(ev);
      continue;
    }
    const rec = health.alerts.get(key);
    if (ev.type === "firing") firedNow.add(key);
    if (held.has(key) || rec?.unsent === true) {
      withheld++;
      if (ev.type === "firing" && rec !== undefined && rec.unsent !== true) change(key, { ...rec, unsent: true });
      continue;
    }
    send.push(ev);
  }
  let released = 0;
  for (const [key, rec] of health.alerts) {
    if (rec.unsent !== true || rec.phase !== "firing" || held.has(key) || firedNow.has(key)) continue;
    const sent: AlertRecord = { ...rec, last_notified_at: now };
    delete sent.unsent;
    change(key, sent);
    send.push({ type: "firing", alert: toAlert(sent, health.connections.get(rec.connection_id)?.snapshot, "firing", now), baseline: false });
    released++;
  }
  if (released > 0) send.sort(compareEvents);
  return { alerts, send, held, withheld, released };
}

/** Why each firing alert of `health` is held back now (inhibited before silenced before muted); unheld ones are absent. */
export function holdReasons(health: HealthState, now: number, policy: HoldPolicy): Map<string, HoldReason> {
  const held = new Map<string, HoldReason>();
  const silences = policy.silences.filter((s) => s.until === null || s.until > now);
  const mutes = policy.mutes.filter((m) => m.active(now));
  if (policy.inhibit.length === 0 && silences.length === 0 && mutes.length === 0) return held;
  const firing = firingLabels(health);
  const inhibited = policy.inhibit.length > 0 ? inhibitedBy(firing, policy.inhibit) : null;
  for (const { key, labels } of firing) {
    if (inhibited?.has(key) === true) held.set(key, "inhibited");
    else if (silences.some((s) => matches(s.match, labels))) held.set(key, "silenced");
    else if (mutes.some((m) => matches(m.match, labels))) held.set(key, "muted");
  }
  return held;
}

/** The firing alerts of a state with the labels matchers test. */
function firingLabels(health: HealthState): LabelledAlert[] {
  const out: LabelledAlert[] = [];
  for (const [key, rec] of health.alerts) {
    if (rec.phase !== "firing") continue;
    const s = health.connections.get(rec.connection_id)?.snapshot;
    const labels: MatchLabels = {
      connection_id: rec.connection_id,
      group_id: s?.group_id ?? null,
      service: s?.service ?? null,
      schema: s?.schema ?? null,
      condition: rec.condition,
      severity: rec.severity,
    };
    out.push({ key, labels });
  }
  return out;
}
