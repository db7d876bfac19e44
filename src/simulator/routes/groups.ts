// GET /v1/groups: the account's groups with their names, cursor-paged.
import { encodeCursor, envelope, readLimit, readOffset, success } from "../http.js";
import type { Route } from "./context.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "./limits.js";

/** Lists the groups. */
export const groupsRoute: Route = ({ account, stats }, { res, url, rate }) => {
  const limit = readLimit(url, DEFAULT_LIMIT, MAX_LIMIT);
  const offset = readOffset(url);
  if (limit === null || offset === null) {
    return envelope(res, 400, "InvalidInput", `limit must be between 1 and ${MAX_LIMIT} and cursor must come from a previous page`, rate);
  }
  const all = account.groupItems();
  const end = Math.min(all.length, offset + limit);
  stats.pages++;
  success(res, 200, "Groups list retrieved successfully", { items: all.slice(offset, end), next_cursor: end < all.length ? encodeCursor(end) : null }, rate);
};
