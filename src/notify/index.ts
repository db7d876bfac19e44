// The notify module's public face: builds the configured channels and re-exports the pipeline.
import type { Logger } from "pino";
import type { ChannelsConfig, Matcher } from "../config/schema.js";
import type { Clock, Sleep } from "../clock.js";
import { CHANNEL_LIST, type ChannelName } from "./registry.js";
import type { Notifier } from "./types.js";

export { routeAlerts, silenceExpired, type RouteResult } from "./route.js";
export { compileMatcher, conditionMatches, matches, type AlertMatcher, type CompiledMatcher } from "../health/matcher.js";
export { emptyOutbox, enqueue, parseOutbox, queuedByChannel, type Outbox, type QueuedDigest, type QueueDrop } from "./outbox.js";
export { deliver, type DeliverOptions } from "./deliver.js";
export { Refresher, type RefresherOptions } from "./refresher.js";
export { compileLinks, describeAlert, type AlertLinks } from "./links.js";
export { CHANNELS, CHANNEL_NAMES, channelByName, type ChannelName } from "./registry.js";
export type { Digest, Notifier, SendProgress } from "./types.js";

/**
 * Builds one notifier per configured channel, in registry order, with the delivery timeout as request bound.
 * `now` and `sleep` pace Slack's one message a second (tests pass a fake clock).
 */
export function createNotifiers(channels: ChannelsConfig, opts: { logger: Logger; now?: Clock; sleep?: Sleep }): Notifier[] {
  const deps = { logger: opts.logger, now: opts.now, sleep: opts.sleep, timeoutMs: channels.delivery.timeout_seconds * 1000 };
  const out: Notifier[] = [];
  for (const channel of CHANNEL_LIST) {
    const config: unknown = channels[channel.name];
    if (config !== undefined) out.push(channel.create(config, deps));
  }
  return out;
}

/** The matchers of configured channels that take only some of the alerts no route matches (for `routeAlerts`). */
export function unroutedMatchers(channels: ChannelsConfig): Map<ChannelName, Matcher> {
  const out = new Map<ChannelName, Matcher>();
  for (const channel of CHANNEL_LIST) {
    const config: unknown = channels[channel.name];
    const matcher = config === undefined ? undefined : channel.unrouted?.(config);
    if (matcher !== undefined) out.set(channel.name, matcher);
  }
  return out;
}
