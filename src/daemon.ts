// One watcher cycle, in order: read Fivetran, judge (diff), enrich, queue notifications, save, send, save, publish.
import type { Logger } from "pino";
import type { Config, ChannelName } from "./config/schema.js";
import { ApiError, SyncwatchError, errorMessage } from "./errors.js";
import type { FivetranSource, ListedConnections, Listing } from "./fivetran/index.js";
import { compareAlerts, conditionSpec, diff, formatDuration, judgeWatcher, toAlert, withProblem, type AlertEvent, type Rules } from "./health/index.js";
import { alertKey, emptyHealthState, saysNothing, type Alert, type ConnectionSnapshot, type HealthState, type LifecycleEvent } from "./health/model.js";
import type { Metrics } from "./metrics/index.js";
import { deliver, emptyOutbox, enqueue, parseOutbox, queuedByChannel, routeAlerts, type Outbox } from "./notify/index.js";
import type { Notifier } from "./notify/types.js";
import type { PersistedState, Store } from "./store/index.js";

/** What the watcher needs; `main.ts` builds the concrete parts. */
export interface WatcherDeps {
  config: Config;
  rules: Rules;
  source: Pick<FivetranSource, "list" | "details">;
  notifiers: Notifier[];
  store: Store;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What one cycle did, for the CLI summary, the log line and tests. */
export interface CycleReport {
  outcome: "success" | "failure" | "held";
  /** The error that failed the cycle (stable `code`), if any. */
  error: SyncwatchError | null;
  connections: number;
  rejected: number;
  requests: number;
  pages: number;
  firing: number;
  fired: number;
  resolved: number;
  reminders: number;
  events: AlertEvent[];
  lifecycle: LifecycleEvent[];
  durationMs: number;
  /** When Fivetran asked us to come back (epoch ms), after a long `Retry-After`. */
  holdUntil: number | null;
}

const MAX_ALERT_LOG_LINES = 200;
const MAX_REJECT_LOG_LINES = 20;

/** The stateful watcher: owns the in-memory state between cycles and persists it through the store. */
export class Watcher {
  private readonly deps: WatcherDeps;
  private readonly now: () => number;
  private readonly startedAt: number;
  private state: PersistedState;
  private loaded = false;

  constructor(deps: WatcherDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.state = { health: emptyHealthState(), outbox: emptyOutbox(), hold_until: null };
  }

  /** True once the saved state has been loaded (or found absent). */
  get ready(): boolean {
    return this.loaded;
  }

  /** The current health state (read-only use). */
  get health(): HealthState {
    return this.state.health;
  }

  /** Loads saved state; an unusable file is moved aside and the next cycle is a fresh baseline. */
  async init(): Promise<void> {
    const { logger, metrics, store } = this.deps;
    const report = await store.load();
    if (report.discarded) {
      logger.error(
        { reason: report.discarded.reason, moved_to: report.discarded.movedTo },
        "state file unusable: moved aside; starting over from a baseline",
      );
    }
    if (report.repaired) logger.warn({ reason: report.repaired }, "state loaded as of the last complete save");
    if (report.state) {
      this.state = { ...report.state, outbox: parseOutbox(report.state.outbox) };
      logger.info(
        {
          connections: this.state.health.connections.size,
          alerts: this.state.health.alerts.size,
          queued: queuedCount(this.outbox),
        },
        "state loaded",
      );
    }
    metrics.publish(this.state.health);
    this.loaded = true;
  }

  /** Firing alerts now (watcher_blind included), most severe first. */
  firing(): Alert[] {
    const out: Alert[] = [];
    for (const rec of this.state.health.alerts.values()) {
      if (rec.phase !== "firing") continue;
      out.push(toAlert(rec, this.state.health.connections.get(rec.connection_id)?.snapshot, "firing", this.now()));
    }
    return out.sort(compareAlerts);
  }

  /** Runs one cycle. Never throws: failures are reported, logged and counted. */
  async cycle(signal?: AbortSignal): Promise<CycleReport> {
    const { logger, metrics, source, config } = this.deps;
    const started = this.now();
    const report: CycleReport = {
      outcome: "success",
      error: null,
      connections: 0,
      rejected: 0,
      requests: 0,
      pages: 0,
      firing: 0,
      fired: 0,
      resolved: 0,
      reminders: 0,
      events: [],
      lifecycle: [],
      durationMs: 0,
      holdUntil: null,
    };
    const previous = this.state.health;
    let health = previous;
    let events: AlertEvent[] = [];

    const hold = this.state.hold_until;
    if (hold !== null && started < hold) {
      report.outcome = "held";
      report.holdUntil = hold;
      logger.warn({ until: new Date(hold).toISOString() }, "skip Fivetran this cycle: rate limited until then");
    } else {
      try {
        const listing = await source.list(signal, previous.connections);
        report.requests = listing.requests;
        report.pages = listing.pages;
        const { observed, unreadable } = this.observe(listing, previous);
        report.rejected = unreadable;
        report.connections = observed.size;
        // In place: the previous state's connection Map becomes the next one (the listing was complete, so the
        // cycle counts; this.state is replaced below).
        const result = diff(previous, { connections: observed }, started, this.deps.rules, { inPlace: true });
        health = result.next;
        events = result.events;
        report.lifecycle = result.lifecycle;
        await this.enrich(health, events, signal);
        this.state.hold_until = null;
      } catch (err) {
        report.outcome = "failure";
        report.error = toSyncwatchError(err);
        if (err instanceof ApiError && err.code === "rate_limited" && err.retryAfterMs !== null) {
          this.state.hold_until = started + err.retryAfterMs;
          report.holdUntil = this.state.hold_until;
        }
        logger.error(
          { err: { code: report.error.code, message: report.error.message }, hold_until: isoOrNull(this.state.hold_until) },
          `poll Fivetran: ${report.error.message}`,
        );
      }
    }

    // syncwatch watches itself, whatever the outcome.
    const watched = judgeWatcher(health, this.now(), this.deps.rules, this.startedAt);
    health = watched.next;
    events = [...events, ...watched.events];
    report.events = events;

    for (const ev of events) {
      if (ev.type === "firing") report.fired++;
      else if (ev.type === "resolved") report.resolved++;
      else report.reminders++;
    }
    for (const rec of health.alerts.values()) if (rec.phase === "firing") report.firing++;
    this.logEvents(events, report.lifecycle);
    metrics.alertEvents?.(events);
    for (const l of report.lifecycle) metrics.lifecycle?.(l.kind);

    // Queue first and save, then send and save again: a crash may repeat a message, never lose one.
    let outbox = this.outbox;
    if (events.length > 0) {
      const baseline = events.some((e) => e.baseline);
      const alerts = events.map((e) => e.alert);
      const routed = routeAlerts(alerts, config.alerts.routes, config.alerts.silences, started, this.configuredChannels());
      const queued = enqueue(outbox, routed.byChannel, started, baseline, config.channels.delivery.max_queued);
      outbox = queued.outbox;
      for (const drop of queued.dropped) {
        logger.error({ channel: drop.channel, count: drop.count }, "drop queued notifications: queue full");
        metrics.notificationDropped?.(drop.channel, "queue_full", drop.count);
      }
      if (routed.silenced > 0) logger.info({ silenced: routed.silenced }, "alerts silenced");
    }
    this.state = { ...this.state, health, outbox };
    await this.save();

    if (queuedCount(outbox) > 0 && this.deps.notifiers.length > 0) {
      const d = config.channels.delivery;
      outbox = await deliver(outbox, this.deps.notifiers, {
        maxAttempts: d.max_attempts,
        baseDelayMs: d.base_delay_ms,
        maxDelayMs: d.max_delay_ms,
        timeoutMs: d.timeout_seconds * 1000,
        sleep: this.deps.sleep,
        signal,
        logger,
        onAttempt: (channel: ChannelName, outcome: "sent" | "failed") => metrics.notification(channel, outcome),
        onDropped: (channel: ChannelName, reason: string, count: number) => metrics.notificationDropped?.(channel, reason, count),
      });
      this.state = { ...this.state, outbox };
      await this.save();
    } else if (queuedCount(outbox) > 0) {
      // No channel is configured: the queue would never drain. Alerts were logged above.
      this.state = { ...this.state, outbox: emptyOutbox() };
    }
    metrics.queued?.(queuedByChannel(this.outbox));

    report.durationMs = this.now() - started;
    if (report.outcome === "success") {
      metrics.publish(health);
      metrics.poll("success", report.durationMs / 1000, this.now());
    } else if (report.outcome === "failure") {
      metrics.poll("failure", report.durationMs / 1000);
    }
    metrics.itemsRejected?.(report.rejected);
    logger.info(
      {
        outcome: report.outcome,
        connections: report.connections,
        rejected: report.rejected,
        requests: report.requests,
        pages: report.pages,
        firing: report.firing,
        new: report.fired,
        resolved: report.resolved,
        reminders: report.reminders,
        queued: queuedCount(this.outbox),
        duration_ms: report.durationMs,
      },
      cycleSummary(report),
    );
    return report;
  }

  private get outbox(): Outbox {
    return this.state.outbox as Outbox;
  }

  /** Saves now (used on shutdown too). A failed save is logged and counted; the watcher keeps going. */
  async save(): Promise<void> {
    try {
      await this.deps.store.save(this.state);
    } catch (err) {
      this.deps.logger.error({ err: { code: toSyncwatchError(err).code, message: errorMessage(err) } }, "save state failed; will retry next cycle");
      this.deps.metrics.stateSaveFailed?.();
    }
  }

  /**
   * Merges the listing with the previous state, so that nothing is judged on data syncwatch could not read:
   * - an unreadable item keeps its connection's previous snapshot;
   * - an item that says nothing (every field but `id` null or missing) keeps the previous snapshot too: judging it
   *   would resolve alerts for no reason (an item that only lacks `status` is judged like any other);
   * - a connection missing from the listing is only removed when it was also missing from the previous
   *   successful listing: the cursor is an offset, so a connection deleted while the listing is paged hides the
   *   next item for one cycle; and while an item without an id was skipped, nobody can be called removed.
   */
  private observe(listing: Listing, previous: HealthState): { observed: ListedConnections; unreadable: number } {
    const log = this.deps.logger;
    // The listing's map is ours: updated in place. An unchanged connection already is its previous snapshot object
    // (the source reuses it), which the diff, the metrics and the state file recognise by identity.
    const { connections: observed, rejected } = listing;
    let unreadable = rejected.length;
    let logged = 0;
    // How many previously known connections this listing accounts for; when all are, nobody is missing.
    let known = listing.known;
    let statusless: ConnectionSnapshot[] | null = null;
    for (const c of observed.values()) {
      if (c.setup_state !== null || !saysNothing(c)) continue;
      (statusless ??= []).push(c);
    }
    for (const c of statusless ?? []) {
      const id = c.id;
      const prev = previous.connections.get(id);
      if (prev === undefined) continue;
      observed.set(id, prev.snapshot);
      unreadable++;
      if (logged++ < MAX_REJECT_LOG_LINES) log.warn({ connection_id: id, reason: "every field but id is null" }, "keep the previous snapshot of an item that says nothing");
    }
    for (const r of rejected) {
      if (logged++ < MAX_REJECT_LOG_LINES) log.warn({ connection_id: r.id, reason: r.reason }, "skip unreadable connection item");
      if (r.id === null || observed.has(r.id)) continue;
      const prev = previous.connections.get(r.id);
      if (prev) {
        observed.set(r.id, prev.snapshot);
        known++;
      }
    }
    if (logged > MAX_REJECT_LOG_LINES) log.warn({ count: unreadable }, "skip unreadable connection items (only the first were logged)");

    const anonymous = rejected.some((r) => r.id === null);
    // Saved with the state: a process that runs one cycle (`once`) sees a deletion across two runs.
    const missingBefore = new Set(this.state.missing ?? []);
    const missingNow = new Set<string>();
    for (const [id, rec] of known === previous.connections.size ? [] : previous.connections) {
      if (observed.has(id)) continue;
      if (anonymous || !missingBefore.has(id)) {
        observed.set(id, rec.snapshot);
        missingNow.add(id);
      }
    }
    // While an anonymous item was skipped, this listing says nothing about who is gone.
    if (!anonymous) this.state.missing = [...missingNow];
    if (missingNow.size > 0) log.debug({ count: missingNow.size }, "connections missing from the listing: removed if still missing next cycle");
    return { observed, unreadable };
  }

  /** Adds what is wrong and what to do (active error, else failed setup test) to alerts of connections that just started failing. */
  private async enrich(health: HealthState, events: AlertEvent[], signal?: AbortSignal): Promise<void> {
    const wanted = events.filter((e) => e.type === "firing" && conditionSpec(e.alert.condition)?.enrichedWithErrors === true);
    if (wanted.length === 0) return;
    const ids = [...new Set(wanted.map((e) => e.alert.connection_id))];
    const details = await this.deps.source.details(ids, signal);
    for (const ev of wanted) {
      const test = details.get(ev.alert.connection_id);
      if (!test) continue;
      ev.alert = { ...ev.alert, summary: withProblem(ev.alert.summary, test) };
      const key = alertKey(ev.alert.connection_id, ev.alert.condition);
      const rec = health.alerts.get(key);
      if (rec) health.alerts.set(key, { ...rec, summary: ev.alert.summary });
    }
  }

  private configuredChannels(): ChannelName[] {
    return this.deps.notifiers.map((n) => n.name);
  }

  private logEvents(events: AlertEvent[], lifecycle: LifecycleEvent[]): void {
    const log = this.deps.logger;
    let n = 0;
    for (const ev of events) {
      if (n++ >= MAX_ALERT_LOG_LINES) {
        log.info({ more: events.length - MAX_ALERT_LOG_LINES }, "more alert events this cycle (not logged one by one)");
        break;
      }
      const a = ev.alert;
      const what = ev.type === "reminder" ? "still firing" : ev.type;
      const who = a.connection_id === "" ? "syncwatch" : `${a.schema || a.connection_id} (${a.service || "unknown service"})`;
      log.info(
        {
          alert: ev.type,
          connection_id: a.connection_id,
          condition: a.condition,
          severity: a.severity,
          group_id: a.group_id,
          reason: a.reason,
          baseline: ev.baseline,
        },
        ev.type === "resolved"
          ? `RESOLVED ${a.severity} ${a.condition} ${who} after ${formatDuration((a.resolved_at ?? a.started_at) - a.started_at)}${a.reason ? ` (${a.reason})` : ""}; it was: ${a.summary}`
          : `${what.toUpperCase()} ${a.severity} ${a.condition} ${who}: ${a.summary}`,
      );
    }
    for (const l of lifecycle) log.info({ lifecycle: l.kind, connection_id: l.connection_id }, `connection ${l.kind}`);
  }
}

/** The one-line human summary of a cycle, e.g. "cycle ok: 312 connections in 1 request, 5 firing (2 new, 1 resolved), 45 ms". */
export function cycleSummary(r: CycleReport): string {
  const timing = `${r.durationMs} ms`;
  const alerts = `${r.firing} firing (${r.fired} new, ${r.resolved} resolved${r.reminders ? `, ${r.reminders} reminders` : ""})`;
  if (r.outcome === "held") return `cycle held: Fivetran asked to wait until ${isoOrNull(r.holdUntil)}; ${alerts}, ${timing}`;
  if (r.outcome === "failure") return `cycle failed: ${r.error?.message ?? "unknown error"}; alert state unchanged, ${timing}`;
  const skipped = r.rejected ? `, ${r.rejected} unreadable items skipped` : "";
  return `cycle ok: ${r.connections} connections in ${r.requests} request${r.requests === 1 ? "" : "s"}${skipped}, ${alerts}, ${timing}`;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function toSyncwatchError(err: unknown): SyncwatchError {
  if (err instanceof SyncwatchError) return err;
  if (err instanceof Error && err.name === "AbortError") return new SyncwatchError("aborted", "cycle aborted", { cause: err });
  return new SyncwatchError("api_error", errorMessage(err), { cause: err });
}

function queuedCount(outbox: Outbox): number {
  let n = 0;
  for (const count of Object.values(queuedByChannel(outbox))) n += count ?? 0;
  return n;
}
