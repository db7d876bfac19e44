// The simulated Fivetran REST API over node:http: auth, budget and faults in front of small route handlers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimAccount } from "./account.js";
import { control } from "./control.js";
import { SimFaults } from "./faults.js";
import { envelope } from "./http.js";
import { PageCache } from "./page-cache.js";
import { RollingHour } from "./rate-limit.js";
import type { Route, SimContext } from "./routes/context.js";
import { createRoute } from "./routes/create.js";
import { detailsRoute } from "./routes/details.js";
import { errorsRoute } from "./routes/errors.js";
import { applyFault } from "./routes/fault.js";
import { groupsRoute } from "./routes/groups.js";
import { listingRoute } from "./routes/listing.js";
import { SimStats } from "./stats.js";
import { SimPusher, type PushTarget } from "./push.js";
import { SimWebhooks, webhooksControl } from "./webhooks.js";
export { SimStats };

/** Options of `startSimulator`. */
export interface SimulatorOptions {
  account: SimAccount;
  host?: string;
  port?: number;
  apiKey: string;
  apiSecret: string;
  /** A receiver that gets signed events for every scripted change, besides the webhooks created through the API. */
  push?: { url: string; secret: string };
}

/** A running simulator. */
export interface Simulator {
  url: string;
  port: number;
  account: SimAccount;
  faults: SimFaults;
  stats: SimStats;
  /** The webhooks created through `/v1/webhooks`. */
  webhooks: SimWebhooks;
  /** Sends signed events for scripted changes to the webhooks (and `push`). */
  pusher: SimPusher;
  close(): Promise<void>;
}

/** One route: method, path pattern, whether queued listing faults apply to it, and its handler. */
interface RouteEntry {
  method: string;
  path: RegExp;
  faulty: boolean;
  handle: Route;
}

const ROUTES: readonly RouteEntry[] = [
  { method: "GET", path: /^\/v1\/connections$/, faulty: true, handle: listingRoute("next_cursor") },
  { method: "GET", path: /^\/v1\/connectors$/, faulty: true, handle: listingRoute("nextCursor") },
  { method: "GET", path: /^\/v1\/groups$/, faulty: true, handle: groupsRoute },
  { method: "GET", path: /^\/v1\/(?:connections|connectors)\/([^/]+)$/, faulty: false, handle: detailsRoute },
  { method: "GET", path: /^\/v1\/connections\/([^/]+)\/errors$/, faulty: false, handle: errorsRoute },
  { method: "POST", path: /^\/v1\/connections$/, faulty: false, handle: createRoute },
];

/** Starts the simulated API; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const { account } = opts;
  const pending = new Set<NodeJS.Timeout>();
  const ctx: SimContext = {
    account,
    faults: new SimFaults(),
    stats: new SimStats(),
    pages: new PageCache(account),
    wait: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          pending.delete(t);
          resolve();
        }, ms);
        pending.add(t);
      }),
  };
  const budget = new RollingHour();
  const webhooks = new SimWebhooks(() => account.groupIds(), account.now);
  const direct: PushTarget[] = opts.push ? [{ url: opts.push.url, secret: opts.push.secret, events: null, groupId: null }] : [];
  const pusher = new SimPusher(account, () => [...direct, ...webhooks.targets()]);

  function authorized(req: IncomingMessage): boolean {
    const cred = ctx.faults.credentials ?? { key: opts.apiKey, secret: opts.apiSecret };
    const expected = `Basic ${Buffer.from(`${cred.key}:${cred.secret}`).toString("base64")}`;
    return req.headers.authorization === expected;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim");
    const path = url.pathname;
    if (path === "/_sim/webhooks") return webhooksControl(webhooks, pusher, req, res);
    if (path.startsWith("/_sim/")) return control(ctx, req, res, path);

    const method = req.method ?? "GET";
    ctx.stats.count(endpointOf(method, path));
    if (ctx.faults.latencyMs > 0) await ctx.wait(ctx.faults.latencyMs);
    const left = budget.take(ctx.faults.rateLimitBudget);
    const rate: Record<string, string> = { "x-rate-limit-remaining": String(Math.max(0, left)) };
    if (ctx.faults.rateLimitLimitHeader) rate["x-rate-limit-limit"] = String(ctx.faults.rateLimitBudget);
    if (!authorized(req)) return envelope(res, 401, "AuthFailed", "Authentication failed: invalid API key or secret", rate);
    if (left < 0) return envelope(res, 429, "TooManyRequests", "API rate limit exceeded", { ...rate, "retry-after": String(budget.retryAfterSeconds()) });

    for (const route of ROUTES) {
      if (route.method !== method) continue;
      const match = route.path.exec(path);
      if (!match) continue;
      if (route.faulty && (await applyFault(ctx, ctx.faults.take(), res, rate))) return;
      return route.handle(ctx, { req, res, url, rate }, match);
    }
    if (path.startsWith("/v1/webhooks")) return webhooks.route(method, path, url, req, res, rate);
    return envelope(res, 404, "NotFound", `no route for ${method} ${path}`, rate);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) envelope(res, 500, "InternalServerError", err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === undefined || opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    account,
    faults: ctx.faults,
    stats: ctx.stats,
    webhooks,
    pusher,
    close: async () => {
      pusher.close();
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The endpoint label a request is counted under in the stats. */
function endpointOf(method: string, path: string): string {
  if (path === "/v1/connections") return method === "POST" ? "create" : "connections";
  if (path === "/v1/connectors") return "connectors";
  if (path === "/v1/groups") return "groups";
  if (path.startsWith("/v1/webhooks")) return "webhooks";
  if (/^\/v1\/(?:connections|connectors)\/[^/]+$/.test(path)) return "details";
  if (/^\/v1\/connections\/[^/]+\/errors$/.test(path)) return "errors";
  return "other";
}
