// What is wrong with connections that just started failing: their active errors, else their failed setup test.
import type { Logger } from "pino";
import { ApiError, errorMessage } from "../errors.js";
import type { FivetranConfig } from "../config/schema.js";
import { reserveOf } from "./budget.js";
import type { FivetranClient } from "./client.js";

/** The failed setup test of one connection. */
export interface SetupTestFailure {
  title: string;
  message: string | null;
}

/** One active error of a connection (`GET /v1/connections/{id}/errors`): what is wrong and what to do. */
export interface ActiveError {
  /** Machine id, e.g. `reconnect`, `unknown_sync_failure`. */
  type: string | null;
  title: string | null;
  /** A brief summary. */
  reason: string | null;
  /** The description with the remediation guidance. */
  message: string | null;
}

/** What details say about a connection: an active error, or (where the account has no errors endpoint) a setup test. */
export type ConnectionProblem = ActiveError | SetupTestFailure;

const FAILED_STATUSES = new Set(["FAILED", "FAILURE", "ERROR", "BROKEN", "JOB_FAILED"]);
const WARNING_STATUSES = new Set(["WARNING", "WARN"]);

/** Whether the account answers the errors endpoint: not asked yet, yes, or 404 (a private preview it lacks). */
type ErrorsEndpoint = "unknown" | "present" | "absent";

/** Fetches details of connections through one client, bounded by the `details` config and the API budget. */
export class DetailsReader {
  private errorsEndpoint: ErrorsEndpoint = "unknown";
  /** The first lookup while the errors endpoint is `unknown`; the others wait for its answer. */
  private probing: Promise<unknown> | null = null;

  constructor(
    private readonly client: FivetranClient,
    private readonly config: FivetranConfig,
    private readonly logger: Logger,
  ) {}

  /**
   * Fetches what is wrong with each connection (at most `details.max_per_cycle`, stopping when the rate-limit budget
   * falls below the reserve). Never throws: a failure is logged and that id skipped.
   */
  async details(ids: string[], signal?: AbortSignal): Promise<Map<string, ConnectionProblem>> {
    const out = new Map<string, ConnectionProblem>();
    const cfg = this.config.details;
    if (!cfg.enabled || cfg.max_per_cycle === 0) return out;
    const todo = [...new Set(ids)].slice(0, cfg.max_per_cycle);
    if (ids.length > todo.length) {
      this.logger.info({ wanted: ids.length, max_per_cycle: cfg.max_per_cycle }, "fetch connection details: only the first are fetched");
    }
    let next = 0;
    let stopped = false;
    const worker = async (): Promise<void> => {
      while (!stopped && next < todo.length) {
        if (signal?.aborted) return;
        const remaining = this.client.rateLimitRemaining;
        const reserve = this.reserve();
        if (remaining !== null && remaining < reserve) {
          if (!stopped) {
            this.logger.warn({ remaining, reserve, skipped: todo.length - next }, "fetch connection details: stopped, API budget below the reserve");
          }
          stopped = true;
          return;
        }
        const id = todo[next++]!;
        try {
          const problem = await this.problemOf(id, signal);
          if (problem) out.set(id, problem);
        } catch (err) {
          this.logger.warn({ connection_id: id, err: { code: (err as { code?: unknown }).code, message: errorMessage(err) } }, `fetch connection ${id} details: skipped`);
          if (err instanceof ApiError && (err.code === "rate_limited" || err.code === "auth_rejected" || err.code === "aborted")) stopped = true;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(cfg.concurrency, todo.length) }, () => worker()));
    } catch (err) {
      this.logger.warn({ err: { message: errorMessage(err) } }, "fetch connection details: stopped");
    }
    return out;
  }

  /** The reserve in force: `details.rate_limit_reserve`, at most a tenth of the account's budget. */
  reserve(): number {
    return reserveOf(this.client, this.config);
  }

  /** One connection's problem; while nobody knows whether the account has the errors endpoint, one asks at a time. */
  private async problemOf(id: string, signal?: AbortSignal): Promise<ConnectionProblem | null> {
    while (this.errorsEndpoint === "unknown" && this.probing !== null) await this.probing.catch(() => undefined);
    if (this.errorsEndpoint !== "unknown") return this.lookup(id, signal);
    const probe = this.lookup(id, signal);
    this.probing = probe;
    try {
      return await probe;
    } finally {
      this.probing = null;
    }
  }

  /**
   * The first active error, else the failed setup test. A 404 from the errors endpoint for a connection whose details
   * answer means the account has no errors endpoint: remembered, so later lookups go to the details at once.
   */
  private async lookup(id: string, signal?: AbortSignal): Promise<ConnectionProblem | null> {
    if (this.errorsEndpoint === "absent") return this.setupTest(id, signal);
    let active: ActiveError | null;
    try {
      active = await this.activeErrors(id, signal);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      const test = await this.setupTest(id, signal);
      if (this.errorsEndpoint === "unknown") {
        this.errorsEndpoint = "absent";
        this.logger.info("fetch connection errors: the account has no errors endpoint (404); using the setup tests of connection details");
      }
      return test;
    }
    this.errorsEndpoint = "present";
    return active ?? this.setupTest(id, signal);
  }

  private async activeErrors(id: string, signal?: AbortSignal): Promise<ActiveError | null> {
    const { body } = await this.client.getJson("errors", `/v1/connections/${encodeURIComponent(id)}/errors?limit=100`, `fetch connection ${id} errors`, this.callOptions(signal));
    return firstActiveError(body);
  }

  private async setupTest(id: string, signal?: AbortSignal): Promise<SetupTestFailure | null> {
    const { body } = await this.client.getJson("details", `/v1/connections/${encodeURIComponent(id)}`, `fetch connection ${id} details`, this.callOptions(signal));
    return failedSetupTest(body);
  }

  private callOptions(signal?: AbortSignal): { signal?: AbortSignal; maxAttempts: number; maxRetryWaitMs: number } {
    return { signal, maxAttempts: Math.min(2, this.config.retry.max_attempts), maxRetryWaitMs: 0 };
  }
}

function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** The first active error of an errors body that says anything (a title, reason or message), or null. */
export function firstActiveError(body: unknown): ActiveError | null {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  const items = typeof data === "object" && data !== null ? (data as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return null;
  for (const e of items as unknown[]) {
    if (typeof e !== "object" || e === null) continue;
    const { type, title, reason, message } = e as Record<string, unknown>;
    const found: ActiveError = { type: text(type), title: text(title), reason: text(reason), message: text(message) };
    if (found.title !== null || found.reason !== null || found.message !== null) return found;
  }
  return null;
}

/** The first failed (else warning) setup test of a details body, or null when none failed. */
export function failedSetupTest(body: unknown): SetupTestFailure | null {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  const tests = typeof data === "object" && data !== null ? (data as { setup_tests?: unknown }).setup_tests : undefined;
  if (!Array.isArray(tests)) return null;
  let warning: SetupTestFailure | null = null;
  for (const t of tests as unknown[]) {
    if (typeof t !== "object" || t === null) continue;
    const { title, status, message } = t as { title?: unknown; status?: unknown; message?: unknown };
    if (typeof title !== "string" || typeof status !== "string") continue;
    const s = status.toUpperCase();
    const found = { title, message: typeof message === "string" && message !== "" ? message : null };
    if (FAILED_STATUSES.has(s)) return found;
    if (warning === null && WARNING_STATUSES.has(s)) warning = found;
  }
  return warning;
}
