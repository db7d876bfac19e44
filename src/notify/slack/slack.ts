// Sends digests to a Slack incoming webhook (@slack/webhook) and classifies what Slack answers.
import { createRequire } from "node:module";
import type * as SlackWebhook from "@slack/webhook";
import type { FetchFunction } from "@slack/webhook";
import type { Logger } from "pino";
import type * as Undici from "undici";
import { NotifyError } from "../../errors.js";
import { realSleep, type Clock, type Sleep } from "../../clock.js";
import { parseRetryAfter } from "../../http/retry-after.js";
import { loadUndici } from "../../http/undici.js";
import { httpStatusError, transportError } from "../http-failure.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier } from "../types.js";
import { buildSlackMessage, buildSlackTestMessage, type SlackMessage } from "./payload.js";

/** Options of the Slack notifier. */
export interface SlackNotifierOptions {
  webhookUrl: string;
  maxAlerts: number;
  username?: string;
  iconEmoji?: string;
  /** Bound of one request (connect + answer), besides the caller's signal. Default 15 s. */
  timeoutMs?: number;
  /** Slack allows about one message per second per webhook. Default 1000. */
  minIntervalMs?: number;
  now?: Clock;
  sleep?: Sleep;
  logger?: Logger;
}

/** What a user can do about Slack's permanent webhook errors (shown in the error and the log). */
const SLACK_ERROR_HINTS: Record<string, string> = {
  no_service: "the webhook was disabled or removed; create a new one",
  invalid_token: "the webhook was revoked; create a new one",
  channel_not_found: "the channel no longer exists",
  channel_is_archived: "the channel is archived",
  action_prohibited: "a workspace admin restricted posting to this channel",
  posting_to_general_channel_denied: "only admins may post to this channel",
  invalid_payload: "Slack rejected the message format (please report this syncwatch bug)",
  invalid_blocks: "Slack rejected the message blocks (please report this syncwatch bug)",
};

const WHAT = "send Slack message";

/** @slack/webhook, loaded on the first Slack send: syncwatch starts faster when Slack is not used. */
const slackWebhook = (): typeof SlackWebhook => createRequire(import.meta.url)("@slack/webhook") as typeof SlackWebhook;

/** The Slack channel: one Block Kit message per digest, at most one message per second. */
export class SlackNotifier implements Notifier {
  readonly name = "slack" as const;
  private readonly opts: SlackNotifierOptions;
  /** undici, loaded when this channel is configured (a watcher without it starts faster). */
  private readonly undici: typeof Undici;
  private readonly agent: Undici.Agent;
  private readonly secrets: string[];
  private readonly now: Clock;
  private readonly sleep: Sleep;
  private lastRequestAt: number | null = null;

  constructor(opts: SlackNotifierOptions) {
    this.opts = opts;
    const timeout = opts.timeoutMs ?? 15_000;
    this.undici = loadUndici();
    this.agent = new this.undici.Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout, connections: 2 });
    this.secrets = urlSecrets(opts.webhookUrl);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Sends the digest as one message; throws a classified `NotifyError` (no URL inside) on failure. */
  async send(digest: Digest, signal?: AbortSignal): Promise<void> {
    const message = buildSlackMessage(digest, {
      maxAlerts: this.opts.maxAlerts,
      username: this.opts.username,
      iconEmoji: this.opts.iconEmoji,
    });
    await this.post(message, signal);
    this.opts.logger?.debug({ channel: "slack", digest: digest.id, alerts: digest.alerts.length }, "Slack message sent");
  }

  /** Sends the test message of `test-notify`. */
  async sendTest(signal?: AbortSignal): Promise<void> {
    await this.post(buildSlackTestMessage({ username: this.opts.username, iconEmoji: this.opts.iconEmoji }), signal);
  }

  /** Posts one message, paced; throws a classified `NotifyError` (no URL inside) on failure. */
  private async post(message: SlackMessage, signal?: AbortSignal): Promise<void> {
    await this.pace(signal);

    // @slack/webhook drops the response headers; this fetch keeps what we need to honour Retry-After.
    let answered: { status: number; retryAfter: string | null } | null = null;
    const fetchFn: FetchFunction = async (url, init) => {
      const signals = [init?.signal, signal].filter((s): s is AbortSignal => s !== undefined);
      const res = await this.undici.fetch(url, {
        method: init?.method,
        headers: init?.headers,
        body: typeof init?.body === "string" ? init.body : undefined,
        redirect: "error",
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
        dispatcher: this.agent,
      });
      answered = { status: res.status, retryAfter: res.headers.get("retry-after") };
      return res;
    };
    // retries: 0 — the pipeline retries with backoff and keeps what still fails for the next cycle.
    const { IncomingWebhook, IncomingWebhookHTTPError } = slackWebhook();
    const hook = new IncomingWebhook(this.opts.webhookUrl, { fetch: fetchFn, timeout: this.opts.timeoutMs ?? 15_000, retryConfig: { retries: 0 } });

    let text: string;
    try {
      this.lastRequestAt = this.now();
      text = (await hook.send(message)).text;
    } catch (err) {
      if (err instanceof IncomingWebhookHTTPError) {
        const got = answered as { status: number; retryAfter: string | null } | null;
        const retryAfterMs = parseRetryAfter(got?.retryAfter, this.now());
        throw httpStatusError("slack", WHAT, err.statusCode, describeSlackError(err.body), retryAfterMs);
      }
      const original = (err as { original?: unknown }).original ?? err;
      throw transportError("slack", WHAT, original, signal, this.secrets);
    }
    const body = text.trim();
    if (body !== "ok") {
      // Slack has answered 200 with an error text ("channel_is_archived"): it will not work on retry.
      throw new NotifyError("slack", `${WHAT}: 200 ${describeSlackError(body) || "with an unexpected body"} (will not retry)`, {
        reason: "client_error",
        retryable: false,
      });
    }
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Waits until a second has passed since the previous request to this webhook. */
  private async pace(signal?: AbortSignal): Promise<void> {
    if (this.lastRequestAt === null) return;
    const wait = this.lastRequestAt + (this.opts.minIntervalMs ?? 1000) - this.now();
    if (wait > 0) {
      try {
        await this.sleep(wait, signal);
      } catch (err) {
        throw transportError("slack", WHAT, err, signal, this.secrets);
      }
    }
  }
}

/** The Slack error code of a response body ("channel_not_found"), or "" when the body is not one. */
export function slackErrorCode(body: string): string {
  const text = body.trim();
  return /^[a-z][a-z0-9_]{0,63}$/.test(text) ? text : "";
}

/** "channel_is_archived (the channel is archived)": the Slack error code with a hint, or "" when the body is not a code. */
function describeSlackError(body: string): string {
  const code = slackErrorCode(body);
  const hint = SLACK_ERROR_HINTS[code];
  return hint ? `${code} (${hint})` : code;
}
