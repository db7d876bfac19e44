// A simulated Fivetran account: generated connections of realistic shape that scripts can break, fix, pause, remove...
import { pick, seededRandom, weighted } from "./random.js";

/** A warning or task as the API shows it. */
export interface SimNotice {
  code: string;
  message: string;
  details?: string;
}

/** Ways `corrupt()` makes an item unreadable or odd in listings. */
export type CorruptKind = "no_id" | "status_not_object" | "succeeded_at_number" | "nulls_everywhere" | "unknown_enums";

/** One simulated connection. `succeededAt` is only the stored value; live connections compute theirs from the clock. */
interface SimConnection {
  id: string;
  group_id: string;
  service: string;
  schema: string;
  connected_by: string;
  created_at: number;
  paused: boolean;
  schedule_type: "auto" | "manual";
  sync_frequency: number | null;
  data_delay_sensitivity: string;
  data_delay_threshold: number;
  setup_state: string;
  sync_state: string;
  update_state: string;
  is_historical_sync: boolean;
  warnings: SimNotice[];
  tasks: SimNotice[];
  failed_at: number | null;
  rescheduled_for: number | null;
  daily_sync_time: string;
  /** Syncs keep succeeding on the schedule (unless paused or manual): succeeded_at follows the clock. */
  live: boolean;
  /** Start of the sync slots of a live connection (epoch ms). */
  phase: number;
  /** succeeded_at when not live. */
  succeededAt: number | null;
  setupTest: { title: string; message: string } | null;
  corrupt: CorruptKind | null;
  /** Bumped on every change; with succeeded_at it keys the cached JSON. */
  version: number;
  cacheVersion: number;
  cacheSucceeded: number | null;
  cacheJson: string;
}

/** How to generate an account. */
export interface SimAccountOptions {
  connections: number;
  groups: number;
  seed?: number;
  /** Share of connections whose setup starts broken (0..1). */
  brokenFraction?: number;
  /** The account's clock (epoch ms); tests pass a fake one. */
  now?: () => number;
}

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

/** The simulated account: connections, groups, and the scripted changes tests and the demo make. */
export class SimAccount {
  readonly now: () => number;
  private readonly list: SimConnection[] = [];
  private readonly byId = new Map<string, SimConnection>();
  private readonly groups: { id: string; name: string; created_at: number }[] = [];
  private readonly random: () => number;
  private serial = 0;
  /** Bumped when connections are added or removed (listing order changes). */
  structureVersion = 0;
  /** Bumped on every change of any connection (added, removed, mutated): cached pages older than this are stale. */
  revision = 0;
  private readonly filtered = new Map<string, { structure: number; items: SimConnection[] }>();

  constructor(opts: SimAccountOptions) {
    this.now = opts.now ?? Date.now;
    this.random = seededRandom(opts.seed ?? 1);
    const groupCount = Math.max(1, opts.groups);
    const t = this.now();
    for (let g = 0; g < groupCount; g++) {
      const id = this.uniqueName(g, "g");
      this.groups.push({ id, name: `${pick(this.random, ["Warehouse", "Analytics", "Finance", "Marketing", "Product", "Sales"])} ${g + 1}`, created_at: t - 900 * DAY });
    }
    const fraction = Math.min(1, Math.max(0, opts.brokenFraction ?? 0));
    for (let i = 0; i < opts.connections; i++) {
      const c = this.generate(this.groups[i % groupCount]!.id);
      // Broken ones are spread evenly over the listing; each broke 1 to 48 hours ago (no random draw, so the rest of
      // the account is the same whatever the fraction).
      if (Math.floor((i + 1) * fraction) > Math.floor(i * fraction)) {
        this.breakConnection(c, { title: "Validate Login", message: "Invalid login credentials." });
        if (c.succeededAt !== null) c.succeededAt -= (((i * 7) % 48) + 1) * 3_600_000;
      }
      this.insert(c);
    }
  }

  /** Ids of the account's groups. */
  groupIds(): string[] {
    return this.groups.map((g) => g.id);
  }

  /** Ids of all connections, in listing order. */
  ids(): string[] {
    return this.list.map((c) => c.id);
  }

  /** Number of connections. */
  get size(): number {
    return this.list.length;
  }

  /** The groups as the API lists them. */
  groupItems(): { id: string; name: string; created_at: string }[] {
    return this.groups.map((g) => ({ id: g.id, name: g.name, created_at: iso(g.created_at) }));
  }

  /** Connections in listing order, optionally only one group's or one schema's. */
  connections(filter: { group_id?: string | null; schema?: string | null } = {}): readonly SimConnection[] {
    if (!filter.group_id && !filter.schema) return this.list;
    // group_id and schema never change after creation, so a filtered view stays valid until one is added or removed.
    const key = `${filter.group_id ?? ""}\u0000${filter.schema ?? ""}`;
    const hit = this.filtered.get(key);
    if (hit && hit.structure === this.structureVersion) return hit.items;
    const items = this.list.filter((c) => (!filter.group_id || c.group_id === filter.group_id) && (!filter.schema || c.schema === filter.schema));
    if (this.filtered.size > 1000) this.filtered.clear();
    this.filtered.set(key, { structure: this.structureVersion, items });
    return items;
  }

  /** When this connection's listing item next changes by itself (its next scheduled success), epoch ms; Infinity if never. */
  nextChangeAt(c: SimConnection): number {
    if (!c.live || c.paused || c.schedule_type === "manual") return Number.POSITIVE_INFINITY;
    const last = this.succeededAt(c);
    return (last ?? this.now()) + (c.sync_frequency ?? 1440) * MINUTE;
  }

  /** One listing item as JSON text (cached while nothing about it changed). */
  itemJson(c: SimConnection): string {
    const succeeded = this.succeededAt(c);
    if (c.cacheVersion !== c.version || c.cacheSucceeded !== succeeded || c.cacheJson === "") {
      c.cacheVersion = c.version;
      c.cacheSucceeded = succeeded;
      c.cacheJson = JSON.stringify(this.item(c, succeeded));
    }
    return c.cacheJson;
  }

  /** One connection as the listing shows it, or undefined. */
  get(id: string): Record<string, unknown> | undefined {
    const c = this.byId.get(id);
    return c ? this.item(c, this.succeededAt(c)) : undefined;
  }

  /** The details endpoint's view: the listing item plus setup tests and config. */
  details(id: string): Record<string, unknown> | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    const base = this.cleanItem(c, this.succeededAt(c));
    const setup_tests = c.setupTest
      ? [
          { title: "Host Connection", status: "PASSED", message: "" },
          { title: c.setupTest.title, status: "FAILED", message: c.setupTest.message, details: c.setupTest.message },
        ]
      : [{ title: "Host Connection", status: "PASSED", message: "" }];
    return { ...base, setup_tests, source_sync_details: {}, config: {} };
  }

  /** Every connection as the API would list it now (corruptions included). */
  truth(): Record<string, unknown>[] {
    return this.list.map((c) => this.item(c, this.succeededAt(c)));
  }

  /** Setup broken, with the setup test that failed (shown by the details endpoint). */
  break(id: string, test: { title?: string; message?: string } = {}): void {
    this.change(id, (c) => this.breakConnection(c, { title: test.title ?? "Validate Login", message: test.message ?? "Invalid login credentials." }));
  }

  /** Everything healthy again: connected, a success now, no warnings or tasks, on schedule. */
  fix(id: string): void {
    this.change(id, (c) => {
      c.setup_state = "connected";
      c.setupTest = null;
      c.update_state = "on_schedule";
      c.sync_state = c.paused ? "paused" : "scheduled";
      c.warnings = [];
      c.tasks = [];
      c.live = true;
      c.phase = this.now();
      c.succeededAt = this.now();
    });
  }

  /** A failed sync now; successes stop until `fix`. */
  fail(id: string): void {
    this.change(id, (c) => {
      this.freeze(c);
      c.failed_at = this.now();
    });
  }

  /** `update_state: delayed`. */
  delay(id: string): void {
    this.change(id, (c) => (c.update_state = "delayed"));
  }

  /** Last success `hours` ago, and no more until `fix`. */
  makeStale(id: string, hours: number): void {
    this.change(id, (c) => {
      c.live = false;
      c.succeededAt = this.now() - hours * 3_600_000;
    });
  }

  /** A warning with this code. */
  warn(id: string, code: string, message = code): void {
    this.change(id, (c) => (c.warnings = [...c.warnings.filter((w) => w.code !== code), { code, message, details: message }]));
  }

  /** Removes the warning with this code. */
  clearWarning(id: string, code: string): void {
    this.change(id, (c) => (c.warnings = c.warnings.filter((w) => w.code !== code)));
  }

  /** A task (the user must act) with this code. */
  addTask(id: string, code: string, message = code): void {
    this.change(id, (c) => (c.tasks = [...c.tasks.filter((w) => w.code !== code), { code, message, details: message }]));
  }

  /** Removes the task with this code. */
  clearTask(id: string, code: string): void {
    this.change(id, (c) => (c.tasks = c.tasks.filter((w) => w.code !== code)));
  }

  /** Paused: syncs stop. */
  pause(id: string): void {
    this.change(id, (c) => {
      this.freezeValue(c);
      c.paused = true;
      c.sync_state = "paused";
    });
  }

  /** Unpaused: syncs resume if they were running before. */
  resume(id: string): void {
    this.change(id, (c) => {
      c.paused = false;
      c.sync_state = "scheduled";
    });
  }

  /** `schedule_type: manual` (true) or `auto` (false). */
  setManual(id: string, manual: boolean): void {
    this.change(id, (c) => {
      this.freezeValue(c);
      c.schedule_type = manual ? "manual" : "auto";
    });
  }

  /** A historical re-sync starts (`is_historical_sync: true`). */
  resync(id: string): void {
    this.change(id, (c) => {
      c.is_historical_sync = true;
      c.sync_state = "syncing";
    });
  }

  /** Rescheduled for lack of source API quota, until `minutes` from now. */
  reschedule(id: string, minutes = 60): void {
    this.change(id, (c) => {
      c.sync_state = "rescheduled";
      c.rescheduled_for = this.now() + minutes * MINUTE;
    });
  }

  /** Deletes the connection. */
  remove(id: string): void {
    const c = this.mustGet(id);
    this.byId.delete(id);
    const i = this.list.indexOf(c);
    if (i >= 0) this.list.splice(i, 1);
    this.structureVersion++;
    this.revision++;
  }

  /** Adds a new healthy connection (fields may be given); returns its id. */
  add(partial: { group_id?: string; service?: string; schema?: string; paused?: boolean; sync_frequency?: number } = {}): string {
    const c = this.generate(partial.group_id ?? pick(this.random, this.groups).id);
    c.created_at = this.now();
    c.phase = this.now();
    c.failed_at = null;
    if (partial.service) c.service = partial.service;
    if (partial.schema) c.schema = partial.schema;
    if (partial.paused) {
      c.paused = true;
      c.sync_state = "paused";
    }
    if (partial.sync_frequency) c.sync_frequency = partial.sync_frequency;
    this.insert(c);
    return c.id;
  }

  /** Makes the item unreadable or odd in listings until `uncorrupt`. */
  corrupt(id: string, kind: CorruptKind): void {
    this.change(id, (c) => (c.corrupt = kind));
  }

  /** Undoes `corrupt`. */
  uncorrupt(id: string): void {
    this.change(id, (c) => (c.corrupt = null));
  }

  /** Runs one named action (the control API's way in); returns what the action returns. */
  apply(action: string, args: Record<string, unknown>): unknown {
    const id = typeof args.id === "string" ? args.id : "";
    const str = (k: string): string | undefined => (typeof args[k] === "string" ? (args[k]) : undefined);
    const num = (k: string): number | undefined => (typeof args[k] === "number" ? (args[k]) : undefined);
    switch (action) {
      case "break":
        return this.break(id, { title: str("title"), message: str("message") });
      case "fix":
        return this.fix(id);
      case "fail":
        return this.fail(id);
      case "delay":
        return this.delay(id);
      case "makeStale":
      case "stale":
        return this.makeStale(id, num("hours") ?? 72);
      case "warn":
        return this.warn(id, str("code") ?? "warning", str("message"));
      case "clearWarning":
        return this.clearWarning(id, str("code") ?? "");
      case "addTask":
      case "task":
        return this.addTask(id, str("code") ?? "task", str("message"));
      case "clearTask":
        return this.clearTask(id, str("code") ?? "");
      case "pause":
        return this.pause(id);
      case "resume":
        return this.resume(id);
      case "manual":
        return this.setManual(id, args.manual !== false);
      case "resync":
        return this.resync(id);
      case "reschedule":
        return this.reschedule(id, num("minutes"));
      case "remove":
        return this.remove(id);
      case "add":
        return this.add({ group_id: str("group_id"), service: str("service"), schema: str("schema"), paused: args.paused === true, sync_frequency: num("sync_frequency") });
      case "corrupt":
        return this.corrupt(id, (str("kind") ?? "status_not_object") as CorruptKind);
      case "uncorrupt":
        return this.uncorrupt(id);
      default:
        throw new Error(`unknown action "${action}"`);
    }
  }

  /** succeeded_at now (epoch ms) for a connection: computed on its schedule while live. */
  private succeededAt(c: SimConnection): number | null {
    if (!c.live || c.paused || c.schedule_type === "manual") return c.succeededAt;
    const freq = (c.sync_frequency ?? 1440) * MINUTE;
    const now = this.now();
    const since = (((now - c.phase) % freq) + freq) % freq;
    return now - since;
  }

  /** Keeps the current succeeded_at as the stored value (before syncing stops). */
  private freezeValue(c: SimConnection): void {
    c.succeededAt = this.succeededAt(c);
  }

  private freeze(c: SimConnection): void {
    this.freezeValue(c);
    c.live = false;
  }

  private breakConnection(c: SimConnection, test: { title: string; message: string }): void {
    this.freezeValue(c);
    c.setup_state = "broken";
    c.setupTest = test;
    c.live = false;
  }

  private change(id: string, mutate: (c: SimConnection) => void): void {
    const c = this.mustGet(id);
    mutate(c);
    c.version++;
    this.revision++;
  }

  private mustGet(id: string): SimConnection {
    const c = this.byId.get(id);
    if (!c) throw new Error(`no connection "${id}"`);
    return c;
  }

  private insert(c: SimConnection): void {
    this.list.push(c);
    this.byId.set(c.id, c);
    this.structureVersion++;
    this.revision++;
  }

  private uniqueName(i: number, prefix = ""): string {
    const a = ADJECTIVES[i % ADJECTIVES.length]!;
    const n = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]!;
    const round = Math.floor(i / (ADJECTIVES.length * NOUNS.length));
    return `${prefix ? `${prefix}_` : ""}${a}_${n}${round > 0 ? `_${round.toString(36)}` : ""}`;
  }

  private generate(groupId: string): SimConnection {
    const r = this.random;
    const now = this.now();
    const index = this.serial++;
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
      id: this.uniqueName(index),
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
      corrupt: null,
      version: 0,
      cacheVersion: -1,
      cacheSucceeded: null,
      cacheJson: "",
    };
    return c;
  }

  private cleanItem(c: SimConnection, succeeded: number | null): Record<string, unknown> {
    return {
      id: c.id,
      group_id: c.group_id,
      service: c.service,
      service_version: 1,
      schema: c.schema,
      connected_by: c.connected_by,
      created_at: iso(c.created_at),
      succeeded_at: succeeded === null ? null : iso(succeeded),
      failed_at: c.failed_at === null ? null : iso(c.failed_at),
      paused: c.paused,
      pause_after_trial: false,
      sync_frequency: c.sync_frequency,
      ...(c.sync_frequency === 1440 ? { daily_sync_time: c.daily_sync_time } : {}),
      schedule_type: c.schedule_type,
      data_delay_sensitivity: c.data_delay_sensitivity,
      data_delay_threshold: c.data_delay_threshold,
      networking_method: "Directly",
      status: {
        setup_state: c.setup_state,
        schema_status: "ready",
        sync_state: c.sync_state,
        update_state: c.update_state,
        is_historical_sync: c.is_historical_sync,
        tasks: c.tasks,
        warnings: c.warnings,
        rescheduled_for: c.rescheduled_for === null ? null : iso(c.rescheduled_for),
      },
    };
  }

  private item(c: SimConnection, succeeded: number | null): Record<string, unknown> {
    const item = this.cleanItem(c, succeeded);
    switch (c.corrupt) {
      case null:
        return item;
      case "no_id":
        return { ...item, id: null };
      case "status_not_object":
        return { ...item, status: "broken" };
      case "succeeded_at_number":
        return { ...item, succeeded_at: 1_700_000_000 };
      case "nulls_everywhere":
        return Object.fromEntries(Object.keys(item).map((k) => [k, k === "id" ? c.id : null]));
      case "unknown_enums":
        return {
          ...item,
          schedule_type: "quantum",
          status: { ...(item.status as object), setup_state: "reticulating", sync_state: "pondering", update_state: "sideways" },
        };
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
