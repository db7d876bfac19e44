// The simulator speaks the Fivetran API as the pages in shared/fivetran-api describe, and its scripts and faults do what they say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, demoScenario, runScenario, startSimulator, type Simulator } from "../../src/simulator/index.js";

const AUTH = `Basic ${Buffer.from("key:secret").toString("base64")}`;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 2345, groups: 4, seed: 8, brokenFraction: 0.01 }), apiKey: "key", apiSecret: "secret" });
});
afterAll(async () => {
  await sim.close();
});

async function get(path: string, auth = AUTH): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: auth, accept: "application/json;version=2" } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a fault)
  }
  return { status: res.status, headers: res.headers, body };
}

async function listAll(endpoint: "connections" | "connectors", query = ""): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await get(`/v1/${endpoint}?limit=1000${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(r.status).toBe(200);
    ids.push(...r.body.data.items.map((i: { id: string }) => i.id));
    cursor = r.body.data.next_cursor ?? r.body.data.nextCursor ?? null;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe("listing", () => {
  it("pages every connection exactly once with next_cursor, and the legacy endpoint with nextCursor", async () => {
    const current = await listAll("connections");
    expect(current.pages).toBe(3);
    expect(current.ids).toHaveLength(2345);
    expect(new Set(current.ids).size).toBe(2345);
    const first = await get("/v1/connectors?limit=1000");
    expect(first.body.data.nextCursor).toBeTypeOf("string");
    expect(first.body.data.next_cursor).toBeUndefined();
    expect((await listAll("connectors")).ids).toEqual(current.ids);
  });

  it("filters by group and by schema", async () => {
    const [g] = sim.account.groupIds();
    const inGroup = await listAll("connections", `&group_id=${g}`);
    expect(inGroup.ids.length).toBeGreaterThan(500);
    expect(inGroup.ids.every((id) => sim.account.get(id)?.group_id === g)).toBe(true);
    const one = sim.account.get(sim.account.ids()[7]!)!;
    expect((await listAll("connections", `&schema=${String(one.schema)}`)).ids).toEqual([one.id]);
  });

  it("serves items of the documented shape and counts down X-Rate-Limit-Remaining", async () => {
    const a = await get("/v1/connections?limit=2");
    const b = await get("/v1/connections?limit=2");
    const item = a.body.data.items[0];
    expect(Object.keys(item.status)).toEqual(expect.arrayContaining(["setup_state", "sync_state", "update_state", "is_historical_sync", "tasks", "warnings"]));
    expect(Date.parse(item.created_at)).not.toBeNaN();
    expect(Number(b.headers.get("x-rate-limit-remaining"))).toBe(Number(a.headers.get("x-rate-limit-remaining")) - 1);
  });

  it("rejects bad credentials and bad limits with the Fivetran envelope", async () => {
    const r = await get("/v1/connections", `Basic ${Buffer.from("key:wrong").toString("base64")}`);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("AuthFailed");
    expect((await get("/v1/connections?limit=5000")).status).toBe(400);
  });

  it("lists groups", async () => {
    const r = await get("/v1/groups?limit=1000");
    expect(r.body.data.items.map((g: { id: string }) => g.id)).toEqual(sim.account.groupIds());
  });
});

describe("scripted changes", () => {
  it("shows a break in the listing and the failed setup test in the details", async () => {
    const id = sim.account.ids().find((i) => sim.account.get(i)?.status && (sim.account.get(i)!.status as { setup_state: string }).setup_state === "connected")!;
    sim.account.break(id, { title: "Validate Login", message: "Invalid login credentials." });
    const d = await get(`/v1/connections/${id}`);
    expect(d.body.data.status.setup_state).toBe("broken");
    expect(d.body.data.setup_tests).toContainEqual(expect.objectContaining({ title: "Validate Login", status: "FAILED", message: "Invalid login credentials." }));
    sim.account.fix(id);
    expect((await get(`/v1/connections/${id}`)).body.data.status.setup_state).toBe("connected");
  });

  it("applies actions through the control API and removes and adds connections", async () => {
    const [a, b] = sim.account.ids();
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${sim.url}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const res = await post("/_sim/actions", [
      { action: "fail", id: a },
      { action: "warn", id: b, code: "w1", message: "careful" },
      { action: "add", service: "stripe" },
    ]);
    const { results } = (await res.json()) as { results: unknown[] };
    const added = results[2] as string;
    expect(sim.account.get(added)?.service).toBe("stripe");
    expect(Date.parse(String(sim.account.get(a!)!.failed_at))).toBeGreaterThan(Date.parse(String(sim.account.get(a!)!.succeeded_at)));
    expect((sim.account.get(b!)!.status as { warnings: unknown[] }).warnings).toEqual([{ code: "w1", message: "careful", details: "careful" }]);
    sim.account.remove(added);
    expect((await get(`/v1/connections/${added}`)).status).toBe(404);
    sim.account.fix(a!);
    sim.account.clearWarning(b!, "w1");
    expect((await post("/_sim/actions", { action: "nonsense", id: a })).status).toBe(400);
  });

  it("keeps healthy connections syncing as the clock moves, and a stale one stays behind", () => {
    let clock = Date.parse("2026-11-23T00:00:00Z");
    const acc = new SimAccount({ connections: 50, groups: 1, seed: 1, now: () => clock });
    const id = acc.ids().find((i) => acc.get(i)!.paused === false && acc.get(i)!.schedule_type === "auto")!;
    const other = acc.ids().find((i) => i !== id && acc.get(i)!.paused === false && acc.get(i)!.schedule_type === "auto")!;
    acc.makeStale(other, 30);
    clock += 10 * 86_400_000;
    const freqMin = (acc.get(id)!.sync_frequency as number | null) ?? 1440;
    expect(clock - Date.parse(String(acc.get(id)!.succeeded_at))).toBeLessThanOrEqual(freqMin * 60_000);
    expect(clock - Date.parse(String(acc.get(other)!.succeeded_at))).toBe(10 * 86_400_000 + 30 * 3_600_000);
  });

  it("is the same account for the same seed", () => {
    const t = (): number => 1_700_000_000_000;
    expect(new SimAccount({ connections: 100, groups: 3, seed: 5, now: t }).truth()).toEqual(new SimAccount({ connections: 100, groups: 3, seed: 5, now: t }).truth());
  });

  it("makes items unreadable on request", () => {
    const [a] = sim.account.ids();
    sim.account.corrupt(a!, "status_not_object");
    expect(sim.account.get(a!)!.status).toBe("broken");
    sim.account.corrupt(a!, "no_id");
    expect(sim.account.get(a!)!.id).toBeNull();
    sim.account.uncorrupt(a!);
    expect(sim.account.get(a!)!.id).toBe(a);
  });

  it("plays the demo scenario's steps in order", async () => {
    const acc = new SimAccount({ connections: 300, groups: 4, seed: 7 });
    const steps = demoScenario(acc);
    expect(steps.length).toBeGreaterThan(10);
    const fast = steps.map((s, i) => ({ ...s, atMs: i * 2 }));
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      runScenario(acc, fast, {
        onStep: (s) => {
          seen.push(s.note);
          if (seen.length === fast.length) resolve();
        },
      });
    });
    expect(seen).toEqual(steps.map((s) => s.note));
    expect(seen[0]).toMatch(/setup broken/);
  });
});

describe("faults", () => {
  it("answers 429 with Retry-After, 5xx, bad bodies and wrong shapes, then recovers", async () => {
    sim.faults.failNext(1, { status: 429, retryAfter: "3600" });
    sim.faults.failNext(1, { status: 503 });
    sim.faults.badBodyNext(1);
    sim.faults.wrongShapeNext(1);
    const r429 = await get("/v1/connections");
    expect([r429.status, r429.headers.get("retry-after")]).toEqual([429, "3600"]);
    expect((await get("/v1/connections")).status).toBe(503);
    expect((await get("/v1/connections")).body).toMatch(/<html>/);
    expect((await get("/v1/connections")).body.data.items).toBe("nope");
    expect((await get("/v1/connections")).status).toBe(200);
  });

  it("resets connections and repeats cursors when told to", async () => {
    sim.faults.resetNext(1);
    await expect(get("/v1/connections")).rejects.toThrow();
    sim.faults.setRepeatCursor(true);
    const first = await get("/v1/connections?limit=1000");
    const again = await get(`/v1/connections?limit=1000&cursor=${first.body.data.next_cursor}`);
    expect(again.body.data.next_cursor).toBe(first.body.data.next_cursor);
    sim.faults.clear();
  });

  it("rotates credentials: the old key gets 401", async () => {
    sim.faults.rotateCredentials("key2", "secret2");
    expect((await get("/v1/connections")).status).toBe(401);
    expect((await get("/v1/connections", `Basic ${Buffer.from("key2:secret2").toString("base64")}`)).status).toBe(200);
    sim.faults.clear();
    expect((await get("/v1/connections")).status).toBe(200);
  });
});
