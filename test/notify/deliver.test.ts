// The delivery pipeline: retry with backoff, keep what fails for later cycles in order, drop permanent failures.
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelName } from "../../src/config/schema.js";
import type { Alert } from "../../src/health/model.js";
import { deliver, emptyOutbox, enqueue, parseOutbox, routeAlerts, type DeliverOptions, type Outbox } from "../../src/notify/index.js";
import { EmailNotifier } from "../../src/notify/email/email.js";
import { SlackNotifier } from "../../src/notify/slack/slack.js";
import type { Notifier } from "../../src/notify/types.js";
import { WebhookNotifier } from "../../src/notify/webhook/webhook.js";
import { alert, fakeSleep, manyAlerts, SECRET_PATH, T0 } from "./fixtures.js";
import { captureLogs, silentLogger } from "../helpers/logs.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { startSmtpReceiver, type SmtpReceiver } from "./smtp.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function webhook(maxAlertsPerPost = 1000): Promise<{ r: Receiver; n: WebhookNotifier }> {
  const r = await startReceiver("accepted", SECRET_PATH);
  const n = new WebhookNotifier({ url: r.url, maxAlertsPerPost, timeoutMs: 10_000 });
  closers.push(() => r.close(), () => n.close());
  return { r, n };
}

function opts(over: Partial<DeliverOptions> = {}) {
  const attempts: string[] = [];
  const dropped: string[] = [];
  const s = fakeSleep();
  const o: DeliverOptions = {
    maxAttempts: 3,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    timeoutMs: 10_000,
    sleep: s.sleep,
    logger: silentLogger(),
    // Full jitter: 0.75 of the backoff cap (1000, then 2000).
    random: () => 0.75,
    onAttempt: (c, outcome) => attempts.push(`${c}:${outcome}`),
    onDropped: (c, reason, count) => dropped.push(`${c}:${reason}:${count}`),
    ...over,
  };
  return { o, attempts, dropped, waits: s.waits };
}

function cycleAlerts(cycle: number, n = 1): Alert[] {
  return Array.from({ length: n }, (_, i) => alert({ connection_id: `cycle${cycle}-${i}`, started_at: T0 + cycle * 60_000 }));
}

function queue(outbox: Outbox, byChannel: Map<ChannelName, Alert[]>, cycle: number, maxQueued = 1000): Outbox {
  return enqueue(outbox, byChannel, T0 + cycle * 300_000, false, maxQueued).outbox;
}

function ids(r: Receiver): string[] {
  return r.accepted.flatMap((g) => (g.json as { alerts: { connection_id: string }[] }).alerts.map((a) => a.connection_id));
}

describe("deliver", () => {
  it("a receiver down for three cycles gets every digest exactly once, in order, when it is back", async () => {
    const { r, n } = await webhook();
    r.fallback = { status: 500, body: "down" };
    const { o, attempts, waits } = opts();
    let outbox = emptyOutbox();
    for (let cycle = 1; cycle <= 3; cycle++) {
      outbox = queue(outbox, new Map([["webhook", cycleAlerts(cycle)]]), cycle);
      outbox = await deliver(outbox, [n], o);
      expect(outbox.channels.webhook).toHaveLength(cycle);
    }
    // Each cycle: 3 attempts on the oldest digest only (order is kept), with backoff between them.
    expect(attempts).toEqual(Array<string>(9).fill("webhook:failed"));
    expect(waits).toEqual([750, 1500, 750, 1500, 750, 1500]);
    expect(r.accepted).toHaveLength(0);

    r.fallback = { status: 200, body: "ok" };
    outbox = queue(outbox, new Map([["webhook", cycleAlerts(4)]]), 4);
    outbox = await deliver(outbox, [n], o);
    expect(outbox).toEqual({ channels: {} });
    expect(ids(r)).toEqual(["cycle1-0", "cycle2-0", "cycle3-0", "cycle4-0"]);
  });

  it("drops a digest the receiver rejects for good, reports it, and sends the next", async () => {
    const { r, n } = await webhook();
    r.replies.push({ status: 400, body: "bad request" });
    const { logger, lines } = captureLogs();
    const { o, dropped, attempts } = opts({ logger });
    let outbox = queue(emptyOutbox(), new Map([["webhook", cycleAlerts(1, 3)]]), 1);
    outbox = queue(outbox, new Map([["webhook", cycleAlerts(2)]]), 2);
    outbox = await deliver(outbox, [n], o);
    expect(outbox).toEqual({ channels: {} });
    expect(dropped).toEqual(["webhook:permanent:3"]);
    expect(attempts).toEqual(["webhook:failed", "webhook:sent"]);
    expect(ids(r)).toEqual(["cycle2-0"]);
    const errorLine = lines.map((l) => JSON.parse(l) as { level: number; msg: string; error?: string }).find((l) => l.level === 50);
    expect(errorLine?.msg).toBe("drop notification: permanent failure");
    expect(errorLine?.error).toBe("post webhook: 400 bad request (will not retry)");
    expect(lines.join("\n")).not.toContain(r.url);
  });

  it("honours Retry-After within the limit and stops the channel for this cycle past it", async () => {
    const { r, n } = await webhook();
    r.replies.push({ status: 429, body: "", headers: { "retry-after": "20" } });
    const first = opts();
    let outbox = queue(emptyOutbox(), new Map([["webhook", cycleAlerts(1)]]), 1);
    expect(await deliver(outbox, [n], first.o)).toEqual({ channels: {} });
    expect(first.waits).toEqual([20_000]);

    r.replies.push({ status: 429, body: "", headers: { "retry-after": "120" } });
    const second = opts();
    outbox = queue(emptyOutbox(), new Map([["webhook", cycleAlerts(2)]]), 2);
    outbox = queue(outbox, new Map([["webhook", cycleAlerts(3)]]), 3);
    const after = await deliver(outbox, [n], second.o);
    expect(second.waits).toEqual([]);
    expect(second.attempts).toEqual(["webhook:failed"]);
    expect(after).toEqual(outbox);
  });

  it("resumes a multi-part webhook digest after the parts already accepted", async () => {
    const { r, n } = await webhook(2);
    r.replies.push({ status: 200 }, { status: 200 }, { status: 503, body: "busy" });
    const alerts = cycleAlerts(1, 5);
    let outbox = queue(emptyOutbox(), new Map([["webhook", alerts]]), 1);
    outbox = await deliver(outbox, [n], opts({ maxAttempts: 1 }).o);
    expect(outbox.channels.webhook?.[0]?.alerts_sent).toBe(4);
    expect(ids(r)).toEqual(["cycle1-0", "cycle1-1", "cycle1-2", "cycle1-3"]);

    // As if saved to and loaded from the state file.
    outbox = await deliver(parseOutbox(JSON.parse(JSON.stringify(outbox))), [n], opts().o);
    expect(outbox).toEqual({ channels: {} });
    expect(ids(r)).toEqual(alerts.map((a) => a.connection_id));
    expect(r.received).toHaveLength(4);
  });

  it("channels do not wait for each other: a failing one keeps its queue, the others deliver", async () => {
    const slackRx = await startReceiver("ok", SECRET_PATH);
    slackRx.fallback = { status: 503, body: "" };
    const slack = new SlackNotifier({ webhookUrl: slackRx.url, maxAlerts: 40, minIntervalMs: 0 });
    closers.push(() => slackRx.close(), () => slack.close());
    const { r, n } = await webhook();
    const routed = new Map<ChannelName, Alert[]>([["slack", cycleAlerts(1)], ["webhook", cycleAlerts(1)]]);
    const outbox = queue(emptyOutbox(), routed, 1);
    const before = JSON.stringify(outbox);
    const { o, attempts } = opts();
    const after = await deliver(outbox, [slack, n], o);
    expect(JSON.stringify(outbox)).toBe(before);
    expect(after.channels.slack).toHaveLength(1);
    expect(after.channels.webhook).toBeUndefined();
    expect(ids(r)).toEqual(["cycle1-0"]);
    expect(attempts.filter((a) => a.startsWith("slack"))).toEqual(["slack:failed", "slack:failed", "slack:failed"]);
  });

  it("an aborted round keeps everything queued", async () => {
    const { r, n } = await webhook();
    r.replies.push("hang");
    const ac = new AbortController();
    r.onRequest = () => ac.abort();
    const outbox = queue(emptyOutbox(), new Map([["webhook", cycleAlerts(1)]]), 1);
    const after = await deliver(outbox, [n], opts({ signal: ac.signal }).o);
    expect(after).toEqual(outbox);
  });

  it("a send that takes longer than the attempt timeout is retried", async () => {
    const { r, n } = await webhook();
    r.replies.push("hang");
    const outbox = queue(emptyOutbox(), new Map([["webhook", cycleAlerts(1)]]), 1);
    const { o, attempts } = opts({ timeoutMs: 200 });
    expect(await deliver(outbox, [n], o)).toEqual({ channels: {} });
    expect(attempts).toEqual(["webhook:failed", "webhook:sent"]);
  });

  it("drops, with a report, what is queued for a channel that is no longer configured", async () => {
    const outbox = queue(emptyOutbox(), new Map([["email", cycleAlerts(1, 2)]]), 1);
    const { o, dropped } = opts();
    expect(await deliver(outbox, [], o)).toEqual({ channels: {} });
    expect(dropped).toEqual(["email:channel_removed:2"]);
  });
});

describe("a burst of 500 alerts", () => {
  let smtp: SmtpReceiver | null = null;
  afterEach(async () => {
    await smtp?.close();
    smtp = null;
  });

  it("arrives as one digest per channel: one Slack message, one email, one webhook POST", async () => {
    const slackRx = await startReceiver("ok", SECRET_PATH);
    const slack = new SlackNotifier({ webhookUrl: slackRx.url, maxAlerts: 40 });
    smtp = await startSmtpReceiver();
    const email = new EmailNotifier({ smtpUrl: smtp.url, from: "syncwatch@example.com", to: ["ops@example.com"], subjectPrefix: "[syncwatch]", maxAlerts: 500 });
    const { r, n } = await webhook();
    closers.push(() => slackRx.close(), () => slack.close(), () => email.close());
    const notifiers: Notifier[] = [slack, email, n];

    const alerts = manyAlerts(500);
    const routed = routeAlerts(alerts, [], [], T0, ["slack", "email", "webhook"]);
    const { outbox } = enqueue(emptyOutbox(), routed.byChannel, T0, false, 1000);
    expect(await deliver(outbox, notifiers, opts().o)).toEqual({ channels: {} });

    expect(slackRx.received).toHaveLength(1);
    expect(smtp.delivered).toHaveLength(1);
    expect(smtp.delivered[0]!.subject).toBe("[syncwatch] 500 firing");
    expect(r.received).toHaveLength(1);
    expect((r.received[0]!.json as { alerts: unknown[] }).alerts).toHaveLength(500);
  });
});
