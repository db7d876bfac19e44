// POST /v1/connections: creates a healthy connection in an existing group.
import { envelope, readBody, success } from "../http.js";
import type { Route } from "./context.js";

/** Creates a connection from `{group_id, service, paused?, sync_frequency?, config: {schema?}}`. */
export const createRoute: Route = async ({ account }, { req, res, rate }) => {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readBody(req)) as Record<string, unknown>;
  } catch {
    return envelope(res, 400, "InvalidInput", "body is not JSON", rate);
  }
  const config = (typeof body.config === "object" && body.config !== null ? body.config : {}) as Record<string, unknown>;
  if (typeof body.group_id !== "string" || !account.groupIds().includes(body.group_id)) return envelope(res, 400, "InvalidInput", "group_id is required and must exist", rate);
  if (typeof body.service !== "string") return envelope(res, 400, "InvalidInput", "service is required", rate);
  const id = account.add({
    group_id: body.group_id,
    service: body.service,
    schema: typeof config.schema === "string" ? config.schema : undefined,
    paused: body.paused === true,
    sync_frequency: typeof body.sync_frequency === "number" ? body.sync_frequency : undefined,
  });
  success(res, 201, "Connection has been created", account.details(id), rate);
};
