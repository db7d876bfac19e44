// GET /v1/connections and the legacy /v1/connectors: cursor paging over the account, `group_id` and `schema` filters.
import { encodeCursor, envelope, readLimit, readOffset } from "../http.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "./limits.js";
import type { Route } from "./context.js";

const LIST_HEAD = Buffer.from('{"code":"Success","message":"Connections list retrieved successfully","data":{"items":[');

/** The listing route; the legacy endpoint names its token `nextCursor`. */
export function listingRoute(tokenName: "next_cursor" | "nextCursor"): Route {
  return ({ account, faults, pages, stats }, { res, url, rate }) => {
    if (tokenName === "nextCursor" && faults.connectorsGone) return envelope(res, 404, "NotFound", "Not found", rate);
    const limit = readLimit(url, DEFAULT_LIMIT, MAX_LIMIT);
    if (limit === null) return envelope(res, 400, "InvalidInput", `limit must be between 1 and ${MAX_LIMIT}`, rate);
    const offset = readOffset(url);
    if (offset === null) return envelope(res, 400, "InvalidInput", "invalid cursor", rate);
    const cursor = url.searchParams.get("cursor");
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
  };
}
