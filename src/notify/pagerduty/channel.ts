// The PagerDuty channel's registry entry: `channels.pagerduty`, PAGERDUTY_ROUTING_KEY / PAGERDUTY_URL, its notifier.
import * as z from "zod";
import { httpUrl, matcherSchema } from "../../config/fields.js";
import { MASKED } from "../../config/mask.js";
import type { ChannelDescriptor } from "../channel.js";
import { PagerDutyNotifier } from "./pagerduty.js";

/** `channels.pagerduty` in the config file. */
export const pagerdutyConfigSchema = z.strictObject({
  /** The integration key of an Events API v2 integration on a PagerDuty service. */
  routing_key: z.string().min(1),
  /** The Events API v2 endpoint (for proxies and tests). */
  url: httpUrl.default("https://events.pagerduty.com/v2/enqueue"),
  /**
   * Alerts that no route matches reach PagerDuty only when they match this (default: critical ones only, so
   * warnings do not page). A route that names `pagerduty` sends what it matches whatever this says.
   */
  match_unrouted: matcherSchema.default({ severity: ["critical"] }),
});

/** PagerDuty Events API v2: one incident per alert, triggered and resolved by the alert's key. */
export const pagerdutyChannel: ChannelDescriptor<"pagerduty", typeof pagerdutyConfigSchema> = {
  name: "pagerduty",
  title: "PagerDuty",
  configSchema: pagerdutyConfigSchema,
  env: [
    { variable: "PAGERDUTY_ROUTING_KEY", key: "routing_key", secret: true },
    { variable: "PAGERDUTY_URL", key: "url", secret: false },
  ],
  secrets: (c) => [c.routing_key],
  mask: (c) => ({ ...c, routing_key: MASKED }),
  unrouted: (c) => c.match_unrouted,
  create: (c, deps) => new PagerDutyNotifier({ routingKey: c.routing_key, url: c.url, timeoutMs: deps.timeoutMs, now: deps.now, logger: deps.logger }),
};
