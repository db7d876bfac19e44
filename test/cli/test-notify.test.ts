// `syncwatch test-notify` as a user runs it: one line per channel, real local receivers (HTTP, SMTP), exit 0, 3 or 2.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_MESSAGE } from "../../src/notify/types.js";
import { runCli } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { startSmtpReceiver, type SmtpReceiver } from "../notify/smtp.js";

const ROUTING_KEY = "R0UTINGKEY-SECRET-0123456789abcd";
let slack: Receiver;
let webhook: Receiver;
let alertmanager: Receiver;
let pagerduty: Receiver;
let teams: Receiver;
let smtp: SmtpReceiver;

beforeAll(async () => {
  [slack, webhook, alertmanager, pagerduty, teams] = await Promise.all([
    startReceiver("ok", "/services/T000/B000/XXXXXXXXSECRETXXXX"),
    startReceiver("", "/hook/HOOKSECRET-abcdef"),
    startReceiver("", "/am"),
    startReceiver('{"status":"success","message":"Event processed"}', "/v2/enqueue"),
    startReceiver("", "/workflows/abc/triggers/manual/paths/invoke"),
  ]);
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await Promise.all([slack, webhook, alertmanager, pagerduty, teams].map((r) => r.close()));
  await smtp.close();
});

/** Every channel on, pointed at the local receivers; no Fivetran credentials (test-notify needs none). */
function env(): Record<string, string> {
  const am = new URL(alertmanager.url);
  am.username = "am";
  am.password = "AM-PASS-SECRET";
  return {
    SLACK_WEBHOOK_URL: slack.url,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: "syncwatch@example.com",
    ALERT_EMAIL_TO: "ops@example.com",
    ALERT_WEBHOOK_URL: webhook.url,
    ALERTMANAGER_URL: am.href,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_URL: pagerduty.url,
    TEAMS_WEBHOOK_URL: `${teams.url}?api-version=2016-06-01&sig=TEAMS-SIG-SECRET`,
  };
}

const SECRETS = ["HOOKSECRET-abcdef", "AM-PASS-SECRET", ROUTING_KEY, "TEAMS-SIG-SECRET", "XXXXXXXXSECRETXXXX"];

describe("syncwatch test-notify", () => {
  it("sends the marked test message to every configured channel and says each arrived (exit 0)", async () => {
    const r = await runCli(["test-notify"], env());
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual([
      "slack         arrived",
      "email         arrived",
      "webhook       arrived",
      "alertmanager  arrived",
      "pagerduty     arrived",
      "teams         arrived",
    ]);
    expect(r.code).toBe(0);
    for (const rx of [slack, webhook, alertmanager, pagerduty, teams]) expect(rx.received.some((g) => g.body.includes(TEST_MESSAGE))).toBe(true);
    expect(smtp.delivered.at(-1)?.text).toContain(TEST_MESSAGE);
    expect(smtp.delivered.at(-1)?.subject).toContain("syncwatch_test_message"); // RFC 2047-encoded for the em dash
    expect(alertmanager.received.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from("am:AM-PASS-SECRET").toString("base64")}`);
  });

  it("names a channel that did not take it, and why, without a secret (exit 3)", async () => {
    pagerduty.replies.push({ status: 400, body: `{"status":"invalid event","message":"Event object is invalid","errors":["Invalid routing key ${ROUTING_KEY}"]}` });
    teams.replies.push({ status: 503, body: "try later" });
    const r = await runCli(["test-notify"], env());
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => l.endsWith(" arrived"))).toHaveLength(4);
    expect(lines.find((l) => l.startsWith("pagerduty"))).toMatch(/^pagerduty {5}did not arrive: send PagerDuty test event: 400 .*\(will not retry\) \[client_error\]$/);
    expect(lines.find((l) => l.startsWith("teams"))).toBe("teams         did not arrive: post Teams message: 503 try later [server_error, may work later]");
    expect(r.code).toBe(3);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it("--channel sends to that channel only", async () => {
    const before = { slack: slack.received.length, teams: teams.received.length };
    const r = await runCli(["test-notify", "--channel", "teams"], env());
    expect(r.stdout.trim()).toBe("teams  arrived");
    expect(r.code).toBe(0);
    expect(teams.received.length).toBe(before.teams + 1);
    expect(slack.received.length).toBe(before.slack);
  });

  it("exits 2 when no channel, or not the one named, is configured, and on an unknown channel", async () => {
    const none = await runCli(["test-notify"], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no channel is configured");
    const notThat = await runCli(["test-notify", "--channel", "pagerduty"], { SLACK_WEBHOOK_URL: slack.url });
    expect(notThat.code).toBe(2);
    expect(notThat.stderr).toContain('channel "pagerduty" is not configured: set channels.pagerduty / PAGERDUTY_ROUTING_KEY / PAGERDUTY_URL');
    const unknown = await runCli(["test-notify", "--channel", "fax"], { SLACK_WEBHOOK_URL: slack.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--channel: unknown channel "fax"');
  });
});
