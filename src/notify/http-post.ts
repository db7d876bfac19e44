// POSTs JSON for the HTTP channels (webhook, Alertmanager, PagerDuty, Teams) and turns failures into NotifyErrors.
import type * as Undici from "undici";
import type { Clock } from "../clock.js";
import { parseRetryAfter } from "../http/retry-after.js";
import { loadUndici } from "../http/undici.js";
import { bodySnippet, httpStatusError, transportError } from "./http-failure.js";
import type { ChannelName } from "./registry.js";

/** Options of a channel's JSON poster. */
export interface JsonPosterOptions {
  channel: ChannelName;
  /** Bound of one request (connect + answer), besides the caller's signal. */
  timeoutMs: number;
  /** Strings never shown in an error (URLs, their tokens, header values). */
  secrets: readonly string[];
  now?: Clock;
}

/** A 2xx answer: its status and body text. */
export interface Accepted {
  status: number;
  text: string;
}

/** One keep-alive agent per channel; each `post` sends one JSON body and classifies what comes back. */
export class JsonPoster {
  private readonly opts: JsonPosterOptions;
  /** undici, loaded when a channel that posts is configured (a watcher without one starts faster). */
  private readonly undici: typeof Undici;
  private readonly agent: Undici.Agent;
  private readonly now: Clock;

  constructor(opts: JsonPosterOptions) {
    this.opts = opts;
    this.undici = loadUndici();
    const timeout = opts.timeoutMs;
    this.agent = new this.undici.Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout, connections: 2 });
    this.now = opts.now ?? Date.now;
  }

  /**
   * POSTs `body` as JSON to `url` with `headers`; resolves with a 2xx answer, throws a `NotifyError` naming `what`
   * otherwise (429 and 5xx retryable, with `Retry-After`; other statuses not; no secret inside).
   */
  async post(url: string, what: string, body: string, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<Accepted> {
    const { channel, secrets } = this.opts;
    let res: Awaited<ReturnType<typeof Undici.request>>;
    try {
      res = await this.undici.request(url, {
        method: "POST",
        headers: { "user-agent": "syncwatch", ...headers, "content-type": "application/json" },
        body,
        signal,
        dispatcher: this.agent,
      });
    } catch (err) {
      throw transportError(channel, what, err, signal, secrets);
    }
    let text = "";
    try {
      text = await res.body.text();
    } catch (err) {
      throw transportError(channel, what, err, signal, secrets);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text };
    const retryAfter = res.headers["retry-after"];
    const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, this.now());
    throw httpStatusError(channel, what, res.statusCode, bodySnippet(text, secrets), retryAfterMs);
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}
