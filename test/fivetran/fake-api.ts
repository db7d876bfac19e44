// A tiny scriptable Fivetran-like HTTP server on 127.0.0.1 and the helpers the fivetran tests share.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fivetranSchema, type FivetranConfig } from "../../src/config/schema.js";
import { FivetranSource } from "../../src/fivetran/index.js";
import { captureLogs } from "../helpers/logs.js";

/** One request the server saw. */
export interface Seen {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

/** A running fake API. */
export interface FakeApi {
  url: string;
  seen: Seen[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Handles one request; `n` counts requests from 1. */
export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen, n: number) => void | Promise<void>;

/** Starts a server on 127.0.0.1, port 0. */
export async function startApi(handler: Handler): Promise<FakeApi> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const s: Seen = { path: u.pathname, query: u.searchParams, headers: req.headers };
    seen.push(s);
    void Promise.resolve(handler(req, res, s, seen.length)).catch((err: unknown) => {
      res.statusCode = 599;
      res.end(String(err));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    connections++;
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON body with status 200 unless told otherwise. */
export function json(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A listing page envelope. */
export function page(items: unknown[], next?: unknown, name: "next_cursor" | "nextCursor" = "next_cursor"): unknown {
  const data: Record<string, unknown> = { items };
  if (next !== undefined) data[name] = next;
  return { code: "Success", message: "Operation performed.", data };
}

/** A well-formed connection item. */
export function item(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    group_id: "g1",
    service: "salesforce",
    schema: `sf_${id}`,
    paused: false,
    status: { setup_state: "connected", sync_state: "scheduled", update_state: "on_schedule", is_historical_sync: false, warnings: [], tasks: [] },
    succeeded_at: "2026-11-22T10:00:00.000Z",
    failed_at: null,
    created_at: "2026-01-01T00:00:00Z",
    sync_frequency: 360,
    schedule_type: "auto",
    data_delay_sensitivity: "NORMAL",
    data_delay_threshold: 0,
    ...extra,
  };
}

export const SECRET = "s3cr3t-Value-do-not-leak";

/** A config for the fake API with test-friendly defaults. */
export function config(url: string, extra: Record<string, unknown> = {}): FivetranConfig {
  return fivetranSchema.parse({ api_url: url, api_key: "key123", api_secret: SECRET, ...extra });
}

/** Everything a test inspects about one source. */
export interface Harness {
  source: FivetranSource;
  sleeps: number[];
  requests: [string, string][];
  remaining: number[];
  lines: string[];
}

/** A source against `url` whose sleeps resolve at once (and are recorded). */
export function harness(
  url: string,
  extra: Record<string, unknown> = {},
  now = () => Date.parse("2026-11-22T12:00:00Z"),
  onUnreadableField?: (field: string) => void,
): Harness {
  const sleeps: number[] = [];
  const requests: [string, string][] = [];
  const remaining: number[] = [];
  const { logger, lines } = captureLogs("debug");
  const source = new FivetranSource({
    config: config(url, extra),
    version: "1.2.3",
    logger,
    onRequest: (e, c) => requests.push([e, c]),
    onRateLimitRemaining: (n) => remaining.push(n),
    onUnreadableField,
    now,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  return { source, sleeps, requests, remaining, lines };
}
