// The floor of syncwatch's design for a whole `once` process: what a cycle costs that keeps one object per
// connection and saves the state file, with everything syncwatch does between left out (validation, interning,
// comparing with the last snapshot, conditions, alerts, the journal). Imported by nothing; bench/run.mjs runs it as a
// process beside `node bench/bare-fetch.mjs` and `syncwatch once`:
//
//   node bench/floor.mjs <url> first <state file>   list every page, build a snapshot and a record per connection in
//                                                   a Map, save them with syncwatch's FileStore (a first run)
//   node bench/floor.mjs <url> state <state file>   load the state file with syncwatch's FileStore, then list every
//                                                   page and parse it, nothing else (a later run)
//
// Both ask for the next page before parsing this one, as syncwatch's listing does. Prints {"ms", "items"}.
import { setImmediate } from "node:timers/promises";
import { Pool } from "undici";
import { parseIsoTime } from "../dist/fivetran/iso-time.js";
import { tailCursor } from "../dist/fivetran/source.js";
import { FileStore } from "../dist/store/file-store.js";

const [url, mode, file] = process.argv.slice(2);
if (!url || (mode !== "first" && mode !== "state") || !file) {
  process.stderr.write("usage: node bench/floor.mjs <simulator url> first|state <state file>\n");
  process.exit(2);
}

const t0 = performance.now();
const store = new FileStore({ path: file });
if (mode === "state" && (await store.load()).state === null) throw new Error(`no state in ${file}`);

const pool = new Pool(new URL(url).origin, { connections: 1 });
const auth = `Basic ${Buffer.from("bench:bench-secret").toString("base64")}`;
const page = async (cursor) => {
  const path = `/v1/connections?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const res = await pool.request({ method: "GET", path, headers: { authorization: auth, accept: "application/json;version=2" } });
  return Buffer.from(await res.body.arrayBuffer());
};
const time = (v) => (typeof v === "string" ? parseIsoTime(v) : null);
const connections = new Map();
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
  if (mode === "first") {
    for (const r of data.items) {
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
  }
  const next = data.next_cursor ?? null;
  if (next !== guess) throw new Error(`page cursor ${next} but the body ends with ${guess}`);
  if (next === null) break;
}
if (mode === "first") {
  const health = { baseline_done: true, connections, alerts: new Map(), last_success_at: Date.now() };
  await store.save({ health, outbox: null, hold_until: null, missing: [] });
}
const ms = performance.now() - t0;
await pool.close();
process.stdout.write(`${JSON.stringify({ ms, items })}\n`);
