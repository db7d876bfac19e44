// The channel registry: one entry per channel folder; config schema, env bindings, masking and construction follow.
import type * as z from "zod";
import { alertmanagerChannel } from "./alertmanager/channel.js";
import type { ChannelDescriptor } from "./channel.js";
import { emailChannel } from "./email/channel.js";
import { pagerdutyChannel } from "./pagerduty/channel.js";
import { slackChannel } from "./slack/channel.js";
import { teamsChannel } from "./teams/channel.js";
import { webhookChannel } from "./webhook/channel.js";

/** Every channel syncwatch can send to, in the order digests are delivered and listed. Adding one: a folder and a line here. */
export const CHANNELS = [slackChannel, emailChannel, webhookChannel, alertmanagerChannel, pagerdutyChannel, teamsChannel] as const;

/** A channel's name: the key under `channels:`, a route target, a metric label. */
export type ChannelName = (typeof CHANNELS)[number]["name"];

/** Any registry entry, for code that walks the registry without caring which channel it is. */
export type AnyChannel = ChannelDescriptor<ChannelName, z.ZodType>;

/** The registry as a list of entries of any channel. */
export const CHANNEL_LIST: readonly AnyChannel[] = CHANNELS;

/** The channel names, in registry order. */
export const CHANNEL_NAMES: readonly ChannelName[] = CHANNELS.map((c) => c.name);

/** The registry entry of a channel name, or undefined for a name that is not a channel. */
export function channelByName(name: string): AnyChannel | undefined {
  return CHANNEL_LIST.find((c) => c.name === name);
}
