// Test helpers of the notify area: alert factory, a silent logger, a scriptable HTTP receiver and a fake sleep.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import type { Alert } from "../../src/health/model.js";
import type { Digest } from "../../src/notify/types.js";
import { readRequest } from "../helpers/receivers.js";

/** 2026-11-22T12:00:00.000Z */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** An alert with sensible defaults. */
export function alert(over: Partial<Alert> = {}): Alert {
  return {
    status: "firing",
    connection_id: "abc123",
    condition: "setup_broken",
    severity: "critical",
    group_id: "g1",
    service: "salesforce",
    schema: "sf_prod",
    summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
    started_at: T0 - 5 * 60_000,
    resolved_at: null,
    reason: null,
    reminder: false,
    ...over,
  };
}

/** `n` distinct firing alerts (connection c0000…), alternating severity. */
export function manyAlerts(n: number): Alert[] {
  return Array.from({ length: n }, (_, i) =>
    alert({
      connection_id: `c${String(i).padStart(4, "0")}`,
      schema: `schema_${String(i).padStart(4, "0")}`,
      severity: i % 2 === 0 ? "critical" : "warning",
      condition: i % 2 === 0 ? "sync_failed" : "stale",
      summary: `summary of ${i} `.repeat(20),
    }),
  );
}

/** A digest of these alerts. */
export function digest(alerts: Alert[], over: Partial<Digest> = {}): Digest {
  return { id: `${T0}-test`, created_at: T0, baseline: false, alerts, ...over };
}

/** A logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** A logger that records every line (as parsed JSON objects and raw text). */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: "trace" }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

/** A sleep that records what it was asked to wait and returns at once. */
export function fakeSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) => {
      waits.push(ms);
      signal?.throwIfAborted();
      return Promise.resolve();
    },
  };
}

/** One request an HTTP receiver got. */
export interface Got {
  body: string;
  json: unknown;
  headers: IncomingMessage["headers"];
}

/** How the receiver answers one request. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/** A scriptable HTTP receiver on 127.0.0.1 (port 0). */
export interface HttpReceiver {
  url: string;
  got: Got[];
  accepted: Got[];
  /** Answers queued for the next requests; after them, `fallback`. */
  replies: Reply[];
  fallback: Reply;
  /** Called when a request arrived (before it is answered). */
  onRequest: (() => void) | null;
  close(): Promise<void>;
}

/** Starts an HTTP receiver answering `okBody` with 200 unless scripted otherwise. */
export async function startHttpReceiver(okBody = "ok", path = "/services/T000/B000/XXXXXXXXSECRETXXXX"): Promise<HttpReceiver> {
  const hanging: ServerResponse[] = [];
  const r: HttpReceiver = {
    url: "",
    got: [],
    accepted: [],
    replies: [],
    fallback: { status: 200, body: okBody },
    onRequest: null,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    void readRequest(req).then(({ body, json }) => {
      const got: Got = { body, json, headers: req.headers };
      r.got.push(got);
      r.onRequest?.();
      const reply = r.replies.length > 0 ? r.replies.shift()! : r.fallback;
      if (reply === "hang") {
        hanging.push(res);
        return;
      }
      if (reply.status >= 200 && reply.status < 300) r.accepted.push(got);
      res.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return r;
}
