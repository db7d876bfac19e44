// What every route handler of the simulator is given: the account, its faults and stats, and a cancellable wait.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimAccount } from "../account.js";
import type { SimFaults } from "../faults.js";
import type { Headers } from "../http.js";
import type { PageCache } from "../page-cache.js";
import type { SimStats } from "../stats.js";

/** The running simulator's parts a route uses. */
export interface SimContext {
  account: SimAccount;
  faults: SimFaults;
  stats: SimStats;
  pages: PageCache;
  /** Resolves after `ms`; cut short (never resolved) when the simulator closes. */
  wait(ms: number): Promise<void>;
}

/** One API request already authorized and within the budget; `rate` are the headers every answer carries. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rate: Headers;
}

/** Answers one request; `match` holds the path's captured parts. */
export type Route = (ctx: SimContext, r: RouteRequest, match: RegExpExecArray) => void | Promise<void>;
