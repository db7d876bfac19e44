// The floor of a design for a whole `once` process: what a cycle costs that reads every page and keeps what the next
// process needs, with everything syncwatch does between left out (validation, interning, conditions, alerts, the
// journal). Imported by nothing; bench/run.mjs runs it as a process beside `node bench/bare-fetch.mjs` and
// `syncwatch once`:
//
//   node bench/floor.mjs <url> first <state file> [objects|columns]   a first run: list every page and keep each
//                                                                     connection, then save the state
//   node bench/floor.mjs <url> state <state file> [objects|columns]   a later run: load the state, then list every
//                                                                     page and parse it
//
// `objects` (the default) is syncwatch's design: a snapshot and a record per connection in a Map, saved and loaded
// with syncwatch's own FileStore; the later run compares nothing. `columns` is the design syncwatch does not have, a
// columnar core with no object per connection: each page's fields copied into typed arrays (a code into one string
// table per enum-like string, a double per time or number, a byte per flag) and the ids and schemas into arrays,
// saved as one JSON document with those arrays in base64 (temp file, fsync, rename); the later run loads them and
// compares every field of every listed item with its column. Both ask for the next page before parsing this one, as
// syncwatch's listing does. Prints {"ms", "items", "changed"} (changed: items that differ from the loaded columns).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { setImmediate } from "node:timers/promises";
import { Pool } from "undici";
import { parseIsoTime } from "../dist/fivetran/iso-time.js";
import { tailCursor } from "../dist/fivetran/source.js";
import { FileStore } from "../dist/store/file-store.js";

const [url, mode, file, design = "objects"] = process.argv.slice(2);
if (!url || (mode !== "first" && mode !== "state") || !file || (design !== "objects" && design !== "columns")) {
  process.stderr.write("usage: node bench/floor.mjs <simulator url> first|state <state file> [objects|columns]\n");
  process.exit(2);
}

const t0 = performance.now();
const take = design === "objects" ? objectsDesign() : columnsDesign();
await take.load?.();

const pool = new Pool(new URL(url).origin, { connections: 1 });
const auth = `Basic ${Buffer.from("bench:bench-secret").toString("base64")}`;
const page = async (cursor) => {
  const path = `/v1/connections?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const res = await pool.request({ method: "GET", path, headers: { authorization: auth, accept: "application/json;version=2" } });
  return Buffer.from(await res.body.arrayBuffer());
};
let items = 0;
let pending = page(null);
for (;;) {
  const buf = await pending;
  const guess = tailCursor(buf);
  if (guess !== null) {
    pending = page(guess);
    await setImmediate();
  }
  const data = JSON.parse(buf.toString("utf8")).data;
  items += data.items.length;
  take.page(data.items);
  const next = data.next_cursor ?? null;
  if (next !== guess) throw new Error(`page cursor ${next} but the body ends with ${guess}`);
  if (next === null) break;
}
if (mode === "first") await take.save();
const ms = performance.now() - t0;
await pool.close();
process.stdout.write(`${JSON.stringify({ ms, items, changed: take.changed ?? 0 })}\n`);

/** syncwatch's design: a snapshot and a record per connection in a Map, syncwatch's FileStore. */
function objectsDesign() {
  const store = new FileStore({ path: file });
  const connections = new Map();
  const time = (v) => (typeof v === "string" ? parseIsoTime(v) : null);
  return {
    async load() {
      if (mode === "state" && (await store.load()).state === null) throw new Error(`no state in ${file}`);
    },
    page(list) {
      if (mode !== "first") return;
      for (const r of list) {
        const s = r.status ?? {};
        const snapshot = {
          id: r.id,
          group_id: r.group_id ?? null,
          service: r.service ?? null,
          schema: r.schema ?? null,
          paused: r.paused ?? null,
          setup_state: s.setup_state ?? null,
          sync_state: s.sync_state ?? null,
          update_state: s.update_state ?? null,
          is_historical_sync: s.is_historical_sync ?? null,
          warnings: s.warnings ?? [],
          tasks: s.tasks ?? [],
          succeeded_at: time(r.succeeded_at),
          failed_at: time(r.failed_at),
          created_at: time(r.created_at),
          sync_frequency: r.sync_frequency ?? null,
          schedule_type: r.schedule_type ?? null,
          data_delay_sensitivity: r.data_delay_sensitivity ?? null,
          data_delay_threshold: r.data_delay_threshold ?? null,
          rescheduled_for: time(s.rescheduled_for),
        };
        connections.set(r.id, { snapshot, resumed_at: null });
      }
    },
    async save() {
      const health = { baseline_done: true, connections, alerts: new Map(), last_success_at: Date.now() };
      await store.save({ health, outbox: null, hold_until: null, missing: [] });
    },
  };
}

/** A columnar core: typed arrays per page, no object per connection; compared field by field on a later run. */
function columnsDesign() {
  const NONE = 0xffffffff;
  // Per page of n items: 7 codes (group_id, service, setup_state, sync_state, update_state, schedule_type,
  // data_delay_sensitivity), 6 doubles (succeeded_at, failed_at, created_at, rescheduled_for, sync_frequency,
  // data_delay_threshold; NaN for none), 2 flags (paused, is_historical_sync; 2 for none), each column n long.
  const CODES = 7;
  const NUMBERS = 6;
  const FLAGS = 2;
  const strings = [];
  const codeOf = new Map();
  const code = (v) => {
    if (typeof v !== "string") return NONE;
    let c = codeOf.get(v);
    if (c === undefined) {
      c = strings.push(v) - 1;
      codeOf.set(v, c);
    }
    return c;
  };
  const time = (v) => (typeof v === "string" ? parseIsoTime(v) : NaN);
  const num = (v) => (typeof v === "number" ? v : NaN);
  const flag = (v) => (v === true ? 1 : v === false ? 0 : 2);
  const noticesOf = (s) => (s.warnings?.length || s.tasks?.length ? JSON.stringify([s.warnings ?? [], s.tasks ?? []]) : null);
  const isCode = (c, v) => (c === NONE ? typeof v !== "string" : strings[c] === v);
  const same = (a, b) => a === b || (a !== a && b !== b);
  const blocks = [];
  let loaded = null;
  let changed = 0;
  const base64 = (ta) => Buffer.from(ta.buffer, ta.byteOffset, ta.byteLength).toString("base64");
  const typed = (text, Type, n) => {
    const out = new Type(n);
    new Uint8Array(out.buffer).set(Buffer.from(text, "base64"));
    return out;
  };
  return {
    get changed() {
      return changed;
    },
    load() {
      if (mode !== "state") return;
      const doc = JSON.parse(readFileSync(file, "utf8"));
      for (const s of doc.strings) code(s);
      loaded = doc.blocks.map((b) => ({
        id: b.id,
        schema: b.schema,
        codes: typed(b.codes, Uint32Array, CODES * b.id.length),
        numbers: typed(b.numbers, Float64Array, NUMBERS * b.id.length),
        flags: typed(b.flags, Uint8Array, FLAGS * b.id.length),
        notices: new Map(b.notices),
      }));
    },
    page(list) {
      const n = list.length;
      if (mode === "first") {
        const id = new Array(n);
        const schema = new Array(n);
        const c = new Uint32Array(CODES * n);
        const x = new Float64Array(NUMBERS * n);
        const f = new Uint8Array(FLAGS * n);
        const notices = [];
        for (let i = 0; i < n; i++) {
          const r = list[i];
          const s = r.status ?? {};
          id[i] = r.id;
          schema[i] = r.schema ?? null;
          c[i] = code(r.group_id);
          c[n + i] = code(r.service);
          c[2 * n + i] = code(s.setup_state);
          c[3 * n + i] = code(s.sync_state);
          c[4 * n + i] = code(s.update_state);
          c[5 * n + i] = code(r.schedule_type);
          c[6 * n + i] = code(r.data_delay_sensitivity);
          x[i] = time(r.succeeded_at);
          x[n + i] = time(r.failed_at);
          x[2 * n + i] = time(r.created_at);
          x[3 * n + i] = time(s.rescheduled_for);
          x[4 * n + i] = num(r.sync_frequency);
          x[5 * n + i] = num(r.data_delay_threshold);
          f[i] = flag(r.paused);
          f[n + i] = flag(s.is_historical_sync);
          const k = noticesOf(s);
          if (k !== null) notices.push([i, k]);
        }
        blocks.push({ id, schema, codes: c, numbers: x, flags: f, notices });
        return;
      }
      // A later run: the page is compared with the block at the same place (the simulator keeps the order).
      const old = loaded[blocks.length];
      blocks.push(null);
      const m = old?.id.length ?? 0;
      for (let i = 0; i < n; i++) {
        const r = list[i];
        const s = r.status ?? {};
        const ok =
          i < m &&
          old.id[i] === r.id &&
          old.schema[i] === (r.schema ?? null) &&
          isCode(old.codes[i], r.group_id) &&
          isCode(old.codes[m + i], r.service) &&
          isCode(old.codes[2 * m + i], s.setup_state) &&
          isCode(old.codes[3 * m + i], s.sync_state) &&
          isCode(old.codes[4 * m + i], s.update_state) &&
          isCode(old.codes[5 * m + i], r.schedule_type) &&
          isCode(old.codes[6 * m + i], r.data_delay_sensitivity) &&
          same(old.numbers[i], time(r.succeeded_at)) &&
          same(old.numbers[m + i], time(r.failed_at)) &&
          same(old.numbers[2 * m + i], time(r.created_at)) &&
          same(old.numbers[3 * m + i], time(s.rescheduled_for)) &&
          same(old.numbers[4 * m + i], num(r.sync_frequency)) &&
          same(old.numbers[5 * m + i], num(r.data_delay_threshold)) &&
          old.flags[i] === flag(r.paused) &&
          old.flags[m + i] === flag(s.is_historical_sync) &&
          (old.notices.get(i) ?? null) === noticesOf(s);
        if (!ok) changed++;
      }
    },
    save() {
      const tmp = `${file}.tmp`;
      const fd = openSync(tmp, "w", 0o600);
      writeSync(fd, '{"blocks":[');
      blocks.forEach((b, k) => {
        const text = JSON.stringify({ id: b.id, schema: b.schema, codes: base64(b.codes), numbers: base64(b.numbers), flags: base64(b.flags), notices: b.notices });
        writeSync(fd, k === 0 ? text : `,${text}`);
      });
      writeSync(fd, `],"strings":${JSON.stringify(strings)}}`);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, file);
    },
  };
}
