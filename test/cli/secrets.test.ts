// Secrets never reach the output: the API secret, webhook URLs and the SMTP password, even at LOG_LEVEL=debug.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { runCli } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";

const KEY = "key-visible-is-fine";
const SECRET = "ApiSecret-9f8e7d6c5b4a";
const SMTP_PASSWORD = "SmtpPassw0rd-q1w2e3";

let sim: Awaited<ReturnType<typeof startSimulator>>;
let receiver: Receiver;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 50, groups: 2, seed: 3, brokenFraction: 0.1 }), apiKey: KEY, apiSecret: SECRET });
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "syncwatch-secrets-"));
});
afterAll(async () => {
  await Promise.all([sim.close(), receiver.close()]);
});

function env(): Record<string, string> {
  return {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: KEY,
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    ALERT_WEBHOOK_URL: `${receiver.url}/hook-token-abc123`,
    // Slack and SMTP point at closed ports: their failures are logged, and the logs must not show the secrets.
    SLACK_WEBHOOK_URL: "http://127.0.0.1:9/services/T000/B000/SlackTokenXyz789",
    SMTP_URL: `smtp://alerts:${SMTP_PASSWORD}@127.0.0.1:9`,
    ALERT_EMAIL_FROM: "syncwatch@example.com",
    ALERT_EMAIL_TO: "data-team@example.com",
    // Alertmanager, PagerDuty and Teams point at closed ports too, with their credentials in the URL, key and query.
    ALERTMANAGER_URL: "http://am:AmPassw0rd-z9x8@127.0.0.1:9,http://127.0.0.1:9/am",
    PAGERDUTY_ROUTING_KEY: "PdRoutingKey-0123456789abcdef0",
    PAGERDUTY_URL: "http://127.0.0.1:9/v2/enqueue",
    TEAMS_WEBHOOK_URL: "http://127.0.0.1:9/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TeamsSig-m4n5b6",
    LOG_LEVEL: "debug",
  };
}

const SECRETS = [
  SECRET,
  "hook-token-abc123",
  "SlackTokenXyz789",
  SMTP_PASSWORD,
  Buffer.from(`${KEY}:${SECRET}`).toString("base64"),
  "AmPassw0rd-z9x8",
  "PdRoutingKey-0123456789abcdef0",
  "TeamsSig-m4n5b6",
];

it("never prints a secret in once, check-config, test-notify or the state file, even at debug level", async () => {
  const once = await runCli(["once"], env(), 60_000);
  expect(once.code).toBe(1); // 10% of the account is broken
  expect(receiver.accepted.length).toBeGreaterThan(0); // the webhook did get the alerts
  const check = await runCli(["check-config"], env());
  expect(check.code).toBe(0);
  const test = await runCli(["test-notify"], env());
  expect(test.code).toBe(3); // only the webhook is up
  expect(once.stderr).toMatch(/"channel":"pagerduty"/); // the closed channels' failures were logged
  const state = readFileSync(join(dir, "state.json"), "utf8");
  const captured = [once.stdout, once.stderr, check.stdout, check.stderr, test.stdout, test.stderr, state].join("\n");
  expect(once.stderr).toMatch(/"level":"debug"/); // debug lines were written
  for (const s of SECRETS) expect(captured, `secret ${s.slice(0, 4)}… leaked`).not.toContain(s);
});

it("reads each secret from a file through <VAR>_FILE", async () => {
  const secretFile = join(dir, "fivetran-secret");
  writeFileSync(secretFile, `${SECRET}\n`);
  const e = env();
  delete (e as Record<string, string | undefined>).FIVETRAN_API_SECRET;
  const r = await runCli(["once"], { ...e, FIVETRAN_API_SECRET_FILE: secretFile, SYNCWATCH_STATE_FILE: join(dir, "state2.json"), LOG_LEVEL: "info" }, 60_000);
  expect(r.code).toBe(1);
  for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
});
