// Builds status views the way the daemon does (diff a cycle, then publish), for the page and API tests.
import { compareAlerts, toAlert, type ConnectionSnapshot, type HealthState } from "../../src/health/index.js";
import { appendHistory, type HistoryEntry } from "../../src/health/history.js";
import { pino } from "pino";
import { Metrics, startHttpServer, type HttpServer } from "../../src/metrics/index.js";
import { createWebHandler, StatusViews, type StatusView, type StatusViewsOptions } from "../../src/web/index.js";
import { afterBaseline, cycle, HOUR, MIN, snap, T0 } from "../health/fixtures.js";

export { HOUR, MIN, T0, snap };

/** A name a hostile connection could carry. */
export const HOSTILE = `<img src=x onerror=alert(1)>`;

/** A small account: c1 broken (g1), c2 failing with a hostile schema (g2), c3 stale (g1), c4 fine, c5 paused. */
export function account(): ConnectionSnapshot[] {
  return [
    snap({ id: "c1", group_id: "g1", schema: "sf_prod", setup_state: "broken" }),
    snap({ id: "c2", group_id: "g2", service: "postgres", schema: HOSTILE, failed_at: T0 - 5 * MIN }),
    snap({ id: "c3", group_id: "g1", service: "stripe", schema: "stripe_eu", succeeded_at: T0 - 10 * HOUR }),
    snap({ id: "c4", group_id: "g2", service: "hubspot", schema: "hubspot_main" }),
    snap({ id: "c5", group_id: "g2", service: "jira", schema: "jira_ops", paused: true, sync_state: "paused" }),
  ];
}

/** The watcher-like state after judging `snaps` at `now` (what `Watcher` holds after a cycle). */
export function judged(snaps: ConnectionSnapshot[], now = T0, prev: HealthState = afterBaseline(), history: readonly HistoryEntry[] = []) {
  const result = cycle(prev, snaps, now);
  const health = result.next;
  return {
    health,
    history: appendHistory(history, result.events, now),
    firing: () =>
      [...health.alerts.values()]
        .filter((r) => r.phase === "firing")
        .map((r) => toAlert(r, health.connections.get(r.connection_id)?.snapshot, "firing", now))
        .sort(compareAlerts),
  };
}

/** Where the page and the API get their view (what `App.status` is). */
export interface ViewSource {
  view(): StatusView | null;
}

/** Nothing published yet: the state is still loading. */
export const NOT_READY: ViewSource = { view: () => null };

/** The view of `snaps` judged at `now`, as the daemon shows it after a successful cycle. */
export function boardOf(snaps: ConnectionSnapshot[] = account(), opts: Partial<StatusViewsOptions> = {}, now = T0): ViewSource {
  const state = judged(snaps, now);
  const lastCycle = {
    outcome: "success" as const,
    error: null,
    startedAt: now - 1200,
    connections: snaps.length,
    rejected: 0,
    requests: 1,
    fired: 0,
    resolved: 0,
    durationMs: 1200,
    holdUntil: null,
    apiBudget: 19_000,
  };
  const published = { health: state.health, lastCycle, firing: state.firing(), history: state.history };
  return new StatusViews({ published: () => published, startedAt: now - HOUR, silences: [], now: () => now, ...opts });
}

/** syncwatch's HTTP server on 127.0.0.1 serving `source` (with Basic auth when `password` is set); the caller closes it. */
export function serveStatus(source: ViewSource, password: string | null = null, now?: () => number): Promise<HttpServer> {
  return startHttpServer({
    host: "127.0.0.1",
    port: 0,
    metrics: new Metrics({ version: "9.9.9" }),
    live: () => true,
    ready: () => true,
    logger: pino({ level: "silent" }),
    other: createWebHandler({ view: () => source.view(), password, version: "9.9.9", now }),
  });
}
