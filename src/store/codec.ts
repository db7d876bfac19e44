// Encodes persisted state as compact JSON and decodes it with checks: the whole state (the base: connections stored
// by column), and journal entries that carry one save's changes relative to the save before (connections as tuples).
import type { AlertRecord, ConnectionRecord, ConnectionSnapshot, HealthState, Notice } from "../health/model.js";
import { alertKey, NO_NOTICES } from "../health/model.js";
import { decodeAccount, type AccountBinding } from "./account.js";
import { decodeV1Connections } from "./codec-v1.js";
import { decodeNotices, encodeNotices, recordToRow, rowToRecord, SNAPSHOT_FIELDS, type EncodedNotice } from "./fields.js";
import { STATE_FORMAT } from "./signature.js";
import { parseHistory, trimHistory } from "../health/history.js";
import type { PersistedState } from "./types.js";

/**
 * The state file format version written. Version 1 (connections as tuples) is still read; a file of any other
 * version is moved aside, not guessed at.
 */
export const STATE_VERSION = 2;

// A version 2 file stores the connections by column, in blocks of `BLOCK` connections in listing order: each block
// has one array per field. Fields with few distinct values hold indices into one `strings` table for the whole file
// (null stays null); warnings and tasks list only the connections that have some, as [index in the block, [[code,
// message], ...]]. At 100,000 connections: 11 MB instead of 18, read and decoded in about half the time (JSON.parse
// meets a small number where it met a string, and the decoded snapshots share one copy of each such string). Blocks
// keep one block's columns in memory at a time. Which field is stored how: `SNAPSHOT_FIELDS` (fields.ts).

/** Serializes the whole persisted state to one JSON string. */
export function encodeState(state: PersistedState, savedAt: number, journal: string | null = null, account: AccountBinding | null = null): string {
  return [...encodeStatePieces(state, savedAt, journal, account)].join("");
}

/** The fields stored as indices into the string table. */
type CodedSpec = Extract<(typeof SNAPSHOT_FIELDS)[number], { kind: "coded" }>;
const CODED_FIELDS: readonly CodedSpec["name"][] = SNAPSHOT_FIELDS.filter((f): f is CodedSpec => f.kind === "coded").map((f) => f.name);

/** Connections per block of a version 2 file (one piece of `encodeStatePieces`, ~120 KB). */
const BLOCK = 1000;

/**
 * Serializes the persisted state as consecutive pieces of one JSON document (the head, then one block of
 * connections at a time), encoded as they are asked for: a large account is written without ever holding its whole
 * text (11 MB at 100,000 connections), and each piece dies young. The records are taken when it starts.
 */
export function* encodeStatePieces(
  state: PersistedState,
  savedAt: number,
  journal: string | null = null,
  account: AccountBinding | null = null,
): Generator<string> {
  const h = state.health;
  const records = Array.from(h.connections.values());
  const head = JSON.stringify({
    // First: the signature (see signature.ts) that lets syncwatch tell its own file from anyone else's.
    format: STATE_FORMAT,
    version: STATE_VERSION,
    saved_at: new Date(savedAt).toISOString(),
    // The account this state watches (absent: not yet bound, a state of an earlier release).
    ...(account === null ? {} : { account }),
    // The journal whose entries continue this base (see `encodeJournalEntry`); absent: none does.
    ...(journal === null ? {} : { journal }),
    hold_until: state.hold_until,
    missing: state.missing ?? [],
    outbox: state.outbox ?? null,
    ...(state.history === undefined ? {} : { history: state.history }),
    health: { baseline_done: h.baseline_done, last_success_at: h.last_success_at, alerts: [...h.alerts.values()] },
  });
  // Reopen the health object to append the connections to it.
  yield `${head.slice(0, -2)},"connections":{"count":${records.length},"blocks":[`;
  const strings = new StringTable();
  for (let start = 0; start < records.length; start += BLOCK) {
    const block = encodeBlock(records, start, Math.min(records.length, start + BLOCK), strings);
    yield `${start === 0 ? "" : ","}${JSON.stringify(block)}`;
  }
  // Last: the table is complete only once every block has been encoded.
  yield `],"strings":${JSON.stringify(strings.list)}}}}`;
}

/** The strings of the coded fields, each once, in first-seen order (the commonest get the shortest indices). */
class StringTable {
  readonly list: string[] = [];
  private readonly indexOf = new Map<string, number>();

  code(v: string | null): number | null {
    if (v === null) return null;
    let i = this.indexOf.get(v);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(v);
      this.indexOf.set(v, i);
    }
    return i;
  }
}

/** The columns of `records[start..end)`: one array per field of `SNAPSHOT_FIELDS`, then `resumed_at`. */
function encodeBlock(records: readonly ConnectionRecord[], start: number, end: number, strings: StringTable): Record<string, unknown[]> {
  const n = end - start;
  const out: Record<string, unknown[]> = {};
  // Coded fields are interned record by record, in table order: the values of the first records (the commonest)
  // get the shortest indices.
  const coded = CODED_FIELDS.map(() => new Array<number | null>(n));
  for (let i = 0; i < n; i++) {
    const s = records[start + i]!.snapshot;
    for (let k = 0; k < CODED_FIELDS.length; k++) coded[k]![i] = strings.code(s[CODED_FIELDS[k]!]);
  }
  CODED_FIELDS.forEach((name, k) => (out[name] = coded[k]!));
  for (const { name, kind } of SNAPSHOT_FIELDS) {
    if (kind === "coded") continue;
    if (kind === "notices") {
      const some: [number, EncodedNotice[]][] = [];
      for (let i = 0; i < n; i++) {
        const list = records[start + i]!.snapshot[name];
        if (list.length > 0) some.push([i, encodeNotices(list)]);
      }
      out[name] = some;
      continue;
    }
    const column = new Array<unknown>(n);
    for (let i = 0; i < n; i++) column[i] = records[start + i]!.snapshot[name];
    out[name] = column;
  }
  const resumedAt = new Array<number | null>(n);
  for (let i = 0; i < n; i++) resumedAt[i] = records[start + i]!.resumed_at;
  out.resumed_at = resumedAt;
  return out;
}

/** The alerts one save changed: the records new or different since the save before (by identity), and those gone. */
export interface AlertChanges {
  changed: readonly AlertRecord[];
  removed: readonly AlertRecord[];
}

/**
 * One save's changes: the connection records that are new or different since the save before (by identity: the
 * health state replaces a record when anything in it changes), the ids that are gone, the alerts likewise, and the
 * rest whole (outbox, hold-back, missing ids, times: small). One line of JSON, newline-terminated.
 */
export function encodeJournalEntry(
  state: PersistedState,
  savedAt: number,
  changed: readonly ConnectionRecord[],
  removed: readonly string[],
  alerts: AlertChanges,
  historyAfter = Number.NEGATIVE_INFINITY,
): string {
  const h = state.health;
  return `${JSON.stringify({
    saved_at: new Date(savedAt).toISOString(),
    hold_until: state.hold_until,
    missing: state.missing ?? [],
    outbox: state.outbox ?? null,
    // Only the history entries after the last saved one (`seq` above `historyAfter`).
    history_added: (state.history ?? []).filter((e) => e.seq > historyAfter),
    baseline_done: h.baseline_done,
    last_success_at: h.last_success_at,
    alerts_changed: alerts.changed,
    // Keys as [connection_id, condition]: the in-memory key's separator is nobody's business on disk.
    alerts_removed: alerts.removed.map((a) => [a.connection_id, a.condition]),
    removed,
    connections: changed.map(recordToRow),
  })}\n`;
}

/**
 * Applies one journal entry (a line without its newline) to `state`, or throws without changing anything when
 * the entry is not a complete, valid one. Entries written before alert changes were journaled carry every alert
 * (`alerts`); they replace the list.
 */
export function applyJournalEntry(state: PersistedState, line: string): void {
  const e = JSON.parse(line) as unknown;
  if (!isObject(e) || !Array.isArray(e.removed) || !Array.isArray(e.connections)) throw new Error("journal: malformed entry");
  if (!e.removed.every((id) => typeof id === "string")) throw new Error("journal: malformed removed id");
  const records = e.connections.map(rowToRecord);
  const h = state.health;
  let alerts: Map<string, AlertRecord>;
  if (Array.isArray(e.alerts)) {
    alerts = decodeAlerts(e.alerts);
  } else {
    if (!Array.isArray(e.alerts_changed) || !Array.isArray(e.alerts_removed)) throw new Error("journal: malformed entry");
    const gone = e.alerts_removed.map((k) => {
      if (!Array.isArray(k) || typeof k[0] !== "string" || typeof k[1] !== "string") throw new Error("journal: malformed removed alert");
      return alertKey(k[0], k[1]);
    });
    alerts = new Map(h.alerts);
    for (const key of gone) alerts.delete(key);
    for (const [key, rec] of decodeAlerts(e.alerts_changed)) alerts.set(key, rec);
  }
  for (const id of e.removed) h.connections.delete(id);
  for (const rec of records) h.connections.set(rec.snapshot.id, rec);
  h.alerts = alerts;
  h.baseline_done = e.baseline_done === true;
  h.last_success_at = typeof e.last_success_at === "number" ? e.last_success_at : null;
  state.outbox = e.outbox ?? null;
  state.hold_until = typeof e.hold_until === "number" ? e.hold_until : null;
  state.missing = decodeMissing(e.missing);
  // Entries of earlier releases carry no history.
  if (Array.isArray(e.history_added) && e.history_added.length > 0) state.history = trimHistory([...(state.history ?? []), ...parseHistory(e.history_added)]);
}

/** Parses a state file; throws an Error saying what is wrong when it is not a usable state. */
export function decodeState(text: string): PersistedState {
  return decodeStateFile(text).state;
}

/** `decodeState`, plus the id of the journal that continues this file (null: none) and the account it records. */
export function decodeStateFile(text: string): { state: PersistedState; journal: string | null; account: AccountBinding | null } {
  if (text.trim() === "") throw new Error("file is empty");
  const doc = JSON.parse(text) as unknown;
  if (!isObject(doc)) throw new Error("not a JSON object");
  if (doc.version !== STATE_VERSION && doc.version !== 1) {
    throw new Error(`unsupported state version ${JSON.stringify(doc.version)} (this build reads 1 and ${STATE_VERSION})`);
  }
  const h = doc.health;
  if (!isObject(h)) throw new Error("health: missing");
  if (!Array.isArray(h.alerts)) throw new Error("health: alerts missing");
  const connections = doc.version === 1 ? decodeV1Connections(h) : decodeColumns(h.connections);
  const health: HealthState = {
    baseline_done: h.baseline_done === true,
    last_success_at: typeof h.last_success_at === "number" ? h.last_success_at : null,
    connections,
    alerts: decodeAlerts(h.alerts),
  };
  return {
    state: {
      health,
      outbox: doc.outbox ?? null,
      hold_until: typeof doc.hold_until === "number" ? doc.hold_until : null,
      missing: decodeMissing(doc.missing),
      // Files of earlier releases have none.
      ...(Array.isArray(doc.history) ? { history: parseHistory(doc.history) } : {}),
    },
    journal: typeof doc.journal === "string" ? doc.journal : null,
    account: decodeAccount(doc.account),
  };
}

/** The connections of a version 2 file, stored by column in blocks (see `BLOCK`). */
function decodeColumns(c: unknown): Map<string, ConnectionRecord> {
  if (!isObject(c) || typeof c.count !== "number" || !Array.isArray(c.blocks)) throw new Error("health.connections: missing");
  if (!Array.isArray(c.strings) || !c.strings.every((v) => typeof v === "string")) throw new Error("health.connections.strings: not an array of strings");
  const connections = new Map<string, ConnectionRecord>();
  let at = 0;
  c.blocks.forEach((block, b) => (at += decodeBlock(block, `health.connections.blocks[${b}]`, c.strings as string[], connections)));
  if (at !== c.count) throw new Error(`health.connections: ${at} connections where count says ${c.count}`);
  return connections;
}

/** Adds the connections of one block to `into`; returns how many it holds. */
function decodeBlock(block: unknown, where: string, strings: readonly string[], into: Map<string, ConnectionRecord>): number {
  if (!isObject(block) || !Array.isArray(block.id)) throw new Error(`${where}.id: missing`);
  const n = block.id.length;
  const column = (name: string): unknown[] => {
    const a = block[name];
    if (!Array.isArray(a) || a.length !== n) throw new Error(`${where}.${name}: not an array of ${n}`);
    return a;
  };
  // One column per field, checked as it is read; indices into `strings` become the strings themselves (a bad index
  // would make up a value).
  const columns = SNAPSHOT_FIELDS.map(({ name, kind }): unknown[] => {
    if (kind === "id") return column(name);
    if (kind === "coded") {
      return column(name).map((v, i) => {
        if (v === null) return null;
        const str = typeof v === "number" ? strings[v] : undefined;
        if (str === undefined) throw new Error(`${where}.${name}[${i}]: not an index into strings`);
        return str;
      });
    }
    if (kind === "plain") return column(name);
    const lists: Notice[][] = new Array<Notice[]>(n).fill(NO_NOTICES);
    const some = block[name];
    if (!Array.isArray(some)) throw new Error(`${where}.${name}: not an array`);
    for (const entry of some) {
      const [i, list] = Array.isArray(entry) ? (entry as unknown[]) : [];
      if (typeof i !== "number" || !(i >= 0 && i < n) || !Array.isArray(list)) throw new Error(`${where}.${name}: malformed entry`);
      lists[i] = decodeNotices(list);
    }
    return lists;
  });
  const ids = columns[0]!;
  const c = Object.fromEntries(SNAPSHOT_FIELDS.map((f, k) => [f.name, columns[k]!])) as Record<keyof ConnectionSnapshot, unknown[]>;
  const resumedAt = column("resumed_at");
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== "string" || id === "") throw new Error(`${where}.id[${i}]: not a connection id`);
    // A literal, not keyed stores from the table: the snapshot of 100,000 connections is decoded on every start, and
    // a literal keeps it as fast as before the table (the compiler checks it names every field).
    const snapshot: ConnectionSnapshot = {
      id,
      group_id: c.group_id[i] as string | null,
      service: c.service[i] as string | null,
      schema: c.schema[i] as string | null,
      paused: c.paused[i] as boolean | null,
      setup_state: c.setup_state[i] as string | null,
      sync_state: c.sync_state[i] as string | null,
      update_state: c.update_state[i] as string | null,
      is_historical_sync: c.is_historical_sync[i] as boolean | null,
      warnings: c.warnings[i] as Notice[],
      tasks: c.tasks[i] as Notice[],
      succeeded_at: c.succeeded_at[i] as number | null,
      failed_at: c.failed_at[i] as number | null,
      created_at: c.created_at[i] as number | null,
      sync_frequency: c.sync_frequency[i] as number | null,
      schedule_type: c.schedule_type[i] as string | null,
      data_delay_sensitivity: c.data_delay_sensitivity[i] as string | null,
      data_delay_threshold: c.data_delay_threshold[i] as number | null,
      rescheduled_for: c.rescheduled_for[i] as number | null,
    };
    into.set(id, { snapshot, resumed_at: resumedAt[i] as number | null });
  }
  return n;
}

function decodeAlerts(list: unknown[]): Map<string, AlertRecord> {
  const alerts = new Map<string, AlertRecord>();
  for (const a of list) {
    if (!isObject(a) || typeof a.connection_id !== "string" || typeof a.condition !== "string") {
      throw new Error("health.alerts: malformed alert");
    }
    const rec = a as unknown as AlertRecord;
    alerts.set(alertKey(rec.connection_id, rec.condition), rec);
  }
  return alerts;
}

/** The missing ids of a file or journal entry; files of earlier releases have none (nothing is then known missing). */
function decodeMissing(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((id): id is string => typeof id === "string" && id !== "") : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
