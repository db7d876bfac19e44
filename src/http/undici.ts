// undici, loaded in the parts each caller needs. Its index loads every dispatcher, fetch, WebSocket, the HTTP cache
// and the mock agents: ~100 ms of every start-up, more than the rest of syncwatch, for a `once` that needs a Pool.
import { createRequire } from "node:module";
import type * as Undici from "undici";
import type { Dispatcher } from "undici";

const require = createRequire(import.meta.url);

/** Loads a module by id (Node's `require`; tests pass their own). */
export type Loader = (id: string) => unknown;

/** A connection pool and the `request` call on it: what the Fivetran client uses of undici. */
export interface PoolKit {
  Pool: typeof Undici.Pool;
  request(pool: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  /** Where they came from: undici's own files, or its index when those have moved. */
  from: "files" | "index";
}

type RequestFn = (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/**
 * undici's Pool and `request` from the two files that define them (~45 ms to load instead of ~140). undici has no
 * `exports` map, so these are plain files of the locked version; should a later version move them, the whole index
 * is loaded instead, so a move costs start-up time, never a failure.
 */
export function loadPoolKit(load: Loader = require): PoolKit {
  try {
    const Pool = load("undici/lib/dispatcher/pool.js") as typeof Undici.Pool;
    const api = load("undici/lib/api/index.js") as { request?: unknown };
    if (typeof Pool === "function" && typeof api.request === "function") {
      const request = api.request as RequestFn;
      return { Pool, request: (pool, opts) => request.call(pool, opts), from: "files" };
    }
  } catch {
    // moved or renamed: the index below has them
  }
  const u = load("undici") as typeof Undici;
  return { Pool: u.Pool, request: (pool, opts) => pool.request(opts), from: "index" };
}

/** The whole of undici, loaded on first use (the Slack and webhook channels: agents, fetch). */
export function loadUndici(): typeof Undici {
  return require("undici") as typeof Undici;
}
