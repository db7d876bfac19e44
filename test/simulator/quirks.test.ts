// The simulator can send what real clients recorded: status-less items, "null" timestamps, paused left out, a trial
// budget, the errors endpoint (or its 404) and a legacy listing that answers 404.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";

const AUTH = `Basic ${Buffer.from("key:secret").toString("base64")}`;
let sim: Simulator;
let ids: string[];

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 50, groups: 2, seed: 4 }), apiKey: "key", apiSecret: "secret" });
  ids = sim.account.ids();
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  for (const id of sim.account.ids()) sim.account.uncorrupt(id);
});

async function get(path: string): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: AUTH } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function listed(id: string): Promise<Record<string, unknown>> {
  const r = await get("/v1/connections?limit=1000");
  const items = r.body.data.items as Record<string, unknown>[];
  return items.find((i) => i.id === id)!;
}

describe("item quirks", () => {
  it("lists an item without a status object", async () => {
    sim.account.corrupt(ids[0]!, "no_status");
    const item = await listed(ids[0]!);
    expect(item).not.toHaveProperty("status");
    expect(item.succeeded_at).toEqual(expect.any(String));
  });

  it('lists "failed_at": "null" and other timestamps that do not parse', async () => {
    sim.account.corrupt(ids[1]!, "failed_at_null_string");
    expect((await listed(ids[1]!)).failed_at).toBe("null");
    sim.account.corrupt(ids[2]!, "unparseable_timestamps");
    const odd = await listed(ids[2]!);
    expect([odd.failed_at, odd.created_at, (odd.status as { rescheduled_for: unknown }).rescheduled_for]).toEqual(["n/a", "", "null"]);
  });

  it("lists a paused connection without its paused field, sync_state paused", async () => {
    sim.account.pause(ids[3]!);
    sim.account.corrupt(ids[3]!, "paused_missing");
    const item = await listed(ids[3]!);
    expect(item).not.toHaveProperty("paused");
    expect((item.status as { sync_state: string }).sync_state).toBe("paused");
    sim.account.resume(ids[3]!);
  });
});

describe("account quirks", () => {
  it("counts a trial budget down from 500 and names the limit when asked to", async () => {
    sim.faults.configure({ trial: true });
    const first = await get("/v1/groups");
    const left = Number(first.headers.get("x-rate-limit-remaining"));
    expect(left).toBeLessThan(500);
    expect(first.headers.get("x-rate-limit-limit")).toBeNull(); // Fivetran does not send it
    sim.faults.configure({ rate_limit_limit_header: true });
    const second = await get("/v1/groups");
    expect(second.headers.get("x-rate-limit-limit")).toBe("500");
    expect(Number(second.headers.get("x-rate-limit-remaining"))).toBe(left - 1);
  });

  it("answers the errors endpoint with 404 while the account lacks it", async () => {
    sim.account.break(ids[4]!, {});
    const r = await get(`/v1/connections/${ids[4]!}/errors`);
    expect(r.status).toBe(404);
    sim.account.fix(ids[4]!);
  });

  it("lists the active errors of broken and failed connections, and none for a healthy one", async () => {
    sim.faults.configure({ errors_endpoint: true });
    sim.account.break(ids[5]!, { title: "Validate Login", message: "Invalid login credentials." });
    sim.account.fail(ids[6]!);
    const broken = await get(`/v1/connections/${ids[5]!}/errors?limit=10`);
    expect(broken.status).toBe(200);
    expect(broken.body.data.items).toEqual([
      expect.objectContaining({ type: "setup_failure", title: "Validate Login failed", reason: "Invalid login credentials.", message: expect.stringContaining("Fivetran") }),
    ]);
    expect(broken.body.data.next_cursor).toBeNull();
    const failed = await get(`/v1/connections/${ids[6]!}/errors`);
    expect(failed.body.data.items.map((e: { type: string }) => e.type)).toEqual(["unknown_sync_failure"]);
    sim.account.apply("error", { id: ids[6]!, type: "reconnect", title: "Reconnect required", reason: "OAuth token expired", message: "Re-authorize it." });
    expect((await get(`/v1/connections/${ids[6]!}/errors`)).body.data.items[0]).toMatchObject({ type: "reconnect", reason: "OAuth token expired" });
    expect((await get(`/v1/connections/${ids[7]!}/errors`)).body.data.items).toEqual([]);
    expect((await get(`/v1/connections/nope/errors`)).status).toBe(404);
    expect((await get(`/v1/connections/${ids[5]!}/errors?limit=0`)).status).toBe(400);
    sim.account.fix(ids[5]!);
    sim.account.fix(ids[6]!);
    expect((await get(`/v1/connections/${ids[6]!}/errors`)).body.data.items).toEqual([]);
  });

  it("answers the legacy /v1/connectors listing with 404 when asked to, and /v1/connections as before", async () => {
    sim.faults.configure({ connectors_gone: true });
    expect((await get("/v1/connectors?limit=10")).status).toBe(404);
    expect((await get("/v1/connections?limit=10")).status).toBe(200);
    sim.faults.clear();
    expect((await get("/v1/connectors?limit=10")).status).toBe(200);
  });
});
