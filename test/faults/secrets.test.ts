// Secrets never leak: everything the CLI prints, saves or serves is searched for the API secret, the webhook URLs'
// secret paths and the SMTP password, across normal runs and failures. Oversized Fivetran bodies are refused.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { runCli, startCli, type Daemon } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { startSmtpReceiver, type SmtpReceiver } from "../notify/smtp.js";
import { FakeClock, startRig } from "./harness.js";

const API_SECRET = "zq-API-secret-7731";
const HOOK_SECRET = "T00000/B11111/hookSECRETpath9";
const SLACK_SECRET = "T22222/B33333/slackSECRETpath4";

let sim: Simulator;
let webhook: Receiver;
let slack: Receiver;
let smtp: SmtpReceiver;
let dir: string;
const captured: { what: string; text: string }[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: "k",
    FIVETRAN_API_SECRET: API_SECRET,
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: "0",
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    ALERT_WEBHOOK_URL: `${webhook.url}/${HOOK_SECRET}`,
    SLACK_WEBHOOK_URL: `${slack.url}/${SLACK_SECRET}`,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: "syncwatch@example.test",
    ALERT_EMAIL_TO: "oncall@example.test",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 200, groups: 2, seed: 8, brokenFraction: 0.02 }), apiKey: "k", apiSecret: API_SECRET });
  webhook = await startReceiver();
  slack = await startReceiver("ok");
  smtp = await startSmtpReceiver();
  dir = mkdtempSync(join(tmpdir(), "syncwatch-secrets-"));
});
afterAll(async () => {
  await Promise.all([sim.close(), webhook.close(), slack.close(), smtp.close()]);
});

describe("secrets", () => {
  it("check-config masks them", async () => {
    const r = await runCli(["check-config"], env());
    expect(r.code).toBe(0);
    captured.push({ what: "check-config stdout", text: r.stdout }, { what: "check-config stderr", text: r.stderr });
    expect(r.stdout).toContain("webhook");
  });

  it("a running daemon, failing channels and a failing Fivetran never print, save or serve them", async () => {
    const config = join(dir, "fast-retries.yaml");
    writeFileSync(config, "channels:\n  delivery:\n    max_attempts: 2\n    base_delay_ms: 50\n    max_delay_ms: 100\n");
    const d: Daemon = startCli(["run", "--config", config], env());
    try {
      const started = await d.waitForLog((l) => typeof l.metrics === "string");
      await d.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"));
      // Every channel fails for a while, with error bodies that echo the URL path back.
      webhook.failAlways({ status: 500, body: `no route ${HOOK_SECRET}` });
      slack.failAlways({ status: 404, body: "no_service" });
      smtp.fallback = { code: 535, message: "auth failed" };
      sim.account.break(sim.account.ids()[0]!);
      sim.faults.failNext(3, { status: 500 });
      const count = (): number => d.logs().filter((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ")).length;
      const n = count();
      await d.waitForLog(() => count() >= n + 3);
      webhook.restore();
      slack.restore();
      smtp.fallback = "accept";
      captured.push({ what: "/metrics", text: await (await fetch(String(started.metrics))).text() });
      d.kill("SIGTERM");
      expect((await d.exited).code).toBe(0);
      captured.push({ what: "daemon output", text: d.output() });
    } finally {
      if (d.child.exitCode === null) d.kill("SIGKILL");
    }
    for (const f of readdirSync(dir).filter((f) => f !== "fast-retries.yaml")) captured.push({ what: `state dir: ${f}`, text: readFileSync(join(dir, f), "utf8") });
  }, 30_000);

  it("rejected credentials and bad config errors do not echo them", async () => {
    sim.faults.rotateCredentials("other", "other-secret");
    try {
      const once = await runCli(["once"], env());
      expect(once.code).toBe(3);
      expect(once.stdout + once.stderr).toContain("FIVETRAN_API_KEY");
      captured.push({ what: "once (401)", text: once.stdout + once.stderr });
    } finally {
      sim.faults.clear();
    }
    const bad = await runCli(["check-config"], env({ ALERT_WEBHOOK_URL: `ftp://x/${HOOK_SECRET}`, SMTP_URL: `mailto:${smtp.password}` }));
    expect(bad.code).toBe(2);
    captured.push({ what: "check-config (bad)", text: bad.stdout + bad.stderr });
  }, 30_000);

  it("appear nowhere in anything captured", () => {
    expect(captured.length).toBeGreaterThanOrEqual(6);
    for (const { what, text } of captured) {
      for (const secret of [API_SECRET, HOOK_SECRET, SLACK_SECRET, "hookSECRETpath9", "slackSECRETpath4", smtp.password]) {
        expect(text.includes(secret), `${what} contains ${secret}`).toBe(false);
      }
    }
  });
});

describe("a Fivetran body over max_response_bytes", () => {
  it("is refused and fails the cycle with a clear message", async () => {
    const clock = new FakeClock();
    const small = await startSimulator({ account: new SimAccount({ connections: 200, groups: 2, seed: 3, now: clock.now }), apiKey: "fault-key", apiSecret: "fault-secret" });
    const rig = await startRig({ sim: small, clock, config: { fivetran: { max_response_bytes: 4096 } } });
    try {
      const r = await rig.cycle(0);
      expect(r.outcome).toBe("failure");
      expect(r.error?.message).toContain("max_response_bytes");
      expect(rig.app.watcher.health.connections.size).toBe(0);
    } finally {
      await rig.close();
      await small.close();
    }
  });
});
