// GET /v1/connections/{id}/errors: a connection's active errors, cursor-paged; 404 where the account lacks the feature.
import { encodeCursor, envelope, readLimit, readOffset, success } from "../http.js";
import type { Route } from "./context.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "./limits.js";

/** Lists one connection's active errors. */
export const errorsRoute: Route = ({ account, faults }, { res, url, rate }, match) => {
  if (!faults.errorsEndpoint) return envelope(res, 404, "NotFound", "Not found", rate);
  const all = account.errors(decodeURIComponent(match[1]!));
  if (!all) return envelope(res, 404, "NotFound_Connection", "Connection not found", rate);
  const limit = readLimit(url, DEFAULT_LIMIT, MAX_LIMIT);
  const offset = readOffset(url);
  if (limit === null || offset === null) {
    return envelope(res, 400, "InvalidInput", `limit must be between 1 and ${MAX_LIMIT} and cursor must come from a previous page`, rate);
  }
  const end = Math.min(all.length, offset + limit);
  success(res, 200, "Connection errors retrieved successfully", { items: all.slice(offset, end), next_cursor: end < all.length ? encodeCursor(end) : null }, rate);
};
