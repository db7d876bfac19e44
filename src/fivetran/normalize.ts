// Turns one raw Fivetran connection (or legacy connector) item into a ConnectionSnapshot, or says why it cannot.
import { NO_NOTICES, type ConnectionSnapshot, type Notice } from "../health/model.js";
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

/** Told of a timestamp string that does not parse (`"null"`, `"n/a"`): the field and the text as it came. */
export type OnUnreadableField = (field: string, value: string) => void;

/**
 * ISO-8601 → epoch ms. An empty string counts as absent (it is a string, just an empty one); a string that does not
 * parse reads as null too (real payloads carry `"failed_at": "null"`) and is reported; a non-string rejects the item.
 */
function time(v: unknown, path: string, onUnreadable: OnUnreadableField | null): number | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw new Reject(`${path} is not a string`);
  const ms = parseIsoTime(v);
  if (Number.isNaN(ms)) {
    onUnreadable?.(path, v);
    return null;
  }
  return ms;
}

function notices(v: unknown, path: string, prev: readonly Notice[] | undefined): Notice[] {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return NO_NOTICES;
  if (!Array.isArray(v)) throw new Reject(`${path} is not an array`);
  let out: Notice[] | null = null;
  let kept = 0;
  for (let i = 0; i < v.length; i++) {
    const n: unknown = v[i];
    if (!isObject(n)) throw new Reject(`${path}[${i}] is not an object`);
    const code = typeof n.code === "string" ? n.code : str(n.code, `${path}[${i}].code`);
    const message = typeof n.message === "string" ? n.message : str(n.message, `${path}[${i}].message`);
    // A notice with no code cannot be told apart from another one: dropped.
    if (code === null || code === "") continue;
    // While the list matches the previous one, nothing is allocated; the first difference copies what matched.
    if (out === null) {
      const p = prev?.[kept];
      if (p !== undefined && p.code === code && p.message === message) {
        kept++;
        continue;
      }
      out = prev === undefined ? [] : prev.slice(0, kept);
    }
    out.push({ code, message });
  }
  if (out !== null) return out.length === 0 ? NO_NOTICES : out;
  // Every notice matched the previous list: that list itself, or the part of it that is left.
  if (kept === 0 || prev === undefined) return NO_NOTICES;
  return kept === prev.length ? (prev as Notice[]) : prev.slice(0, kept);
}

/** The longest string value V8's JSON parser internalizes (`kMaxInternalizedStringValueLength`). */
const SHARED_BY_JSON_PARSE = 10;

/**
 * Keeps one copy of each repeated string (group ids, services, states): 100,000 snapshots then hold a few
 * hundred distinct strings instead of 700,000 copies. Bounded, so a hostile account cannot grow it forever.
 */
export class Interner {
  private readonly seen = new Map<string, string>();
  constructor(private readonly max = 100_000) {}

  /** The shared copy of `s` (or `s` itself once the table is full). */
  intern(s: string | null): string | null {
    // V8's JSON.parse already returns one shared copy of each string value of up to 10 characters ("connected",
    // "scheduled", "auto", "NORMAL"): looking those up again would cost a hash lookup each, for nothing.
    if (s === null || s.length <= SHARED_BY_JSON_PARSE) return s;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    if (this.seen.size < this.max) this.seen.set(s, s);
    return s;
  }
}

/** Why an item was rejected (with its id when it had one); `readConnection` returns it instead of a snapshot. */
export class Rejection {
  constructor(
    readonly id: string | null,
    readonly reason: string,
  ) {}
}

/**
 * Reads one raw item. `id` must be a non-empty string; a known field of the wrong type rejects the item
 * (naming the field); missing or null fields become null; unknown fields are ignored; enum values are kept as given.
 */
export function normalizeConnection(raw: unknown, interner?: Interner): NormalizeResult {
  const r = readConnection(raw, interner ?? null, undefined);
  return r instanceof Rejection ? { ok: false, id: r.id, reason: r.reason } : { ok: true, snapshot: r };
}

/** The previous value when equal (so unchanged fields share one copy), else the interned new one. */
function keep(v: string | null, prev: string | null | undefined, interner: Interner | null): string | null {
  if (v === null) return null;
  if (v === prev) return prev;
  return interner === null ? v : interner.intern(v);
}

/**
 * `normalizeConnection` for the listing's hot path: when every field equals `previous` (the connection's last
 * snapshot), returns `previous` itself and allocates nothing, so an unchanged connection costs no new objects and
 * is recognised by identity downstream (diff, metrics, state file).
 */
export function readConnection(
  raw: unknown,
  interner: Interner | null,
  previous: ConnectionSnapshot | undefined,
  onUnreadable: OnUnreadableField | null = null,
): ConnectionSnapshot | Rejection {
  if (!isObject(raw)) return new Rejection(null, "item is not an object");
  const id = raw.id;
  if (typeof id !== "string" || id === "") return new Rejection(null, "id is missing or not a non-empty string");
  const p = previous !== undefined && previous.id === id ? previous : undefined;
  try {
    const statusRaw = raw.status;
    let status: Obj | null = null;
    if (statusRaw !== undefined && statusRaw !== null) {
      if (!isObject(statusRaw)) throw new Reject("status is not an object");
      status = statusRaw;
    }
    const group_id = keep(str(raw.group_id, "group_id"), p?.group_id, interner);
    const service = keep(str(raw.service, "service"), p?.service, interner);
    const schema = keep(str(raw.schema, "schema"), p?.schema, null);
    const pausedField = bool(raw.paused, "paused");
    const setup_state = keep(status ? str(status.setup_state, "status.setup_state") : null, p?.setup_state, interner);
    const sync_state = keep(status ? str(status.sync_state, "status.sync_state") : null, p?.sync_state, interner);
    // Some payloads leave `paused` out and say it in the sync state only.
    const paused = pausedField ?? (sync_state === "paused" ? true : null);
    const update_state = keep(status ? str(status.update_state, "status.update_state") : null, p?.update_state, interner);
    const is_historical_sync = status ? bool(status.is_historical_sync, "status.is_historical_sync") : null;
    const warnings = status ? notices(status.warnings, "status.warnings", p?.warnings) : NO_NOTICES;
    const tasks = status ? notices(status.tasks, "status.tasks", p?.tasks) : NO_NOTICES;
    const succeeded_at = time(raw.succeeded_at, "succeeded_at", onUnreadable);
    const failed_at = time(raw.failed_at, "failed_at", onUnreadable);
    const created_at = time(raw.created_at, "created_at", onUnreadable);
    const sync_frequency = num(raw.sync_frequency, "sync_frequency");
    const schedule_type = keep(str(raw.schedule_type, "schedule_type"), p?.schedule_type, interner);
    const data_delay_sensitivity = keep(str(raw.data_delay_sensitivity, "data_delay_sensitivity"), p?.data_delay_sensitivity, interner);
    const data_delay_threshold = num(raw.data_delay_threshold, "data_delay_threshold");
    const rescheduled_for =
      status !== null && status.rescheduled_for !== undefined && status.rescheduled_for !== null
        ? time(status.rescheduled_for, "status.rescheduled_for", onUnreadable)
        : time(raw.rescheduled_for, "rescheduled_for", onUnreadable);
    if (
      p !== undefined &&
      group_id === p.group_id &&
      service === p.service &&
      schema === p.schema &&
      paused === p.paused &&
      setup_state === p.setup_state &&
      sync_state === p.sync_state &&
      update_state === p.update_state &&
      is_historical_sync === p.is_historical_sync &&
      warnings === p.warnings &&
      tasks === p.tasks &&
      succeeded_at === p.succeeded_at &&
      failed_at === p.failed_at &&
      created_at === p.created_at &&
      sync_frequency === p.sync_frequency &&
      schedule_type === p.schedule_type &&
      data_delay_sensitivity === p.data_delay_sensitivity &&
      data_delay_threshold === p.data_delay_threshold &&
      rescheduled_for === p.rescheduled_for
    ) {
      return p;
    }
    return {
      id,
      group_id,
      service,
      schema,
      paused,
      setup_state,
      sync_state,
      update_state,
      is_historical_sync,
      warnings,
      tasks,
      succeeded_at,
      failed_at,
      created_at,
      sync_frequency,
      schedule_type,
      data_delay_sensitivity,
      data_delay_threshold,
      rescheduled_for,
    };
  } catch (err) {
    if (err instanceof Reject) return new Rejection(id, err.reason);
    throw err;
  }
}
