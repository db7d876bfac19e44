// The HTTP server of syncwatch: GET /metrics (Prometheus text format), /healthz and /readyz; other paths go to a handler.
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
  metrics: Pick<Metrics, "renderStream" | "contentType">;
  /** Whether the process and its scheduler are alive (`/healthz`). */
  live: () => boolean;
  /** Whether config and state are loaded and the server listens (`/readyz`). */
  ready: () => boolean;
  logger: Logger;
  /**
   * Serves every other path (the status page and its API); absent: 404. /metrics, /healthz and /readyz never reach it,
   * so they stay open whatever it asks of a request.
   */
  other?: (req: IncomingMessage, res: ServerResponse) => void;
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
  // Each scrape streams its own render, a block at a time: memory stays bounded by a block per scraper (a shared,
  // fully built 100,000-connection exposition took ~300 MB more at peak than this).
  const serveMetrics = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pieces = metrics.renderStream();
    let first: IteratorResult<string>;
    try {
      first = await pieces.next();
    } catch (err) {
      logger.error({ err }, "render metrics: failed");
      send(res, 500, "internal error rendering metrics\n");
      return;
    }
    if (res.destroyed) {
      await pieces.return(undefined);
      return;
    }
    // No Content-Length: the size is known only at the end; the body goes out chunked.
    res.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
    if (req.method === "HEAD") {
      await pieces.return(undefined);
      res.end();
      return;
    }
    if (first.done !== true && !res.write(first.value)) await drained(res);
    // A failure past this point cannot change the status any more: the caller logs it and cuts the response.
    await writeChunks(res, pieces);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?", 1)[0];
    const check = path === "/healthz" ? opts.live : path === "/readyz" ? opts.ready : null;
    if (path !== "/metrics" && check === null) {
      if (opts.other) opts.other(req, res);
      else send(res, 404, "not found\n");
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

/** Resolves when the response can take more (or is gone). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Writes the pieces as they come, asking for the next one only when the socket has taken the last (so a slow
 * scraper holds back the rendering), and yielding regularly so a large body never stalls the process.
 */
async function writeChunks(res: ServerResponse, chunks: AsyncIterable<string>): Promise<void> {
  let sinceYield = 0;
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    const ok = res.write(chunk);
    sinceYield += chunk.length;
    if (!ok) {
      await drained(res);
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
