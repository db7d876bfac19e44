// One base error with a stable `code`; callers branch on the code, never on message text.

/** Stable error codes; they appear in logs and some become metric labels. */
export type ErrorCode =
  | "usage"
  | "config_invalid"
  | "auth_rejected"
  | "api_error"
  | "api_bad_response"
  | "rate_limited"
  | "paging_loop"
  | "legacy_endpoint_gone"
  | "timeout"
  | "aborted"
  | "state_unreadable"
  | "state_write_failed"
  | "state_save_timeout"
  | "notify_failed";

/** The base of every error syncwatch raises on purpose. Messages read "verb object: detail". */
export class SyncwatchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem in the configuration, named by its path (e.g. `channels.slack.webhook_url`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The configuration is invalid; `issues` lists every problem at once. */
export class ConfigError extends SyncwatchError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super("config_invalid", `invalid configuration:\n${issues.map((i) => `  - ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
    this.issues = issues;
  }
}

/** The command line was used wrongly. */
export class UsageError extends SyncwatchError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** Why a Fivetran call or a notification send failed; becomes a log field and a metric label. */
export type FailureReason = "rate_limited" | "server_error" | "client_error" | "auth" | "timeout" | "network" | "bad_response" | "aborted" | "permanent";

/** A call to Fivetran failed. `retryable` says whether trying again can help. */
export class ApiError extends SyncwatchError {
  readonly status: number | null;
  readonly reason: FailureReason;
  readonly retryable: boolean;
  /** From `Retry-After`, in milliseconds, when the server gave one. */
  readonly retryAfterMs: number | null;
  /** HTTP requests the failed operation had made, retries included, when it counts them (a listing does). */
  requests: number | null = null;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { status?: number | null; reason: FailureReason; retryable: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(code, message, { cause: opts.cause });
    this.status = opts.status ?? null;
    this.reason = opts.reason;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** A notification could not be delivered. `retryable` says whether trying again can help. */
export class NotifyError extends SyncwatchError {
  readonly channel: string;
  readonly reason: FailureReason;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** Alerts given up on by a permanent failure when not all the unsent ones are (a channel that skips refused items). */
  readonly dropped: number | null;
  constructor(
    channel: string,
    message: string,
    opts: { reason: FailureReason; retryable: boolean; retryAfterMs?: number | null; dropped?: number; cause?: unknown },
  ) {
    super("notify_failed", message, { cause: opts.cause });
    this.channel = channel;
    this.reason = opts.reason;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.dropped = opts.dropped ?? null;
  }
}

/** Best-effort text of an unknown thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
