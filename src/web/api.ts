// The read-only JSON API under /api/v1/: alerts, one connection, status. Answers from the published view only.
import type { HistoryEntry } from "../health/history.js";
import type { ConnectionSnapshot } from "../health/model.js";
import { toWebhookAlert, type WebhookAlert } from "../notify/webhook/payload.js";
import { parseAlertQuery, queryAlerts } from "./query.js";
import { linkOf, type AlertView, type HeldReason, type StatusView } from "./view.js";

/** An API answer: a status code and a JSON-able body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** One firing alert: the JSON webhook's alert (SPEC §3, built by the same function) plus where to act and `held`. */
export interface AlertJson extends WebhookAlert {
  group_name: string | null;
  connection_url: string | null;
  runbook_url: string | null;
  held: HeldReason | null;
}

/** An alert in its JSON form (`AlertJson`). */
export function alertJson(a: AlertView): AlertJson {
  return {
    ...toWebhookAlert(a),
    group_name: a.group_name ?? null,
    connection_url: linkOf(a),
    runbook_url: a.runbook_url ?? null,
    held: a.held ?? null,
  };
}

/** One history event, with an ISO time. */
export function historyJson(h: HistoryEntry): Record<string, unknown> {
  return {
    at: iso(h.at),
    event: h.type,
    connection_id: h.connection_id,
    condition: h.condition,
    severity: h.severity,
    group_id: h.group_id,
    service: h.service,
    schema: h.schema,
    summary: h.summary,
    reason: h.reason,
  };
}

/** A snapshot with ISO times (the field names of SPEC §2). */
export function snapshotJson(s: ConnectionSnapshot): Record<string, unknown> {
  return {
    ...s,
    succeeded_at: iso(s.succeeded_at),
    failed_at: iso(s.failed_at),
    created_at: iso(s.created_at),
    rescheduled_for: iso(s.rescheduled_for),
  };
}

/** The body of `/api/v1/status`: the last cycle, the watcher's own health and the counts. */
export function statusJson(view: StatusView): Record<string, unknown> {
  const c = view.cycle;
  return {
    generated_at: iso(view.at),
    watcher: { state: view.watcher.state, summary: view.watcher.summary, started_at: iso(view.startedAt), last_success_at: iso(view.lastSuccessAt) },
    last_cycle:
      c === null
        ? null
        : {
            started_at: iso(c.started_at),
            finished_at: iso(c.started_at + c.duration_ms),
            duration_ms: c.duration_ms,
            outcome: c.outcome,
            error: c.error,
            connections: c.connections,
            rejected: c.rejected,
            requests: c.requests,
            fired: c.fired,
            resolved: c.resolved,
            hold_until: iso(c.hold_until),
          },
    api_budget_remaining: view.rateLimitRemaining,
    connections: view.counts.connections,
    alerts: {
      firing: view.counts.firing,
      held: view.counts.held,
      by_severity: view.counts.by_severity,
      by_condition: view.counts.by_condition,
      held_by_reason: view.counts.held_by_reason,
      by_group: view.counts.by_group,
    },
  };
}

function problem(status: number, code: string, message: string): ApiAnswer {
  return { status, body: { error: { code, message } } };
}

/** Answers one API request (`path` below /api/v1/), or null when no route matches. */
export function answerApi(path: string, params: URLSearchParams, view: StatusView | null): ApiAnswer | null {
  const connection = /^connections\/([^/]+)$/.exec(path);
  if (path !== "alerts" && path !== "status" && connection === null) return null;
  if (view === null) return problem(503, "not_ready", "no state yet: syncwatch is loading its state or running its first cycle");
  if (path === "status") return { status: 200, body: statusJson(view) };
  if (path === "alerts") {
    const { query, problems } = parseAlertQuery(params);
    if (problems.length > 0) return problem(400, "bad_query", problems.join("; "));
    const page = queryAlerts(view, query);
    return {
      status: 200,
      body: {
        generated_at: iso(view.at),
        last_success_at: iso(view.lastSuccessAt),
        total: page.total,
        limit: query.limit,
        next_cursor: page.next_cursor,
        alerts: page.items.map(alertJson),
      },
    };
  }
  let id: string;
  try {
    id = decodeURIComponent(connection![1]!);
  } catch {
    return problem(400, "bad_path", "the connection id is not a valid URL component");
  }
  const found = view.connection(id);
  if (found === null) return problem(404, "not_found", "no connection with this id in the last good cycle");
  return {
    status: 200,
    body: {
      generated_at: iso(view.at),
      connection: snapshotJson(found.record.snapshot),
      group_name: found.group_name,
      connection_url: found.connection_url,
      alerts: found.alerts.map(alertJson),
      history: found.history.map(historyJson),
    },
  };
}
