// The view the page and the API read, built on first use from what the watcher last published (once per publish).
import type { AlertsConfig } from "../config/schema.js";
import type { HistoryEntry } from "../health/history.js";
import { compileMatcher, matches } from "../health/matcher.js";
import type { Alert, ConnectionRecord } from "../health/model.js";
import { silenceExpired } from "../notify/route.js";
import { StatusView, type AlertView, type CycleInfo, type HeldReason } from "./view.js";

/** The parts of a cycle report the view shows (structurally: `CycleReport` of daemon.ts fits). */
export interface ReportLike {
  outcome: CycleInfo["outcome"];
  error: { message: string } | null;
  startedAt: number;
  connections: number;
  rejected: number;
  requests: number;
  fired: number;
  resolved: number;
  durationMs: number;
  holdUntil: number | null;
  apiBudget: number | null;
}

/** What the watcher publishes after each cycle and pushed read (structurally: `Published` of daemon.ts fits). */
export interface PublishedLike {
  readonly health: { readonly connections: ReadonlyMap<string, ConnectionRecord>; readonly last_success_at: number | null };
  readonly lastCycle: Readonly<ReportLike> | null;
  readonly firing: readonly AlertView[];
  readonly history: readonly HistoryEntry[];
}

/** What does not change between publishes. */
export interface StatusViewsOptions {
  /** The watcher's last published value, or null while its state is not loaded yet. */
  published: () => PublishedLike | null;
  /** When this process started. */
  startedAt: number;
  silences: AlertsConfig["silences"];
  now?: () => number;
  /** Group names by id, where known. */
  groupNames?: () => ReadonlyMap<string, string>;
}

/** The view of the watcher's last published value, built once per publish, on the first request that needs it. */
export class StatusViews {
  private readonly opts: StatusViewsOptions;
  private readonly now: () => number;
  private builtFrom: PublishedLike | null = null;
  private built: StatusView | null = null;

  constructor(opts: StatusViewsOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** The current view, or null before the state is loaded. */
  view(): StatusView | null {
    const p = this.opts.published();
    if (p === null) return null;
    if (p !== this.builtFrom || this.built === null) {
      const at = this.now();
      const c = p.lastCycle;
      this.built = new StatusView({
        at,
        started_at: this.opts.startedAt,
        health: p.health,
        firing: p.firing,
        history: p.history,
        cycle: c === null ? null : cycleInfo(c),
        rate_limit_remaining: c?.apiBudget ?? null,
        held: silencedAt(this.opts.silences, at),
        group_names: this.opts.groupNames?.(),
      });
      this.builtFrom = p;
    }
    return this.built;
  }
}

function cycleInfo(c: Readonly<ReportLike>): CycleInfo {
  return {
    started_at: c.startedAt,
    duration_ms: c.durationMs,
    outcome: c.outcome,
    error: c.error?.message ?? null,
    connections: c.connections,
    requests: c.requests,
    rejected: c.rejected,
    fired: c.fired,
    resolved: c.resolved,
    hold_until: c.holdUntil,
  };
}

/** `silenced` for alerts a silence in force at `now` matches (the same test the notification route applies). */
export function silencedAt(silences: AlertsConfig["silences"], now: number): (a: Alert) => HeldReason | null {
  const active = silences.filter((s) => !silenceExpired(s.until, now)).map((s) => compileMatcher(s.match));
  if (active.length === 0) return () => null;
  return (a) => (active.some((m) => matches(m, a)) ? "silenced" : null);
}
