// The Slack channel's registry entry: `channels.slack`, SLACK_WEBHOOK_URL, and how its notifier is built.
import * as z from "zod";
import { httpUrl, positiveInt } from "../../config/fields.js";
import { maskUrl } from "../../config/mask.js";
import type { ChannelDescriptor } from "../channel.js";
import { SlackNotifier } from "./slack.js";

/** `channels.slack` in the config file. */
export const slackConfigSchema = z.strictObject({
  webhook_url: httpUrl,
  /** Alerts listed in one message; the rest are summarised as "and N more". */
  max_alerts: positiveInt.max(45).default(40),
  username: z.string().optional(),
  icon_emoji: z.string().optional(),
});

/** Slack incoming webhook, Block Kit messages. */
export const slackChannel: ChannelDescriptor<"slack", typeof slackConfigSchema> = {
  name: "slack",
  title: "Slack",
  configSchema: slackConfigSchema,
  env: [{ variable: "SLACK_WEBHOOK_URL", key: "webhook_url", secret: true }],
  secrets: (c) => [c.webhook_url],
  mask: (c) => ({ ...c, webhook_url: maskUrl(c.webhook_url) }),
  create: (c, deps) =>
    new SlackNotifier({
      webhookUrl: c.webhook_url,
      maxAlerts: c.max_alerts,
      username: c.username,
      iconEmoji: c.icon_emoji,
      timeoutMs: deps.timeoutMs,
      logger: deps.logger,
      now: deps.now,
      sleep: deps.sleep,
    }),
};
