// Faults the simulator can inject into its listing responses: latency, error statuses, resets, stalls, bad bodies.

/** What happens to one listing request. */
export type Fault =
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "reset" }
  | { kind: "stall"; ms: number }
  | { kind: "bad_body" }
  | { kind: "wrong_shape" };

/** The fault settings of a running simulator; scripts and the control API change them. */
export class SimFaults {
  /** Added before every answer (ms). */
  latencyMs = 0;
  /** Every page returns the cursor it was asked for (an endless loop for a naive client). */
  repeatCursor = false;
  /** Calls allowed per rolling hour (X-Rate-Limit-Remaining counts down from it). */
  rateLimitBudget = 20_000;
  /** Also send `X-Rate-Limit-Limit` (Fivetran does not; a proxy might). */
  rateLimitLimitHeader = false;
  /** The account answers `GET /v1/connections/{id}/errors` (a private preview: off, it answers 404). */
  errorsEndpoint = false;
  /** The legacy `/v1/connectors` listing answers 404 (reported on some accounts since March 2026). */
  connectorsGone = false;
  /** Credentials the API accepts; null keeps the ones given at start. */
  credentials: { key: string; secret: string } | null = null;
  private readonly queue: Fault[] = [];

  /** Sets the latency added to every request. */
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** Answers the next `n` listing requests with this status (429 with `retryAfter`: seconds or an HTTP date). */
  failNext(n: number, opts: { status: number; retryAfter?: string }): void {
    for (let i = 0; i < n; i++) this.queue.push({ kind: "status", status: opts.status, retryAfter: opts.retryAfter });
  }

  /** Destroys the socket of the next `n` listing requests. */
  resetNext(n: number): void {
    for (let i = 0; i < n; i++) this.queue.push({ kind: "reset" });
  }

  /** Holds the next `n` listing requests for `ms` before answering (beyond a client's time-out). */
  stallNext(n: number, ms: number): void {
    for (let i = 0; i < n; i++) this.queue.push({ kind: "stall", ms });
  }

  /** Serves a body that is not JSON on the next `n` listing requests. */
  badBodyNext(n: number): void {
    for (let i = 0; i < n; i++) this.queue.push({ kind: "bad_body" });
  }

  /** Serves `{code: "Success", data: {items: "nope"}}` on the next `n` listing requests. */
  wrongShapeNext(n: number): void {
    for (let i = 0; i < n; i++) this.queue.push({ kind: "wrong_shape" });
  }

  /** Turns the repeated-cursor fault on or off. */
  setRepeatCursor(on: boolean): void {
    this.repeatCursor = on;
  }

  /** From now on only these credentials are accepted (the old ones get 401). */
  rotateCredentials(key: string, secret: string): void {
    this.credentials = { key, secret };
  }

  /** Sets the calls allowed per rolling hour. */
  setRateLimitBudget(n: number): void {
    this.rateLimitBudget = n;
  }

  /** How many queued one-shot faults are left. */
  get pending(): number {
    return this.queue.length;
  }

  /** Removes every fault and account quirk (latency, queued faults, repeated cursor, budget, errors endpoint, legacy 404); credentials go back to the original ones. */
  clear(): void {
    this.queue.length = 0;
    this.latencyMs = 0;
    this.repeatCursor = false;
    this.credentials = null;
    this.rateLimitBudget = 20_000;
    this.rateLimitLimitHeader = false;
    this.errorsEndpoint = false;
    this.connectorsGone = false;
  }

  /** The fault for the next listing request, if one is queued. */
  take(): Fault | undefined {
    return this.queue.shift();
  }

  /**
   * Applies a control-API body: `{latency_ms, fail_next: {n, status, retry_after}, reset_next, stall_next: {n, ms}, ...,
   * rate_limit_budget, trial, rate_limit_limit_header, errors_endpoint, connectors_gone}`.
   */
  configure(body: Record<string, unknown>): void {
    const obj = (k: string): Record<string, unknown> | null => (typeof body[k] === "object" && body[k] !== null ? (body[k] as Record<string, unknown>) : null);
    const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
    if (body.latency_ms !== undefined) this.setLatency(num(body.latency_ms, 0));
    const fail = obj("fail_next");
    if (fail) this.failNext(num(fail.n, 1), { status: num(fail.status, 500), retryAfter: typeof fail.retry_after === "string" ? fail.retry_after : typeof fail.retry_after === "number" ? String(fail.retry_after) : undefined });
    if (body.reset_next !== undefined) this.resetNext(num(body.reset_next, 1));
    const stall = obj("stall_next");
    if (stall) this.stallNext(num(stall.n, 1), num(stall.ms, 60_000));
    if (body.bad_body_next !== undefined) this.badBodyNext(num(body.bad_body_next, 1));
    if (body.wrong_shape_next !== undefined) this.wrongShapeNext(num(body.wrong_shape_next, 1));
    if (body.repeat_cursor !== undefined) this.setRepeatCursor(body.repeat_cursor === true);
    const cred = obj("credentials");
    if (cred && typeof cred.key === "string" && typeof cred.secret === "string") this.rotateCredentials(cred.key, cred.secret);
    if (body.rate_limit_budget !== undefined) this.setRateLimitBudget(num(body.rate_limit_budget, 20_000));
    // A trial account: 500 calls an hour.
    if (body.trial !== undefined) this.setRateLimitBudget(body.trial === true ? 500 : 20_000);
    if (body.rate_limit_limit_header !== undefined) this.rateLimitLimitHeader = body.rate_limit_limit_header === true;
    if (body.errors_endpoint !== undefined) this.errorsEndpoint = body.errors_endpoint === true;
    if (body.connectors_gone !== undefined) this.connectorsGone = body.connectors_gone === true;
  }
}
