// What a scrape shows after publish() and the counters: exact series, removal, escaping, renamed default metrics.
import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { Metrics, escapeLabelValue, metricNames as N } from "../../src/metrics/index.js";
import { blank, broken, example, healthy, samples, snapshot, state } from "./fixtures.js";

const CONNECTION_FAMILIES = [
  N.CONNECTION_INFO,
  N.CONNECTION_SETUP_STATE,
  N.CONNECTION_SYNC_STATE,
  N.CONNECTION_UPDATE_STATE,
  N.CONNECTION_PAUSED,
  N.CONNECTION_WARNINGS,
  N.CONNECTION_TASKS,
  N.CONNECTION_LAST_SUCCESS,
  N.CONNECTION_LAST_FAILURE,
  N.ALERT,
];

function metrics(): Metrics {
  return new Metrics({ version: "1.2.3", defaultMetrics: false });
}

describe("per-connection series", () => {
  it("shows every connection, its one-hot states (unknown ones kept), counts, times and only firing alerts", async () => {
    const m = metrics();
    m.publish(example);
    expect(samples(await m.render(), CONNECTION_FAMILIES)).toEqual([
      'fivetran_connection_info{connection_id="conn_healthy",group_id="grp_1",service="postgres",schema="public"} 1',
      'fivetran_connection_info{connection_id="conn_broken",group_id="grp_2",service="salesforce",schema="sf"} 1',
      'fivetran_connection_info{connection_id="conn_blank",group_id="",service="",schema=""} 1',
      'fivetran_connection_setup_state{connection_id="conn_healthy",state="connected"} 1',
      'fivetran_connection_setup_state{connection_id="conn_broken",state="broken"} 1',
      'fivetran_connection_sync_state{connection_id="conn_healthy",state="scheduled"} 1',
      'fivetran_connection_sync_state{connection_id="conn_broken",state="quantum_entangled"} 1',
      'fivetran_connection_update_state{connection_id="conn_healthy",state="on_schedule"} 1',
      'fivetran_connection_update_state{connection_id="conn_broken",state="delayed"} 1',
      'fivetran_connection_paused{connection_id="conn_healthy"} 0',
      'fivetran_connection_paused{connection_id="conn_broken"} 1',
      'fivetran_connection_warnings{connection_id="conn_healthy"} 1',
      'fivetran_connection_warnings{connection_id="conn_broken"} 0',
      'fivetran_connection_warnings{connection_id="conn_blank"} 0',
      'fivetran_connection_tasks{connection_id="conn_healthy"} 2',
      'fivetran_connection_tasks{connection_id="conn_broken"} 0',
      'fivetran_connection_tasks{connection_id="conn_blank"} 0',
      'fivetran_connection_last_success_timestamp_seconds{connection_id="conn_healthy"} 1767323045',
      'fivetran_connection_last_failure_timestamp_seconds{connection_id="conn_healthy"} 1767225600.5',
      'syncwatch_alert{connection_id="conn_broken",condition="setup_broken",severity="critical"} 1',
      'syncwatch_alert{connection_id="conn_healthy",condition="task:reconnect",severity="warning"} 1',
      'syncwatch_alert{connection_id="",condition="watcher_blind",severity="critical"} 1',
    ]);
  });

  it("drops every series of a connection that is gone from the next published state", async () => {
    const m = metrics();
    m.publish(example);
    expect(await m.render()).toContain('connection_id="conn_broken"');
    m.publish(state([healthy, blank]));
    const text = await m.render();
    expect(text).not.toContain("conn_broken");
    expect(samples(text, [N.CONNECTION_INFO])).toHaveLength(2);
    expect(samples(text, [N.ALERT])).toEqual([]);
    expect(samples(text, [N.CONNECTIONS])).toEqual(["syncwatch_connections 2"]);
  });

  it("shows no connection series before the first publish, and the help says values refresh per poll cycle", async () => {
    const m = metrics();
    const text = await m.render();
    expect(samples(text, CONNECTION_FAMILIES)).toEqual([]);
    expect(text).toMatch(/# HELP fivetran_connection_info .*once per poll cycle/);
  });

  it("escapes backslash, double quote and line feed in label values", async () => {
    const m = metrics();
    m.publish(state([snapshot('we"ird\\id\nx', { schema: "a\\b", group_id: 'q"q', setup_state: null, sync_state: null, update_state: null })]));
    expect(samples(await m.render(), [N.CONNECTION_INFO])).toEqual([
      'fivetran_connection_info{connection_id="we\\"ird\\\\id\\nx",group_id="q\\"q",service="postgres",schema="a\\\\b"} 1',
    ]);
  });

  it.each([
    ["plain", "plain"],
    ['say "hi"', 'say \\"hi\\"'],
    ["C:\\dir", "C:\\\\dir"],
    ["two\nlines", "two\\nlines"],
    ["ünïcode ✓", "ünïcode ✓"],
  ])("escapeLabelValue(%j) writes %j", (input, output) => {
    expect(escapeLabelValue(input)).toBe(output);
  });
});

describe("process-level metrics", () => {
  it("starts known label sets at 0 and counts what the daemon reports", async () => {
    const m = metrics();
    const before = await m.render();
    expect(samples(before, [N.POLLS])).toEqual(['syncwatch_polls_total{outcome="success"} 0', 'syncwatch_polls_total{outcome="failure"} 0']);
    expect(samples(before, [N.LAST_SUCCESSFUL_POLL, N.API_RATE_LIMIT_REMAINING])).toEqual([]);
    expect(samples(before, [N.BUILD_INFO])).toEqual([`syncwatch_build_info{version="1.2.3",node_version="${process.version}"} 1`]);

    m.channels(["slack", "email"]);
    m.apiRequest("connections", 200);
    m.apiRequest("connections", 200);
    m.apiRequest("details", "error");
    m.rateLimitRemaining(17);
    m.cycle("failure", 0.3);
    m.cycle("success", 2, Date.UTC(2026, 0, 2, 3, 5, 0));
    m.notification("slack", "sent");
    m.notification("email", "failed");
    m.cycleSkipped();
    m.alertEvents([{ type: "firing" }, { type: "firing" }, { type: "resolved" }]);
    m.lifecycle("paused");
    m.notificationDropped("webhook", "queue_full", 3);
    m.queued({ slack: 2 });
    m.itemsRejected(4);
    m.itemsRejected(0);
    m.stateSaveFailed();
    const text = await m.render();

    expect(samples(text, [N.API_REQUESTS])).toEqual([
      'syncwatch_api_requests_total{endpoint="connections",code="200"} 2',
      'syncwatch_api_requests_total{endpoint="details",code="error"} 1',
    ]);
    expect(samples(text, [N.API_RATE_LIMIT_REMAINING])).toEqual(["syncwatch_api_rate_limit_remaining 17"]);
    expect(samples(text, [N.POLLS])).toEqual(['syncwatch_polls_total{outcome="success"} 1', 'syncwatch_polls_total{outcome="failure"} 1']);
    expect(samples(text, [`${N.POLL_DURATION}_count`, `${N.POLL_DURATION}_sum`])).toEqual([
      "syncwatch_poll_duration_seconds_sum 2.3",
      "syncwatch_poll_duration_seconds_count 2",
    ]);
    expect(samples(text, [N.LAST_SUCCESSFUL_POLL])).toEqual(["syncwatch_last_successful_poll_timestamp_seconds 1767323100"]);
    expect(samples(text, [N.NOTIFICATIONS])).toEqual([
      'syncwatch_notifications_total{channel="slack",outcome="sent"} 1',
      'syncwatch_notifications_total{channel="slack",outcome="failed"} 0',
      'syncwatch_notifications_total{channel="email",outcome="sent"} 0',
      'syncwatch_notifications_total{channel="email",outcome="failed"} 1',
    ]);
    expect(samples(text, [N.NOTIFICATIONS_QUEUED])).toEqual([
      'syncwatch_notifications_queued{channel="slack"} 2',
      'syncwatch_notifications_queued{channel="email"} 0',
    ]);
    expect(samples(text, [N.NOTIFICATIONS_DROPPED])).toEqual(['syncwatch_notifications_dropped_total{channel="webhook",reason="queue_full"} 3']);
    expect(samples(text, [N.CYCLES_SKIPPED, N.ITEMS_REJECTED, N.STATE_SAVE_FAILURES])).toEqual([
      "syncwatch_cycles_skipped_total 1",
      "syncwatch_items_rejected_total 4",
      "syncwatch_state_save_failures_total 1",
    ]);
    expect(samples(text, [N.ALERT_EVENTS])).toEqual([
      'syncwatch_alert_events_total{type="firing"} 2',
      'syncwatch_alert_events_total{type="resolved"} 1',
      'syncwatch_alert_events_total{type="reminder"} 0',
    ]);
    expect(samples(text, [N.LIFECYCLE_EVENTS])).toContain('syncwatch_lifecycle_events_total{kind="paused"} 1');
    expect(samples(text, [N.LIFECYCLE_EVENTS])).toContain('syncwatch_lifecycle_events_total{kind="added"} 0');
  });

  it("takes the last successful poll time from the saved state at startup", async () => {
    const m = metrics();
    m.publish(example);
    expect(samples(await m.render(), [N.LAST_SUCCESSFUL_POLL, N.CONNECTIONS])).toEqual([
      "syncwatch_connections 3",
      "syncwatch_last_successful_poll_timestamp_seconds 1767323100",
    ]);
  });

  it("exports prom-client's _total gauges under compliant names, keeping their data", async () => {
    const m = new Metrics({ version: "1.2.3" });
    const text = await m.render();
    for (const [old, renamed] of Object.entries(N.RENAMED_DEFAULT_METRICS)) {
      expect(text).not.toMatch(new RegExp(`^(# (HELP|TYPE) )?${old}[ {]`, "m"));
      expect(text).toContain(`# TYPE ${renamed} gauge`);
    }
    expect(text).toMatch(/^nodejs_active_handles_all \d+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \S+$/m);
  });

  it("uses the registry it is given, not the global one", async () => {
    const registry = new Registry();
    const m = new Metrics({ version: "1.2.3", registry, defaultMetrics: false });
    m.cycleSkipped();
    expect(await registry.metrics()).toContain("syncwatch_cycles_skipped_total 1");
    expect(m.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("never exposes the broken connection's alert while only pending", async () => {
    const m = metrics();
    m.publish(state([broken], [{ ...example.alerts.values().next().value!, phase: "pending" }]));
    expect(samples(await m.render(), [N.ALERT])).toEqual([]);
  });
});
