// Turns a digest into the JSON webhook payloads of SPEC §3, split over several POSTs past a size (pure).
import { isoTime } from "../../health/format.js";
import type { Alert, ResolveReason, Severity } from "../../health/model.js";
import { TEST_MESSAGE, type Digest } from "../types.js";

/** One alert as the webhook carries it: every field always present, times as ISO-8601 UTC. */
export interface WebhookAlert {
  status: "firing" | "resolved";
  connection_id: string;
  condition: string;
  severity: Severity;
  group_id: string;
  group_name: string | null;
  service: string;
  schema: string;
  summary: string;
  started_at: string;
  resolved_at: string | null;
  reason: ResolveReason | null;
  reminder: boolean;
  connection_url: string | null;
  runbook_url: string | null;
}

/** The body of one POST (SPEC §3). */
export interface WebhookPayload {
  version: "1";
  source: "syncwatch";
  sent_at: string;
  alerts: WebhookAlert[];
}

/** Options of the webhook payload builder. */
export interface WebhookPayloadOptions {
  /** Alerts per POST; a digest with more is split over several POSTs, nothing is truncated. */
  maxAlertsPerPost: number;
  /** The send time (epoch ms), written as `sent_at`. */
  now: number;
}

/** The POST bodies of a digest, in order; none for an empty digest. */
export function buildWebhookPayloads(digest: Digest, opts: WebhookPayloadOptions): WebhookPayload[] {
  const size = Math.max(1, Math.floor(opts.maxAlertsPerPost));
  const sentAt = isoTime(opts.now);
  const out: WebhookPayload[] = [];
  for (let i = 0; i < digest.alerts.length; i += size) {
    out.push({ version: "1", source: "syncwatch", sent_at: sentAt, alerts: digest.alerts.slice(i, i + size).map(toWebhookAlert) });
  }
  return out;
}

/** The `test-notify` payload: the usual envelope with no alerts, marked `test: true` and carrying the test message. */
export function buildWebhookTestPayload(now: number): WebhookPayload & { test: true; message: string } {
  return { version: "1", source: "syncwatch", sent_at: new Date(now).toISOString(), alerts: [], test: true, message: TEST_MESSAGE };
}

/** One alert in the payload's field order, with ISO times. */
export function toWebhookAlert(a: Alert): WebhookAlert {
  return {
    status: a.status,
    connection_id: a.connection_id,
    condition: a.condition,
    severity: a.severity,
    group_id: a.group_id,
    group_name: a.group_name ?? null,
    service: a.service,
    schema: a.schema,
    summary: a.summary,
    started_at: isoTime(a.started_at),
    resolved_at: a.resolved_at === null ? null : isoTime(a.resolved_at),
    reason: a.reason,
    reminder: a.reminder,
    connection_url: a.connection_url ?? null,
    runbook_url: a.runbook_url ?? null,
  };
}
