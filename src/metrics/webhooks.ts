// The webhook receiver's metrics (SPEC section 4a): events, refusals, the reads they cause and the webhook's active flag.
import { Counter, Gauge, type Registry } from "prom-client";
import * as N from "./names.js";

const REJECT_REASONS = ["unsigned", "bad_signature", "malformed", "too_large", "not_found", "method"] as const;
const READ_OUTCOMES = ["read", "not_found", "skipped_budget", "unreadable", "failed"] as const;

/** What a well-signed event led to (the `outcome` label of `syncwatch_webhook_events_total`). */
export type WebhookEventOutcome = "queued" | "coalesced" | "dropped" | "duplicate" | "noted" | "ignored" | "test";

/** Counters and gauges of the webhook receiver, in the daemon's registry; created only when the receiver is on. */
export class WebhookMetrics {
  private readonly events: Counter<"event" | "outcome">;
  private readonly rejected: Counter<"reason">;
  private readonly reads: Counter<"outcome">;
  private readonly active: Gauge<"webhook_id">;
  private readonly lastEvent: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: N.WEBHOOK_EVENTS,
      help: "Well-signed Fivetran webhook events received, by event (other for names syncwatch does not know) and outcome.",
      labelNames: ["event", "outcome"],
      registers,
    });
    this.rejected = new Counter({
      name: N.WEBHOOK_REJECTED,
      help: "Requests to the webhook receiver refused and never acted on, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.reads = new Counter({
      name: N.WEBHOOK_READS,
      help: "Single-connection reads caused by webhook events, by outcome.",
      labelNames: ["outcome"],
      registers,
    });
    this.active = new Gauge({
      name: N.WEBHOOK_ACTIVE,
      help: "1 while Fivetran reports the webhook feeding syncwatch active, 0 when it is disabled. Read hourly.",
      labelNames: ["webhook_id"],
      registers,
    });
    this.lastEvent = new Gauge({
      name: N.WEBHOOK_LAST_EVENT,
      help: "When the last well-signed webhook event arrived, in seconds since the epoch.",
      registers,
    });
    for (const reason of REJECT_REASONS) this.rejected.inc({ reason }, 0);
    for (const outcome of READ_OUTCOMES) this.reads.inc({ outcome }, 0);
  }

  /** Counts one well-signed event and what it led to. */
  event(event: string, outcome: WebhookEventOutcome, nowMs: number): void {
    this.events.inc({ event, outcome });
    this.lastEvent.set(nowMs / 1000);
  }

  /** Counts one refused request. */
  reject(reason: string): void {
    this.rejected.inc({ reason });
  }

  /** Counts one single-connection read by outcome. */
  read(outcome: string): void {
    this.reads.inc({ outcome });
  }

  /** Sets each webhook's active flag; webhooks no longer listed leave no series. */
  activeFlags(flags: ReadonlyMap<string, boolean>): void {
    this.active.reset();
    for (const [id, on] of flags) this.active.set({ webhook_id: id }, on ? 1 : 0);
  }
}
