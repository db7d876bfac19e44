// The webhook receiver over real HTTP on 127.0.0.1: signed events accepted, everything else refused and never acted on.
import { createHmac } from "node:crypto";
import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecentDeliveries, startWebhookReceiver, type WebhookEvent, type WebhookReceiver } from "../../src/webhooks/index.js";

const SECRET = "receiver-test-secret";
const sign = (body: string, secret = SECRET): string => createHmac("sha256", secret).update(body).digest("hex");

/** Fivetran's own example payload of a sync_end. */
const syncEnd = (id = "abc123", extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    event: "sync_end",
    created: "2026-12-06T10:00:00.000Z",
    connector_type: "salesforce",
    connector_id: id,
    connector_name: "sf_prod",
    sync_id: "a5d2e9b4-0000-4000-8000-000000000001",
    destination_group_id: "g1",
    data: { status: "FAILURE", reason: "Invalid login credentials." },
    ...extra,
  });

interface Reply {
  status: number;
  body: string;
}

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = "POST"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("webhook receiver", () => {
  let receiver: WebhookReceiver;
  let events: WebhookEvent[];
  let duplicates: WebhookEvent[];
  let rejected: string[];
  let url: string;

  beforeEach(async () => {
    events = [];
    duplicates = [];
    rejected = [];
    receiver = await startWebhookReceiver({
      host: "127.0.0.1",
      port: 0,
      secret: SECRET,
      maxBodyBytes: 4096,
      deliveries: new RecentDeliveries(60_000, 100),
      onEvent: (e) => events.push(e),
      onDuplicate: (e) => duplicates.push(e),
      onRejected: (reason) => rejected.push(reason),
    });
    url = `${receiver.url}/webhooks/fivetran`;
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("accept a well-signed sync_end (lower- or upper-case hex) and hand over the connection it is about", async () => {
    const body = syncEnd();
    expect((await post(url, body, { "x-fivetran-signature-256": sign(body) })).status).toBe(200);
    const other = syncEnd("def456");
    expect((await post(url, other, { "X-Fivetran-Signature-256": sign(other).toUpperCase() })).status).toBe(200);
    expect(events.map((e) => [e.event, e.connectionId, e.groupId, e.status, e.reason])).toEqual([
      ["sync_end", "abc123", "g1", "FAILURE", "Invalid login credentials."],
      ["sync_end", "def456", "g1", "FAILURE", "Invalid login credentials."],
    ]);
    expect(rejected).toEqual([]);
  });

  it("answer Fivetran's test POST at webhook creation (no sync_id, group_id instead of destination_group_id) with 2xx", async () => {
    const body = JSON.stringify({ event: "test_event", created: "2026-12-06T10:00:00.000Z", connector_type: "_connector_type", connector_id: "_connector_1", group_id: "_destination_1" });
    expect((await post(url, body, { "x-fivetran-signature-256": sign(body) })).status).toBe(200);
    expect(events[0]).toMatchObject({ event: "test_event", groupId: "_destination_1", syncId: null });
  });

  it("acknowledge an event it does not know, and a status it does not know, without error", async () => {
    const body = JSON.stringify({ event: "quantum_sync_teleported", connector_id: "abc", data: { status: "SIDEWAYS" } });
    expect((await post(url, body, { "x-fivetran-signature-256": sign(body) })).status).toBe(200);
    expect(events[0]).toMatchObject({ event: "quantum_sync_teleported", status: "SIDEWAYS" });
  });

  it.each([
    ["unsigned", (_b: string): Record<string, string> => ({}), "unsigned"],
    ["signed with another secret", (b: string) => ({ "x-fivetran-signature-256": sign(b, "not-the-secret") }), "bad_signature"],
    ["a signature that is not hex", (_b: string) => ({ "x-fivetran-signature-256": "zz".repeat(32) }), "bad_signature"],
    ["a truncated signature", (b: string) => ({ "x-fivetran-signature-256": sign(b).slice(0, 40) }), "bad_signature"],
    ["a tampered body (signature of the original)", (_b: string) => ({ "x-fivetran-signature-256": sign(syncEnd("abc123")) }), "bad_signature"],
  ])("refuse %s with 401 and never act on it", async (_name, headers, reason) => {
    const body = syncEnd("tampered");
    const reply = await post(url, body, headers(body));
    expect(reply.status).toBe(401);
    expect(events).toEqual([]);
    expect(rejected).toEqual([reason]);
  });

  it("refuse well-signed bodies that are not an event (not JSON, no event name) with 401", async () => {
    for (const body of ["{not json", "[1,2]", JSON.stringify({ connector_id: "abc" })]) {
      expect((await post(url, body, { "x-fivetran-signature-256": sign(body) })).status).toBe(401);
    }
    expect(events).toEqual([]);
    expect(rejected).toEqual(["malformed", "malformed", "malformed"]);
  });

  it("refuse an oversized body with 413, by its declared length or while reading it", async () => {
    const big = JSON.stringify({ event: "sync_end", connector_id: "abc", pad: "x".repeat(10_000) });
    expect((await post(url, big, { "x-fivetran-signature-256": sign(big) })).status).toBe(413);
    // Chunked, no content-length: the bound is enforced while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { "x-fivetran-signature-256": sign(big), "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write(big.slice(i * 1000, (i + 1) * 1000));
      req.end(big.slice(10_000));
    });
    expect(chunked).toBe(413);
    expect(events).toEqual([]);
    expect(rejected).toEqual(["too_large", "too_large"]);
  });

  it("act once on the same delivery twice, and answer both with 2xx", async () => {
    const body = syncEnd();
    const headers = { "x-fivetran-signature-256": sign(body) };
    expect((await post(url, body, headers)).status).toBe(200);
    expect((await post(url, body, headers)).status).toBe(200);
    expect(events).toHaveLength(1);
    expect(duplicates).toHaveLength(1);
  });

  it("serve nothing but POST /webhooks/fivetran", async () => {
    const body = syncEnd();
    const headers = { "x-fivetran-signature-256": sign(body) };
    expect((await post(`${receiver.url}/metrics`, "", {}, "GET")).status).toBe(404);
    expect((await post(`${receiver.url}/webhooks/other`, body, headers)).status).toBe(404);
    expect((await post(url, "", {}, "GET")).status).toBe(405);
    expect(events).toEqual([]);
  });
});
