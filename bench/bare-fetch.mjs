// The benchmark's floor: every page of /v1/connections fetched with undici and parsed with JSON.parse, nothing
// else. Imported by bench/run.mjs; run directly (`node bench/bare-fetch.mjs <url>`) it is the whole-process floor.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Pool } from "undici";

/** Fetches and parses every page of the account at `url` (the bench credentials) and returns the time it took. */
export async function bareFetch(url) {
  const pool = new Pool(new URL(url).origin, { connections: 1 });
  const auth = `Basic ${Buffer.from("bench:bench-secret").toString("base64")}`;
  const t0 = performance.now();
  let cursor = null;
  let pages = 0;
  let items = 0;
  do {
    const path = `/v1/connections?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await pool.request({ method: "GET", path, headers: { authorization: auth, accept: "application/json;version=2" } });
    const body = JSON.parse(await res.body.text());
    items += body.data.items.length;
    cursor = body.data.next_cursor ?? body.data.nextCursor ?? null;
    pages++;
  } while (cursor);
  const ms = performance.now() - t0;
  await pool.close();
  return { ms, pages, items };
}

const direct = process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
if (direct) {
  const url = process.argv[2];
  if (!url) {
    process.stderr.write("usage: node bench/bare-fetch.mjs <simulator url>\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await bareFetch(url))}\n`);
}
