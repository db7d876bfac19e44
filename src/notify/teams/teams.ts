// Posts digests to a Microsoft Teams Workflows webhook as one Adaptive Card each.
import type { Logger } from "pino";
import type { Clock } from "../../clock.js";
import { JsonPoster } from "../http-post.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier } from "../types.js";
import { buildTeamsMessage, buildTeamsTestMessage } from "./payload.js";

/** Options of the Teams notifier. */
export interface TeamsNotifierOptions {
  /** The Workflows webhook URL ("When a Teams webhook request is received"); its `sig` is a secret. */
  webhookUrl: string;
  maxAlerts: number;
  /** Bound of one request. Default 15 s. */
  timeoutMs?: number;
  now?: Clock;
  logger?: Logger;
}

/** The Teams channel: one Adaptive Card per digest, within Teams' size limit. */
export class TeamsNotifier implements Notifier {
  readonly name = "teams" as const;
  private readonly opts: TeamsNotifierOptions;
  private readonly poster: JsonPoster;

  constructor(opts: TeamsNotifierOptions) {
    this.opts = opts;
    this.poster = new JsonPoster({ channel: "teams", timeoutMs: opts.timeoutMs ?? 15_000, secrets: urlSecrets(opts.webhookUrl), now: opts.now });
  }

  /** Posts the digest's card; Teams answers 202 (sometimes 200). */
  async send(digest: Digest, signal?: AbortSignal): Promise<void> {
    const body = JSON.stringify(buildTeamsMessage(digest, { maxAlerts: this.opts.maxAlerts }));
    await this.poster.post(this.opts.webhookUrl, "post Teams message", body, signal);
    this.opts.logger?.debug({ channel: this.name, digest: digest.id, alerts: digest.alerts.length }, "Teams message posted");
  }

  /** Posts the test card of `test-notify`. */
  async sendTest(signal?: AbortSignal): Promise<void> {
    await this.poster.post(this.opts.webhookUrl, "post Teams message", JSON.stringify(buildTeamsTestMessage()), signal);
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.poster.close();
  }
}
