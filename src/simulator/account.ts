// A simulated Fivetran account: generated connections of realistic shape that scripts can break, fix, pause, remove...
import { applyAction } from "./actions.js";
import type { CorruptKind, SimConnection, SimError } from "./connection.js";
import { generateConnection, uniqueName } from "./generate.js";
import { pick, seededRandom } from "./random.js";
import { activeErrors, cleanItem, iso, wireItem } from "./wire.js";

const DAY = 86_400_000;
const MINUTE = 60_000;
export type { CorruptKind, SimError, SimNotice } from "./connection.js";

/** A change to one connection as the API shows it, before and after (null when it was added or removed). */
export interface SimChange {
  id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
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
  /** Told about every scripted change (the webhook pusher); empty unless someone watches. */
  private readonly watchers = new Set<(change: SimChange) => void>();

  constructor(opts: SimAccountOptions) {
    this.now = opts.now ?? Date.now;
    this.random = seededRandom(opts.seed ?? 1);
    const groupCount = Math.max(1, opts.groups);
    const t = this.now();
    for (let g = 0; g < groupCount; g++) {
      const id = uniqueName(g, "g");
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
      c.cacheJson = JSON.stringify(wireItem(c, succeeded));
    }
    return c.cacheJson;
  }

  /** One connection as the listing shows it, or undefined. */
  get(id: string): Record<string, unknown> | undefined {
    const c = this.byId.get(id);
    return c ? wireItem(c, this.succeededAt(c)) : undefined;
  }

  /** The details endpoint's view: the listing item plus setup tests and config. */
  details(id: string): Record<string, unknown> | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    const base = cleanItem(c, this.succeededAt(c));
    const setup_tests = c.setupTest
      ? [
          { title: "Host Connection", status: "PASSED", message: "" },
          { title: c.setupTest.title, status: "FAILED", message: c.setupTest.message, details: c.setupTest.message },
        ]
      : [{ title: "Host Connection", status: "PASSED", message: "" }];
    return { ...base, setup_tests, source_sync_details: {}, config: {} };
  }

  /** The errors endpoint's view of a connection (its active errors), or undefined when there is no such connection. */
  errors(id: string): ReturnType<typeof activeErrors> | undefined {
    const c = this.byId.get(id);
    return c ? activeErrors(c, this.succeededAt(c)) : undefined;
  }

  /** Sets the active error the errors endpoint shows for this connection (until `fix`). */
  setError(id: string, error: SimError): void {
    this.change(id, (c) => (c.error = error));
  }

  /** Every connection as the API would list it now (corruptions included). */
  truth(): Record<string, unknown>[] {
    return this.list.map((c) => wireItem(c, this.succeededAt(c)));
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
      c.error = null;
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
    this.tell(c, () => undefined, true);
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

  /** Calls `fn` after each scripted change (added, changed, removed); returns a function that stops it. */
  watch(fn: (change: SimChange) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** Runs one named action (the control API's way in); returns what the action returns. */
  apply(action: string, args: Record<string, unknown>): unknown {
    return applyAction(this, action, args);
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
    this.tell(c, () => {
      mutate(c);
      c.version++;
      this.revision++;
    });
  }

  /** Runs `apply` and tells the watchers what it changed about `c` (`gone`: it was removed). */
  private tell(c: SimConnection, apply: () => void, gone = false): void {
    if (this.watchers.size === 0) return apply();
    const before = cleanItem(c, this.succeededAt(c));
    apply();
    const after = gone ? null : cleanItem(c, this.succeededAt(c));
    for (const w of this.watchers) w({ id: c.id, before, after });
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
    for (const w of this.watchers) w({ id: c.id, before: null, after: cleanItem(c, this.succeededAt(c)) });
  }

  private generate(groupId: string): SimConnection {
    return generateConnection(this.random, this.now(), this.serial++, groupId);
  }
}
