// Sends digests as email over SMTP (nodemailer, no pool) and classifies SMTP failures.
import { createRequire } from "node:module";
import type * as Nodemailer from "nodemailer";
import type { Mail } from "nodemailer";
import type { Logger } from "pino";
import { NotifyError } from "../../errors.js";
import { errorCodeOf } from "../../http/transport-errors.js";
import { transportError } from "../http-failure.js";
import { safeCause, scrub, urlSecrets } from "../redact.js";
import type { Digest, Notifier } from "../types.js";
import { buildEmail, buildTestEmail } from "./message.js";

/** Options of the email notifier. */
export interface EmailNotifierOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; never shown in errors or logs. */
  smtpUrl: string;
  from: string;
  to: string[];
  subjectPrefix: string;
  maxAlerts: number;
  /** Bound of connecting, the greeting and each socket wait. Default 15 s. */
  timeoutMs?: number;
  logger?: Logger;
}

const WHAT = "send email";
const NETWORK_CODES = new Set(["ECONNECTION", "ESOCKET", "EDNS", "ETLS", "EPROTOCOL", "ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const AUTH_CODES = new Set(["EAUTH", "ENOAUTH"]);

/** The email channel: one message (text and HTML) per digest. */
export class EmailNotifier implements Notifier {
  readonly name = "email" as const;
  private readonly opts: EmailNotifierOptions;
  private readonly transport: Mail;
  private readonly secrets: string[];

  constructor(opts: EmailNotifierOptions) {
    this.opts = opts;
    const timeout = opts.timeoutMs ?? 15_000;
    // nodemailer is loaded only when email is configured (it is the slowest module to load).
    const { createTransport } = createRequire(import.meta.url)("nodemailer") as typeof Nodemailer;
    this.transport = createTransport({
      url: opts.smtpUrl,
      pool: false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
    });
    this.secrets = urlSecrets(opts.smtpUrl);
  }

  /** Sends the digest as one email; throws a classified `NotifyError` (no password inside) on failure. */
  async send(digest: Digest, signal?: AbortSignal): Promise<void> {
    const mail = buildEmail(digest, { subjectPrefix: this.opts.subjectPrefix, maxAlerts: this.opts.maxAlerts });
    try {
      signal?.throwIfAborted();
      await this.transport.sendMail({ from: this.opts.from, to: this.opts.to, ...mail, signal });
    } catch (err) {
      throw smtpError(err, signal, this.secrets);
    }
    this.opts.logger?.debug({ channel: "email", digest: digest.id, alerts: digest.alerts.length }, "email sent");
  }

  /** Sends the test email of `test-notify`. */
  async sendTest(signal?: AbortSignal): Promise<void> {
    try {
      signal?.throwIfAborted();
      await this.transport.sendMail({ from: this.opts.from, to: this.opts.to, ...buildTestEmail(this.opts.subjectPrefix), signal });
    } catch (err) {
      throw smtpError(err, signal, this.secrets);
    }
  }

  /** Closes the SMTP transport. */
  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}

/**
 * Classifies an SMTP failure: a 4xx reply or a connection problem is retryable, a 5xx reply or rejected
 * credentials are not. The message and the kept cause are scrubbed of the URL and password.
 */
export function smtpError(err: unknown, signal: AbortSignal | undefined, secrets: readonly string[]): NotifyError {
  if (signal?.aborted) return transportError("email", WHAT, err, signal, secrets);
  const fields = (typeof err === "object" && err !== null ? err : {}) as { responseCode?: unknown; response?: unknown };
  const status = typeof fields.responseCode === "number" ? fields.responseCode : null;
  const code = errorCodeOf(err);
  const cause = safeCause(err, secrets);
  const raw = typeof fields.response === "string" && fields.response !== "" ? fields.response : err instanceof Error ? err.message : String(err);
  const detail = scrub(raw.split(/\r?\n/, 1)[0] ?? "", secrets).slice(0, 200);
  if (status !== null && status >= 400 && status < 500) {
    return new NotifyError("email", `${WHAT}: ${detail} (temporary, will retry)`, { reason: "server_error", retryable: true, cause });
  }
  if (status !== null && status >= 500) {
    const reason = code !== null && AUTH_CODES.has(code) ? "auth" : "client_error";
    return new NotifyError("email", `${WHAT}: ${detail} (will not retry)`, { reason, retryable: false, cause });
  }
  if (code !== null && AUTH_CODES.has(code)) {
    return new NotifyError("email", `${WHAT}: ${detail} (will not retry)`, { reason: "auth", retryable: false, cause });
  }
  if (code === "ETIMEDOUT") return new NotifyError("email", `${WHAT}: timed out`, { reason: "timeout", retryable: true, cause });
  if (code !== null && NETWORK_CODES.has(code)) {
    return new NotifyError("email", `${WHAT}: ${code} ${detail}`.trim(), { reason: "network", retryable: true, cause });
  }
  if (code === "EENVELOPE" || code === "ECONFIG" || code === "EMESSAGE") {
    return new NotifyError("email", `${WHAT}: ${detail} (will not retry)`, { reason: "client_error", retryable: false, cause });
  }
  return transportError("email", WHAT, err, signal, secrets);
}
