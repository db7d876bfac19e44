// Sends one PagerDuty Events API v2 event per alert, resuming after the accepted ones when a digest is retried.
import type { Logger } from "pino";
import { NotifyError } from "../../errors.js";
import type { Clock } from "../../clock.js";
import { JsonPoster } from "../http-post.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier, SendProgress } from "../types.js";
import { pagerDutyEvent, pagerDutyTestEvent } from "./payload.js";

/** Options of the PagerDuty notifier. */
export interface PagerDutyNotifierOptions {
  routingKey: string;
  /** The Events API v2 endpoint (`https://events.pagerduty.com/v2/enqueue`). */
  url: string;
  /** Bound of one request. Default 15 s. */
  timeoutMs?: number;
  now?: Clock;
  logger?: Logger;
}

/** The PagerDuty channel: `trigger` per firing alert, `resolve` per resolved one, both keyed by the alert. */
export class PagerDutyNotifier implements Notifier {
  readonly name = "pagerduty" as const;
  private readonly opts: PagerDutyNotifierOptions;
  private readonly poster: JsonPoster;
  private readonly now: Clock;

  constructor(opts: PagerDutyNotifierOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.poster = new JsonPoster({ channel: "pagerduty", timeoutMs: opts.timeoutMs ?? 15_000, secrets: [opts.routingKey, ...urlSecrets(opts.url)], now: this.now });
  }

  /**
   * Sends the events of the alerts after `progress.alertsSent`, one by one, reporting each accepted one. An event
   * PagerDuty refuses (400) is logged and skipped, the rest still go; the send then fails as permanent, counting them.
   */
  async send(digest: Digest, signal?: AbortSignal, progress?: SendProgress): Promise<void> {
    let rejected = 0;
    let last: NotifyError | null = null;
    for (let i = Math.max(0, progress?.alertsSent ?? 0); i < digest.alerts.length; i++) {
      const alert = digest.alerts[i]!;
      const event = pagerDutyEvent(alert, this.opts.routingKey);
      const what = `send PagerDuty ${event.event_action} event`;
      try {
        await this.poster.post(this.opts.url, what, JSON.stringify(event), signal);
      } catch (err) {
        if (!(err instanceof NotifyError) || err.retryable) throw err;
        rejected++;
        last = err;
        this.opts.logger?.error({ channel: this.name, dedup_key: event.dedup_key, reason: err.reason, error: err.message }, "PagerDuty refused an event; skipped");
      }
      progress?.onAccepted(i + 1);
    }
    if (last !== null) {
      throw new NotifyError(this.name, `${last.message}; ${rejected} of ${digest.alerts.length} events refused`, {
        reason: last.reason,
        retryable: false,
        dropped: rejected,
        cause: last,
      });
    }
  }

  /** Triggers a test event (`info`), then resolves it so no incident stays open. */
  async sendTest(signal?: AbortSignal): Promise<void> {
    const trigger = pagerDutyTestEvent(this.opts.routingKey, this.now());
    await this.poster.post(this.opts.url, "send PagerDuty test event", JSON.stringify(trigger), signal);
    const resolve = { routing_key: this.opts.routingKey, event_action: "resolve", dedup_key: trigger.dedup_key };
    await this.poster.post(this.opts.url, "resolve PagerDuty test event", JSON.stringify(resolve), signal);
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.poster.close();
  }
}
