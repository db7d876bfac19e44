// The simulator pushes signed Fivetran events for its scripted changes: realistic payloads, late, duplicated, reordered.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventsFor, SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { RecentDeliveries, startWebhookReceiver, type WebhookEvent, type WebhookReceiver } from "../../src/webhooks/index.js";
import { healthyIds } from "../helpers/sim.js";

const SECRET = "push-test-secret";

describe("scripted changes → events", () => {
  const account = new SimAccount({ connections: 30, groups: 2, seed: 5 });
  const seen: string[][] = [];
  account.watch((c) => seen.push(eventsFor(c).map((e) => `${e.event}${e.data ? `:${e.data.status}` : ""}`)));
  const [a, b, c] = healthyIds(account) as [string, string, string];

  it.each([
    ["break", () => account.break(a), ["connection_failure:FAILURE"]],
    ["fix a broken one", () => account.fix(a), ["connection_successful", "sync_end:SUCCESSFUL"]],
    ["fail a sync", () => account.fail(b), ["sync_end:FAILURE"]],
    ["pause", () => account.pause(c), ["pause_connector"]],
    ["resume", () => account.resume(c), ["resume_connector"]],
    ["delay", () => account.delay(b), ["status:DELAYED"]],
    ["warn", () => account.warn(a, "w1"), ["status:UPDATED"]],
    ["reschedule", () => account.reschedule(a), ["sync_end:RESCHEDULED"]],
    ["add", () => void account.add({ service: "stripe" }), ["create_connector"]],
    ["remove", () => account.remove(c), ["delete_connector"]],
  ])("%s", (_name, act, expected) => {
    seen.length = 0;
    act();
    expect(seen).toEqual([expected]);
  });
});

describe("simulator pusher", () => {
  let receiver: WebhookReceiver;
  let sim: Simulator;
  let events: WebhookEvent[];
  let duplicates: number;

  beforeEach(async () => {
    events = [];
    duplicates = 0;
    receiver = await startWebhookReceiver({
      host: "127.0.0.1",
      port: 0,
      secret: SECRET,
      maxBodyBytes: 65536,
      deliveries: new RecentDeliveries(60_000, 100),
      onEvent: (e) => events.push(e),
      onDuplicate: () => duplicates++,
      onRejected: (reason) => events.push({ event: `REJECTED:${reason}` } as WebhookEvent),
    });
    sim = await startSimulator({
      account: new SimAccount({ connections: 30, groups: 2, seed: 5 }),
      apiKey: "k",
      apiSecret: "s",
      push: { url: `${receiver.url}/webhooks/fivetran`, secret: SECRET },
    });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it("send a signed event with Fivetran's fields for a scripted break", async () => {
    const id = healthyIds(sim.account)[0]!;
    const item = sim.account.get(id)!;
    sim.account.break(id);
    await sim.pusher.settled();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: "connection_failure", connectionId: id, groupId: item.group_id, connectorType: item.service, connectionName: item.schema, status: "FAILURE" });
    expect(events[0]!.created).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("duplicate deliveries on request (the receiver acts on one)", async () => {
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ duplicate: 2 }) });
    sim.account.fail(healthyIds(sim.account)[1]!);
    await sim.pusher.settled();
    expect(events.map((e) => e.event)).toEqual(["sync_end"]);
    expect(duplicates).toBe(2);
    expect(sim.pusher.stats.sent).toBe(3);
  });

  it("reorder a burst of deliveries on request (newest first)", async () => {
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ reorder_ms: 50 }) });
    const [a, b] = healthyIds(sim.account) as [string, string];
    sim.account.pause(a);
    sim.account.pause(b);
    await sim.pusher.settled();
    expect(events.map((e) => e.connectionId)).toEqual([b, a]);
  });

  it("send nothing to a webhook created for other events, and sign with each webhook's own secret", async () => {
    await sim.close();
    sim = await startSimulator({ account: new SimAccount({ connections: 30, groups: 2, seed: 5 }), apiKey: "k", apiSecret: "s" });
    const create = await fetch(`${sim.url}/v1/webhooks/account`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("k:s").toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ url: `${receiver.url}/webhooks/fivetran`, events: ["pause_connector"], active: true, secret: SECRET }),
    });
    expect(create.status).toBe(201);
    const [a, b] = healthyIds(sim.account) as [string, string];
    sim.account.fail(a);
    sim.account.pause(b);
    await sim.pusher.settled();
    expect(events.map((e) => `${e.event}:${e.connectionId}`)).toEqual(["test_event:_connector_1", `pause_connector:${b}`]);
  });
});
