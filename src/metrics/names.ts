// Every metric name syncwatch exports, in one place (SPEC section 4 fixes the ones marked there).

/** Names of the per-connection families, rebuilt from the last published view at each scrape. */
export const CONNECTION_INFO = "fivetran_connection_info";
/** One-hot `status.setup_state`. */
export const CONNECTION_SETUP_STATE = "fivetran_connection_setup_state";
/** One-hot `status.sync_state`. */
export const CONNECTION_SYNC_STATE = "fivetran_connection_sync_state";
/** One-hot `status.update_state`. */
export const CONNECTION_UPDATE_STATE = "fivetran_connection_update_state";
/** 1 when the connection is paused, 0 when not. */
export const CONNECTION_PAUSED = "fivetran_connection_paused";
/** Number of `status.warnings`. */
export const CONNECTION_WARNINGS = "fivetran_connection_warnings";
/** Number of `status.tasks`. */
export const CONNECTION_TASKS = "fivetran_connection_tasks";
/** `succeeded_at` in seconds since the epoch. */
export const CONNECTION_LAST_SUCCESS = "fivetran_connection_last_success_timestamp_seconds";
/** `failed_at` in seconds since the epoch. */
export const CONNECTION_LAST_FAILURE = "fivetran_connection_last_failure_timestamp_seconds";
/** 1 per firing alert (watcher_blind has connection_id ""). */
export const ALERT = "syncwatch_alert";
/** 1 per firing alert held back from the channels, by reason (inhibited, silenced, muted). */
export const ALERT_HELD = "syncwatch_alert_held";
/** 1 per Fivetran group, with its name: join on group_id to name connections and alerts. */
export const GROUP_INFO = "fivetran_group_info";

/** Time one poll cycle took (histogram). */
export const POLL_DURATION = "syncwatch_poll_duration_seconds";
/** Poll cycles by outcome. */
export const POLLS = "syncwatch_polls_total";
/** End of the last successful poll cycle. */
export const LAST_SUCCESSFUL_POLL = "syncwatch_last_successful_poll_timestamp_seconds";
/** Calls to the Fivetran API by endpoint and HTTP status (or `error`). */
export const API_REQUESTS = "syncwatch_api_requests_total";
/** The last `X-Rate-Limit-Remaining` Fivetran sent. */
export const API_RATE_LIMIT_REMAINING = "syncwatch_api_rate_limit_remaining";
/** Notification send attempts by channel and outcome. */
export const NOTIFICATIONS = "syncwatch_notifications_total";

/** Constant 1 with the syncwatch and Node.js versions as labels. */
export const BUILD_INFO = "syncwatch_build_info";
/** Connections known after the last successful cycle. */
export const CONNECTIONS = "syncwatch_connections";
/** Scheduled ticks skipped because a cycle was still running. */
export const CYCLES_SKIPPED = "syncwatch_cycles_skipped_total";
/** Listing items that could not be read and were skipped. */
export const ITEMS_REJECTED = "syncwatch_items_rejected_total";
/** Timestamp fields of listing items that did not parse (read as null), by field. */
export const API_FIELDS_UNREADABLE = "syncwatch_api_fields_unreadable_total";
/** Notifications given up on, by channel and reason. */
export const NOTIFICATIONS_DROPPED = "syncwatch_notifications_dropped_total";
/** Digests waiting in the outbox, by channel. */
export const NOTIFICATIONS_QUEUED = "syncwatch_notifications_queued";
/** Alert events produced by the diff, by type (firing, resolved, reminder). */
export const ALERT_EVENTS = "syncwatch_alert_events_total";
/** Connection lifecycle changes (added, removed, paused, ...), by kind. */
export const LIFECYCLE_EVENTS = "syncwatch_lifecycle_events_total";
/** V8 heap in use right after the last full garbage collection. */
export const HEAP_LIVE = "syncwatch_heap_live_bytes";
/** Failed writes of the state file. */
export const STATE_SAVE_FAILURES = "syncwatch_state_save_failures_total";
/** Well-signed webhook events received, by event (known names, else `other`) and outcome (read, coalesced, ...). */
export const WEBHOOK_EVENTS = "syncwatch_webhook_events_total";
/** Webhook requests refused, by reason (unsigned, bad_signature, malformed, too_large, not_found, method). */
export const WEBHOOK_REJECTED = "syncwatch_webhook_rejected_total";
/** Single-connection reads caused by webhook events, by outcome (read, not_found, skipped_budget, unreadable, failed). */
export const WEBHOOK_READS = "syncwatch_webhook_reads_total";
/** 1 while Fivetran reports the webhook active, 0 when it is disabled; by webhook id. */
export const WEBHOOK_ACTIVE = "syncwatch_webhook_active";
/** When the last well-signed webhook event arrived. */
export const WEBHOOK_LAST_EVENT = "syncwatch_webhook_last_event_timestamp_seconds";

/**
 * prom-client's default gauges whose names end in `_total` (which `promtool check metrics` rejects for a gauge),
 * and the compliant names syncwatch exports them under instead.
 */
export const RENAMED_DEFAULT_METRICS: Readonly<Record<string, string>> = {
  nodejs_active_handles_total: "nodejs_active_handles_all",
  nodejs_active_requests_total: "nodejs_active_requests_all",
  nodejs_active_resources_total: "nodejs_active_resources_all",
};
