// The configuration schema: the one home of every key and default. Unknown keys are errors.
import * as z from "zod";
import { CHANNEL_LIST, CHANNEL_NAMES, type CHANNELS, type ChannelName } from "../notify/registry.js";
import { httpUrl, matcherSchema, nonNegInt, positiveInt } from "./fields.js";
import { INHIBIT_LABELS } from "../health/inhibit.js";
import { isTimeZone, parseTimeOfDay, parseWeekdays } from "../health/mute.js";

export { matcherSchema };

const retrySchema = z.strictObject({
  /** Attempts per request, including the first. */
  max_attempts: positiveInt.default(4),
  base_delay_ms: positiveInt.default(500),
  max_delay_ms: positiveInt.default(30_000),
});

export const fivetranSchema = z.strictObject({
  api_url: httpUrl.default("https://api.fivetran.com"),
  api_key: z.string().min(1).optional(),
  api_secret: z.string().min(1).optional(),
  /** `connections` (current) or `connectors` (legacy listing). */
  endpoint: z.enum(["connections", "connectors"]).default("connections"),
  page_size: z.number().int().min(1).max(1000).default(1000),
  /** A listing longer than this many pages ends the cycle as failed (guards against endless paging). */
  max_pages: positiveInt.default(10_000),
  request_timeout_seconds: z.number().positive().default(30),
  /** Bodies larger than this are refused rather than read into memory. */
  max_response_bytes: positiveInt.default(64 * 1024 * 1024),
  retry: retrySchema.prefault({}),
  /** The longest `Retry-After` a cycle sleeps through; a longer one ends the cycle and delays the next. */
  max_retry_wait_seconds: z.number().nonnegative().default(60),
  /**
   * `chained`: one listing of all connections (fewest calls). `groups`: list the groups, then page each
   * group concurrently (faster on high-latency accounts with few, large groups).
   */
  listing: z.enum(["chained", "groups"]).default("chained"),
  /** Only these groups, each paged on its own. Empty: the whole account. */
  group_ids: z.array(z.string().min(1)).default([]),
  group_concurrency: positiveInt.max(64).default(4),
  details: z
    .strictObject({
      /** Fetch connection details for connections that just started failing, to name the failed setup test. */
      enabled: z.boolean().default(true),
      max_per_cycle: nonNegInt.default(50),
      concurrency: positiveInt.max(32).default(4),
      /** Stop detail calls when `X-Rate-Limit-Remaining` falls below this (never above a tenth of the budget). */
      rate_limit_reserve: nonNegInt.default(1000),
    })
    .prefault({}),
  /** Calls per rolling hour the account may make (20,000; 500 on trial). Unset: guessed from the first answer. */
  rate_limit_budget: positiveInt.optional(),
});

const overrideSchema = z.strictObject({
  match: matcherSchema,
  /** A fixed stale threshold in minutes for matching connections. */
  stale_minutes: positiveInt.optional(),
  stale_factor: z.number().positive().optional(),
  stale_grace_minutes: nonNegInt.optional(),
  stale_default_minutes: positiveInt.optional(),
  fire_after: positiveInt.optional(),
  clear_after: positiveInt.optional(),
  /** Conditions not judged for matching connections (exact names, or patterns ending in `*` such as `warning:*`). */
  ignore_conditions: z.array(z.string()).optional(),
});

export const rulesSchema = z.strictObject({
  stale: z
    .strictObject({
      factor: z.number().positive().default(2),
      grace_minutes: nonNegInt.default(60),
      /** Used where `sync_frequency` is null (custom schedules). */
      default_minutes: positiveInt.default(1500),
    })
    .prefault({}),
  /** A condition fires after holding this many consecutive successful cycles... */
  fire_after: positiveInt.default(1),
  /** ...and clears after being clear for this many. */
  clear_after: positiveInt.default(1),
  /** Overrides, applied in order of precedence connection > group > service (later entries win ties). */
  overrides: z.array(overrideSchema).default([]),
  /** `watcher_blind` fires when no cycle has succeeded for this long. */
  watcher_blind_after_minutes: z.number().positive().default(15),
});

export const alertsSchema = z.strictObject({
  repeat_interval_minutes: z.number().nonnegative().default(240),
  send_resolved: z.boolean().default(true),
  /**
   * Routes, first match wins unless `continue` is true. Alerts matching no route go to every
   * configured channel. A route with `channels: []` drops what it matches.
   */
  routes: z
    .array(
      z.strictObject({
        match: matcherSchema,
        channels: z.array(z.enum(CHANNEL_NAMES as [ChannelName, ...ChannelName[]])),
        continue: z.boolean().default(false),
      }),
    )
    .default([]),
  silences: z
    .array(
      z.strictObject({
        match: matcherSchema,
        /** ISO-8601; the silence ends then. Omitted: until removed from config. */
        until: z.iso.datetime({ offset: true }).optional(),
        comment: z.string().optional(),
      }),
    )
    .default([]),
  /**
   * While a firing alert matches a rule's `source`, firing alerts matching its `target` with the same `equal` labels
   * are held back (still judged and exported). Default: `setup_broken` holds `sync_failed`, `stale` and
   * `update_delayed` of the same connection. `[]` turns inhibition off.
   */
  inhibit_rules: z
    .array(
      z.strictObject({
        source: matcherSchema,
        target: matcherSchema,
        equal: z.array(z.enum(INHIBIT_LABELS)).default(["connection_id"]),
      }),
    )
    .default(() => [
      { source: { condition: ["setup_broken"] }, target: { condition: ["sync_failed", "stale", "update_delayed"] }, equal: ["connection_id" as const] },
    ]),
  /** Maintenance windows: matching alerts are held back while one is open and sent at its end if they still fire. */
  mute_intervals: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** An IANA time zone name, e.g. Europe/Berlin (daylight saving time is followed). */
        time_zone: z.string().refine(isTimeZone, { error: "must be an IANA time zone name such as Europe/Berlin or UTC" }).default("UTC"),
        /** Day names or ranges: ["monday:friday"], ["sat", "sun"]. Empty: every day. */
        weekdays: z.array(z.string().refine((d) => typeof parseWeekdays(d) !== "string", { error: 'must be a day or a range of days such as "monday:friday"' })).default([]),
        /** Times of day; an end at or before the start runs past midnight (22:00–02:00). Empty: the whole day. */
        times: z
          .array(
            z.strictObject({
              start: z.string().refine((t) => parseTimeOfDay(t) !== null && t !== "24:00", { error: "must be HH:MM (00:00 to 23:59)" }),
              end: z.string().refine((t) => parseTimeOfDay(t) !== null, { error: "must be HH:MM (00:00 to 24:00)" }),
            }),
          )
          .default([]),
        match: matcherSchema,
      }),
    )
    .default([]),
  /** Where each alert says to act. */
  links: z
    .strictObject({
      /** The connection's page; `{connection_id}` is replaced. Change the host for other regions; "" turns it off. */
      connection_url: z
        .string()
        .refine((u) => u === "" || (u.includes("{connection_id}") && /^https?:\/\//.test(u)), { error: 'must be an http(s) URL containing {connection_id}, or ""' })
        .default("https://fivetran.com/dashboard/connectors/{connection_id}/status"),
      /** Runbook links, first match wins; `{condition}`, `{connection_id}`, `{group_id}` and `{service}` are replaced. */
      runbooks: z.array(z.strictObject({ match: matcherSchema, url: z.string().refine((u) => /^https?:\/\//.test(u), { error: "must be an http(s) URL" }) })).default([]),
    })
    .prefault({}),
});

/** `channels.<name>` for every channel of the registry, each optional: a channel is on when it is configured. */
type ChannelShapes = { [C in (typeof CHANNELS)[number] as C["name"]]: z.ZodOptional<C["configSchema"]> };
const channelShapes = Object.fromEntries(CHANNEL_LIST.map((c) => [c.name, c.configSchema.optional()])) as ChannelShapes;

export const channelsSchema = z.strictObject({
  ...channelShapes,
  delivery: z
    .strictObject({
      /** Attempts per digest within one cycle before it is kept for the next cycle. */
      max_attempts: positiveInt.default(3),
      base_delay_ms: positiveInt.default(1000),
      max_delay_ms: positiveInt.default(30_000),
      timeout_seconds: z.number().positive().default(15),
      /** Digests kept per channel while a channel is down; the oldest are dropped (logged, counted) past it. */
      max_queued: positiveInt.default(1000),
    })
    .prefault({}),
});

/** The Fivetran webhook receiver (SPEC section 4a): on when `secret` is set. */
export const webhooksSchema = z.strictObject({
  /** The webhook's signing secret (FIVETRAN_WEBHOOK_SECRET); the receiver is on when it is set. */
  secret: z.string().min(8, "must be at least 8 characters").optional(),
  port: z.number().int().min(0).max(65535).default(9465),
  host: z.string().default("0.0.0.0"),
  /** The https URL Fivetran posts to (ending in /webhooks/fivetran), for `webhooks install` and the hourly active check. */
  public_url: httpUrl.optional(),
  /** How long the first event of a window waits for more before the reads start. */
  window_ms: nonNegInt.max(60_000).default(1000),
  /** Single-connection reads in flight at once (they share the detail calls' rate-limit reserve). */
  concurrency: positiveInt.max(32).default(4),
  /** Connections waiting for a read; events past it are dropped (logged, counted; the listing still sees them). */
  max_pending: positiveInt.default(1000),
  max_body_bytes: positiveInt.max(1024 * 1024).default(64 * 1024),
  /** A repeated delivery (same body) within this time is acted on once. */
  dedup_minutes: z.number().positive().default(60),
  /** How often the daemon reads the webhook's `active` flag from Fivetran (0: never). */
  active_check_minutes: nonNegInt.default(60),
});

export const configSchema = z.strictObject({
  fivetran: fivetranSchema.prefault({}),
  /** node-cron expression, 5 fields or 6 with seconds. */
  schedule: z.string().default("*/5 * * * *"),
  /** Run one cycle right after start instead of waiting for the first cron tick. */
  run_on_start: z.boolean().default(true),
  state_file: z.string().min(1).default("./data/state.json"),
  server: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(9464),
      host: z.string().default("0.0.0.0"),
      /** Asks for HTTP Basic auth (user `syncwatch`) on the status page `/` and `/api/*`; unset: open. */
      ui_password: z.string().min(1).optional(),
    })
    .prefault({}),
  log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  rules: rulesSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  channels: channelsSchema.prefault({}),
  webhooks: webhooksSchema.prefault({}),
});

/** The validated, defaulted configuration. */
export type Config = z.infer<typeof configSchema>;
export type { Matcher } from "./fields.js";
export type FivetranConfig = Config["fivetran"];
export type RulesConfig = Config["rules"];
export type AlertsConfig = Config["alerts"];
export type ChannelsConfig = Config["channels"];
export type { ChannelName };
export type WebhooksConfig = Config["webhooks"];
