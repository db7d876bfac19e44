// Reads one Fivetran webhook delivery: its event name, the connection it is about and what syncwatch does with it.

/** One webhook event as syncwatch reads it; fields Fivetran left out are null. */
export interface WebhookEvent {
  /** The event name as sent (`sync_end`, `connection_failure`, ...); the list is open. */
  event: string;
  created: string | null;
  connectionId: string | null;
  connectionName: string | null;
  connectorType: string | null;
  /** `destination_group_id`, or `group_id` in older payloads and the test POST. */
  groupId: string | null;
  syncId: string | null;
  /** `data.status` as sent (`SUCCESSFUL`, `FAILURE`, ...); the list is open. */
  status: string | null;
  reason: string | null;
}

/**
 * What a well-signed event leads to: `read` one connection, `note` it only (the listing confirms), `test` (Fivetran's
 * test POST) or `ignore` (nothing in it changes a connection's health, or an event syncwatch does not know).
 */
export type EventAction = "read" | "note" | "test" | "ignore";

/** Events after which a connection's health may have changed: each leads to one read of that connection. */
export const READ_EVENTS: ReadonlySet<string> = new Set([
  "sync_end",
  "status",
  "connection_successful",
  "connection_failure",
  "create_connector",
  "pause_connector",
  "resume_connector",
  "edit_connector",
  "resync_connector",
]);

/** Events only logged: a deletion is confirmed by the next listing, never by the event alone. */
export const NOTE_EVENTS: ReadonlySet<string> = new Set(["delete_connector"]);

/** Events Fivetran documents that say nothing new about health (a read would only cost budget). */
export const QUIET_EVENTS: ReadonlySet<string> = new Set([
  "sync_start",
  "force_update_connector",
  "resync_table",
  "dbt_run_start",
  "dbt_run_succeeded",
  "dbt_run_failed",
  "transformation_run_start",
  "transformation_run_succeeded",
  "transformation_run_failed",
]);

/** The events `webhooks install` subscribes to: those syncwatch reads or notes. */
export const SUBSCRIBED_EVENTS: readonly string[] = [...READ_EVENTS, ...NOTE_EVENTS];

/** Fivetran's test POST at webhook creation. */
export const TEST_EVENT = "test_event";

/** Why a body is not a webhook event. */
export class MalformedEvent {
  constructor(readonly reason: string) {}
}

function text(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** Reads a delivery's JSON body; anything but an object with an `event` string is malformed. Unknown fields are ignored. */
export function parseEvent(body: Buffer): WebhookEvent | MalformedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString("utf8"));
  } catch {
    return new MalformedEvent("body is not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return new MalformedEvent("body is not a JSON object");
  const o = raw as Record<string, unknown>;
  const event = text(o.event);
  if (event === null) return new MalformedEvent("event is missing or not a string");
  const data = typeof o.data === "object" && o.data !== null && !Array.isArray(o.data) ? (o.data as Record<string, unknown>) : {};
  return {
    event,
    created: text(o.created),
    connectionId: text(o.connector_id) ?? text(o.connection_id),
    connectionName: text(o.connector_name) ?? text(o.connection_name),
    connectorType: text(o.connector_type),
    groupId: text(o.destination_group_id) ?? text(o.group_id),
    syncId: text(o.sync_id),
    status: text(data.status),
    reason: text(data.reason),
  };
}

/** What syncwatch does with a well-signed event (see `EventAction`). */
export function actionOf(e: WebhookEvent): EventAction {
  if (e.event === TEST_EVENT) return "test";
  if (e.connectionId === null) return "ignore";
  if (READ_EVENTS.has(e.event)) return "read";
  if (NOTE_EVENTS.has(e.event)) return "note";
  return "ignore";
}

/** The `event` label value: a known event's name, else `other` (label values never carry free text from outside). */
export function eventLabel(event: string): string {
  return event === TEST_EVENT || READ_EVENTS.has(event) || NOTE_EVENTS.has(event) || QUIET_EVENTS.has(event) ? event : "other";
}
