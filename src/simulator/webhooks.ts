// The simulator's webhook management endpoints (`/v1/webhooks*`), and the targets its pusher sends events to.
import type { IncomingMessage, ServerResponse } from "node:http";
import { envelope, readBody, send, type Headers } from "./http.js";
import { postSigned, type PushTarget, type SimPusher } from "./push.js";

/** One simulated webhook; the secret is kept to sign events and never shown. */
interface SimWebhook {
  id: string;
  type: "account" | "group";
  group_id: string | null;
  url: string;
  events: string[];
  active: boolean;
  secret: string;
  created_at: string;
  created_by: string;
}

/** An answer of the webhook endpoints: status and JSON body. */
export interface SimAnswer {
  status: number;
  body: Record<string, unknown>;
}

const ok = (status: number, message: string, data?: unknown): SimAnswer => ({ status, body: { code: "Success", message, ...(data === undefined ? {} : { data }) } });
const fail = (status: number, code: string, message: string): SimAnswer => ({ status, body: { code, message } });
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The account's webhooks, as `/v1/webhooks` manages them. */
export class SimWebhooks {
  private readonly hooks = new Map<string, SimWebhook>();
  private serial = 0;

  constructor(
    private readonly groupIds: () => string[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Where the pusher sends events: every active webhook. */
  targets(): PushTarget[] {
    return [...this.hooks.values()].filter((h) => h.active).map((h) => ({ url: h.url, secret: h.secret, events: h.events, groupId: h.group_id }));
  }

  /** Marks a webhook inactive, as Fivetran does after failed deliveries (the control API's `disable_webhook`). */
  disable(id: string): boolean {
    const h = this.hooks.get(id);
    if (h) h.active = false;
    return h !== undefined;
  }

  /** Answers one authorized API request under `/v1/webhooks` on `res`. */
  async route(method: string, path: string, url: URL, req: IncomingMessage, res: ServerResponse, rate: Headers): Promise<void> {
    const answer = await this.handle(method, path, url, () => readJsonBody(req));
    send(res, answer.status, JSON.stringify(answer.body), rate);
  }

  /** Answers one request under `/v1/webhooks`. */
  async handle(method: string, path: string, url: URL, readJson: () => Promise<unknown>): Promise<SimAnswer> {
    if (method === "GET" && path === "/v1/webhooks") return this.list(url);
    if (method === "POST" && path === "/v1/webhooks/account") return this.create(await readJson(), null);
    const group = /^\/v1\/webhooks\/group\/([^/]+)$/.exec(path);
    if (method === "POST" && group) {
      const groupId = decodeURIComponent(group[1]!);
      if (!this.groupIds().includes(groupId)) return fail(404, "NotFound_Group", `group ${groupId} not found`);
      return this.create(await readJson(), groupId);
    }
    const test = /^\/v1\/webhooks\/([^/]+)\/test$/.exec(path);
    if (method === "POST" && test) {
      const h = this.hooks.get(decodeURIComponent(test[1]!));
      if (!h) return fail(404, "NotFound_Webhook", "webhook not found");
      const status = await this.ping(h);
      return ok(200, "Webhook test sent", { succeed: status >= 200 && status < 300, status });
    }
    const one = /^\/v1\/webhooks\/([^/]+)$/.exec(path);
    if (!one) return fail(404, "NotFound", `no route for ${method} ${path}`);
    const h = this.hooks.get(decodeURIComponent(one[1]!));
    if (!h) return fail(404, "NotFound_Webhook", "webhook not found");
    if (method === "GET") return ok(200, "Webhook retrieved", this.view(h));
    if (method === "DELETE") {
      this.hooks.delete(h.id);
      return ok(200, "Webhook has been deleted");
    }
    if (method === "PATCH") return this.update(h, await readJson());
    return fail(405, "MethodNotAllowed", `${method} not allowed`);
  }

  private list(url: URL): SimAnswer {
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 100) || 100));
    const offset = Number(url.searchParams.get("cursor") ?? 0) || 0;
    const all = [...this.hooks.values()];
    const end = Math.min(all.length, offset + limit);
    return ok(200, "Webhooks retrieved", { items: all.slice(offset, end).map((h) => this.view(h)), next_cursor: end < all.length ? String(end) : null });
  }

  private async create(raw: unknown, groupId: string | null): Promise<SimAnswer> {
    const body = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const problem = this.invalid(body, true);
    if (problem) return fail(400, "InvalidInput", problem);
    const h: SimWebhook = {
      id: `webhook_${(++this.serial).toString(36)}`,
      type: groupId === null ? "account" : "group",
      group_id: groupId,
      url: body.url as string,
      events: [...(body.events as string[])],
      active: body.active !== false,
      secret: body.secret as string,
      created_at: new Date(this.now()).toISOString(),
      created_by: "simulator_user",
    };
    // Like Fivetran: an active webhook is tested at creation, and not created when the test fails.
    if (h.active) {
      const status = await this.ping(h);
      if (status < 200 || status >= 300) return fail(400, "WebhookTestFailed", `test event to ${h.url} got ${status || "no answer"}`);
    }
    this.hooks.set(h.id, h);
    return ok(201, "Webhook has been created", this.view(h));
  }

  private async update(h: SimWebhook, raw: unknown): Promise<SimAnswer> {
    const body = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const problem = this.invalid(body, false);
    if (problem) return fail(400, "InvalidInput", problem);
    const next: SimWebhook = {
      ...h,
      url: typeof body.url === "string" ? body.url : h.url,
      events: Array.isArray(body.events) ? [...(body.events as string[])] : h.events,
      active: typeof body.active === "boolean" ? body.active : h.active,
      secret: typeof body.secret === "string" ? body.secret : h.secret,
    };
    if (next.active && !h.active) {
      const status = await this.ping(next);
      if (status < 200 || status >= 300) return fail(400, "WebhookTestFailed", `test event to ${next.url} got ${status || "no answer"}`);
    }
    this.hooks.set(h.id, next);
    return ok(200, "Webhook has been updated", this.view(next));
  }

  /** Why a create (all fields) or update (given fields) body is refused; null when it is fine. */
  private invalid(body: Record<string, unknown>, create: boolean): string | null {
    if (create || body.url !== undefined) {
      if (typeof body.url !== "string") return "url is required";
      let u: URL;
      try {
        u = new URL(body.url);
      } catch {
        return "url is not a URL";
      }
      // Fivetran accepts https only; the simulator also takes http on this machine, for tests.
      if (u.protocol !== "https:" && !(u.protocol === "http:" && LOCAL_HOSTS.has(u.hostname))) return "url must be https";
    }
    if (create || body.events !== undefined) {
      if (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((e) => typeof e !== "string")) return "events must be a non-empty list of event names";
    }
    if (create && (typeof body.secret !== "string" || body.secret === "")) return "secret is required";
    return null;
  }

  private ping(h: SimWebhook): Promise<number> {
    const body = JSON.stringify({ event: "test_event", created: new Date(this.now()).toISOString(), connector_type: "_connector_type", connector_id: "_connector_1", group_id: "_destination_1" });
    return postSigned(h.url, body, h.secret);
  }

  private view(h: SimWebhook): Record<string, unknown> {
    const { secret: _secret, ...rest } = h;
    return { ...rest, secret: "******" };
  }
}

/** Reads a request's JSON body (null when it is empty or not JSON). */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readBody(req)) as unknown;
  } catch {
    return null;
  }
}

/**
 * `POST /_sim/webhooks`: how pushed deliveries misbehave (`{delay_ms, duplicate, reorder_ms}`, all 0 to reset), and
 * `{disable: id}` to mark a webhook inactive as Fivetran does after failed deliveries.
 */
export async function webhooksControl(webhooks: SimWebhooks, pusher: SimPusher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return envelope(res, 405, "MethodNotAllowed", "use POST");
  const body = await readJsonBody(req);
  if (typeof body !== "object" || body === null) return envelope(res, 400, "InvalidInput", "body is not a JSON object");
  const b = body as Record<string, unknown>;
  pusher.faults.configure(b);
  if (typeof b.disable === "string" && !webhooks.disable(b.disable)) return envelope(res, 404, "NotFound", `no webhook "${b.disable}"`);
  send(res, 200, JSON.stringify({ delay_ms: pusher.faults.delayMs, duplicate: pusher.faults.duplicates, reorder_ms: pusher.faults.reorderMs }));
}
