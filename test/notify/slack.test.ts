// Slack specifics: Slack's error bodies (also on 200) are permanent with a hint; one message per second.
import { afterEach, describe, expect, it } from "vitest";
import { NotifyError } from "../../src/errors.js";
import { SlackNotifier } from "../../src/notify/slack/slack.js";
import { alert, digest, manyAlerts, SECRET_PATH, T0 } from "./fixtures.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";

let r: Receiver | null = null;
let n: SlackNotifier | null = null;
afterEach(async () => {
  await n?.close();
  await r?.close();
  n = null;
  r = null;
});

async function sendExpectingError(reply: { status: number; body: string }): Promise<NotifyError> {
  r = await startReceiver("ok", SECRET_PATH);
  n = new SlackNotifier({ webhookUrl: r.url, maxAlerts: 40, minIntervalMs: 0 });
  r.replies.push(reply);
  const err: unknown = await n.send(digest([alert()])).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotifyError);
  return err as NotifyError;
}

describe("Slack's named errors are permanent and say what to do", () => {
  const cases = [
    { status: 404, body: "no_service", hint: "the webhook was disabled or removed; create a new one" },
    { status: 404, body: "channel_not_found", hint: "the channel no longer exists" },
    { status: 410, body: "channel_is_archived", hint: "the channel is archived" },
    { status: 403, body: "action_prohibited", hint: "a workspace admin restricted posting to this channel" },
    { status: 403, body: "invalid_token", hint: "the webhook was revoked; create a new one" },
    { status: 200, body: "channel_is_archived", hint: "the channel is archived" },
    { status: 200, body: "invalid_token", hint: "the webhook was revoked; create a new one" },
  ];
  for (const c of cases) {
    it(`${c.status} ${c.body}`, async () => {
      const err = await sendExpectingError(c);
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(`${c.status} ${c.body} (${c.hint})`);
      expect(err.message).not.toContain(r!.url);
    });
  }

  it("a 200 whose body is not 'ok' is not taken as delivered", async () => {
    const err = await sendExpectingError({ status: 200, body: "<html>captive portal</html>" });
    expect(err.retryable).toBe(false);
    expect(err.message).toBe("send Slack message: 200 with an unexpected body (will not retry)");
  });
});

describe("Slack sending", () => {
  it("posts one Block Kit message with a text fallback", async () => {
    r = await startReceiver("ok", SECRET_PATH);
    n = new SlackNotifier({ webhookUrl: r.url, maxAlerts: 40, username: "syncwatch", iconEmoji: ":eyes:" });
    await n.send(digest(manyAlerts(500)));
    expect(r.received).toHaveLength(1);
    const body = r.received[0]!.json as { text: string; blocks: unknown[]; username: string; icon_emoji: string };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(body.text).toMatch(/^syncwatch: 500 firing/);
    expect({ username: body.username, icon: body.icon_emoji }).toEqual({ username: "syncwatch", icon: ":eyes:" });
  });

  it("waits so that messages are at least a second apart", async () => {
    r = await startReceiver("ok", SECRET_PATH);
    let now = T0;
    const waits: number[] = [];
    n = new SlackNotifier({
      webhookUrl: r.url,
      maxAlerts: 40,
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    await n.send(digest([alert()]));
    now += 300;
    await n.send(digest([alert()]));
    now += 5000;
    await n.send(digest([alert()]));
    expect(waits).toEqual([700]);
    expect(r.received).toHaveLength(3);
  });
});
