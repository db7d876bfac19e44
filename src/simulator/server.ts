// The simulated Fivetran REST API over node:http: listings with cursor paging, details, create, groups, a control API.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimAccount } from "./account.js";
import { SimFaults, type Fault } from "./faults.js";

/** Request counts by endpoint. */
export class SimStats {
  requests: Record<string, number> = {};
  /** Listing pages served successfully. */
  pages = 0;

  /** All requests to the Fivetran endpoints (the control API not counted). */
  total(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  /** Back to zero. */
  reset(): void {
    this.requests = {};
    this.pages = 0;
  }

  count(endpoint: string): void {
    this.requests[endpoint] = (this.requests[endpoint] ?? 0) + 1;
  }
}

/** Options of `startSimulator`. */
export interface SimulatorOptions {
  account: SimAccount;
  host?: string;
  port?: number;
  apiKey: string;
  apiSecret: string;
}

/** A running simulator. */
export interface Simulator {
  url: string;
  port: number;
  account: SimAccount;
  faults: SimFaults;
  stats: SimStats;
  close(): Promise<void>;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const HOUR = 3_600_000;

/** Starts the simulated API; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const { account } = opts;
  const faults = new SimFaults();
  const stats = new SimStats();
  const calls: number[] = [];
  let callsHead = 0;
  const pending = new Set<NodeJS.Timeout>();

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t);
        resolve();
      }, ms);
      pending.add(t);
    });

  function remaining(): number {
    const now = Date.now();
    calls.push(now);
    while (callsHead < calls.length && calls[callsHead]! <= now - HOUR) callsHead++;
    if (callsHead > 10_000) {
      calls.splice(0, callsHead);
      callsHead = 0;
    }
    return Math.max(0, faults.rateLimitBudget - (calls.length - callsHead));
  }

  function authorized(req: IncomingMessage): boolean {
    const cred = faults.credentials ?? { key: opts.apiKey, secret: opts.apiSecret };
    const expected = `Basic ${Buffer.from(`${cred.key}:${cred.secret}`).toString("base64")}`;
    return req.headers.authorization === expected;
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function envelope(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    send(res, status, JSON.stringify({ code, message }), headers);
  }

  /** Applies a one-shot fault; true when it answered (or killed) the request. */
  async function applyFault(fault: Fault | undefined, res: ServerResponse, rate: Record<string, string>): Promise<boolean> {
    if (!fault) return false;
    switch (fault.kind) {
      case "status": {
        const headers: Record<string, string> = { ...rate };
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        const code = fault.status === 429 ? "TooManyRequests" : fault.status >= 500 ? "InternalServerError" : "BadRequest";
        envelope(res, fault.status, code, `simulated ${fault.status}`, headers);
        return true;
      }
      case "reset":
        res.socket?.destroy();
        return true;
      case "stall":
        await wait(fault.ms);
        return false;
      case "bad_body":
        res.writeHead(200, { "content-type": "text/html", ...rate });
        res.end("<html><body>502 Bad Gateway</body></html>");
        return true;
      case "wrong_shape":
        send(res, 200, JSON.stringify({ code: "Success", data: { items: "nope" } }), rate);
        return true;
    }
  }

  function listing(res: ServerResponse, url: URL, tokenName: "next_cursor" | "nextCursor", rate: Record<string, string>): void {
    const limitRaw = url.searchParams.get("limit");
    const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      envelope(res, 400, "InvalidInput", `limit must be between 1 and ${MAX_LIMIT}`, rate);
      return;
    }
    const cursor = url.searchParams.get("cursor");
    const offset = cursor ? decodeCursor(cursor) : 0;
    if (offset === null) {
      envelope(res, 400, "InvalidInput", "invalid cursor", rate);
      return;
    }
    const items = account.connections({ group_id: url.searchParams.get("group_id"), schema: url.searchParams.get("schema") });
    const end = Math.min(items.length, offset + limit);
    const parts: string[] = new Array<string>(Math.max(0, end - offset));
    for (let i = offset; i < end; i++) parts[i - offset] = account.itemJson(items[i]!);
    const next = faults.repeatCursor ? (cursor ?? encodeCursor(end)) : end < items.length ? encodeCursor(end) : null;
    const token = next === null ? "" : `,"${tokenName}":${JSON.stringify(next)}`;
    stats.pages++;
    send(res, 200, `{"code":"Success","data":{"items":[${parts.join(",")}]${token}}}`, rate);
  }

  function groups(res: ServerResponse, url: URL, rate: Record<string, string>): void {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Number(url.searchParams.get("limit") ?? DEFAULT_LIMIT) || DEFAULT_LIMIT));
    const cursor = url.searchParams.get("cursor");
    const offset = cursor ? (decodeCursor(cursor) ?? 0) : 0;
    const all = account.groupItems();
    const end = Math.min(all.length, offset + limit);
    stats.pages++;
    send(res, 200, JSON.stringify({ code: "Success", data: { items: all.slice(offset, end), next_cursor: end < all.length ? encodeCursor(end) : null } }), rate);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === "GET" && path === "/_sim/truth") return send(res, 200, JSON.stringify(account.truth()));
    if (req.method === "GET" && path === "/_sim/stats") return send(res, 200, JSON.stringify({ requests: stats.requests, total: stats.total(), pages: stats.pages, connections: account.size }));
    if (req.method !== "POST") return envelope(res, 405, "MethodNotAllowed", "use POST");
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || "{}");
    } catch {
      return envelope(res, 400, "InvalidInput", "body is not JSON");
    }
    try {
      if (path === "/_sim/actions") {
        const list = Array.isArray(body) ? body : [body];
        const results = list.map((a: Record<string, unknown>) => account.apply(String(a.action), a) ?? null);
        return send(res, 200, JSON.stringify({ results }));
      }
      if (path === "/_sim/faults") {
        faults.configure(body as Record<string, unknown>);
        return send(res, 200, JSON.stringify({ pending: faults.pending }));
      }
      if (path === "/_sim/reset-faults") {
        faults.clear();
        return send(res, 200, "{}");
      }
      if (path === "/_sim/reset-stats") {
        stats.reset();
        return send(res, 200, "{}");
      }
    } catch (err) {
      return envelope(res, 400, "InvalidInput", err instanceof Error ? err.message : String(err));
    }
    return envelope(res, 404, "NotFound", "no such control endpoint");
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim");
    const path = url.pathname;
    if (path.startsWith("/_sim/")) return control(req, res, path);

    const endpoint = endpointOf(req.method ?? "GET", path);
    stats.count(endpoint);
    if (faults.latencyMs > 0) await wait(faults.latencyMs);
    const rate = { "x-rate-limit-remaining": String(remaining()) };
    if (!authorized(req)) return envelope(res, 401, "AuthFailed", "Authentication failed: invalid API key or secret", rate);

    if (req.method === "GET" && (path === "/v1/connections" || path === "/v1/connectors" || path === "/v1/groups")) {
      if (await applyFault(faults.take(), res, rate)) return;
      if (path === "/v1/groups") return groups(res, url, rate);
      return listing(res, url, path === "/v1/connectors" ? "nextCursor" : "next_cursor", rate);
    }
    const detail = /^\/v1\/(?:connections|connectors)\/([^/]+)$/.exec(path);
    if (req.method === "GET" && detail) {
      const data = account.details(decodeURIComponent(detail[1]!));
      if (!data) return envelope(res, 404, "NotFound_Connection", "Connection not found", rate);
      return send(res, 200, JSON.stringify({ code: "Success", message: "Connection details retrieved successfully", data }), rate);
    }
    if (req.method === "POST" && path === "/v1/connections") {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return envelope(res, 400, "InvalidInput", "body is not JSON", rate);
      }
      const config = (typeof body.config === "object" && body.config !== null ? body.config : {}) as Record<string, unknown>;
      if (typeof body.group_id !== "string" || !account.groupIds().includes(body.group_id)) return envelope(res, 400, "InvalidInput", "group_id is required and must exist", rate);
      if (typeof body.service !== "string") return envelope(res, 400, "InvalidInput", "service is required", rate);
      const id = account.add({
        group_id: body.group_id,
        service: body.service,
        schema: typeof config.schema === "string" ? config.schema : undefined,
        paused: body.paused === true,
        sync_frequency: typeof body.sync_frequency === "number" ? body.sync_frequency : undefined,
      });
      return send(res, 201, JSON.stringify({ code: "Success", message: "Connection has been created", data: account.details(id) }), rate);
    }
    return envelope(res, 404, "NotFound", `no route for ${req.method} ${path}`, rate);
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
    faults,
    stats,
    close: async () => {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function endpointOf(method: string, path: string): string {
  if (path === "/v1/connections") return method === "POST" ? "create" : "connections";
  if (path === "/v1/connectors") return "connectors";
  if (path === "/v1/groups") return "groups";
  if (/^\/v1\/(?:connections|connectors)\/[^/]+$/.test(path)) return "details";
  return "other";
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

function decodeCursor(cursor: string): number | null {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
