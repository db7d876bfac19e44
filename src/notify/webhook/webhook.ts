// Posts digests to a generic JSON webhook (undici), split over several POSTs past a size, resuming after accepted parts.
import type { Logger } from "pino";
import type { Clock } from "../../clock.js";
import { JsonPoster } from "../http-post.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier, SendProgress } from "../types.js";
import { buildWebhookPayloads, buildWebhookTestPayload } from "./payload.js";

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
  private readonly poster: JsonPoster;
  private readonly now: Clock;

  constructor(opts: WebhookNotifierOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    const secrets = [...urlSecrets(opts.url), ...Object.values(opts.headers ?? {})];
    this.poster = new JsonPoster({ channel: "webhook", timeoutMs: opts.timeoutMs ?? 15_000, secrets, now: this.now });
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

  /** POSTs the test payload of `test-notify` (no alerts, `test: true` and the test message). */
  async sendTest(signal?: AbortSignal): Promise<void> {
    await this.post(WHAT, JSON.stringify(buildWebhookTestPayload(this.now())), signal);
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.poster.close();
  }

  private async post(what: string, body: string, signal?: AbortSignal): Promise<void> {
    await this.poster.post(this.opts.url, what, body, signal, this.opts.headers);
  }
}
