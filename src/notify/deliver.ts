// Sends the outbox: channels in parallel, each channel's digests strictly in order, with retry and backoff.
import type { Logger } from "pino";
import { NotifyError, errorMessage } from "../errors.js";
import { realSleep, type Sleep } from "../clock.js";
import { nextRetry, type RetryPolicy } from "../http/retry-policy.js";
import type { Outbox, QueuedDigest } from "./outbox.js";
import { CHANNEL_NAMES, type ChannelName } from "./registry.js";
import type { Notifier, SendProgress } from "./types.js";

/** Options of one delivery round (one per cycle). */
export interface DeliverOptions {
  /** Attempts per digest in this round, including the first; after that it stays queued for the next cycle. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Longest wait between attempts; a `Retry-After` longer than this ends the channel's round (queue kept). */
  maxDelayMs: number;
  /** Bound of one attempt. */
  timeoutMs: number;
  sleep?: Sleep;
  signal?: AbortSignal;
  logger: Logger;
  onAttempt?: (channel: ChannelName, outcome: "sent" | "failed") => void;
  /** A digest given up on: `count` is its unsent alerts; `reason` is `permanent` or `channel_removed`. */
  onDropped?: (channel: ChannelName, reason: string, count: number) => void;
  /** [0, 1) for jitter; Math.random by default. */
  random?: () => number;
}

/** Delivers what the outbox holds and returns the new outbox (what is still queued); the input is not changed. */
export async function deliver(outbox: Outbox, notifiers: readonly Notifier[], opts: DeliverOptions): Promise<Outbox> {
  const channels = CHANNEL_NAMES.filter((c) => (outbox.channels[c]?.length ?? 0) > 0);
  const results = await Promise.all(
    channels.map(async (channel) => {
      const queue = outbox.channels[channel] ?? [];
      const notifier = notifiers.find((n) => n.name === channel);
      if (notifier === undefined) {
        const count = queue.reduce((n, d) => n + d.alerts.length - d.alerts_sent, 0);
        opts.logger.error({ channel, digests: queue.length, alerts: count }, "drop queued notifications: channel no longer configured");
        opts.onDropped?.(channel, "channel_removed", count);
        return [channel, [] as QueuedDigest[]] as const;
      }
      return [channel, await deliverChannel(notifier, queue, opts)] as const;
    }),
  );
  const next: Outbox = { channels: {} };
  for (const [channel, queue] of results) if (queue.length > 0) next.channels[channel] = queue;
  return next;
}

/** Sends one channel's queue in order; returns what is left (the first unsent digest and everything after it). */
async function deliverChannel(notifier: Notifier, queue: QueuedDigest[], opts: DeliverOptions): Promise<QueuedDigest[]> {
  const channel = notifier.name;
  const sleep = opts.sleep ?? realSleep;
  const policy: RetryPolicy = { maxAttempts: opts.maxAttempts, baseDelayMs: opts.baseDelayMs, maxDelayMs: opts.maxDelayMs, random: opts.random };
  const log = opts.logger;

  for (let i = 0; i < queue.length; i++) {
    let digest = queue[i]!;
    const keep = (): QueuedDigest[] => [digest, ...queue.slice(i + 1)];
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) return keep();
      const progress: SendProgress = {
        alertsSent: digest.alerts_sent,
        onAccepted: (n) => {
          digest = { ...digest, alerts_sent: Math.min(Math.max(digest.alerts_sent, n), digest.alerts.length) };
        },
      };
      const timeout = AbortSignal.timeout(Math.max(1, opts.timeoutMs));
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      let failure: NotifyError;
      try {
        await notifier.send(digest, signal, progress);
        opts.onAttempt?.(channel, "sent");
        log.info({ channel, digest: digest.id, alerts: digest.alerts.length, attempt }, "notification sent");
        break;
      } catch (err) {
        opts.onAttempt?.(channel, "failed");
        failure =
          err instanceof NotifyError
            ? err
            : new NotifyError(channel, `send ${channel} notification: ${errorMessage(err)}`, { reason: "network", retryable: true });
      }
      const fields = { channel, digest: digest.id, attempt, reason: failure.reason, error: failure.message };
      if (opts.signal?.aborted) {
        log.warn(fields, "notification send aborted; kept for the next cycle");
        return keep();
      }
      if (!failure.retryable) {
        const count = failure.dropped ?? digest.alerts.length - digest.alerts_sent;
        log.error({ ...fields, alerts: count }, "drop notification: permanent failure");
        opts.onDropped?.(channel, "permanent", count);
        break;
      }
      const next = nextRetry(policy, attempt, failure.retryAfterMs, opts.maxDelayMs);
      if (!next.retry && next.why === "retry_after_too_long") {
        log.warn({ ...fields, retry_after_ms: failure.retryAfterMs, queued: queue.length - i }, "channel asks to wait longer than allowed; kept for the next cycle");
        return keep();
      }
      if (!next.retry) {
        log.warn({ ...fields, queued: queue.length - i }, "notification failed; kept for the next cycle");
        return keep();
      }
      const wait = next.waitMs;
      log.warn({ ...fields, retry_in_ms: wait }, "notification failed; retrying");
      try {
        await sleep(wait, opts.signal);
      } catch {
        return keep();
      }
    }
  }
  return [];
}
