// The Metrics facade: prom-client counters, gauges and histogram in one registry, plus the per-connection families at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { HealthState, LifecycleKind } from "../health/model.js";
import { connectionFamilies, type BuildOptions, type MetricsView } from "./connection-families.js";
import { familyHeader, formatValue } from "./exposition.js";
import { liveHeapBytes } from "./live-heap.js";
import * as N from "./names.js";

/** Options for `new Metrics`. */
export interface MetricsOptions {
  /** The syncwatch version, exported in `syncwatch_build_info`. */
  version: string;
  /** The prom-client registry to fill (default: a new one owned by this instance; never the global one). */
  registry?: Registry;
  /** Whether to export prom-client's process and Node.js metrics (default true). */
  defaultMetrics?: boolean;
  /** Clock for `cycle("success")` without `endMs` (default `Date.now`). */
  now?: () => number;
  /** How the per-connection families are split across turns of the event loop. */
  build?: BuildOptions;
}

const REFRESH = "Refreshed once per poll cycle.";

/** Cycles usually take seconds; large accounts with details calls can take minutes. */
const CYCLE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Every lifecycle kind, so each series exists at 0 from the start. */
const LIFECYCLE_KINDS = [
  "added",
  "removed",
  "paused",
  "resumed",
  "manual",
  "automatic",
  "historical_sync_started",
  "rescheduled",
] as const satisfies readonly LifecycleKind[];

const ALERT_EVENT_TYPES = ["firing", "resolved", "reminder"] as const;

/** Before the first publish: the per-connection families exist, with no series. */
const EMPTY_VIEW: MetricsView = { connections: new Map(), alerts: new Map() };

/** Matches a sample, HELP or TYPE line of a renamed prom-client default metric (built once from RENAMED_DEFAULT_METRICS). */
const RENAME_PATTERN = new RegExp(
  `^(# (?:HELP|TYPE) )?(${Object.keys(N.RENAMED_DEFAULT_METRICS).join("|")})(?=[ {])`,
  "gm",
);

/** Collects syncwatch's metrics; `daemon.ts` feeds it, the HTTP server renders it. */
export class Metrics {
  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The prom-client registry behind the non-connection metrics. */
  readonly registry: Registry;

  private view: MetricsView | null = null;
  private lastSuccessSeconds: number | null = null;
  private rateLimit: number | null = null;
  private readonly queuedChannels = new Set<string>();
  private readonly now: () => number;
  private readonly build: BuildOptions;
  /** Whether to export `syncwatch_heap_live_bytes` (with the process metrics). */
  private readonly heap: boolean;

  private readonly connections: Gauge;
  private readonly cycleDuration: Histogram;
  private readonly cycles: Counter<"outcome">;
  private readonly apiRequests: Counter<"endpoint" | "code">;
  private readonly notifications: Counter<"channel" | "outcome">;
  private readonly cyclesSkipped: Counter;
  private readonly rejected: Counter;
  private readonly fieldsUnreadable: Counter<"field">;
  private readonly dropped: Counter<"channel" | "reason">;
  private readonly queuedGauge: Gauge<"channel">;
  private readonly alertEventCounter: Counter<"type">;
  private readonly lifecycleCounter: Counter<"kind">;
  private readonly saveFailures: Counter;
  private readonly heldGauge: Gauge<"connection_id" | "condition" | "reason">;
  private readonly groupInfo: Gauge<"group_id" | "group_name">;

  constructor(opts: MetricsOptions) {
    this.registry = opts.registry ?? new Registry();
    this.contentType = Registry.PROMETHEUS_CONTENT_TYPE;
    this.now = opts.now ?? Date.now;
    this.build = opts.build ?? {};
    const registers = [this.registry];
    this.heap = opts.defaultMetrics !== false;
    if (this.heap) {
      collectDefaultMetrics({ register: this.registry });
      liveHeapBytes(); // starts watching collections
    }

    const buildInfo = new Gauge({
      name: N.BUILD_INFO,
      help: "Always 1; the syncwatch version and the Node.js version running it.",
      labelNames: ["version", "node_version"],
      registers,
    });
    buildInfo.set({ version: opts.version, node_version: process.version }, 1);

    this.connections = new Gauge({
      name: N.CONNECTIONS,
      help: `Fivetran connections known after the last successful poll cycle. ${REFRESH}`,
      registers,
    });
    this.cycleDuration = new Histogram({
      name: N.POLL_DURATION,
      help: "Time one poll cycle took (successful or not), from its start to its end.",
      buckets: CYCLE_BUCKETS,
      registers,
    });
    this.cycles = new Counter({ name: N.POLLS, help: "Poll cycles, by outcome (success, failure).", labelNames: ["outcome"], registers });
    this.apiRequests = new Counter({
      name: N.API_REQUESTS,
      help: "Calls to the Fivetran API, by endpoint and HTTP status code (or error when no response came).",
      labelNames: ["endpoint", "code"],
      registers,
    });
    this.notifications = new Counter({
      name: N.NOTIFICATIONS,
      help: "Notification send attempts, by channel and outcome (sent, failed).",
      labelNames: ["channel", "outcome"],
      registers,
    });
    this.cyclesSkipped = new Counter({
      name: N.CYCLES_SKIPPED,
      help: "Scheduled poll cycles skipped because the previous cycle was still running.",
      registers,
    });
    this.rejected = new Counter({
      name: N.ITEMS_REJECTED,
      help: "Items of Fivetran listings that could not be read and were skipped.",
      registers,
    });
    this.fieldsUnreadable = new Counter({
      name: N.API_FIELDS_UNREADABLE,
      help: "Timestamp fields of Fivetran listing items that did not parse and were read as null, by field.",
      labelNames: ["field"],
      registers,
    });
    this.dropped = new Counter({
      name: N.NOTIFICATIONS_DROPPED,
      help: "Notifications given up on, by channel and reason.",
      labelNames: ["channel", "reason"],
      registers,
    });
    this.queuedGauge = new Gauge({
      name: N.NOTIFICATIONS_QUEUED,
      help: `Notifications waiting in the outbox to be sent, by channel. ${REFRESH}`,
      labelNames: ["channel"],
      registers,
    });
    this.alertEventCounter = new Counter({
      name: N.ALERT_EVENTS,
      help: "Alert events produced by the health diff, by type (firing, resolved, reminder).",
      labelNames: ["type"],
      registers,
    });
    this.lifecycleCounter = new Counter({
      name: N.LIFECYCLE_EVENTS,
      help: "Connection lifecycle changes seen between poll cycles (added, removed, paused, resumed, ...), by kind.",
      labelNames: ["kind"],
      registers,
    });
    this.saveFailures = new Counter({ name: N.STATE_SAVE_FAILURES, help: "Failed writes of the state file.", registers });

    this.heldGauge = new Gauge({
      name: N.ALERT_HELD,
      help: "Firing alert held back from the channels (always 1), by why: inhibited, silenced or muted. It is sent when nothing holds it.",
      labelNames: ["connection_id", "condition", "reason"],
      registers,
    });
    this.groupInfo = new Gauge({
      name: N.GROUP_INFO,
      help: "Fivetran group (the destination) with its name (always 1); read at start, for new groups and hourly.",
      labelNames: ["group_id", "group_name"],
      registers,
    });

    for (const outcome of ["success", "failure"]) this.cycles.inc({ outcome }, 0);
    for (const type of ALERT_EVENT_TYPES) this.alertEventCounter.inc({ type }, 0);
    for (const kind of LIFECYCLE_KINDS) this.lifecycleCounter.inc({ kind }, 0);
  }

  /** Makes the state after a successful cycle the source of the per-connection families (kept by reference; read at scrape time). */
  publish(health: HealthState): void {
    this.view = { connections: health.connections, alerts: health.alerts };
    this.connections.set(health.connections.size);
    if (health.last_success_at !== null) {
      const seconds = health.last_success_at / 1000;
      if (this.lastSuccessSeconds === null || seconds > this.lastSuccessSeconds) this.lastSuccessSeconds = seconds;
    }
  }

  /** Creates the zero series of `syncwatch_notifications_total` and `syncwatch_notifications_queued` for the configured channels. */
  channels(names: readonly string[]): void {
    for (const channel of names) {
      for (const outcome of ["sent", "failed"]) this.notifications.inc({ channel, outcome }, 0);
      if (!this.queuedChannels.has(channel)) {
        this.queuedChannels.add(channel);
        this.queuedGauge.set({ channel }, 0);
      }
    }
  }

  /** Counts one call to the Fivetran API (`code` is the HTTP status or `error`). */
  apiRequest(endpoint: string, code: string | number): void {
    this.apiRequests.inc({ endpoint, code: String(code) });
  }

  /** Records the last `X-Rate-Limit-Remaining` Fivetran sent. */
  rateLimitRemaining(n: number): void {
    this.rateLimit = n;
  }

  /** Records one cycle (the `syncwatch_poll*` families): its duration, its outcome and, on success, when it ended (epoch ms, default now). */
  cycle(outcome: "success" | "failure", seconds: number, endMs?: number): void {
    this.cycleDuration.observe(seconds);
    this.cycles.inc({ outcome });
    if (outcome === "success") this.lastSuccessSeconds = (endMs ?? this.now()) / 1000;
  }

  /** Counts one notification send attempt. */
  notification(channel: string, outcome: "sent" | "failed"): void {
    this.notifications.inc({ channel, outcome });
  }

  /** Counts one scheduled cycle skipped because another was running. */
  cycleSkipped(): void {
    this.cyclesSkipped.inc();
  }

  /** Counts the alert events of one cycle by type. */
  alertEvents(events: readonly { type: string }[]): void {
    for (const ev of events) this.alertEventCounter.inc({ type: ev.type });
  }

  /** Replaces the `syncwatch_alert_held` series with these held firing alerts. */
  held(series: readonly { connection_id: string; condition: string; reason: string }[]): void {
    this.heldGauge.reset();
    for (const h of series) this.heldGauge.set({ connection_id: h.connection_id, condition: h.condition, reason: h.reason }, 1);
  }

  /** Replaces the `fivetran_group_info` series with these group names. */
  groups(names: ReadonlyMap<string, string>): void {
    this.groupInfo.reset();
    for (const [group_id, group_name] of names) this.groupInfo.set({ group_id, group_name }, 1);
  }

  /** Counts one connection lifecycle change. */
  lifecycle(kind: string): void {
    this.lifecycleCounter.inc({ kind });
  }

  /** Counts notifications given up on. */
  notificationDropped(channel: string, reason: string, count: number): void {
    if (count > 0) this.dropped.inc({ channel, reason }, count);
  }

  /** Sets the outbox size per channel; a channel seen before and missing here is set to 0. */
  queued(byChannel: Partial<Record<string, number>>): void {
    for (const channel of Object.keys(byChannel)) this.queuedChannels.add(channel);
    for (const channel of this.queuedChannels) this.queuedGauge.set({ channel }, byChannel[channel] ?? 0);
  }

  /** Adds `n` listing items that could not be read. */
  itemsRejected(n: number): void {
    if (n > 0) this.rejected.inc(n);
  }

  /** Counts one timestamp field that did not parse. */
  fieldUnreadable(field: string): void {
    this.fieldsUnreadable.inc({ field });
  }

  /** Counts one failed write of the state file. */
  stateSaveFailed(): void {
    this.saveFailures.inc();
  }

  /** The whole exposition: prom-client's metrics, the optional scalar gauges, then the per-connection families. */
  async render(): Promise<string> {
    let text = "";
    for await (const piece of this.renderStream()) text += piece;
    return text;
  }

  /**
   * The exposition piece by piece, each ending in a line feed: prom-client's metrics, the scalar gauges, then the
   * per-connection families a block at a time (see `connectionFamilies`). The HTTP server writes each piece before
   * asking for the next, so memory stays bounded by a block whatever the account's size.
   */
  async *renderStream(): AsyncGenerator<string> {
    const base = (await this.registry.metrics()).replace(RENAME_PATTERN, (_m, prefix: string | undefined, name: string) => {
      return `${prefix ?? ""}${N.RENAMED_DEFAULT_METRICS[name] ?? name}`;
    });
    yield base.endsWith("\n") || base === "" ? base : `${base}\n`;
    yield this.scalars();
    yield* connectionFamilies(this.view ?? EMPTY_VIEW, this.build);
  }

  /** Gauges that stay absent until a value is known (0 would be a wrong answer). */
  private scalars(): string {
    let text = familyHeader(
      N.LAST_SUCCESSFUL_POLL,
      "End of the last successful poll cycle, in seconds since the epoch (absent until one succeeded).",
      "gauge",
    );
    if (this.lastSuccessSeconds !== null) text += `${N.LAST_SUCCESSFUL_POLL} ${formatValue(this.lastSuccessSeconds)}\n`;
    text += familyHeader(
      N.API_RATE_LIMIT_REMAINING,
      "The last X-Rate-Limit-Remaining value Fivetran sent (absent until one was seen).",
      "gauge",
    );
    if (this.rateLimit !== null) text += `${N.API_RATE_LIMIT_REMAINING} ${formatValue(this.rateLimit)}\n`;
    if (this.heap) {
      text += familyHeader(
        N.HEAP_LIVE,
        "V8 heap in use right after the last full garbage collection (absent until one ran): what the process keeps. RSS and the used heap also count garbage awaiting collection; growth of this one means a leak.",
        "gauge",
      );
      const bytes = liveHeapBytes();
      if (bytes !== null) text += `${N.HEAP_LIVE} ${formatValue(bytes)}\n`;
    }
    return text;
  }
}
