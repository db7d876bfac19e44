// Details of connections that just started failing: the failed setup test, within the API budget's reserve.
import type { Logger } from "pino";
import { ApiError, errorMessage } from "../errors.js";
import type { FivetranConfig } from "../config/schema.js";
import type { FivetranClient } from "./client.js";

/** The failed setup test of one connection. */
export interface SetupTestFailure {
  title: string;
  message: string | null;
}

const FAILED_STATUSES = new Set(["FAILED", "FAILURE", "ERROR", "BROKEN", "JOB_FAILED"]);
const WARNING_STATUSES = new Set(["WARNING", "WARN"]);

/** Fetches details of connections through one client, bounded by the `details` config. */
export class DetailsReader {
  constructor(
    private readonly client: FivetranClient,
    private readonly config: FivetranConfig,
    private readonly logger: Logger,
  ) {}

  /**
   * Fetches the first failed setup test of each connection (at most `details.max_per_cycle`, stopping when the
   * rate-limit budget falls below the reserve). Never throws: a failure is logged and that id skipped.
   */
  async details(ids: string[], signal?: AbortSignal): Promise<Map<string, SetupTestFailure>> {
    const out = new Map<string, SetupTestFailure>();
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
        if (remaining !== null && remaining < cfg.rate_limit_reserve) {
          if (!stopped) {
            this.logger.warn(
              { remaining, reserve: cfg.rate_limit_reserve, skipped: todo.length - next },
              "fetch connection details: stopped, API budget below the reserve",
            );
          }
          stopped = true;
          return;
        }
        const id = todo[next++]!;
        try {
          const { body } = await this.client.getJson("details", `/v1/connections/${encodeURIComponent(id)}`, `fetch connection ${id} details`, {
            signal,
            maxAttempts: Math.min(2, this.config.retry.max_attempts),
            maxRetryWaitMs: 0,
          });
          const failure = failedSetupTest(body);
          if (failure) out.set(id, failure);
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
