// Turns alerts into PagerDuty Events API v2 events: trigger with context, resolve by the same dedup_key (pure).
import type { Alert } from "../../health/model.js";
import { conditionTitle } from "../../health/condition-table.js";
import { alertName, truncate } from "../digest-text.js";
import { TEST_MESSAGE } from "../types.js";
import { toWebhookAlert, type WebhookAlert } from "../webhook/payload.js";

/** A trigger event (Events API v2). */
export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: "critical" | "error" | "warning" | "info";
    timestamp: string;
    component?: string;
    group?: string;
    class: string;
    /** The alert as the JSON webhook carries it (the test event carries a note instead). */
    custom_details: WebhookAlert | { note: string };
  };
  links?: { href: string; text: string }[];
  client: string;
}

/** A resolve event: the routing key, the action and the key of the incident to close. */
export interface PagerDutyResolve {
  routing_key: string;
  event_action: "resolve";
  dedup_key: string;
}

/** One event of the Events API v2. */
export type PagerDutyEvent = PagerDutyTrigger | PagerDutyResolve;

/** PagerDuty's bound on `payload.summary`. */
export const SUMMARY_MAX = 1024;

/** The alert's key as PagerDuty's `dedup_key`: one incident per (connection, condition); `syncwatch/watcher_blind` for the watcher. */
export function dedupKey(a: Pick<Alert, "connection_id" | "condition">): string {
  return truncate(a.connection_id === "" ? `syncwatch/${a.condition}` : `syncwatch/${a.connection_id}/${a.condition}`, 255);
}

/** The event of one alert: `trigger` while it fires (reminders too: PagerDuty folds them into the open incident), `resolve` when it ends. */
export function pagerDutyEvent(a: Alert, routingKey: string): PagerDutyEvent {
  const dedup_key = dedupKey(a);
  if (a.status === "resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key };
  const links: { href: string; text: string }[] = [];
  if (a.connection_url) links.push({ href: a.connection_url, text: "Open the connection in Fivetran" });
  if (a.runbook_url) links.push({ href: a.runbook_url, text: "Runbook" });
  const event: PagerDutyTrigger = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: truncate(`${conditionTitle(a.condition)}: ${alertName(a)} — ${a.summary}`, SUMMARY_MAX),
      source: a.connection_id === "" ? "syncwatch" : `fivetran connection ${a.connection_id}`,
      severity: a.severity === "critical" ? "critical" : "warning",
      timestamp: new Date(a.started_at).toISOString(),
      class: a.condition,
      // The same fields as the JSON webhook's alert: a PagerDuty incident and the webhook say the same thing.
      custom_details: toWebhookAlert(a),
    },
    client: "syncwatch",
  };
  if (a.service) event.payload.component = a.service;
  const group = a.group_name || a.group_id;
  if (group) event.payload.group = group;
  if (links.length > 0) event.links = links;
  return event;
}

/** The `test-notify` event: an `info` trigger marked as a test, with its own key (resolved right after). */
export function pagerDutyTestEvent(routingKey: string, now: number): PagerDutyTrigger {
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: `syncwatch/test/${now}`,
    payload: {
      summary: TEST_MESSAGE,
      source: "syncwatch",
      severity: "info",
      timestamp: new Date(now).toISOString(),
      class: "test",
      custom_details: { note: "Sent by `syncwatch test-notify` to check that events reach this service. Nothing is wrong." },
    },
    client: "syncwatch",
  };
}
