// The Fivetran webhook management API: list, create (account or group), update and delete webhooks.
import { ApiError } from "../errors.js";
import type { FivetranClient } from "./client.js";

/** One webhook as Fivetran lists it (the secret is never shown: Fivetran masks it). */
export interface FivetranWebhook {
  id: string;
  /** `account` or `group` (kept as sent). */
  type: string;
  group_id: string | null;
  url: string;
  events: string[];
  active: boolean;
  created_at: string | null;
}

/** What a webhook is created or updated with. */
export interface WebhookSpec {
  url: string;
  events: readonly string[];
  active: boolean;
  secret: string;
}

function shape(what: string, detail: string): ApiError {
  return new ApiError("api_bad_response", `${what}: unexpected response shape (${detail})`, { reason: "bad_response", retryable: false });
}

/** Reads one webhook item; throws when it has no id or url. */
export function readWebhook(raw: unknown, what: string): FivetranWebhook {
  if (typeof raw !== "object" || raw === null) throw shape(what, "webhook is not an object");
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== "string" || typeof o.url !== "string") throw shape(what, "webhook without id or url");
  return {
    id: o.id,
    type: typeof o.type === "string" ? o.type : "account",
    group_id: typeof o.group_id === "string" ? o.group_id : null,
    url: o.url,
    events: Array.isArray(o.events) ? o.events.filter((e): e is string => typeof e === "string") : [],
    active: o.active === true,
    created_at: typeof o.created_at === "string" ? o.created_at : null,
  };
}

function data(body: unknown, what: string): Record<string, unknown> {
  const d = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  if (typeof d !== "object" || d === null || Array.isArray(d)) throw shape(what, "data is not an object");
  return d as Record<string, unknown>;
}

/** The webhook calls of the management API, over the Fivetran client (auth, errors, metrics). */
export class FivetranWebhooks {
  constructor(private readonly client: Pick<FivetranClient, "getJson" | "sendJson">) {}

  /** Every webhook of the account (account and group ones), paging `GET /v1/webhooks` to its end. */
  async list(signal?: AbortSignal): Promise<FivetranWebhook[]> {
    const out: FivetranWebhook[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let page = 1; page <= 1000; page++) {
      const what = `list webhooks page ${page}`;
      const query: string = `?limit=100${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const { body } = await this.client.getJson("webhooks", `/v1/webhooks${query}`, what, { signal });
      const d = data(body, what);
      if (!Array.isArray(d.items)) throw shape(what, "data.items is not an array");
      for (const item of d.items as unknown[]) out.push(readWebhook(item, what));
      const next = typeof d.next_cursor === "string" && d.next_cursor !== "" ? d.next_cursor : null;
      if (next === null) return out;
      if (seen.has(next)) throw new ApiError("paging_loop", `${what}: cursor repeated, giving up`, { reason: "bad_response", retryable: false });
      seen.add(next);
      cursor = next;
    }
    throw new ApiError("paging_loop", "list webhooks: more than 1000 pages, giving up", { reason: "bad_response", retryable: false });
  }

  /** Creates the account webhook, or a group's when `groupId` is given (Fivetran then sends it a test POST). */
  async create(spec: WebhookSpec, groupId: string | null): Promise<FivetranWebhook> {
    const path = groupId === null ? "/v1/webhooks/account" : `/v1/webhooks/group/${encodeURIComponent(groupId)}`;
    const what = groupId === null ? "create account webhook" : `create webhook of group ${groupId}`;
    const body = await this.client.sendJson("POST", "webhooks", path, what, { ...spec, events: [...spec.events] });
    return readWebhook(data(body, what), what);
  }

  /** Changes a webhook's events, active flag (or url, secret). */
  async update(id: string, change: Partial<WebhookSpec>): Promise<FivetranWebhook> {
    const what = `update webhook ${id}`;
    const body = await this.client.sendJson("PATCH", "webhooks", `/v1/webhooks/${encodeURIComponent(id)}`, what, change);
    return readWebhook(data(body, what), what);
  }

  /** Deletes a webhook. */
  async remove(id: string): Promise<void> {
    await this.client.sendJson("DELETE", "webhooks", `/v1/webhooks/${encodeURIComponent(id)}`, `delete webhook ${id}`);
  }
}
