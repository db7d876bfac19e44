// GET /v1/connections/{id} (and the legacy /v1/connectors/{id}): one connection with its setup tests.
import { envelope, success } from "../http.js";
import type { Route } from "./context.js";

/** One connection's details; 404 when there is no such connection. */
export const detailsRoute: Route = ({ account }, { res, rate }, match) => {
  const data = account.details(decodeURIComponent(match[1]!));
  if (!data) return envelope(res, 404, "NotFound_Connection", "Connection not found", rate);
  success(res, 200, "Connection details retrieved successfully", data, rate);
};
