// `syncwatch webhooks install|list|remove` against the simulator: idempotent install, the active flag listed, removal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/main.js";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { RecentDeliveries, startWebhookReceiver, type WebhookEvent, type WebhookReceiver } from "../../src/webhooks/index.js";

const SECRET = "command-test-secret";

describe("syncwatch webhooks", () => {
  let sim: Simulator;
  let receiver: WebhookReceiver;
  let hookUrl: string;
  const events: WebhookEvent[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ account: new SimAccount({ connections: 20, groups: 2, seed: 3 }), apiKey: "k", apiSecret: "s" });
    receiver = await startWebhookReceiver({
      host: "127.0.0.1",
      port: 0,
      secret: SECRET,
      maxBodyBytes: 65536,
      deliveries: new RecentDeliveries(60_000, 100),
      onEvent: (e) => events.push(e),
    });
    hookUrl = `${receiver.url}/webhooks/fivetran`;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(["webhooks", ...args], {
      out: (t) => (out += `${t}\n`),
      err: (t) => (err += `${t}\n`),
      env: { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s", FIVETRAN_WEBHOOK_SECRET: SECRET, SYNCWATCH_WEBHOOK_URL: hookUrl, ...extraEnv },
    });
    return { code, out, err };
  }

  it("install once: a second install changes nothing, and Fivetran's test event reached the receiver", async () => {
    const first = await run(["install"]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/created account webhook webhook_\w+/);
    expect(first.err).toMatch(/not https/);
    expect(events.map((e) => e.event)).toEqual(["test_event"]);
    const second = await run(["install"]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/nothing changed/);
    const listed = await run(["list"]);
    expect(listed.out.match(/this receiver/g)).toHaveLength(1);
    expect(listed.out).toMatch(/\bactive\b/);
    expect(listed.out).toMatch(/sync_end/);
    // The secret is never printed.
    expect(first.out + first.err + second.out + listed.out).not.toContain(SECRET);
  });

  it("list a webhook Fivetran disabled as INACTIVE, and re-enable it on install", async () => {
    const id = /(webhook_\w+)/.exec((await run(["list"])).out)![1]!;
    sim.webhooks.disable(id);
    expect((await run(["list"])).out).toMatch(new RegExp(`${id}\\s+account\\s+INACTIVE`));
    expect((await run(["install"])).out).toMatch(/re-enabled/);
    expect((await run(["list"])).out).toMatch(new RegExp(`${id}\\s+account\\s+active`));
  });

  it("install a group's webhook beside the account's with --group, and remove only that one", async () => {
    const group = sim.account.groupIds()[0]!;
    expect((await run(["install", "--group", group])).out).toMatch(new RegExp(`created webhook of group ${group}`));
    expect((await run(["list"])).out.match(/this receiver/g)).toHaveLength(2);
    expect((await run(["remove", "--group", group])).out).toMatch(/removed webhook/);
    const after = (await run(["list"])).out;
    expect(after.match(/this receiver/g)).toHaveLength(1);
    expect(after).not.toContain(`group ${group}`);
  });

  it("refuse to create a webhook whose test event gets no 2xx (another secret: the receiver answers 401), exit 3", async () => {
    const r = await run(["install", "--group", sim.account.groupIds()[1]!], { FIVETRAN_WEBHOOK_SECRET: "another-secret-entirely" });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/create webhook of group .*400/);
    expect(r.err).not.toContain("another-secret-entirely");
  });

  it("exit 2 naming the key when the URL or the secret is missing, or the action is unknown", async () => {
    const noUrl = await run(["install"], { SYNCWATCH_WEBHOOK_URL: "" });
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toMatch(/SYNCWATCH_WEBHOOK_URL/);
    const noSecret = await run(["install"], { FIVETRAN_WEBHOOK_SECRET: "" });
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toMatch(/FIVETRAN_WEBHOOK_SECRET/);
    expect((await run(["enable"])).code).toBe(2);
  });

  it("remove the account webhook", async () => {
    expect((await run(["remove"])).out).toMatch(/removed webhook/);
    expect((await run(["list"])).out).toMatch(/No webhooks/);
  });
});
