// Posts digests to a generic JSON webhook (undici), split over several POSTs past a size, resuming after accepted parts.
import type { Logger } from "pino";
import type * as Undici from "undici";
import type { Clock } from "../../clock.js";
import { parseRetryAfter } from "../../http/retry-after.js";
import { loadUndici } from "../../http/undici.js";
import { bodySnippet, httpStatusError, transportError } from "../http-failure.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier, SendProgress } from "../types.js";
import { buildWebhookPayloads } from "./payload.js";

/** Options of the webhook notifier. */
export interface WebhookNotifierOptions {
  url: string;
  maxAlertsPerPost: number;
  /** Extra request headers (their values are treated as secrets). */
  headers?: Record<string, string>;
  /** Bound of one request (connect + answer), besides the caller's signal. Default 15 s. */
  timeoutMs?: number;
  now?: Clock;
  logger?: Logger;
}

const WHAT = "post webhook";

/** The JSON webhook channel (SPEC §3 payload). */
export class WebhookNotifier implements Notifier {
  readonly name = "webhook" as const;
  private readonly opts: WebhookNotifierOptions;
  /** undici, loaded when this channel is configured (a watcher without it starts faster). */
  private readonly undici: typeof Undici;
  private readonly agent: Undici.Agent;
  private readonly secrets: string[];
  private readonly now: Clock;

  constructor(opts: WebhookNotifierOptions) {
    this.opts = opts;
    const timeout = opts.timeoutMs ?? 15_000;
    this.undici = loadUndici();
    this.agent = new this.undici.Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout, connections: 2 });
    this.secrets = [...urlSecrets(opts.url), ...Object.values(opts.headers ?? {})];
    this.now = opts.now ?? Date.now;
  }

  /** POSTs the digest's alerts after `progress.alertsSent`, part by part; reports each accepted part. */
  async send(digest: Digest, signal?: AbortSignal, progress?: SendProgress): Promise<void> {
    let sent = Math.max(0, Math.min(progress?.alertsSent ?? 0, digest.alerts.length));
    const rest: Digest = { ...digest, alerts: digest.alerts.slice(sent) };
    const payloads = buildWebhookPayloads(rest, { maxAlertsPerPost: this.opts.maxAlertsPerPost, now: this.now() });
    for (const [index, payload] of payloads.entries()) {
      const what = payloads.length > 1 ? `${WHAT} part ${index + 1}/${payloads.length}` : WHAT;
      await this.post(what, JSON.stringify(payload), signal);
      sent += payload.alerts.length;
      progress?.onAccepted(sent);
      this.opts.logger?.debug({ channel: "webhook", digest: digest.id, alerts: payload.alerts.length, sent }, "webhook part accepted");
    }
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async post(what: string, body: string, signal?: AbortSignal): Promise<void> {
    let res: Awaited<ReturnType<typeof Undici.request>>;
    try {
      res = await this.undici.request(this.opts.url, {
        method: "POST",
        headers: { "user-agent": "syncwatch", ...this.opts.headers, "content-type": "application/json" },
        body,
        signal,
        dispatcher: this.agent,
      });
    } catch (err) {
      throw transportError("webhook", what, err, signal, this.secrets);
    }
    let text = "";
    try {
      text = await res.body.text();
    } catch (err) {
      throw transportError("webhook", what, err, signal, this.secrets);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const retryAfter = res.headers["retry-after"];
    const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, this.now());
    throw httpStatusError("webhook", what, res.statusCode, bodySnippet(text, this.secrets), retryAfterMs);
  }
}
