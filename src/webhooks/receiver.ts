// The webhook listener: `POST /webhooks/fivetran` only, bounded bodies, signatures checked, every good event acknowledged at once.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RecentDeliveries } from "./dedup.js";
import { MalformedEvent, parseEvent, type WebhookEvent } from "./event.js";
import { SIGNATURE_HEADER, checkSignature } from "./signature.js";

/** The one path the receiver serves. */
export const WEBHOOK_PATH = "/webhooks/fivetran";

/** Why a request was refused; the `reason` label of `syncwatch_webhook_rejected_total`. */
export type RejectReason = "unsigned" | "bad_signature" | "malformed" | "too_large" | "not_found" | "method";

/** Options of `startWebhookReceiver`. */
export interface ReceiverOptions {
  host: string;
  port: number;
  secret: string;
  /** Bodies longer than this are refused (413) without being read further. */
  maxBodyBytes: number;
  /** Remembers deliveries, so a repeat is acknowledged and not acted on. */
  deliveries: RecentDeliveries;
  /** Called once per new well-signed event; must not throw or block (the answer waits for it). */
  onEvent: (event: WebhookEvent) => void;
  /** Called for a well-signed repeat of a delivery already seen. */
  onDuplicate?: (event: WebhookEvent) => void;
  onRejected?: (reason: RejectReason, detail: string) => void;
  now?: () => number;
}

/** A listening receiver. */
export interface WebhookReceiver {
  /** `http://host:port` (the path is `WEBHOOK_PATH`). */
  url: string;
  port: number;
  close(): Promise<void>;
}

class TooLarge extends Error {}

/** Reads a body up to `limit` bytes; past it, stops reading and throws `TooLarge`. */
function readBounded(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

/** Starts the receiver; resolves once it listens. */
export async function startWebhookReceiver(opts: ReceiverOptions): Promise<WebhookReceiver> {
  const now = opts.now ?? Date.now;
  const answer = (res: ServerResponse, status: number, body: Record<string, string>, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const reject = (res: ServerResponse, status: number, reason: RejectReason, detail: string, headers: Record<string, string> = {}): void => {
    opts.onRejected?.(reason, detail);
    answer(res, status, { status: "rejected", reason }, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== WEBHOOK_PATH) return reject(res, 404, "not_found", "no such path");
    if (req.method !== "POST") return reject(res, 405, "method", `method ${req.method ?? "?"}`, { allow: "POST" });
    let body: Buffer;
    try {
      body = await readBounded(req, opts.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      // Answer and close: the rest of the body is never read.
      reject(res, 413, "too_large", `body over ${opts.maxBodyBytes} bytes`, { connection: "close" });
      return;
    }
    const problem = checkSignature(body, req.headers[SIGNATURE_HEADER], opts.secret);
    if (problem !== null) return reject(res, 401, problem, problem === "unsigned" ? "no X-Fivetran-Signature-256 header" : "signature does not match the body");
    const event = parseEvent(body);
    if (event instanceof MalformedEvent) return reject(res, 401, "malformed", event.reason);
    if (opts.deliveries.repeated(RecentDeliveries.key(body), now())) {
      opts.onDuplicate?.(event);
      return answer(res, 200, { status: "duplicate" });
    }
    opts.onEvent(event);
    answer(res, 200, { status: "accepted" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 400, { status: "error" });
      else res.destroy();
    });
  });
  // A slow or idle client cannot hold a socket for long: this listener faces the internet.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 512;
  await new Promise<void>((resolve, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(opts.port, opts.host, () => {
      server.off("error", rejectListen);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : opts.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      server.closeIdleConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
