// The JSON webhook channel's registry entry: `channels.webhook`, ALERT_WEBHOOK_URL, and how its notifier is built.
import * as z from "zod";
import { httpUrl, positiveInt } from "../../config/fields.js";
import { maskUrl, maskValues } from "../../config/mask.js";
import type { ChannelDescriptor } from "../channel.js";
import { WebhookNotifier } from "./webhook.js";

/** `channels.webhook` in the config file. */
export const webhookConfigSchema = z.strictObject({
  url: httpUrl,
  /** A cycle's alerts are split over several POSTs past this many; nothing is truncated. */
  max_alerts_per_post: positiveInt.default(1000),
  headers: z.record(z.string(), z.string()).default({}),
});

/** The generic JSON webhook of SPEC section 3. */
export const webhookChannel: ChannelDescriptor<"webhook", typeof webhookConfigSchema> = {
  name: "webhook",
  title: "Webhook",
  configSchema: webhookConfigSchema,
  env: [{ variable: "ALERT_WEBHOOK_URL", key: "url", secret: true }],
  secrets: (c) => [c.url, ...Object.values(c.headers)],
  mask: (c) => ({ ...c, url: maskUrl(c.url), headers: maskValues(c.headers) }),
  create: (c, deps) =>
    new WebhookNotifier({ url: c.url, maxAlertsPerPost: c.max_alerts_per_post, headers: c.headers, timeoutMs: deps.timeoutMs, logger: deps.logger }),
};
