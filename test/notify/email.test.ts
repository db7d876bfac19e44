// Email against a real SMTP server: refused (4xx) for a while then accepted, and what the reader gets.
import { afterEach, expect, it } from "vitest";
import { deliver, emptyOutbox, enqueue } from "../../src/notify/index.js";
import { EmailNotifier } from "../../src/notify/email/email.js";
import { alert, fakeSleep, T0 } from "./fixtures.js";
import { silentLogger } from "../helpers/logs.js";
import { startSmtpReceiver, type SmtpReceiver } from "./smtp.js";

let smtp: SmtpReceiver | null = null;
let n: EmailNotifier | null = null;
afterEach(async () => {
  await n?.close();
  await smtp?.close();
  n = null;
  smtp = null;
});

it("a server that refuses with 4xx for a while gets the email once it accepts, with subject, text and escaped HTML", async () => {
  smtp = await startSmtpReceiver();
  for (let i = 0; i < 4; i++) smtp.replies.push({ code: 451, message: "4.3.0 Mailbox temporarily unavailable" });
  n = new EmailNotifier({ smtpUrl: smtp.url, from: "syncwatch@example.com", to: ["ops@example.com", "data@example.com"], subjectPrefix: "[syncwatch]", maxAlerts: 500 });
  const alerts = [
    alert({ schema: "sf_<prod>", summary: "Setup is broken: Validate Login failed (Invalid login & password)" }),
    alert({ connection_id: "pg1", schema: "pg_main", service: "postgres", condition: "stale", severity: "warning", status: "resolved", resolved_at: T0, reason: "manual", summary: "no successful sync for 14h (limit 13h)" }),
  ];
  let outbox = enqueue(emptyOutbox(), new Map([["email", alerts]]), T0, false, 100).outbox;
  const s = fakeSleep();
  const attempts: string[] = [];
  const o = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 10_000, sleep: s.sleep, logger: silentLogger(), onAttempt: (_c: string, a: string) => attempts.push(a) };

  outbox = await deliver(outbox, [n], o);
  expect(outbox.channels.email).toHaveLength(1);
  expect(smtp.delivered).toHaveLength(0);
  outbox = await deliver(outbox, [n], o);
  expect(outbox).toEqual({ channels: {} });
  expect(attempts).toEqual(["failed", "failed", "failed", "failed", "sent"]);

  expect(smtp.delivered).toHaveLength(1);
  const mail = smtp.delivered[0]!;
  expect(mail.from).toBe("syncwatch@example.com");
  expect(mail.to).toEqual(["ops@example.com", "data@example.com"]);
  expect(mail.subject).toBe("[syncwatch] 1 firing, 1 resolved");
  expect(mail.text).toContain("[FIRING] sf_<prod> (salesforce): Setup broken");
  expect(mail.text).toContain("  summary: Setup is broken: Validate Login failed (Invalid login & password)");
  expect(mail.text).toContain("  since: 2026-11-22T11:55:00.000Z");
  expect(mail.text).toContain("  resolved: 2026-11-22T12:00:00.000Z (lasted 5m)");
  expect(mail.text).toContain("  reason: switched to manual scheduling");
  expect(mail.html).toContain("sf_&lt;prod&gt; (salesforce)");
  expect(mail.html).toContain("Invalid login &amp; password");
  expect(mail.html).not.toContain("sf_<prod>");
});

it("a 5xx refusal is permanent and the error shows neither the URL nor the password", async () => {
  smtp = await startSmtpReceiver();
  smtp.replies.push({ code: 554, message: "5.7.1 Relay access denied" });
  n = new EmailNotifier({ smtpUrl: smtp.url, from: "syncwatch@example.com", to: ["ops@example.com"], subjectPrefix: "[syncwatch]", maxAlerts: 500 });
  const err = (await n.send({ id: "x", created_at: T0, baseline: false, alerts: [alert()] }).catch((e: unknown) => e)) as Error & { retryable: boolean };
  expect(err.retryable).toBe(false);
  expect(err.message).toBe("send email: 554 5.7.1 Relay access denied (will not retry)");
});

it("wrong credentials are permanent and the password never shows", async () => {
  smtp = await startSmtpReceiver();
  const wrong = smtp.url.replace(smtp.password, "wr0ng-Pa55word-xyz");
  n = new EmailNotifier({ smtpUrl: wrong, from: "syncwatch@example.com", to: ["ops@example.com"], subjectPrefix: "[syncwatch]", maxAlerts: 500 });
  const err = (await n.send({ id: "x", created_at: T0, baseline: false, alerts: [alert()] }).catch((e: unknown) => e)) as Error & { retryable: boolean; reason: string };
  expect({ retryable: err.retryable, reason: err.reason }).toEqual({ retryable: false, reason: "auth" });
  expect(`${err.message} ${String(err.cause)}`).not.toContain("wr0ng-Pa55word-xyz");
});
