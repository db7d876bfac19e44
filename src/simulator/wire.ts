// How a simulated connection looks on the wire: the listing item (with its corruptions) and ISO times.
import type { SimConnection, SimError } from "./connection.js";

/** The listing item of a connection as Fivetran sends it, without corruptions. */
export function cleanItem(c: SimConnection, succeeded: number | null): Record<string, unknown> {
  return {
    id: c.id,
    group_id: c.group_id,
    service: c.service,
    service_version: 1,
    schema: c.schema,
    connected_by: c.connected_by,
    created_at: iso(c.created_at),
    succeeded_at: succeeded === null ? null : iso(succeeded),
    failed_at: c.failed_at === null ? null : iso(c.failed_at),
    paused: c.paused,
    pause_after_trial: false,
    sync_frequency: c.sync_frequency,
    ...(c.sync_frequency === 1440 ? { daily_sync_time: c.daily_sync_time } : {}),
    schedule_type: c.schedule_type,
    data_delay_sensitivity: c.data_delay_sensitivity,
    data_delay_threshold: c.data_delay_threshold,
    networking_method: "Directly",
    status: {
      setup_state: c.setup_state,
      schema_status: "ready",
      sync_state: c.sync_state,
      update_state: c.update_state,
      is_historical_sync: c.is_historical_sync,
      tasks: c.tasks,
      warnings: c.warnings,
      rescheduled_for: c.rescheduled_for === null ? null : iso(c.rescheduled_for),
    },
  };
}

/** The listing item as served: `cleanItem` with the connection's corruption, if any, applied. */
export function wireItem(c: SimConnection, succeeded: number | null): Record<string, unknown> {
  const item = cleanItem(c, succeeded);
  switch (c.corrupt) {
    case null:
      return item;
    case "no_id":
      return { ...item, id: null };
    case "status_not_object":
      return { ...item, status: "broken" };
    case "succeeded_at_number":
      return { ...item, succeeded_at: 1_700_000_000 };
    case "nulls_everywhere":
      return Object.fromEntries(Object.keys(item).map((k) => [k, k === "id" ? c.id : null]));
    case "no_status": {
      const { status: _status, ...rest } = item;
      return rest;
    }
    case "failed_at_null_string":
      return { ...item, failed_at: "null" };
    case "unparseable_timestamps":
      return { ...item, failed_at: "n/a", created_at: "", status: { ...(item.status as object), rescheduled_for: "null" } };
    case "paused_missing": {
      const { paused: _paused, ...rest } = item;
      return rest;
    }
    case "unknown_enums":
      return {
        ...item,
        schedule_type: "quantum",
        status: { ...(item.status as object), setup_state: "reticulating", sync_state: "pondering", update_state: "sideways" },
      };
  }
}

/** Epoch ms as an ISO-8601 string. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The active errors of a connection as the errors endpoint lists them: the scripted one, else one for a broken setup
 * (from its failed setup test) and one for a failed sync (a failure after the last success).
 */
export function activeErrors(c: SimConnection, succeeded: number | null): (SimError & { occurred_at: string })[] {
  const at = iso(c.failed_at ?? c.created_at);
  if (c.error) return [{ ...c.error, occurred_at: at }];
  const out: (SimError & { occurred_at: string })[] = [];
  if (c.setup_state === "broken" && c.setupTest) {
    out.push({
      type: "setup_failure",
      title: `${c.setupTest.title} failed`,
      reason: c.setupTest.message,
      message: "Fix the connection's credentials or settings in Fivetran (Setup tab), then run the setup tests again.",
      occurred_at: at,
    });
  }
  if (c.failed_at !== null && (succeeded === null || c.failed_at > succeeded)) {
    out.push({
      type: "unknown_sync_failure",
      title: "Sync failed",
      reason: "The last sync ended with an unexpected error.",
      message: "Fivetran retries at the next scheduled sync; if it keeps failing, read the sync logs of the connection and contact Fivetran support.",
      occurred_at: at,
    });
  }
  return out;
}
