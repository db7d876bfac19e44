// The `/_sim/*` control API: read the truth and stats, apply actions, set faults, reset.
import type { IncomingMessage, ServerResponse } from "node:http";
import { envelope, readBody, send } from "./http.js";
import type { SimContext } from "./routes/context.js";

/** Answers one control request. */
export async function control({ account, faults, stats }: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
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
