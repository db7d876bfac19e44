// What a channel is to the rest of syncwatch: its config schema, environment variables, secrets and constructor.
import type { Logger } from "pino";
import type * as z from "zod";
import type { Clock, Sleep } from "../clock.js";
import type { Matcher } from "../config/fields.js";
import type { Notifier } from "./types.js";

/** One environment variable that sets a key of a channel's config (SPEC section 5). */
export interface ChannelEnv {
  variable: string;
  /** The key inside `channels.<name>`. */
  key: string;
  /** True when the value must be scrubbed from logs and masked in `check-config`. */
  secret: boolean;
  /** Turns the variable's text into the key's value (the text itself by default). */
  parse?: (text: string) => unknown;
}

/** What every channel's constructor gets besides its own config. */
export interface ChannelDeps {
  logger: Logger;
  /** Bound of one delivery attempt (`channels.delivery.timeout_seconds`). */
  timeoutMs: number;
  now?: Clock;
  sleep?: Sleep;
}

/**
 * One channel, as the registry lists it: the config schema, the environment bindings, secret handling and the
 * notifier constructor all follow from this entry (`config/` builds its schema, env bindings and masking from it).
 */
export interface ChannelDescriptor<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** The key under `channels:`, the route target and the metric label. */
  readonly name: N;
  /** How people call it ("Slack", "PagerDuty"). */
  readonly title: string;
  /** The strict zod schema of `channels.<name>`; the channel is on when this key is present. */
  readonly configSchema: S;
  readonly env: readonly ChannelEnv[];
  /** Every secret string of this channel's config, in the forms it may take on the wire (scrubbed from logs). */
  secrets(config: z.output<S>): string[];
  /** A copy of the config safe to print. */
  mask(config: z.output<S>): z.output<S>;
  /** The alerts this channel takes when no route matches them (all when absent). */
  unrouted?(config: z.output<S>): Matcher | undefined;
  /** Builds the notifier. */
  create(config: z.output<S>, deps: ChannelDeps): Notifier;
}

/** "a@x.com, b@x.com" → ["a@x.com", "b@x.com"] (empty items dropped). */
export function commaList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
