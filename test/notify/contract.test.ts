// The contract every Notifier must keep, run against every channel with real local servers (HTTP and SMTP).
import { afterEach, describe, expect, it } from "vitest";
import { NotifyError } from "../../src/errors.js";
import { AlertmanagerNotifier } from "../../src/notify/alertmanager/alertmanager.js";
import { EmailNotifier } from "../../src/notify/email/email.js";
import { PagerDutyNotifier } from "../../src/notify/pagerduty/pagerduty.js";
import { SlackNotifier } from "../../src/notify/slack/slack.js";
import { TeamsNotifier } from "../../src/notify/teams/teams.js";
import { TEST_MESSAGE, type Notifier } from "../../src/notify/types.js";
import { WebhookNotifier } from "../../src/notify/webhook/webhook.js";
import { alert, digest, fakeSleep, SECRET_PATH } from "./fixtures.js";
import { startReceiver } from "../helpers/receivers.js";
import { startSmtpReceiver } from "./smtp.js";

type Outcome = "accept" | "rate_limited" | "server_error" | "rejected" | "hang";

interface Setup {
  notifier: Notifier;
  /** How the server answers the next send. */
  next(outcome: Outcome): void;
  /** Called when the server got the message. */
  onArrive(cb: () => void): void;
  /** What arrived so far, as text (bodies; for email the subject and text). */
  arrived(): string[];
  /** Strings that must never show in an error. */
  secrets: string[];
  /** A notifier of the same kind pointed at a port where nothing listens. */
  unreachable(): Promise<Notifier>;
  close(): Promise<void>;
}

interface Harness {
  name: string;
  /** What `retryAfterMs` a rate-limit and a server error carry (HTTP: from Retry-After; SMTP: none). */
  retryAfter: { rate_limited: number | null; server_error: number | null };
  setup(): Promise<Setup>;
}

const LONG = 60_000; // only an abort can end a hanging send within the test timeout

async function deadPort(): Promise<number> {
  const r = await startReceiver("ok", SECRET_PATH);
  const port = Number(new URL(r.url).port);
  await r.close();
  return port;
}

function httpHarness(name: string, make: (url: string) => Notifier): Harness {
  return {
    name,
    retryAfter: { rate_limited: 7000, server_error: 2000 },
    async setup() {
      const r = await startReceiver(name === "slack" ? "ok" : "accepted", SECRET_PATH);
      return {
        notifier: make(r.url),
        next(outcome) {
          if (outcome === "accept") return;
          if (outcome === "hang") r.replies.push("hang");
          if (outcome === "rate_limited") r.replies.push({ status: 429, body: "rate_limited", headers: { "retry-after": "7" } });
          if (outcome === "server_error") r.replies.push({ status: 503, body: `upstream ${r.url} down`, headers: { "retry-after": "2" } });
          if (outcome === "rejected") r.replies.push({ status: 400, body: "invalid_payload" });
        },
        onArrive(cb) {
          r.onRequest = cb;
        },
        arrived: () => r.received.map((g) => g.body),
        secrets: [r.url, new URL(r.url).pathname, "XXXXXXXXSECRETXXXX", "tok-SECRET-123", "am-s3cret-pass", "R0UTING-KEY-SECRET-0123456789abcd"],
        unreachable: async () => make(`http://127.0.0.1:${await deadPort()}/services/T000/B000/XXXXXXXXSECRETXXXX`),
        close: async () => {
          await r.close();
        },
      };
    },
  };
}

const harnesses: Harness[] = [
  httpHarness("slack", (url) => new SlackNotifier({ webhookUrl: url, maxAlerts: 40, timeoutMs: LONG, sleep: fakeSleep().sleep })),
  httpHarness(
    "webhook",
    (url) => new WebhookNotifier({ url, maxAlertsPerPost: 1000, headers: { authorization: "Bearer tok-SECRET-123" }, timeoutMs: LONG }),
  ),
  httpHarness("alertmanager", (url) => {
    const withAuth = new URL(url);
    withAuth.username = "am";
    withAuth.password = "am-s3cret-pass";
    return new AlertmanagerNotifier({ urls: [withAuth.href], resendIntervalMs: 60_000, leaseMs: 600_000, timeoutMs: LONG });
  }),
  httpHarness("pagerduty", (url) => new PagerDutyNotifier({ routingKey: "R0UTING-KEY-SECRET-0123456789abcd", url, timeoutMs: LONG })),
  httpHarness("teams", (url) => new TeamsNotifier({ webhookUrl: `${url}?api-version=2016-06-01&sig=tok-SECRET-123`, maxAlerts: 50, timeoutMs: LONG })),
  {
    name: "email",
    retryAfter: { rate_limited: null, server_error: null },
    async setup() {
      const s = await startSmtpReceiver();
      const make = (url: string) => new EmailNotifier({ smtpUrl: url, from: "syncwatch@example.com", to: ["ops@example.com"], subjectPrefix: "[syncwatch]", maxAlerts: 500, timeoutMs: LONG });
      return {
        notifier: make(s.url),
        next(outcome) {
          if (outcome === "accept") return;
          if (outcome === "hang") s.replies.push("hang");
          if (outcome === "rate_limited") s.replies.push({ code: 421, message: "4.7.0 Too many messages, slow down" });
          if (outcome === "server_error") s.replies.push({ code: 451, message: "4.3.0 Local error in processing" });
          if (outcome === "rejected") s.replies.push({ code: 550, message: "5.7.1 Message rejected as spam" });
        },
        onArrive(cb) {
          s.onData = cb;
        },
        arrived: () => s.delivered.map((d) => `${d.subject}\n${d.text}`),
        secrets: [s.url, s.password],
        unreachable: async () => make(`smtp://alerts:${s.password}@127.0.0.1:${await deadPort()}`),
        close: () => s.close(),
      };
    },
  },
];

/** Every message along the cause chain, and the error's JSON, for leak checks. */
function allText(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 8 && cur instanceof Error; i++) {
    parts.push(cur.message, String(cur.stack), JSON.stringify(cur));
    cur = cur.cause;
  }
  return parts.join("\n");
}

async function failure(p: Promise<void>): Promise<NotifyError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotifyError);
  return err as NotifyError;
}

for (const h of harnesses) {
  describe(`${h.name} notifier contract`, () => {
    let s: Setup | null = null;
    afterEach(async () => {
      await s?.notifier.close?.();
      await s?.close();
      s = null;
    });

    it("resolves when the receiver accepts", async () => {
      s = await h.setup();
      await expect(s.notifier.send(digest([alert()]))).resolves.toBeUndefined();
    });

    it("the test message arrives, clearly marked as not an alert", async () => {
      s = await h.setup();
      await expect(s.notifier.sendTest()).resolves.toBeUndefined();
      expect(s.arrived().length).toBeGreaterThan(0);
      expect(s.arrived()[0]).toContain(TEST_MESSAGE);
    });

    it("a refused test message is a permanent error with no secret in it", async () => {
      s = await h.setup();
      s.next("rejected");
      const err = await failure(s.notifier.sendTest());
      expect(err.retryable).toBe(false);
      for (const secret of s.secrets) expect(allText(err)).not.toContain(secret);
    });

    it("a rate limit is retryable and carries the server's wait", async () => {
      s = await h.setup();
      s.next("rate_limited");
      const err = await failure(s.notifier.send(digest([alert()])));
      expect({ retryable: err.retryable, retryAfterMs: err.retryAfterMs, channel: err.channel }).toEqual({ retryable: true, retryAfterMs: h.retryAfter.rate_limited, channel: h.name });
      expect(err.code).toBe("notify_failed");
    });

    it("a server error is retryable", async () => {
      s = await h.setup();
      s.next("server_error");
      const err = await failure(s.notifier.send(digest([alert()])));
      expect({ retryable: err.retryable, reason: err.reason, retryAfterMs: err.retryAfterMs }).toEqual({ retryable: true, reason: "server_error", retryAfterMs: h.retryAfter.server_error });
      expect(allText(err)).not.toMatch(/SECRET|s3cret/);
    });

    it("a rejection is permanent", async () => {
      s = await h.setup();
      s.next("rejected");
      const err = await failure(s.notifier.send(digest([alert()])));
      expect(err.retryable).toBe(false);
      expect(err.reason).toBe("client_error");
    });

    it("gives up promptly when the caller aborts", async () => {
      s = await h.setup();
      s.next("hang");
      const ac = new AbortController();
      s.onArrive(() => ac.abort());
      const err = await failure(s.notifier.send(digest([alert()]), ac.signal));
      expect({ reason: err.reason, retryable: err.retryable }).toEqual({ reason: "aborted", retryable: true });
    });

    it("a receiver that cannot be reached is a retryable network error", async () => {
      s = await h.setup();
      const dead = await s.unreachable();
      try {
        const err = await failure(dead.send(digest([alert()])));
        expect({ reason: err.reason, retryable: err.retryable }).toEqual({ reason: "network", retryable: true });
        for (const secret of s.secrets) expect(allText(err)).not.toContain(secret);
        expect(allText(err)).not.toMatch(/SECRET|s3cret/);
      } finally {
        await dead.close?.();
      }
    });

    it("never shows the URL, token or password in an error", async () => {
      s = await h.setup();
      for (const outcome of ["rate_limited", "server_error", "rejected"] as const) {
        s.next(outcome);
        const err = await failure(s.notifier.send(digest([alert()])));
        for (const secret of s.secrets) expect(allText(err)).not.toContain(secret);
      }
    });
  });
}
