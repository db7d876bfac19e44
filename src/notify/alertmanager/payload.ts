// Turns alerts into Alertmanager API v2 alerts: stable labels, annotations, startsAt and a leased endsAt (pure).
import type { Alert } from "../../health/model.js";
import { conditionTitle } from "../../health/condition-table.js";
import { alertName, reasonText } from "../digest-text.js";
import { TEST_MESSAGE } from "../types.js";

/** One alert as `POST /api/v2/alerts` takes it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** Options of the Alertmanager payload builder. */
export interface AlertmanagerPayloadOptions {
  /** The send time (epoch ms). */
  now: number;
  /** How far past `now` a firing alert's `endsAt` is set: Alertmanager resolves it then unless it is re-sent. */
  leaseMs: number;
  /** Static labels added to every alert (ours win on a clash; the schema refuses clashes). */
  labels: Record<string, string>;
}

/** The labels syncwatch sets itself; static labels may not use these names. */
export const RESERVED_LABELS = ["alertname", "connection_id", "condition", "severity", "group_id", "service"] as const;

const ALERTNAMES: Record<string, string> = {
  setup_broken: "FivetranSetupBroken",
  sync_failed: "FivetranSyncFailed",
  update_delayed: "FivetranUpdateDelayed",
  stale: "FivetranConnectionStale",
  warning: "FivetranConnectionWarning",
  task: "FivetranConnectionTask",
  watcher_blind: "SyncwatchBlind",
};

/** The `alertname` of a condition: `setup_broken` → `FivetranSetupBroken`, `warning:<code>` → `FivetranConnectionWarning`. */
export function alertnameOf(condition: string): string {
  const kind = condition.includes(":") ? condition.slice(0, condition.indexOf(":")) : condition;
  return ALERTNAMES[kind] ?? "FivetranConnectionAlert";
}

/**
 * The labels that identify an alert in Alertmanager (the same when it fires, is re-sent and resolves); empty values
 * are left out, as Alertmanager reads an empty label as no label (`watcher_blind` has no connection).
 */
export function alertmanagerLabels(a: Alert, staticLabels: Record<string, string>): Record<string, string> {
  const own: Record<string, string> = {
    alertname: alertnameOf(a.condition),
    connection_id: a.connection_id,
    condition: a.condition,
    severity: a.severity,
    group_id: a.group_id,
    service: a.service,
  };
  const out: Record<string, string> = { ...staticLabels };
  for (const [k, v] of Object.entries(own)) {
    if (v !== "") out[k] = v;
    else delete out[k];
  }
  return out;
}

/**
 * One alert for Alertmanager: firing ones end `leaseMs` after `now` (re-sent before then while they last),
 * resolved ones end `now`, which resolves them at once.
 */
export function toAlertmanagerAlert(a: Alert, opts: AlertmanagerPayloadOptions): AlertmanagerAlert {
  const annotations: Record<string, string> = {
    summary: `${conditionTitle(a.condition)}: ${alertName(a)}`,
    description: a.summary,
  };
  if (a.schema) annotations.schema = a.schema;
  if (a.group_name) annotations.group_name = a.group_name;
  if (a.connection_url) annotations.connection_url = a.connection_url;
  if (a.runbook_url) annotations.runbook_url = a.runbook_url;
  if (a.status === "resolved" && a.reason !== null) annotations.resolve_reason = reasonText(a.reason);
  const endsAt = a.status === "resolved" ? opts.now : opts.now + opts.leaseMs;
  const out: AlertmanagerAlert = {
    labels: alertmanagerLabels(a, opts.labels),
    annotations,
    startsAt: new Date(Math.min(a.started_at, endsAt)).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
  };
  if (a.connection_url) out.generatorURL = a.connection_url;
  return out;
}

/** The alert `test-notify` posts: `alertname="SyncwatchTest"`, severity `info`, ending after `leaseMs`. */
export function alertmanagerTestAlert(opts: AlertmanagerPayloadOptions): AlertmanagerAlert {
  return {
    labels: { ...opts.labels, alertname: "SyncwatchTest", severity: "info" },
    annotations: { summary: TEST_MESSAGE, description: "Sent by `syncwatch test-notify` to check that alerts reach this Alertmanager. Nothing is wrong." },
    startsAt: new Date(opts.now).toISOString(),
    endsAt: new Date(opts.now + opts.leaseMs).toISOString(),
  };
}
