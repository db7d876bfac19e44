// Generates connections of realistic shape (services, schedules, names) from a seeded random source.
import type { SimConnection } from "./connection.js";
import { pick, weighted } from "./random.js";

const SERVICES: readonly (readonly [string, number])[] = [
  ["salesforce", 8],
  ["postgres", 8],
  ["google_ads", 6],
  ["hubspot", 6],
  ["stripe", 5],
  ["netsuite", 3],
  ["shopify", 4],
  ["zendesk", 4],
  ["mysql", 5],
  ["facebook_ads", 5],
  ["google_analytics_4", 5],
  ["jira", 3],
  ["snowflake", 2],
  ["s3", 3],
  ["google_sheets", 4],
  ["workday", 1],
  ["marketo", 2],
  ["intercom", 2],
];
const FREQUENCIES: readonly (readonly [number, number])[] = [
  [5, 3],
  [15, 8],
  [30, 8],
  [60, 20],
  [120, 8],
  [180, 8],
  [360, 25],
  [720, 8],
  [1440, 12],
];
const ADJECTIVES = [
  "decisive", "rapid", "quiet", "amber", "brave", "calm", "dusty", "eager", "fancy", "gentle", "humble", "icy", "jolly",
  "keen", "lively", "mellow", "noble", "odd", "proud", "quick", "rustic", "silent", "tidy", "upbeat", "vivid", "witty",
  "young", "zesty", "bold", "crisp", "daring", "early", "fuzzy", "grand", "hazy", "ideal", "jumpy", "kind", "lunar", "merry",
];
const NOUNS = [
  "wombat", "sickle", "otter", "falcon", "maple", "harbor", "canyon", "pebble", "lantern", "meadow", "walrus", "comet",
  "badger", "cactus", "dolphin", "ember", "fjord", "glacier", "heron", "island", "jaguar", "kettle", "lagoon", "magpie",
  "nectar", "orchid", "panda", "quartz", "raven", "saddle", "tundra", "urchin", "violet", "willow", "yak", "zephyr",
  "anchor", "beacon", "cobalt", "delta",
];

const DAY = 86_400_000;
const MINUTE = 60_000;

/** A readable unique name for the `i`-th generated thing (`decisive_wombat`), prefixed when asked (`g_...`). */
export function uniqueName(i: number, prefix = ""): string {
  const a = ADJECTIVES[i % ADJECTIVES.length]!;
  const n = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]!;
  const round = Math.floor(i / (ADJECTIVES.length * NOUNS.length));
  return `${prefix ? `${prefix}_` : ""}${a}_${n}${round > 0 ? `_${round.toString(36)}` : ""}`;
}

/** A new healthy connection of group `groupId`, the `index`-th generated. */
export function generateConnection(r: () => number, now: number, index: number, groupId: string): SimConnection {
  const service = weighted(r, SERVICES);
  const manual = r() < 0.03;
  const paused = r() < 0.05;
  const freq = r() < 0.02 ? null : weighted(r, FREQUENCIES);
  const custom = r() < 0.03;
  const effFreq = freq ?? 1440;
  const created = now - Math.floor((30 + r() * 900) * DAY);
  const phase = now - Math.floor(r() * effFreq * MINUTE);
  const idle = paused || manual;
  const succeededAt = idle ? now - Math.floor(r() * 20 * DAY) : null;
  const oldFailure = r() < 0.2;
  const c: SimConnection = {
    id: uniqueName(index),
    group_id: groupId,
    service,
    schema: `${service}_${index.toString(36)}`,
    connected_by: pick(r, ["priceless_odour", "humble_tiger", "frosty_maple"]),
    created_at: created,
    paused,
    schedule_type: manual ? "manual" : "auto",
    sync_frequency: freq,
    data_delay_sensitivity: custom ? "CUSTOM" : weighted(r, [["NORMAL", 8], ["LOW", 1], ["HIGH", 1]] as const),
    data_delay_threshold: custom ? 2 * effFreq + 120 : 0,
    setup_state: "connected",
    sync_state: paused ? "paused" : r() < 0.05 ? "syncing" : "scheduled",
    update_state: "on_schedule",
    is_historical_sync: false,
    warnings: [],
    tasks: [],
    // An old failure, well before the latest success.
    failed_at: oldFailure ? now - (effFreq * MINUTE + Math.floor(r() * 30 * DAY)) - (idle ? 21 * DAY : 0) : null,
    rescheduled_for: null,
    daily_sync_time: `${String(new Date(phase).getUTCHours()).padStart(2, "0")}:00`,
    // Paused and manual connections stay live: their stored success shows until they are resumed or set to auto.
    live: true,
    phase,
    succeededAt,
    setupTest: null,
    error: null,
    corrupt: null,
    version: 0,
    cacheVersion: -1,
    cacheSucceeded: null,
    cacheJson: "",
  };
  return c;
}
