// The notify module's public face: builds the configured channels and re-exports the pipeline.
import type { Logger } from "pino";
import type { ChannelsConfig } from "../config/schema.js";
import type { Clock, Sleep } from "../clock.js";
import { EmailNotifier } from "./email/email.js";
import { SlackNotifier } from "./slack/slack.js";
import type { Notifier } from "./types.js";
import { WebhookNotifier } from "./webhook/webhook.js";

export { routeAlerts, silenceExpired, type RouteResult } from "./route.js";
export { compileMatcher, conditionMatches, matches, type AlertMatcher, type CompiledMatcher } from "../health/matcher.js";
export { emptyOutbox, enqueue, parseOutbox, queuedByChannel, type Outbox, type QueuedDigest, type QueueDrop } from "./outbox.js";
export { deliver, backoffMs, type DeliverOptions } from "./deliver.js";
export type { Digest, Notifier, SendProgress } from "./types.js";

/**
 * Builds one notifier per configured channel (Slack, email, webhook), with the delivery timeout as request bound.
 * `now` and `sleep` pace Slack's one message a second (tests pass a fake clock).
 */
export function createNotifiers(channels: ChannelsConfig, opts: { logger: Logger; now?: Clock; sleep?: Sleep }): Notifier[] {
  const timeoutMs = channels.delivery.timeout_seconds * 1000;
  const out: Notifier[] = [];
  const { slack, email, webhook } = channels;
  if (slack) {
    out.push(
      new SlackNotifier({
        webhookUrl: slack.webhook_url,
        maxAlerts: slack.max_alerts,
        username: slack.username,
        iconEmoji: slack.icon_emoji,
        timeoutMs,
        logger: opts.logger,
        now: opts.now,
        sleep: opts.sleep,
      }),
    );
  }
  if (email) {
    out.push(
      new EmailNotifier({
        smtpUrl: email.smtp_url,
        from: email.from,
        to: email.to,
        subjectPrefix: email.subject_prefix,
        maxAlerts: email.max_alerts,
        timeoutMs,
        logger: opts.logger,
      }),
    );
  }
  if (webhook) {
    out.push(new WebhookNotifier({ url: webhook.url, maxAlertsPerPost: webhook.max_alerts_per_post, headers: webhook.headers, timeoutMs, logger: opts.logger }));
  }
  return out;
}
