// Turns one raw Fivetran connection (or legacy connector) item into a ConnectionSnapshot, or says why it cannot.
import type { ConnectionSnapshot, Notice } from "../health/model.js";
import { parseIsoTime } from "./iso-time.js";

/** The outcome of reading one item: a snapshot, or the reason it was rejected (with its id when it had one). */
export type NormalizeResult = { ok: true; snapshot: ConnectionSnapshot } | { ok: false; id: string | null; reason: string };

/** Thrown inside `normalizeConnection` to carry a rejection reason out of the field readers. */
class Reject extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown, path: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new Reject(`${path} is not a string`);
  return v;
}

function bool(v: unknown, path: string): boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "boolean") throw new Reject(`${path} is not a boolean`);
  return v;
}

function num(v: unknown, path: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Reject(`${path} is not a number`);
  return v;
}

/** ISO-8601 → epoch ms. An empty string counts as absent (it is a string, just an empty one). */
function time(v: unknown, path: string): number | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw new Reject(`${path} is not a string`);
  const ms = parseIsoTime(v);
  if (Number.isNaN(ms)) throw new Reject(`${path} is not a valid timestamp`);
  return ms;
}

/** The one empty notice list every snapshot without warnings or tasks shares (frozen: never mutated). */
const NO_NOTICES = Object.freeze([]) as unknown as Notice[];

function notices(v: unknown, path: string): Notice[] {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return NO_NOTICES;
  if (!Array.isArray(v)) throw new Reject(`${path} is not an array`);
  const out: Notice[] = [];
  for (let i = 0; i < v.length; i++) {
    const n: unknown = v[i];
    if (!isObject(n)) throw new Reject(`${path}[${i}] is not an object`);
    const code = typeof n.code === "string" ? n.code : str(n.code, `${path}[${i}].code`);
    const message = typeof n.message === "string" ? n.message : str(n.message, `${path}[${i}].message`);
    // A notice with no code cannot be told apart from another one: dropped.
    if (code === null || code === "") continue;
    out.push({ code, message });
  }
  return out.length === 0 ? NO_NOTICES : out;
}

/**
 * Keeps one copy of each repeated string (group ids, services, states): 100,000 snapshots then hold a few
 * hundred distinct strings instead of 700,000 copies. Bounded, so a hostile account cannot grow it forever.
 */
export class Interner {
  private readonly seen = new Map<string, string>();
  constructor(private readonly max = 100_000) {}

  /** The shared copy of `s` (or `s` itself once the table is full). */
  intern(s: string | null): string | null {
    if (s === null) return null;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    if (this.seen.size < this.max) this.seen.set(s, s);
    return s;
  }
}

/**
 * Reads one raw item. `id` must be a non-empty string; a known field of the wrong type rejects the item
 * (naming the field); missing or null fields become null; unknown fields are ignored; enum values are kept as given.
 */
export function normalizeConnection(raw: unknown, interner?: Interner): NormalizeResult {
  const i = interner ? (v: string | null): string | null => interner.intern(v) : (v: string | null): string | null => v;
  if (!isObject(raw)) return { ok: false, id: null, reason: "item is not an object" };
  const id = raw.id;
  if (typeof id !== "string" || id === "") return { ok: false, id: null, reason: "id is missing or not a non-empty string" };
  try {
    const statusRaw = raw.status;
    let status: Obj | null = null;
    if (statusRaw !== undefined && statusRaw !== null) {
      if (!isObject(statusRaw)) throw new Reject("status is not an object");
      status = statusRaw;
    }
    const rescheduled =
      status !== null && status.rescheduled_for !== undefined && status.rescheduled_for !== null
        ? time(status.rescheduled_for, "status.rescheduled_for")
        : time(raw.rescheduled_for, "rescheduled_for");
    const snapshot: ConnectionSnapshot = {
      id,
      group_id: i(str(raw.group_id, "group_id")),
      service: i(str(raw.service, "service")),
      schema: str(raw.schema, "schema"),
      paused: bool(raw.paused, "paused"),
      setup_state: i(status ? str(status.setup_state, "status.setup_state") : null),
      sync_state: i(status ? str(status.sync_state, "status.sync_state") : null),
      update_state: i(status ? str(status.update_state, "status.update_state") : null),
      is_historical_sync: status ? bool(status.is_historical_sync, "status.is_historical_sync") : null,
      warnings: status ? notices(status.warnings, "status.warnings") : NO_NOTICES,
      tasks: status ? notices(status.tasks, "status.tasks") : NO_NOTICES,
      succeeded_at: time(raw.succeeded_at, "succeeded_at"),
      failed_at: time(raw.failed_at, "failed_at"),
      created_at: time(raw.created_at, "created_at"),
      sync_frequency: num(raw.sync_frequency, "sync_frequency"),
      schedule_type: i(str(raw.schedule_type, "schedule_type")),
      data_delay_sensitivity: i(str(raw.data_delay_sensitivity, "data_delay_sensitivity")),
      data_delay_threshold: num(raw.data_delay_threshold, "data_delay_threshold"),
      rescheduled_for: rescheduled,
    };
    return { ok: true, snapshot };
  } catch (err) {
    if (err instanceof Reject) return { ok: false, id, reason: err.reason };
    throw err;
  }
}
