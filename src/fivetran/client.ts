// The Fivetran HTTP client: one keep-alive pool, Basic auth, bounded bodies, retries with backoff and Retry-After.
import type { Dispatcher, Pool } from "undici";
import type { Logger } from "pino";
import { ApiError, type FailureReason } from "../errors.js";
import type { FivetranConfig } from "../config/schema.js";
import { realSleep, type Sleep } from "../clock.js";
import { parseRetryAfter } from "../http/retry-after.js";
import { nextRetry, type RetryPolicy } from "../http/retry-policy.js";
import { TIMEOUT_CODES, describeTransportCode, errorCodeOf } from "../http/transport-errors.js";
import { loadPoolKit, type PoolKit } from "../http/undici.js";
export { parseRetryAfter };

/** The endpoint label of a call, as `syncwatch_api_requests_total{endpoint}` shows it. */
export type Endpoint = "connections" | "connectors" | "details" | "errors" | "groups" | "webhooks";

/** What the client needs; everything time-related is injectable. */
export interface FivetranClientOptions {
  config: FivetranConfig;
  version: string;
  logger: Logger;
  onRequest?: (endpoint: Endpoint, code: string) => void;
  onRateLimitRemaining?: (n: number) => void;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  /** Where the Pool comes from (default: `loadPoolKit()`, the two undici files it needs). */
  poolKit?: PoolKit;
}

/** Per-call options: how many attempts and the longest Retry-After worth sleeping through. */
export interface GetOptions {
  signal?: AbortSignal;
  maxAttempts?: number;
  maxRetryWaitMs?: number;
  /** Called once per HTTP attempt (retries included). */
  onAttempt?: () => void;
  /**
   * Called (and awaited) with each 2xx body before it is decoded: the listing reads the next page's cursor from the
   * body's tail here, so that request leaves while this body is being parsed.
   */
  onBody?: (body: Buffer) => void | Promise<void>;
}

/** A decoded JSON body and how many attempts it took. */
export interface GetResult {
  body: unknown;
  attempts: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** A header's value as a finite number, or null when absent or not a number. */
function headerNumber(headers: Record<string, string | string[] | undefined>, name: string): number | null {
  const v = header(headers, name)?.trim();
  if (v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Thrown by the body reader when the size bound is crossed. */
class TooLarge extends Error {}

type Body = Dispatcher.ResponseData["body"];

/** Drops a body without reading it: destroying the stream closes its connection. */
function discard(body: Body): void {
  body.on("error", () => undefined);
  body.destroy();
}

async function readBounded(body: Body, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      // Discard the rest rather than reading it into memory.
      discard(body);
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A GET-only JSON client for the Fivetran REST API; one instance holds one connection pool. */
export class FivetranClient {
  private readonly kit: PoolKit;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  /** `host[:port]` of api_url, as errors name it (never its credentials, path or query). */
  readonly host: string;
  private readonly config: FivetranConfig;
  private readonly logger: Logger;
  private readonly onRequest: (endpoint: Endpoint, code: string) => void;
  private readonly onRateLimitRemaining: (n: number) => void;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  /** The last `X-Rate-Limit-Remaining` seen, or null before the first. */
  rateLimitRemaining: number | null = null;
  /** The first `X-Rate-Limit-Remaining` this process saw, or null before the first. */
  firstRateLimitRemaining: number | null = null;
  /** The last `X-Rate-Limit-Limit` seen (Fivetran does not send it; proxies and the simulator may), or null. */
  rateLimitLimit: number | null = null;

  constructor(opts: FivetranClientOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.onRequest = opts.onRequest ?? (() => undefined);
    this.onRateLimitRemaining = opts.onRateLimitRemaining ?? (() => undefined);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    const url = new URL(opts.config.api_url);
    this.prefix = url.pathname.replace(/\/+$/, "");
    this.host = url.host;
    const timeoutMs = Math.max(1, Math.round(opts.config.request_timeout_seconds * 1000));
    this.kit = opts.poolKit ?? loadPoolKit();
    this.pool = new this.kit.Pool(url.origin, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
    });
    const key = opts.config.api_key ?? "";
    const secret = opts.config.api_secret ?? "";
    this.headers = {
      authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`,
      accept: "application/json;version=2",
      "user-agent": `syncwatch/${opts.version} (+https://github.com/syncwatch/syncwatch)`,
    };
  }

  /**
   * GETs `pathAndQuery` (relative to `api_url`) and decodes its JSON body, retrying 5xx, resets, time-outs and
   * short 429s. `call` names the call in errors ("list connections page 2"), which add the host. Throws ApiError.
   */
  async getJson(endpoint: Endpoint, pathAndQuery: string, call: string, opts: GetOptions = {}): Promise<GetResult> {
    const { signal } = opts;
    const what = `${call} from ${this.host}`;
    const maxAttempts = Math.max(1, opts.maxAttempts ?? this.config.retry.max_attempts);
    const maxWaitMs = opts.maxRetryWaitMs ?? this.config.max_retry_wait_seconds * 1000;
    const timeoutMs = Math.max(1, Math.round(this.config.request_timeout_seconds * 1000));
    let badResponses = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw this.aborted(what, signal.reason);
      let failure: ApiError;
      let reported = false;
      opts.onAttempt?.();
      try {
        const res = await this.kit.request(this.pool, {
          method: "GET",
          path: this.prefix + pathAndQuery,
          headers: this.headers,
          signal: signal ?? null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const status = res.statusCode;
        this.onRequest(endpoint, String(status));
        reported = true;
        this.readRateLimit(res.headers);
        if (status >= 200 && status < 300) {
          try {
            return { body: await this.readJson(res.headers, res.body, what, status, opts.onBody), attempts: attempt };
          } catch (err) {
            if (!(err instanceof ApiError) || err.code !== "api_bad_response" || !err.retryable) throw err;
            // A garbled body may be a proxy hiccup: one more try, then give up.
            if (++badResponses > 1 || attempt >= maxAttempts) throw err;
            failure = err;
          }
        } else {
          const detail = await this.errorDetail(res.body);
          failure = this.statusError(what, status, detail, res.headers, attempt, maxAttempts);
          if (!failure.retryable) throw failure;
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (!reported) this.onRequest(endpoint, "error");
        if (signal?.aborted) throw this.aborted(what, err);
        failure = this.transportError(what, err, attempt, maxAttempts);
      }
      // A Retry-After longer than the cycle can afford ends the cycle: the daemon holds until then.
      const next = nextRetry(this.retryPolicy(maxAttempts), attempt, failure.retryAfterMs, maxWaitMs);
      if (!next.retry) throw failure;
      const delay = next.waitMs;
      this.logger.debug({ what, attempt, delay_ms: delay, reason: failure.reason }, `retry ${what}: ${failure.message}`);
      try {
        await this.sleep(delay, signal);
      } catch (err) {
        throw this.aborted(what, err);
      }
    }
  }

  /**
   * Sends one POST, PATCH or DELETE with an optional JSON body (the webhook management calls) and decodes the JSON
   * answer. One attempt: these calls change things, and a person runs them. Throws ApiError.
   */
  async sendJson(method: "POST" | "PATCH" | "DELETE", endpoint: Endpoint, pathAndQuery: string, call: string, payload?: unknown): Promise<unknown> {
    const what = `${call} at ${this.host}`;
    const timeoutMs = Math.max(1, Math.round(this.config.request_timeout_seconds * 1000));
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.kit.request(this.pool, {
        method,
        path: this.prefix + pathAndQuery,
        headers: body === undefined ? this.headers : { ...this.headers, "content-type": "application/json" },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      this.onRequest(endpoint, "error");
      throw this.transportError(what, err, 1, 1);
    }
    this.onRequest(endpoint, String(res.statusCode));
    this.readRateLimit(res.headers);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const detail = await this.errorDetail(res.body);
      throw this.statusError(what, res.statusCode, detail, res.headers, 1, 1);
    }
    return this.readJson(res.headers, res.body, what, res.statusCode, undefined);
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private retryPolicy(maxAttempts: number): RetryPolicy {
    const { base_delay_ms, max_delay_ms } = this.config.retry;
    return { maxAttempts, baseDelayMs: base_delay_ms, maxDelayMs: max_delay_ms, random: this.random };
  }

  private readRateLimit(headers: Record<string, string | string[] | undefined>): void {
    const limit = headerNumber(headers, "x-rate-limit-limit");
    if (limit !== null && limit > 0) this.rateLimitLimit = limit;
    const n = headerNumber(headers, "x-rate-limit-remaining");
    if (n === null) return;
    this.rateLimitRemaining = n;
    this.firstRateLimitRemaining ??= n;
    this.onRateLimitRemaining(n);
  }

  private async readJson(
    headers: Record<string, string | string[] | undefined>,
    body: Body,
    what: string,
    status: number,
    onBody: GetOptions["onBody"],
  ): Promise<unknown> {
    const limit = this.config.max_response_bytes;
    const declared = header(headers, "content-length");
    const tooLarge = (): ApiError =>
      new ApiError("api_bad_response", `${what}: response larger than max_response_bytes (${limit} bytes), refused`, {
        status,
        reason: "bad_response",
        retryable: false,
      });
    if (declared !== null && Number(declared) > limit) {
      discard(body);
      throw tooLarge();
    }
    let buf: Buffer;
    try {
      buf = await readBounded(body, limit);
    } catch (err) {
      if (err instanceof TooLarge) throw tooLarge();
      throw err;
    }
    if (onBody) await onBody(buf);
    try {
      return JSON.parse(buf.toString("utf8")) as unknown;
    } catch (err) {
      throw new ApiError("api_bad_response", `${what}: response is not JSON`, { status, reason: "bad_response", retryable: true, cause: err });
    }
  }

  /** A short, bounded excerpt of an error body (Fivetran's `message` when it is JSON). */
  private async errorDetail(body: Body): Promise<string> {
    let buf: Buffer;
    try {
      buf = await readBounded(body, 16 * 1024);
    } catch {
      return "";
    }
    const text = buf.toString("utf8");
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === "object" && parsed !== null) {
        const m = (parsed as { message?: unknown }).message;
        if (typeof m === "string") return m.slice(0, 200);
      }
    } catch {
      // not JSON: no detail
    }
    return "";
  }

  private statusError(
    what: string,
    status: number,
    detail: string,
    headers: Record<string, string | string[] | undefined>,
    attempt: number,
    maxAttempts: number,
  ): ApiError {
    const suffix = detail ? ` (${detail})` : "";
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(header(headers, "retry-after"), this.now());
      const after = retryAfterMs === null ? "" : ` (Retry-After ${Math.ceil(retryAfterMs / 1000)}s)`;
      return new ApiError("rate_limited", `${what}: 429 rate limited${after}${this.attempts(attempt, maxAttempts)}`, {
        status,
        reason: "rate_limited",
        retryable: true,
        retryAfterMs,
      });
    }
    if (status === 401 || status === 403) {
      return new ApiError(
        "auth_rejected",
        `${what}: ${status} credentials rejected; check FIVETRAN_API_KEY and FIVETRAN_API_SECRET (api_key/api_secret)${suffix}`,
        { status, reason: "auth", retryable: false },
      );
    }
    if (status >= 500) {
      return new ApiError("api_error", `${what}: ${status}${suffix}${this.attempts(attempt, maxAttempts)}`, {
        status,
        reason: "server_error",
        retryable: true,
      });
    }
    return new ApiError("api_error", `${what}: ${status}${suffix} (will not retry)`, { status, reason: "client_error", retryable: false });
  }

  private attempts(attempt: number, maxAttempts: number): string {
    return attempt >= maxAttempts && attempt > 1 ? ` after ${attempt} attempts` : "";
  }

  private transportError(what: string, err: unknown, attempt: number, maxAttempts: number): ApiError {
    const code = errorCodeOf(err);
    const timedOut = code !== null && TIMEOUT_CODES.has(code);
    const reason: FailureReason = timedOut ? "timeout" : "network";
    // Every timeout code reads "timed out ..." in words.
    const detail = code === null ? "connection failed" : describeTransportCode(code);
    return new ApiError(timedOut ? "timeout" : "api_error", `${what}: ${detail}${this.attempts(attempt, maxAttempts)}`, {
      reason,
      retryable: true,
      cause: err,
    });
  }

  private aborted(what: string, cause: unknown): ApiError {
    return new ApiError("aborted", `${what}: aborted`, { reason: "aborted", retryable: false, cause });
  }
}
