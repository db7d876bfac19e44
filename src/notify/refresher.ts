// Re-sends firing alerts on their own timer to the channels that need it (Alertmanager), between cycles too.
import type { Logger } from "pino";
import type { AlertsConfig, Matcher } from "../config/schema.js";
import type { Alert } from "../health/model.js";
import { NotifyError, errorMessage } from "../errors.js";
import type { Clock } from "../clock.js";
import type { ChannelName } from "./registry.js";
import { routeAlerts } from "./route.js";
import type { Notifier } from "./types.js";

/** What the refresher needs: the channels, the firing alerts, and the routing the cycle's digests go through. */
export interface RefresherOptions {
  notifiers: readonly Notifier[];
  /** The alerts firing now (the watcher's `firing()`). */
  firing: () => readonly Alert[];
  /** Routes and silences, applied exactly as to the cycle's digests. */
  alerts: Pick<AlertsConfig, "routes" | "silences">;
  unrouted?: ReadonlyMap<ChannelName, Matcher>;
  logger: Logger;
  now?: Clock;
  onAttempt?: (channel: ChannelName, outcome: "sent" | "failed") => void;
  /** Timer functions; tests call `tick()` instead. */
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** One timer per channel that re-sends; `start` with the daemon, `stop` on SIGTERM. */
export class Refresher {
  private readonly opts: RefresherOptions;
  private readonly now: Clock;
  private readonly handles: unknown[] = [];
  private readonly running = new Map<ChannelName, Promise<void>>();
  private readonly controller = new AbortController();

  constructor(opts: RefresherOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** The channels this refresher re-sends to. */
  get channels(): ChannelName[] {
    return this.refreshing().map((n) => n.name);
  }

  /** Re-sends once now, then every channel's interval. */
  start(): void {
    const set = this.opts.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms).unref());
    for (const notifier of this.refreshing()) {
      void this.tick(notifier.name);
      this.handles.push(set(() => void this.tick(notifier.name), notifier.refreshIntervalMs!));
    }
  }

  /** Stops the timers, aborts a re-send in flight and waits for it. */
  async stop(): Promise<void> {
    const clear = this.opts.clearInterval ?? ((h: unknown) => clearInterval(h as NodeJS.Timeout));
    for (const h of this.handles.splice(0)) clear(h);
    this.controller.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Re-sends the firing alerts routed to `channel` (every re-sending channel when omitted). A re-send still running
   * is not started twice; a failure is logged and counted, never thrown (the next tick tries again).
   */
  async tick(channel?: ChannelName): Promise<void> {
    const targets = this.refreshing().filter((n) => channel === undefined || n.name === channel);
    await Promise.all(
      targets.map((n) => {
        const busy = this.running.get(n.name);
        if (busy) return busy;
        const run = this.refreshOne(n).finally(() => this.running.delete(n.name));
        this.running.set(n.name, run);
        return run;
      }),
    );
  }

  private async refreshOne(notifier: Notifier): Promise<void> {
    if (this.controller.signal.aborted) return;
    const names = this.opts.notifiers.map((n) => n.name);
    const routed = (): readonly Alert[] =>
      routeAlerts(this.opts.firing(), this.opts.alerts.routes, this.opts.alerts.silences, this.now(), names, this.opts.unrouted).byChannel.get(notifier.name) ?? [];
    let sent = false;
    try {
      await notifier.refresh!(() => {
        const alerts = routed();
        sent = alerts.length > 0;
        return alerts;
      }, this.controller.signal);
      if (sent) this.opts.onAttempt?.(notifier.name, "sent");
    } catch (err) {
      this.opts.onAttempt?.(notifier.name, "failed");
      const reason = err instanceof NotifyError ? err.reason : "network";
      this.opts.logger.warn({ channel: notifier.name, reason, error: errorMessage(err) }, "re-send firing alerts failed; will try again");
    }
  }

  private refreshing(): Notifier[] {
    return this.opts.notifiers.filter((n) => n.refresh !== undefined && (n.refreshIntervalMs ?? 0) > 0);
  }
}
