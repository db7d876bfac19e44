// Posts alerts to one Alertmanager or every instance of an HA cluster (API v2), and re-sends firing ones on a timer.
import type { Logger } from "pino";
import type { Alert } from "../../health/model.js";
import { NotifyError } from "../../errors.js";
import type { Clock } from "../../clock.js";
import { JsonPoster } from "../http-post.js";
import { urlSecrets } from "../redact.js";
import type { Digest, Notifier, SendProgress } from "../types.js";
import { alertmanagerTestAlert, toAlertmanagerAlert, type AlertmanagerAlert } from "./payload.js";

/** Options of the Alertmanager notifier. */
export interface AlertmanagerNotifierOptions {
  /** Base URLs, one per instance (`http://user:pass@am:9093`, a path prefix is kept); every one gets every alert. */
  urls: readonly string[];
  /** Sent as `Authorization: Bearer …` (not with credentials in a URL). */
  bearerToken?: string;
  /** Static labels on every alert. */
  labels?: Record<string, string>;
  /** How often firing alerts are re-sent (ms). */
  resendIntervalMs: number;
  /** How far past each send a firing alert's `endsAt` lies (ms): well past the next re-send. */
  leaseMs: number;
  /** Alerts per POST; a larger digest is sent in parts, resuming after the accepted ones. */
  maxAlertsPerPost?: number;
  /** Bound of one request. Default 15 s. */
  timeoutMs?: number;
  now?: Clock;
  logger?: Logger;
}

/** One Alertmanager instance: where to post, how to authenticate, and how to name it in messages (host only). */
interface Target {
  endpoint: string;
  headers: Record<string, string>;
  host: string;
}

/** The Alertmanager channel: alerts with leased `endsAt`, re-sent while they fire, resolved with `endsAt` now. */
export class AlertmanagerNotifier implements Notifier {
  readonly name = "alertmanager" as const;
  readonly refreshIntervalMs: number;
  private readonly opts: AlertmanagerNotifierOptions;
  private readonly targets: Target[];
  private readonly poster: JsonPoster;
  private readonly now: Clock;
  /** Sends and re-sends run one at a time, so a re-send never overtakes a resolve. */
  private turn: Promise<unknown> = Promise.resolve();
  /**
   * Alerts this channel resolved (key → `started_at`), until the firing list stops showing them: the watcher
   * publishes its new state after the cycle's sends, so a re-send in between must not bring a resolved alert back.
   */
  private readonly resolved = new Map<string, number>();

  constructor(opts: AlertmanagerNotifierOptions) {
    this.opts = opts;
    this.refreshIntervalMs = opts.resendIntervalMs;
    this.now = opts.now ?? Date.now;
    this.targets = opts.urls.map((url) => target(url, opts.bearerToken));
    const secrets = [...opts.urls.flatMap((u) => urlSecrets(u)), ...this.targets.flatMap((t) => Object.values(t.headers))];
    if (opts.bearerToken) secrets.push(opts.bearerToken);
    this.poster = new JsonPoster({ channel: "alertmanager", timeoutMs: opts.timeoutMs ?? 15_000, secrets, now: this.now });
  }

  /** Posts the digest's alerts after `progress.alertsSent`, part by part, to every instance. */
  send(digest: Digest, signal?: AbortSignal, progress?: SendProgress): Promise<void> {
    return this.exclusive(async () => {
      const size = Math.max(1, this.opts.maxAlertsPerPost ?? 500);
      let sent = Math.max(0, Math.min(progress?.alertsSent ?? 0, digest.alerts.length));
      while (sent < digest.alerts.length) {
        const part = digest.alerts.slice(sent, sent + size);
        await this.postAll("post alerts to Alertmanager", this.payload(part), signal, "any");
        for (const a of part) {
          if (a.status === "resolved") this.resolved.set(keyOf(a), a.started_at);
          else this.resolved.delete(keyOf(a));
        }
        sent += part.length;
        progress?.onAccepted(sent);
      }
      this.opts.logger?.debug({ channel: this.name, digest: digest.id, alerts: digest.alerts.length }, "alerts posted to Alertmanager");
    });
  }

  /** Re-sends the alerts that still fire (read when it is this re-send's turn), extending their `endsAt`. */
  refresh(firing: () => readonly Alert[], signal?: AbortSignal): Promise<void> {
    return this.exclusive(async () => {
      const listed = firing();
      const shown = new Set(listed.map(keyOf));
      for (const key of this.resolved.keys()) if (!shown.has(key)) this.resolved.delete(key);
      const alerts = listed.filter((a) => a.status === "firing" && this.resolved.get(keyOf(a)) !== a.started_at);
      if (alerts.length === 0) return;
      await this.postAll("re-send firing alerts to Alertmanager", this.payload(alerts), signal, "any");
      this.opts.logger?.debug({ channel: this.name, alerts: alerts.length }, "firing alerts re-sent to Alertmanager");
    });
  }

  /** Posts the test alert to every instance; succeeds only when every one accepted it. */
  sendTest(signal?: AbortSignal): Promise<void> {
    return this.exclusive(async () => {
      const body = JSON.stringify([alertmanagerTestAlert({ now: this.now(), leaseMs: this.opts.leaseMs, labels: this.opts.labels ?? {} })]);
      await this.postAll("post test alert to Alertmanager", body, signal, "all");
    });
  }

  /** Closes the HTTP connections. */
  async close(): Promise<void> {
    await this.poster.close();
  }

  private payload(alerts: readonly Alert[]): string {
    const opts = { now: this.now(), leaseMs: this.opts.leaseMs, labels: this.opts.labels ?? {} };
    return JSON.stringify(alerts.map((a): AlertmanagerAlert => toAlertmanagerAlert(a, opts)));
  }

  /**
   * POSTs to every instance at once. `any`: done when one accepted (an HA cluster shares alerts; the others are
   * logged); `all`: every one must accept. Throws when that is not met, naming each failed instance by host.
   */
  private async postAll(what: string, body: string, signal: AbortSignal | undefined, need: "any" | "all"): Promise<void> {
    const results = await Promise.allSettled(this.targets.map((t) => this.poster.post(t.endpoint, what, body, signal, t.headers)));
    const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ host: this.targets[i]!.host, err: asNotifyError(r.reason, what) }] : []));
    if (failures.length === 0) return;
    const accepted = results.length - failures.length;
    if (need === "any" && accepted > 0) {
      for (const f of failures) this.opts.logger?.warn({ channel: this.name, instance: f.host, reason: f.err.reason, error: f.err.message }, "an Alertmanager instance failed; its peers accepted");
      return;
    }
    if (this.targets.length === 1) throw failures[0]!.err;
    const retryable = failures.some((f) => f.err.retryable);
    const first = failures.find((f) => f.err.retryable === retryable)!.err;
    const detail = failures.map((f) => `${f.host}: ${f.err.message.replace(`${what}: `, "")}`).join("; ");
    throw new NotifyError("alertmanager", `${what}: ${failures.length} of ${results.length} instances failed (${detail})`, {
      reason: first.reason,
      retryable,
      retryAfterMs: Math.max(0, ...failures.map((f) => f.err.retryAfterMs ?? 0)) || null,
      cause: first,
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/** An instance from its base URL: credentials in the URL become a Basic auth header and leave the URL. */
function target(base: string, bearerToken: string | undefined): Target {
  const u = new URL(base);
  const headers: Record<string, string> = {};
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    u.username = "";
    u.password = "";
  } else if (bearerToken) {
    headers.authorization = `Bearer ${bearerToken}`;
  }
  u.search = "";
  u.hash = "";
  if (!u.pathname.endsWith("/")) u.pathname = `${u.pathname}/`;
  return { endpoint: new URL("api/v2/alerts", u).href, headers, host: u.host };
}

function keyOf(a: Alert): string {
  return `${a.connection_id}\u0000${a.condition}`;
}

function asNotifyError(err: unknown, what: string): NotifyError {
  return err instanceof NotifyError ? err : new NotifyError("alertmanager", `${what}: ${String(err)}`, { reason: "network", retryable: true });
}
