// Classifies failed HTTP deliveries (status codes, Retry-After, transport errors) into NotifyErrors.
import { NotifyError, type FailureReason } from "../errors.js";
import type { ChannelName } from "./registry.js";
import { TIMEOUT_CODES, describeTransportCode, errorCodeOf } from "../http/transport-errors.js";
import { safeCause, scrub } from "./redact.js";

/**
 * The error for a non-2xx answer: 429 is retryable (`rate_limited`, with `Retry-After`), 5xx retryable
 * (`server_error`), every other status permanent (`client_error`, or `auth` for 401/403).
 */
export function httpStatusError(
  channel: ChannelName,
  what: string,
  status: number,
  detail: string,
  retryAfterMs: number | null,
): NotifyError {
  const suffix = detail ? ` ${detail}` : "";
  if (status === 429) {
    return new NotifyError(channel, `${what}: ${status}${suffix} (rate limited)`, { reason: "rate_limited", retryable: true, retryAfterMs });
  }
  if (status >= 500) {
    return new NotifyError(channel, `${what}: ${status}${suffix}`, { reason: "server_error", retryable: true, retryAfterMs });
  }
  const reason: FailureReason = status === 401 || status === 403 ? "auth" : "client_error";
  return new NotifyError(channel, `${what}: ${status}${suffix} (will not retry)`, { reason, retryable: false });
}


/**
 * The error for a request that got no answer: aborted by the caller (`aborted`), timed out (`timeout`),
 * or a connection problem (`network`). All are retryable. The cause chain is kept with secrets scrubbed.
 */
export function transportError(
  channel: ChannelName,
  what: string,
  err: unknown,
  signal: AbortSignal | undefined,
  secrets: readonly string[],
): NotifyError {
  const cause = safeCause(err, secrets);
  if (signal?.aborted) {
    const timedOut = isTimeoutReason(signal.reason);
    return new NotifyError(channel, `${what}: ${timedOut ? "timed out" : "aborted"}`, {
      reason: timedOut ? "timeout" : "aborted",
      retryable: true,
      cause,
    });
  }
  const code = errorCodeOf(err);
  if (isTimeoutReason(err) || (code !== null && TIMEOUT_CODES.has(code))) {
    return new NotifyError(channel, `${what}: ${code ? describeTransportCode(code) : "timed out"}`, { reason: "timeout", retryable: true, cause });
  }
  const detail = code ? describeTransportCode(code) : scrub(innermostMessage(err), secrets);
  return new NotifyError(channel, `${what}: ${detail}`, { reason: "network", retryable: true, cause });
}

/** True for the reason of an `AbortSignal.timeout()` signal (a DOMException named TimeoutError). */
export function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError";
}

function innermostMessage(err: unknown): string {
  let cur: unknown = err;
  let msg = "request failed";
  for (let i = 0; i < 6 && cur instanceof Error; i++) {
    if (cur.message) msg = cur.message;
    cur = cur.cause;
  }
  return msg;
}

/** A short, printable piece of a response body for an error message (first line, at most `max` chars). */
export function bodySnippet(body: string, secrets: readonly string[], max = 120): string {
  const line = body.trim().split(/\r?\n/, 1)[0] ?? "";
  const clean = scrub(line, secrets).replace(/[^\x20-\x7e]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
