// The HTTP server of syncwatch: GET /metrics (Prometheus text format), /healthz and /readyz.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";

/** Options for `startHttpServer`. */
export interface HttpServerOptions {
  /** Interface to bind (e.g. `127.0.0.1`, `0.0.0.0`). */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  metrics: Pick<Metrics, "renderChunks" | "contentType">;
  /** Whether the process and its scheduler are alive (`/healthz`). */
  live: () => boolean;
  /** Whether config and state are loaded and the server listens (`/readyz`). */
  ready: () => boolean;
  logger: Logger;
  /** How long `close()` lets in-flight requests finish before cutting them (default 5,000 ms). */
  closeGraceMs?: number;
}

/** A listening server. */
export interface HttpServer {
  /** `http://host:port`, with a loopback address when bound to all interfaces. */
  url: string;
  port: number;
  /** Stops accepting, closes idle keep-alive connections at once and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Starts the metrics and health server and resolves once it listens. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { metrics, logger } = opts;
  // Concurrent scrapes share one render: a slow scrape of a large account is not repeated per scraper.
  let inFlight: Promise<string[]> | null = null;
  const renderShared = (): Promise<string[]> => {
    inFlight ??= metrics.renderChunks().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const serveMetrics = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let chunks: string[];
    try {
      chunks = await renderShared();
    } catch (err) {
      logger.error({ err }, "render metrics: failed");
      send(res, 500, "internal error rendering metrics\n");
      return;
    }
    if (res.destroyed) return;
    // No Content-Length: measuring 50+ MB of text up front would block the loop; the body goes out chunked.
    res.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    await writeChunks(res, chunks);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?", 1)[0];
    const check = path === "/healthz" ? opts.live : path === "/readyz" ? opts.ready : null;
    if (path !== "/metrics" && check === null) {
      send(res, 404, "not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      send(res, 405, "method not allowed\n");
      return;
    }
    if (check !== null) {
      let ok = false;
      try {
        ok = check();
      } catch (err) {
        logger.error({ err, path }, "health check: failed");
      }
      send(res, ok ? 200 : 503, ok ? "ok\n" : path === "/healthz" ? "not live\n" : "not ready\n", req.method === "HEAD");
      return;
    }
    serveMetrics(req, res).catch((err: unknown) => {
      logger.error({ err }, "serve metrics: failed");
      res.destroy();
    });
  };

  const server = createServer(handle);
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(opts.port, opts.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.on("error", (err) => logger.error({ err }, "http server: error"));
  const port = (server.address() as AddressInfo).port;
  const graceMs = opts.closeGraceMs ?? 5000;

  return {
    url: `http://${urlHost(opts.host)}:${port}`,
    port,
    close(): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        cut.unref();
        server.close((err) => {
          clearTimeout(cut);
          if (err && (err as NodeJS.ErrnoException).code !== "ERR_SERVER_NOT_RUNNING") reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Bytes written between two yields to the event loop when the socket keeps accepting. */
const YIELD_EVERY_BYTES = 1 << 20;

/** Writes the chunks, waiting for the socket to drain and yielding regularly so a large body never stalls the process. */
async function writeChunks(res: ServerResponse, chunks: readonly string[]): Promise<void> {
  let sinceYield = 0;
  for (const chunk of chunks) {
    if (res.destroyed) return;
    const ok = res.write(chunk);
    sinceYield += chunk.length;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
      sinceYield = 0;
    } else if (sinceYield >= YIELD_EVERY_BYTES) {
      await new Promise((resolve) => setImmediate(resolve));
      sinceYield = 0;
    }
  }
  if (!res.destroyed) res.end();
}

function send(res: ServerResponse, status: number, body: string, head = false): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(head ? undefined : body);
}

/** The host part of the server URL: a wildcard bind is reached via loopback; IPv6 literals get brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
