// Reads one connection (`GET /v1/connections/{id}`) after a webhook event, through the listing's normalizer.
import { ApiError, errorMessage } from "../errors.js";
import type { FivetranConfig } from "../config/schema.js";
import type { ConnectionSnapshot } from "../health/model.js";
import { reserveOf } from "./budget.js";
import type { FivetranClient } from "./client.js";
import { Interner, readConnection, Rejection } from "./normalize.js";

/** What reading one connection gave. */
export type ConnectionRead =
  | { kind: "read"; snapshot: ConnectionSnapshot }
  | { kind: "not_found" }
  | { kind: "skipped_budget" }
  | { kind: "unreadable"; reason: string }
  | { kind: "failed"; message: string };

/** Single-connection reads, budgeted like detail calls (counted as `details`). */
export class ConnectionReader {
  private readonly interner = new Interner(10_000);

  constructor(
    private readonly client: FivetranClient,
    private readonly config: FivetranConfig,
  ) {}

  /**
   * Reads one connection, so that a pushed read is judged like a listed one. Skipped while the rate-limit budget is
   * under the detail reserve (`details.rate_limit_reserve`, at most a tenth of the budget); a 404 is `not_found` (the
   * next listing decides whether it is gone). Never throws.
   */
  async read(id: string, signal?: AbortSignal): Promise<ConnectionRead> {
    const remaining = this.client.rateLimitRemaining;
    if (remaining !== null && remaining < reserveOf(this.client, this.config)) return { kind: "skipped_budget" };
    let body: unknown;
    try {
      ({ body } = await this.client.getJson("details", `/v1/connections/${encodeURIComponent(id)}`, `read connection ${id}`, {
        signal,
        maxAttempts: Math.min(2, this.config.retry.max_attempts),
        maxRetryWaitMs: 0,
      }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { kind: "not_found" };
      return { kind: "failed", message: errorMessage(err) };
    }
    const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
    const r = readConnection(data, this.interner, undefined);
    if (r instanceof Rejection) return { kind: "unreadable", reason: r.reason };
    if (r.id !== id) return { kind: "unreadable", reason: `the answer is about connection ${r.id}` };
    return { kind: "read", snapshot: r };
  }
}
