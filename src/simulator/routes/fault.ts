// Applies a queued one-shot fault to a listing request: an error status, a reset, a stall, a bad or odd body.
import type { ServerResponse } from "node:http";
import type { Fault } from "../faults.js";
import { envelope, send, type Headers } from "../http.js";
import type { SimContext } from "./context.js";

/** Applies `fault`; true when it answered (or killed) the request. */
export async function applyFault(ctx: SimContext, fault: Fault | undefined, res: ServerResponse, rate: Headers): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case "status": {
      const headers: Headers = { ...rate };
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
      const code = fault.status === 429 ? "TooManyRequests" : fault.status >= 500 ? "InternalServerError" : "BadRequest";
      envelope(res, fault.status, code, `simulated ${fault.status}`, headers);
      return true;
    }
    case "reset":
      res.socket?.destroy();
      return true;
    case "stall":
      await ctx.wait(fault.ms);
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
