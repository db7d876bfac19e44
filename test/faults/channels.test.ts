// Alert channels misbehaving: down for several cycles, slow, permanently refusing, SMTP deferring. Every alert
// arrives afterwards, in order and once (at least once), and a broken channel never holds up the others.
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { startSmtpReceiver, type SmtpReceiver } from "../notify/smtp.js";
import { FakeClock, itemsOf, startRig, startSim, type Item, type Rig } from "./harness.js";

let sim: Simulator;
let webhook: Receiver;
let slack: Receiver;
let smtp: SmtpReceiver;
let rig: Rig;
let ids: string[];

/** Slack paces itself at one message a second on real time (the notifiers get no injected clock), so only the Slack
 * tests turn it on. */
async function setup(delivery: Record<string, unknown> = {}, withSlack = false): Promise<void> {
  const clock = new FakeClock();
  sim = await startSim(clock);
  webhook = await startReceiver();
  slack = await startReceiver("ok");
  smtp = await startSmtpReceiver();
  rig = await startRig({
    sim,
    clock,
    env: {
      ALERT_WEBHOOK_URL: webhook.url,
      ...(withSlack ? { SLACK_WEBHOOK_URL: slack.url } : {}),
      SMTP_URL: smtp.url,
      ALERT_EMAIL_FROM: "syncwatch@example.test",
      ALERT_EMAIL_TO: "oncall@example.test",
    },
    config: { channels: { delivery: { max_attempts: 2, timeout_seconds: 3, ...delivery } } },
  });
  ids = healthyIds(sim.account);
  expect((await rig.cycle(0)).outcome).toBe("success");
}

afterEach(async () => {
  await rig.close();
  await Promise.all([sim.close(), webhook.close(), slack.close(), smtp.close()]);
});

function line(a: Pick<Item, "status" | "reminder" | "condition" | "connection_id">): string {
  return `${a.status}${a.reminder ? "(reminder)" : ""} ${a.condition} ${a.connection_id}`;
}

/** The webhook's accepted POSTs in arrival order, each as its sorted alert lines. */
function digests(r: Receiver): string[][] {
  return r.accepted.map((p) => itemsOf([p]).map(line).sort());
}

/** Breaks one more connection per cycle for `n` cycles, fixing the previous one: a known, ordered stream of alerts. */
async function churn(n: number, from = 0): Promise<string[][]> {
  const expected: string[][] = [];
  for (let i = from; i < from + n; i++) {
    sim.account.break(ids[i]!);
    if (i > from) sim.account.fix(ids[i - 1]!);
    const r = await rig.cycle();
    expect(r.outcome).toBe("success");
    expected.push(r.events.map((e) => line(e.alert)).sort());
  }
  return expected;
}

function schemaOf(id: string): string {
  return String(sim.account.get(id)?.schema);
}

describe("a channel that is down for several cycles, then back", () => {
  it("webhook (500): every alert arrives afterwards, in order, once", async () => {
    await setup();
    webhook.failAlways({ status: 500 });
    const expected = await churn(4);
    expect(webhook.accepted).toHaveLength(0);
    expect(webhook.received.length).toBeGreaterThan(0);
    // Other channels were not held up.
    expect(smtp.delivered.length).toBe(4);
    expect(await rig.app.metrics.render()).toMatch(/syncwatch_notifications_total\{channel="webhook",outcome="failed"\} [1-9]/);
    webhook.restore();
    await rig.cycle();
    expect(digests(webhook)).toEqual(expected);
    await rig.cycle();
    expect(digests(webhook)).toEqual(expected);
  });

  it("Slack (500): every digest arrives afterwards, oldest first, once", async () => {
    await setup({ max_attempts: 1 }, true);
    slack.failAlways({ status: 500, body: "internal_error" });
    await churn(2);
    expect(slack.accepted).toHaveLength(0);
    expect(webhook.accepted).toHaveLength(2);
    slack.restore();
    await rig.cycle();
    await rig.cycle();
    expect(slack.accepted).toHaveLength(2);
    const texts = slack.accepted.map((r) => r.body);
    // Digest k names the connection broken in cycle k.
    for (let k = 0; k < 2; k++) expect(texts[k]).toContain(schemaOf(ids[k]!));
  });

  it("SMTP refusing with 451 for several cycles, then accepting", async () => {
    await setup();
    smtp.fallback = { code: 451, message: "4.3.0 try again later" };
    await churn(3);
    expect(smtp.delivered).toHaveLength(0);
    smtp.fallback = "accept";
    await rig.cycle();
    await rig.cycle();
    expect(smtp.delivered).toHaveLength(3);
    for (let k = 0; k < 3; k++) expect(smtp.delivered[k]!.text).toContain(schemaOf(ids[k]!));
    expect(webhook.accepted).toHaveLength(3);
  });
});

describe("a slow receiver", () => {
  it("answering after the delivery time-out once is retried, and the digest arrives", async () => {
    await setup({ timeout_seconds: 0.3 });
    webhook.failNext(1, "hang");
    const expected = await churn(1);
    expect(webhook.received.length).toBeGreaterThanOrEqual(2);
    expect(digests(webhook)).toEqual(expected);
    await rig.cycle();
    expect(digests(webhook)).toEqual(expected);
  });
});

describe("a permanent refusal", () => {
  it("Slack answering 200 invalid_token drops the digest with a log line and a counter; others unaffected", async () => {
    await setup({}, true);
    slack.failAlways({ status: 200, body: "invalid_token" });
    const expected = await churn(2);
    expect(rig.logs.messages()).toContain("drop notification: permanent failure");
    const text = await rig.app.metrics.render();
    expect(text).toMatch(/syncwatch_notifications_dropped_total\{channel="slack",reason="permanent"\} [1-9]/);
    expect(digests(webhook)).toEqual(expected);
    expect(smtp.delivered).toHaveLength(2);
    // Dropped, not queued: restoring Slack does not replay what was dropped.
    slack.restore();
    const received = slack.received.length;
    await rig.cycle();
    expect(slack.received.length).toBe(received);
  });
});
