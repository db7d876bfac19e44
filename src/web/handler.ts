// Serves the status page (`/`, `/connections/{id}`), its assets and the JSON API (`/api/v1/*`), read-only, from the view.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { answerApi } from "./api.js";
import { APP_CSS, APP_JS, FAVICON_SVG } from "./assets.js";
import { basicAuthCheck, CHALLENGE } from "./auth.js";
import { renderConnection } from "./connection-page.js";
import { SECURITY_HEADERS } from "./headers.js";
import { html } from "./html.js";
import { renderIndex } from "./index-page.js";
import { layout } from "./layout.js";
import { parseAlertQuery } from "./query.js";
import type { StatusView } from "./view.js";

/** Options of `createWebHandler`. */
export interface WebHandlerOptions {
  /** The latest published view (null until the state is loaded). */
  view: () => StatusView | null;
  /** When set, every path served here asks for HTTP Basic auth (user `syncwatch`). */
  password?: string | null;
  version: string;
  now?: () => number;
  /** How often the page refreshes its live parts (seconds; 0: never). Default 15. */
  refreshSeconds?: number;
  logger?: Pick<Logger, "error">;
}

/** A request handler for every path but /metrics, /healthz and /readyz (the metrics server delegates the rest here). */
export function createWebHandler(opts: WebHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = opts.now ?? Date.now;
  const refreshSeconds = opts.refreshSeconds ?? 15;
  const authorized = opts.password ? basicAuthCheck(opts.password) : null;
  const pageOpts = (): { version: string; now: number; refreshSeconds: number } => ({ version: opts.version, now: now(), refreshSeconds });

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://syncwatch.invalid");
    const path = url.pathname;
    if (authorized !== null && !authorized(req.headers.authorization)) {
      send(res, req, 401, "text/plain; charset=utf-8", "authentication required: user syncwatch and the SYNCWATCH_UI_PASSWORD\n", {
        "WWW-Authenticate": CHALLENGE,
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, req, 405, "text/plain; charset=utf-8", "method not allowed: this server is read-only\n", { Allow: "GET, HEAD" });
      return;
    }
    if (path.startsWith("/api/v1/")) {
      const answer = answerApi(path.slice("/api/v1/".length), url.searchParams, opts.view());
      if (answer === null) send(res, req, 404, JSON_TYPE, `${JSON.stringify({ error: { code: "not_found", message: "no such API path" } })}\n`);
      else send(res, req, answer.status, JSON_TYPE, `${JSON.stringify(answer.body)}\n`);
      return;
    }
    if (path === "/assets/app.css") return asset(res, req, "text/css; charset=utf-8", APP_CSS);
    if (path === "/assets/app.js") return asset(res, req, "text/javascript; charset=utf-8", APP_JS);
    if (path === "/assets/icon.svg") return asset(res, req, "image/svg+xml", FAVICON_SVG);
    const view = opts.view();
    if (path === "/") {
      if (view === null) return notReady(res, req);
      const { query, problems } = parseAlertQuery(url.searchParams);
      send(res, req, 200, HTML_TYPE, renderIndex(view, query, problems, { ...pageOpts(), refreshSeconds: refreshOf(url.searchParams, refreshSeconds) }));
      return;
    }
    const conn = /^\/connections\/([^/]+)$/.exec(path);
    if (conn !== null) {
      if (view === null) return notReady(res, req);
      let id = "";
      try {
        id = decodeURIComponent(conn[1]!);
      } catch {
        // not a valid id: answered as unknown below
      }
      const found = id === "" ? null : view.connection(id);
      if (found === null) {
        const main = html`<h1>Unknown connection</h1><p class="empty">syncwatch saw no connection with id <code>${id}</code> in its last good cycle. <a href="/">Back to all firing alerts</a>.</p>`;
        send(res, req, 404, HTML_TYPE, layout({ title: "syncwatch: unknown connection", version: opts.version, main, refreshSeconds: 0 }));
        return;
      }
      send(res, req, 200, HTML_TYPE, renderConnection(view, found, pageOpts()));
      return;
    }
    send(res, req, 404, "text/plain; charset=utf-8", "not found\n");
  };

  const notReady = (res: ServerResponse, req: IncomingMessage): void => {
    const main = html`<section id="summary" data-live><h1>syncwatch is starting</h1><p class="empty">It has not loaded its state or finished a cycle yet. This page fills in by itself.</p></section>`;
    send(res, req, 503, HTML_TYPE, layout({ title: "syncwatch: starting", version: opts.version, main, refreshSeconds: Math.min(refreshSeconds || 5, 5), starting: true }), { "Retry-After": "5" });
  };

  return (req, res) => {
    try {
      route(req, res);
    } catch (err) {
      opts.logger?.error({ err }, "serve status page: failed");
      if (!res.headersSent) send(res, req, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    }
  };
}

/** `?refresh=N` (2 to 3600 seconds, or 0 for never) for a wall display or a slow link; otherwise the default. */
function refreshOf(params: URLSearchParams, fallback: number): number {
  const n = Number(params.get("refresh") ?? Number.NaN);
  if (n === 0) return 0;
  return Number.isInteger(n) && n >= 2 && n <= 3600 ? n : fallback;
}

const HTML_TYPE = "text/html; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

function asset(res: ServerResponse, req: IncomingMessage, type: string, body: string): void {
  // Versioned URLs (?v=): a browser may keep them for a day; behind auth, only in its own cache.
  send(res, req, 200, type, body, { "Cache-Control": "private, max-age=86400" });
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    ...extra,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
