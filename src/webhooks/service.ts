// The push input of the daemon: receiver → coalescer → judge, plus the hourly check of the webhook's active flag.
import type { Logger } from "pino";
import type { WebhooksConfig } from "../config/schema.js";
import type { FivetranWebhook } from "../fivetran/webhooks.js";
import { ReadCoalescer, type ReadOutcome, type Schedule } from "./coalescer.js";
import { RecentDeliveries } from "./dedup.js";
import { actionOf, eventLabel, type WebhookEvent } from "./event.js";
import { activeFlags } from "./install.js";
import { WEBHOOK_PATH, startWebhookReceiver, type RejectReason } from "./receiver.js";

const FIRST_ACTIVE_CHECK_MS = 60_000;

/** The metrics the push input feeds (`WebhookMetrics`). */
export interface PushMetrics {
  event(event: string, outcome: "queued" | "coalesced" | "dropped" | "duplicate" | "noted" | "ignored" | "test", nowMs: number): void;
  reject(reason: RejectReason): void;
  read(outcome: ReadOutcome<unknown>["kind"]): void;
  activeFlags(flags: ReadonlyMap<string, boolean>): void;
}

/** What the push input needs; the run command builds the concrete parts. */
export interface PushInputDeps<S> {
  config: WebhooksConfig & { secret: string };
  /** Reads one connection (`FivetranSource.connection`). */
  read: (id: string, signal: AbortSignal) => Promise<ReadOutcome<S>>;
  /** Judges freshly read snapshots through the watcher's rules, outbox and state, serialized with its cycles. */
  judge: (snapshots: S[]) => Promise<void>;
  metrics: PushMetrics;
  logger: Logger;
  /** Lists the account's webhooks, for the active check (none when absent or `active_check_minutes` is 0). */
  listWebhooks?: () => Promise<FivetranWebhook[]>;
  now?: () => number;
  schedule?: Schedule;
}

/** A running push input. */
export interface PushInput {
  /** The receiver's local URL, path included. */
  url: string;
  port: number;
  /** Resolves when every window started so far is read and judged (tests, bench). */
  idle(): Promise<void>;
  /** Reads the webhooks' `active` flags now (the hourly timer calls it). */
  checkActive(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the receiver and its coalescer (and the hourly active check); resolves once it listens. */
export async function startPushInput<S>(deps: PushInputDeps<S>): Promise<PushInput> {
  const { config, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const coalescer = new ReadCoalescer<S>({
    windowMs: config.window_ms,
    concurrency: config.concurrency,
    maxPending: config.max_pending,
    read: deps.read,
    judge: deps.judge,
    schedule: deps.schedule,
    onRead: (id, outcome) => {
      metrics.read(outcome.kind);
      if (outcome.kind === "read") logger.debug({ connection_id: id }, `read connection ${id} after a webhook event`);
      else if (outcome.kind === "not_found") logger.info({ connection_id: id }, `read connection ${id}: not found; the next listing decides whether it is gone`);
      else if (outcome.kind === "skipped_budget") logger.warn({ connection_id: id }, `read connection ${id}: skipped, API budget below the detail reserve; the next listing will see it`);
      else logger.warn({ connection_id: id, reason: outcome.kind === "unreadable" ? outcome.reason : outcome.message }, `read connection ${id} after a webhook event: ${outcome.kind}`);
    },
    onError: (err) => logger.error({ err: { message: err instanceof Error ? err.message : String(err) } }, "judge connections read after webhook events: failed"),
  });

  const onEvent = (e: WebhookEvent): void => {
    const label = eventLabel(e.event);
    const fields = { event: e.event, connection_id: e.connectionId, group_id: e.groupId, status: e.status, sync_id: e.syncId };
    switch (actionOf(e)) {
      case "test":
        metrics.event(label, "test", now());
        logger.info(fields, "webhook test event received: Fivetran can reach syncwatch");
        return;
      case "note":
        metrics.event(label, "noted", now());
        logger.info(fields, `webhook event ${e.event} for connection ${e.connectionId ?? "?"}: noted; the next listing confirms it`);
        return;
      case "ignore":
        metrics.event(label, "ignored", now());
        logger.info(fields, `webhook event ${e.event}: acknowledged, nothing to read`);
        return;
      case "read": {
        const outcome = coalescer.push(e.connectionId!);
        metrics.event(label, outcome, now());
        if (outcome === "dropped") logger.warn({ ...fields, max_pending: config.max_pending }, "webhook event dropped: too many connections waiting for a read; the next listing will see it");
        else logger.debug(fields, `webhook event ${e.event}: ${outcome}`);
      }
    }
  };

  const receiver = await startWebhookReceiver({
    host: config.host,
    port: config.port,
    secret: config.secret,
    maxBodyBytes: config.max_body_bytes,
    deliveries: new RecentDeliveries(config.dedup_minutes * 60_000, 10_000),
    onEvent,
    onDuplicate: (e) => {
      metrics.event(eventLabel(e.event), "duplicate", now());
      logger.debug({ event: e.event, connection_id: e.connectionId }, "webhook delivery repeated: acknowledged, not acted on again");
    },
    onRejected: (reason, detail) => {
      metrics.reject(reason);
      logger.warn({ reason }, `webhook request refused: ${detail}`);
    },
    now,
  });

  const checkActive = async (): Promise<void> => {
    if (!deps.listWebhooks) return;
    try {
      const flags = activeFlags(await deps.listWebhooks(), config.public_url ?? null);
      metrics.activeFlags(flags);
      if (flags.size === 0) logger.warn({ url: config.public_url ?? null }, "no Fivetran webhook posts to this receiver: run `syncwatch webhooks install`");
      for (const [id, active] of flags) {
        if (!active) logger.warn({ webhook_id: id }, `Fivetran webhook ${id} is not active: no events arrive; re-enable it (syncwatch webhooks install)`);
      }
    } catch (err) {
      logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "read the Fivetran webhooks' active flag: failed; will try again");
    }
  };
  let timer: NodeJS.Timeout | null = null;
  if (deps.listWebhooks && config.active_check_minutes > 0) {
    const every = config.active_check_minutes * 60_000;
    // The first check a minute after start: a webhook installed right after the receiver listens is not reported missing.
    timer = setTimeout(() => {
      void checkActive();
      timer = setInterval(() => void checkActive(), every);
      timer.unref();
    }, Math.min(every, FIRST_ACTIVE_CHECK_MS));
    timer.unref();
  }
  logger.info({ url: `${receiver.url}${WEBHOOK_PATH}`, window_ms: config.window_ms }, `webhook receiver listening at ${receiver.url}${WEBHOOK_PATH}`);
  return {
    url: `${receiver.url}${WEBHOOK_PATH}`,
    port: receiver.port,
    idle: () => coalescer.idle(),
    checkActive,
    close: async () => {
      if (timer) clearTimeout(timer);
      await receiver.close();
      await coalescer.close();
    },
  };
}
