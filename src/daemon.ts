// The daemon's watcher: one cycle as a list of named steps (read, observe, judge, watch self, enrich, notify, publish).
import type { Logger } from "pino";
import type { Config, ChannelName } from "./config/schema.js";
import { ApiError, SyncwatchError, errorMessage } from "./errors.js";
import type { FivetranSource } from "./fivetran/index.js";
import {
  compareAlerts,
  conditionSpec,
  diff,
  formatDuration,
  judgeBlind,
  judgeSome,
  lifecycleText,
  observe,
  toAlert,
  withProblem,
  holdPolicyFromConfig,
  planNotifications,
  type AlertEvent,
  type HoldPolicy,
  type HoldReason,
  type Observation,
  type Rules,
} from "./health/index.js";
import {
  alertKey,
  emptyHealthState,
  type Alert,
  type AlertRecord,
  type ConnectionRecord,
  type ConnectionSnapshot,
  type HealthState,
  type LifecycleEvent,
} from "./health/model.js";
import { appendHistory, type HistoryEntry } from "./health/history.js";
import type { Metrics } from "./metrics/index.js";
import {
  compileLinks,
  deliver,
  describeAlert,
  emptyOutbox,
  enqueue,
  parseOutbox,
  queuedByChannel,
  routeAlerts,
  unroutedMatchers,
  type AlertLinks,
  type Outbox,
} from "./notify/index.js";
import type { Notifier } from "./notify/types.js";
import type { PersistedState, Store } from "./store/index.js";

/** What the watcher needs; `main.ts` builds the concrete parts. */
export interface WatcherDeps {
  config: Config;
  rules: Rules;
  source: Pick<FivetranSource, "list" | "details"> &
    Partial<Pick<FivetranSource, "groups">> & { readonly rateLimitRemaining?: number | null };
  notifiers: Notifier[];
  store: Store;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Send only what was saved first (`once`): a run that cannot save its queue must not send it, since the next run,
   * not knowing it was sent, would send it again. The daemon sends anyway and saves next cycle.
   */
  sendOnlySaved?: boolean;
}

/** What one cycle (or one pushed read) did, for the CLI summary, the log line, the status page and tests. */
export interface CycleReport {
  outcome: "success" | "failure" | "held";
  /** The error that failed the cycle (stable `code`), if any. */
  error: SyncwatchError | null;
  /** When the cycle started (epoch ms). */
  startedAt: number;
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
  /** Calls left in Fivetran's rate-limit window after the cycle, when Fivetran said. */
  apiBudget: number | null;
}

/** The health state as published: Maps that no later cycle or pushed read changes (each builds new ones). */
export interface PublishedHealth {
  readonly baseline_done: boolean;
  readonly connections: ReadonlyMap<string, ConnectionRecord>;
  readonly alerts: ReadonlyMap<string, AlertRecord>;
  readonly last_success_at: number | null;
}

/** A firing alert as published: with group name and links, and whether (and why) it is held back from the channels. */
export interface PublishedAlert extends Alert {
  /** Why it is not sent now (inhibited, silenced, muted), or null when it is not held back. */
  readonly held: HoldReason | null;
  /** False while it fired but has never been sent (it was held back from the start). */
  readonly sent: boolean;
}

/** What the watcher publishes after each cycle and pushed read, for metrics, the store and the status page. */
export interface Published {
  readonly health: PublishedHealth;
  /** The last scheduled cycle (null before the first). */
  readonly lastCycle: Readonly<CycleReport> | null;
  /** Firing alerts (watcher_blind included), most severe first. */
  readonly firing: readonly PublishedAlert[];
  /** The last fire and resolve events, oldest first (bounded; persisted with the state). */
  readonly history: readonly HistoryEntry[];
  /** Group names by group id, as last read from Fivetran (empty when never read). */
  readonly groupNames: ReadonlyMap<string, string>;
}

/** What a cycle step hands the next: the state judged so far and what it produced. */
interface Judged {
  health: HealthState;
  events: AlertEvent[];
  lifecycle: LifecycleEvent[];
}

const MAX_ALERT_LOG_LINES = 200;
const MAX_REJECT_LOG_LINES = 20;

/** The daemon's watcher: owns the state between cycles, runs cycles and pushed reads one at a time, persists. */
export class Watcher {
  private readonly deps: WatcherDeps;
  private readonly now: () => number;
  private readonly startedAt: number;
  private state: PersistedState & { outbox: Outbox };
  private loaded = false;
  /** When the last complete listing began (epoch ms): pushed reads that began before it are older than it. */
  private listedAt: number | null = null;
  private saveError: SyncwatchError | null = null;
  private current: Published;
  /** The tail of the cycles and pushed reads waiting to run: one at a time, in arrival order. */
  private turn: Promise<unknown> = Promise.resolve();
  /** The time of the last queued digest: a pushed read and a cycle in the same millisecond queue apart. */
  private lastQueuedAt = -Infinity;
  /** What holds alerts back (inhibit rules, silences, mute intervals) and where alerts link to, from config. */
  private readonly policy: HoldPolicy;
  private readonly links: AlertLinks;
  /** Group names as last read (kept when a read fails). */
  private groupNames: ReadonlyMap<string, string> = new Map();
  /** The firing alerts held back after the last notify step, by alert key. */
  private held: ReadonlyMap<string, HoldReason> = new Map();

  constructor(deps: WatcherDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.state = { health: emptyHealthState(), outbox: emptyOutbox(), hold_until: null };
    this.current = { health: this.state.health, lastCycle: null, firing: [], history: [], groupNames: this.groupNames };
    this.policy = holdPolicyFromConfig(deps.config.alerts);
    this.links = compileLinks(deps.config.alerts.links);
  }

  /** True once the saved state has been loaded (or found absent). */
  get ready(): boolean {
    return this.loaded;
  }

  /** The current health state (read-only use). */
  get health(): PublishedHealth {
    return this.state.health;
  }

  /** The last published value: replaced, never changed, by each cycle and pushed read. */
  get published(): Published {
    return this.current;
  }

  /** Loads saved state; an unusable file is moved aside and the next cycle is a fresh baseline. */
  async init(): Promise<void> {
    const { logger, store } = this.deps;
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
        { connections: this.state.health.connections.size, alerts: this.state.health.alerts.size, queued: queuedCount(this.state.outbox) },
        "state loaded",
      );
    }
    this.publish(null, true);
    this.loaded = true;
  }

  /** Firing alerts now (watcher_blind included), most severe first. */
  firing(): PublishedAlert[] {
    return [...this.current.firing];
  }

  /** This watcher's clock (epoch ms), for callers that date what they hand to it (`judgeRead`'s `readAt`). */
  clock(): number {
    return this.now();
  }

  /** Runs one cycle (after any cycle or pushed read under way). Never throws: failures are reported, logged and counted. */
  cycle(signal?: AbortSignal): Promise<CycleReport> {
    return this.inTurn(() => this.runCycle(signal));
  }

  /**
   * Judges a few freshly read connections (a pushed read) through the same steps as a cycle: only those connections
   * are judged (no removals, no baseline, watcher_blind untouched); then enrich, notify, save, publish. Waits for a
   * cycle under way, so nothing fires or resolves twice. Before the first cycle (the baseline) it does nothing.
   * `readAt` (epoch ms, this watcher's clock) is when the reads began: reads older than the listing of the last
   * successful cycle are dropped, since that listing is newer and the source of truth.
   */
  judgeRead(snapshots: readonly ConnectionSnapshot[], signal?: AbortSignal, readAt?: number): Promise<CycleReport> {
    return this.inTurn(() => this.runRead(snapshots, signal, readAt));
  }

  private async runCycle(signal?: AbortSignal): Promise<CycleReport> {
    const started = this.now();
    const report = newReport(started);
    let judged: Judged = { health: this.state.health, events: [], lifecycle: [] };
    if (!this.heldBack(started, report)) {
      try {
        const observation = await this.read(report, signal);
        this.listedAt = started;
        judged = this.judge(observation, started);
        await this.readGroupNames(judged.health, started, signal);
        judged = await this.enrich(judged, signal);
        this.state.hold_until = null;
      } catch (err) {
        this.failed(err, started, report);
      }
    }
    judged = this.watchSelf(judged);
    this.tally(report, judged);
    await this.notify(judged, started, signal);
    this.finish(report, started);
    return report;
  }

  private async runRead(snapshots: readonly ConnectionSnapshot[], signal?: AbortSignal, readAt?: number): Promise<CycleReport> {
    const started = this.now();
    const report = newReport(started);
    report.connections = snapshots.length;
    if (!this.state.health.baseline_done) {
      report.outcome = "held";
      this.deps.logger.info({ connections: snapshots.length }, "skip a pushed read: the first cycle (the baseline) has not run yet");
      return report;
    }
    if (readAt !== undefined && this.listedAt !== null && readAt < this.listedAt) {
      report.outcome = "held";
      this.deps.logger.info({ connections: snapshots.length }, "skip a pushed read: a listing read after it is newer");
      return report;
    }
    const result = judgeSome(this.state.health, snapshots, started, this.deps.rules);
    const judged = await this.enrich({ health: result.next, events: result.events, lifecycle: result.lifecycle }, signal);
    this.tally(report, judged);
    await this.notify(judged, started, signal);
    report.durationMs = this.now() - started;
    this.deps.metrics.publish(this.state.health);
    this.publish(this.current.lastCycle, false);
    this.deps.logger.info(
      { pushed: snapshots.length, firing: report.firing, new: report.fired, resolved: report.resolved, duration_ms: report.durationMs },
      `pushed read: ${snapshots.length} connection${snapshots.length === 1 ? "" : "s"}, ${report.fired} new, ${report.resolved} resolved`,
    );
    return report;
  }

  /** Step: skip Fivetran while it asked us to wait (a long `Retry-After`). */
  private heldBack(started: number, report: CycleReport): boolean {
    const hold = this.state.hold_until;
    if (hold === null || started >= hold) return false;
    report.outcome = "held";
    report.holdUntil = hold;
    this.deps.logger.warn({ until: new Date(hold).toISOString() }, "skip Fivetran this cycle: rate limited until then");
    return true;
  }

  /** Steps: read the whole account, then observe it (pure: what to judge, what to carry forward). */
  private async read(report: CycleReport, signal?: AbortSignal): Promise<Observation> {
    const listing = await this.deps.source.list(signal, this.state.health.connections);
    report.requests = listing.requests;
    report.pages = listing.pages;
    const observation = observe(listing, this.state.health.connections, this.state.missing ?? []);
    // Saved with the state: a process that runs one cycle (`once`) sees a deletion across two runs.
    if (observation.remember !== null) this.state.missing = observation.remember;
    report.rejected = observation.unreadable;
    report.connections = observation.observed.size;
    this.logObservation(observation);
    return observation;
  }

  /** Step: judge the observed connections against the previous state (pure diff; the previous state is left as it was). */
  private judge(observation: Observation, started: number): Judged {
    const result = diff(this.state.health, { connections: observation.observed }, started, this.deps.rules);
    return { health: result.next, events: result.events, lifecycle: result.lifecycle };
  }

  /** Step: reads group names when due (at start, for a group not seen before, hourly); never fails the cycle. */
  private async readGroupNames(health: HealthState, started: number, signal?: AbortSignal): Promise<void> {
    const { source, metrics } = this.deps;
    if (source.groups === undefined) return;
    const names = await source.groups(groupIds(health), started, signal);
    if (names !== this.groupNames) {
      this.groupNames = names;
      metrics.groups?.(names);
    }
  }

  /** Step: a failed read leaves the alert state as it was; a long `Retry-After` holds the next cycles back. */
  private failed(err: unknown, started: number, report: CycleReport): void {
    report.outcome = "failure";
    report.error = toSyncwatchError(err);
    if (err instanceof ApiError && err.requests !== null) report.requests = err.requests;
    if (err instanceof ApiError && err.code === "rate_limited" && err.retryAfterMs !== null) {
      this.state.hold_until = started + err.retryAfterMs;
      report.holdUntil = this.state.hold_until;
    }
    this.deps.logger.error(
      { err: { code: report.error.code, message: report.error.message }, hold_until: isoOrNull(this.state.hold_until) },
      `read Fivetran: ${report.error.message}`,
    );
  }

  /** Step: syncwatch watches itself, whatever the outcome (pure). */
  private watchSelf(judged: Judged): Judged {
    const watched = judgeBlind(judged.health, this.now(), this.deps.rules, this.startedAt);
    return { health: watched.next, events: [...judged.events, ...watched.events], lifecycle: judged.lifecycle };
  }

  /**
   * Step: adds the failed setup test's title and message to alerts of connections that just started failing. The
   * alerts Map is the judged state's own (new this cycle, not yet published), so it is updated where it is.
   */
  private async enrich(judged: Judged, signal?: AbortSignal): Promise<Judged> {
    const wanted = judged.events.filter((e) => e.type === "firing" && conditionSpec(e.alert.condition)?.enrichedWithErrors === true);
    if (wanted.length === 0) return judged;
    const ids = [...new Set(wanted.map((e) => e.alert.connection_id))];
    const details = await this.deps.source.details(ids, signal);
    const alerts = judged.health.alerts;
    for (const ev of wanted) {
      const test = details.get(ev.alert.connection_id);
      if (!test) continue;
      ev.alert = { ...ev.alert, summary: withProblem(ev.alert.summary, test) };
      const key = alertKey(ev.alert.connection_id, ev.alert.condition);
      const rec = alerts.get(key);
      if (rec) alerts.set(key, { ...rec, summary: ev.alert.summary });
    }
    return judged;
  }

  /** Step: counts and logs the events and lifecycle changes into the report and the metrics. */
  private tally(report: CycleReport, judged: Judged): void {
    const { events, lifecycle, health } = judged;
    report.events = events;
    report.lifecycle = lifecycle;
    for (const ev of events) {
      if (ev.type === "firing") report.fired++;
      else if (ev.type === "resolved") report.resolved++;
      else report.reminders++;
    }
    for (const rec of health.alerts.values()) if (rec.phase === "firing") report.firing++;
    this.deps.metrics.alertEvents?.(events);
    for (const l of lifecycle) this.deps.metrics.lifecycle?.(l.kind);
  }

  /**
   * Steps: plan the notifications (hold back what is inhibited, silenced or muted; release what no longer is), log
   * them, name and link them, route and queue them and save, then send and save again: a crash may repeat a message,
   * never lose one.
   */
  private async notify(judged: Judged, started: number, signal?: AbortSignal): Promise<void> {
    const plan = planNotifications(this.state.health.alerts, judged.health, judged.events, started, this.policy);
    this.held = plan.held;
    this.logEvents(judged.events, judged.lifecycle, plan.held);
    if (plan.released > 0) this.deps.logger.info({ released: plan.released }, "send alerts held back until now (still firing)");
    const health = plan.alerts === judged.health.alerts ? judged.health : { ...judged.health, alerts: plan.alerts };
    const outbox = this.queue(plan.send, started);
    this.state = { ...this.state, health, outbox, history: appendHistory(this.state.history ?? [], judged.events, started) };
    this.deps.metrics.held?.(heldSeries(health, plan.held));
    await this.save();
    if (this.saveError !== null && this.deps.sendOnlySaved === true && queuedCount(this.state.outbox) > 0) {
      this.deps.logger.error(
        { queued: queuedCount(this.state.outbox) },
        "not sending: the state could not be saved, so the next run would not know these alerts were sent and would send them again",
      );
    } else {
      await this.send(signal);
    }
    this.deps.metrics.queued?.(queuedByChannel(this.state.outbox));
  }

  /** Step: names, links and routes the events to send and queues one digest per channel; returns the new outbox. */
  private queue(events: AlertEvent[], started: number): Outbox {
    const { config, logger, metrics } = this.deps;
    if (events.length === 0) return this.state.outbox;
    const at = Math.max(started, this.lastQueuedAt + 1);
    this.lastQueuedAt = at;
    const baseline = events.some((e) => e.baseline);
    const alerts = events.map((e) => describeAlert(e.alert, this.groupNames, this.links));
    // Silences were applied by the planner (a silenced alert is held, and sent when its silence ends).
    const routed = routeAlerts(alerts, config.alerts.routes, [], started, this.configuredChannels(), unroutedMatchers(config.channels));
    const queued = enqueue(this.state.outbox, routed.byChannel, at, baseline, config.channels.delivery.max_queued);
    for (const drop of queued.dropped) {
      logger.error({ channel: drop.channel, count: drop.count }, "drop queued notifications: queue full");
      metrics.notificationDropped?.(drop.channel, "queue_full", drop.count);
    }
    return queued.outbox;
  }

  /** Step: delivers what is queued and saves what is left. Without any channel the queue is dropped (alerts were logged). */
  private async send(signal?: AbortSignal): Promise<void> {
    const { config, logger, metrics, notifiers } = this.deps;
    if (queuedCount(this.state.outbox) === 0) return;
    if (notifiers.length === 0) {
      this.state = { ...this.state, outbox: emptyOutbox() };
      return;
    }
    const d = config.channels.delivery;
    const outbox = await deliver(this.state.outbox, notifiers, {
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
  }

  /** Steps: publish (metrics, the published value), then log the summary line. */
  private finish(report: CycleReport, started: number): void {
    const { metrics, logger } = this.deps;
    report.durationMs = this.now() - started;
    report.apiBudget = this.deps.source.rateLimitRemaining ?? null;
    if (report.outcome === "success") {
      metrics.publish(this.state.health);
      metrics.cycle("success", report.durationMs / 1000, this.now());
    } else if (report.outcome === "failure") {
      metrics.cycle("failure", report.durationMs / 1000);
    }
    metrics.itemsRejected?.(report.rejected);
    this.publish(report, false);
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
        queued: queuedCount(this.state.outbox),
        duration_ms: report.durationMs,
      },
      cycleSummary(report),
    );
  }

  /** Replaces the published value (and the metrics' view on load). */
  private publish(lastCycle: CycleReport | null, toMetrics: boolean): void {
    const health = this.state.health;
    if (toMetrics) this.deps.metrics.publish(health);
    const at = this.now();
    const { groupNames, held, links } = this;
    let firing: readonly PublishedAlert[] | null = null;
    this.current = Object.freeze({
      health,
      lastCycle: lastCycle === null ? null : Object.freeze({ ...lastCycle }),
      history: this.state.history ?? [],
      groupNames,
      // Built on first read: a cycle nobody asks about pays nothing for it.
      get firing(): readonly PublishedAlert[] {
        return (firing ??= Object.freeze(firingAlerts(health, at).map((a) => publishedAlert(a, health, groupNames, links, held))));
      },
    });
  }

  /** Runs `job` after every cycle and pushed read queued before it: state changes one job at a time. */
  private inTurn<T>(job: () => Promise<T>): Promise<T> {
    const run = this.turn.then(job, job);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Saves now (used on shutdown too). A failed save is logged and counted; the watcher keeps going. */
  async save(): Promise<void> {
    try {
      await this.deps.store.save(this.state);
      this.saveError = null;
    } catch (err) {
      this.saveError = toSyncwatchError(err);
      this.deps.logger.error({ err: { code: this.saveError.code, message: errorMessage(err) } }, "save state failed; will retry next cycle");
      this.deps.metrics.stateSaveFailed?.();
    }
  }

  /** Why the last save failed, or null when it succeeded (`once` has no next cycle to retry in: it exits non-zero). */
  get lastSaveError(): SyncwatchError | null {
    return this.saveError;
  }

  private logObservation(o: Observation): void {
    const log = this.deps.logger;
    for (const k of o.kept.slice(0, MAX_REJECT_LOG_LINES)) {
      if (k.kind === "empty") log.warn({ connection_id: k.id, reason: k.reason }, "keep the previous snapshot of an item that says nothing");
      else log.warn({ connection_id: k.id, reason: k.reason }, "skip unreadable connection item");
    }
    if (o.kept.length > MAX_REJECT_LOG_LINES) log.warn({ count: o.unreadable }, "skip unreadable connection items (only the first were logged)");
    if (o.missing.length > 0) log.debug({ count: o.missing.length }, "connections missing from the listing: removed if still missing next cycle");
  }

  private configuredChannels(): ChannelName[] {
    return this.deps.notifiers.map((n) => n.name);
  }

  private logEvents(events: AlertEvent[], lifecycle: LifecycleEvent[], held: ReadonlyMap<string, HoldReason>): void {
    const log = this.deps.logger;
    let n = 0;
    for (const ev of events) {
      if (n++ >= MAX_ALERT_LOG_LINES) {
        log.info({ more: events.length - MAX_ALERT_LOG_LINES }, "more alert events this cycle (not logged one by one)");
        break;
      }
      const a = ev.alert;
      const what = ev.type === "reminder" ? "still firing" : ev.type;
      const groupName = this.groupNames.get(a.group_id) ?? null;
      const where = groupName === null ? "" : ` in ${groupName}`;
      const who = a.connection_id === "" ? "syncwatch" : `${a.schema || a.connection_id} (${a.service || "unknown service"})${where}`;
      const hold = ev.type === "resolved" ? undefined : held.get(alertKey(a.connection_id, a.condition));
      log.info(
        {
          alert: ev.type,
          connection_id: a.connection_id,
          condition: a.condition,
          severity: a.severity,
          group_id: a.group_id,
          group_name: groupName,
          reason: a.reason,
          baseline: ev.baseline,
          held: hold ?? null,
        },
        ev.type === "resolved"
          ? `RESOLVED ${a.severity} ${a.condition} ${who} after ${formatDuration((a.resolved_at ?? a.started_at) - a.started_at)}${a.reason ? ` (${a.reason})` : ""}; it was: ${a.summary}`
          : `${what.toUpperCase()} ${a.severity} ${a.condition} ${who}: ${a.summary}${hold ? ` [held back: ${hold}]` : ""}`,
      );
    }
    for (const l of lifecycle) {
      log.info({ lifecycle: l.kind, connection_id: l.connection_id, group_id: l.snapshot.group_id, service: l.snapshot.service }, lifecycleText(l));
    }
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

function newReport(started: number): CycleReport {
  return {
    outcome: "success",
    error: null,
    startedAt: started,
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
    apiBudget: null,
  };
}

function firingAlerts(health: HealthState, now: number): Alert[] {
  const out: Alert[] = [];
  for (const rec of health.alerts.values()) {
    if (rec.phase !== "firing") continue;
    out.push(toAlert(rec, health.connections.get(rec.connection_id)?.snapshot, "firing", now));
  }
  return out.sort(compareAlerts);
}

/** A firing alert as published: named, linked, and marked with why it is held back. */
function publishedAlert(
  a: Alert,
  health: HealthState,
  names: ReadonlyMap<string, string>,
  links: AlertLinks,
  held: ReadonlyMap<string, HoldReason>,
): PublishedAlert {
  const key = alertKey(a.connection_id, a.condition);
  return { ...describeAlert(a, names, links), held: held.get(key) ?? null, sent: health.alerts.get(key)?.unsent !== true };
}

/** The distinct group ids of the known connections. */
function groupIds(health: HealthState): Set<string | null> {
  const ids = new Set<string | null>();
  for (const rec of health.connections.values()) ids.add(rec.snapshot.group_id);
  return ids;
}

/** The `syncwatch_alert_held` series: one per held firing alert. */
function heldSeries(health: HealthState, held: ReadonlyMap<string, HoldReason>): { connection_id: string; condition: string; reason: HoldReason }[] {
  const out: { connection_id: string; condition: string; reason: HoldReason }[] = [];
  for (const [key, reason] of held) {
    const rec = health.alerts.get(key);
    if (rec !== undefined) out.push({ connection_id: rec.connection_id, condition: rec.condition, reason });
  }
  return out;
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
