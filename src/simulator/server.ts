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
  /** Connection items served in listing pages. */
  items = 0;

  /** All requests to the Fivetran endpoints (the control API not counted). */
  total(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  /** Back to zero. */
  reset(): void {
    this.requests = {};
    this.pages = 0;
    this.items = 0;
  }

  /** Counts one request to this endpoint. */
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

const LIST_HEAD = Buffer.from('{"code":"Success","message":"Connections list retrieved successfully","data":{"items":[');
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
  const pages = new PageCache(account);

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t);
        resolve();
      }, ms);
      pending.add(t);
    });

  /** Counts this call in the rolling hour; returns the calls left after it (negative once over budget). */
  function remaining(): number {
    const now = Date.now();
    calls.push(now);
    while (callsHead < calls.length && calls[callsHead]! <= now - HOUR) callsHead++;
    if (callsHead > 10_000) {
      calls.splice(0, callsHead);
      callsHead = 0;
    }
    return faults.rateLimitBudget - (calls.length - callsHead);
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
    const groupId = url.searchParams.get("group_id");
    const schema = url.searchParams.get("schema");
    const items = account.connections({ group_id: groupId, schema });
    const end = Math.min(items.length, offset + limit);
    const body = pages.get(`${groupId ?? ""}\u0000${schema ?? ""}\u0000${offset}\u0000${end}`, items, offset, end);
    const next = faults.repeatCursor ? (cursor ?? encodeCursor(end)) : end < items.length ? encodeCursor(end) : null;
    const token = next === null ? "" : `,"${tokenName}":${JSON.stringify(next)}`;
    const tail = Buffer.from(`]${token}}}`);
    stats.pages++;
    stats.items += end > offset ? end - offset : 0;
    res.writeHead(200, { "content-type": "application/json", "content-length": LIST_HEAD.length + body.length + tail.length, ...rate });
    res.cork();
    res.write(LIST_HEAD);
    res.write(body);
    res.end(tail);
  }

  function groups(res: ServerResponse, url: URL, rate: Record<string, string>): void {
    const limitRaw = url.searchParams.get("limit");
    const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
    const cursor = url.searchParams.get("cursor");
    const offset = cursor ? decodeCursor(cursor) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || offset === null) {
      envelope(res, 400, "InvalidInput", `limit must be between 1 and ${MAX_LIMIT} and cursor must come from a previous page`, rate);
      return;
    }
    const all = account.groupItems();
    const end = Math.min(all.length, offset + limit);
    stats.pages++;
    send(res, 200, JSON.stringify({ code: "Success", message: "Groups list retrieved successfully", data: { items: all.slice(offset, end), next_cursor: end < all.length ? encodeCursor(end) : null } }), rate);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === "GET" && path === "/_sim/truth") return send(res, 200, JSON.stringify(account.truth()));
    if (req.method === "GET" && path === "/_sim/stats") return send(res, 200, JSON.stringify({ requests: stats.requests, total: stats.total(), pages: stats.pages, items: stats.items, connections: account.size }));
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
    const left = remaining();
    const rate = { "x-rate-limit-remaining": String(Math.max(0, left)) };
    if (!authorized(req)) return envelope(res, 401, "AuthFailed", "Authentication failed: invalid API key or secret", rate);

    if (left < 0) return envelope(res, 429, "TooManyRequests", "API rate limit exceeded", { ...rate, "retry-after": String(Math.max(1, Math.ceil((calls[callsHead]! + HOUR - Date.now()) / 1000))) });

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

/**
 * The items part of listing pages as bytes, kept while nothing on the page changed: no scripted change anywhere in the
 * account (its revision) and no scheduled success on the page come due (its earliest next change).
 */
class PageCache {
  private readonly pages = new Map<string, { revision: number; builtAt: number; validUntil: number; body: Buffer }>();
  private bytes = 0;

  constructor(private readonly account: SimAccount) {}

  /** The comma-joined JSON of items[offset..end), from the cache when still valid. */
  get(key: string, items: readonly Parameters<SimAccount["itemJson"]>[0][], offset: number, end: number): Buffer {
    const now = this.account.now();
    const hit = this.pages.get(key);
    if (hit && hit.revision === this.account.revision && now >= hit.builtAt && now < hit.validUntil) return hit.body;
    let validUntil = Number.POSITIVE_INFINITY;
    const parts = new Array<string>(Math.max(0, end - offset));
    for (let i = offset; i < end; i++) {
      const c = items[i]!;
      parts[i - offset] = this.account.itemJson(c);
      validUntil = Math.min(validUntil, this.account.nextChangeAt(c));
    }
    const body = Buffer.from(parts.join(","));
    if (hit) this.bytes -= hit.body.length;
    // Bounded: a changed account leaves old pages behind, so start over rather than grow without end.
    if (this.bytes + body.length > 512 * 1024 * 1024) {
      this.pages.clear();
      this.bytes = 0;
    }
    this.pages.set(key, { revision: this.account.revision, builtAt: now, validUntil, body });
    this.bytes += body.length;
    return body;
  }
}
