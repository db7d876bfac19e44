// The simulator on a fake clock: schedules, paging while the account changes, the page cache, faults, the control API and scripts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, runScenario, startSimulator, type ScenarioStep, type Simulator } from "../../src/simulator/index.js";

const T0 = Date.parse("2026-11-23T08:00:00Z");
const HOUR = 3_600_000;
const AUTH = `Basic ${Buffer.from("key:secret").toString("base64")}`;

interface Item {
  id: string;
  group_id: string;
  paused: boolean;
  schedule_type: string;
  sync_frequency: number | null;
  daily_sync_time?: string;
  succeeded_at: string | null;
  failed_at: string | null;
  status: { setup_state: string; update_state: string; sync_state: string; warnings: unknown[]; tasks: unknown[] };
}

let clock = T0;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 1200, groups: 3, seed: 21, now: () => clock }), apiKey: "key", apiSecret: "secret" });
});
afterAll(async () => {
  await sim.close();
});

async function get(path: string, init: { auth?: string; signal?: AbortSignal } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: init.auth ?? AUTH }, signal: init.signal });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a fault)
  }
  return { status: res.status, headers: res.headers, body };
}

async function post(path: string, body: unknown, auth?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) } });
  return { status: res.status, body: await res.json() };
}

async function listAll(query = ""): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const r = await get(`/v1/connections?limit=1000${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(r.status).toBe(200);
    items.push(...(r.body.data.items as Item[]));
    cursor = r.body.data.next_cursor ?? null;
  } while (cursor);
  return items;
}

const isRunning = (c: Item): boolean => !c.paused && c.schedule_type === "auto" && c.status.setup_state === "connected";
const lag = (c: Item): number => clock - Date.parse(c.succeeded_at ?? "");

describe("schedules on the account clock", () => {
  it("keeps every running connection within one sync interval as days pass, through the HTTP listing", async () => {
    for (const step of [0, 37 * 60_000, 5 * 24 * HOUR]) {
      clock += step;
      const running = (await listAll()).filter(isRunning);
      expect(running.length).toBeGreaterThan(900);
      for (const c of running) expect(lag(c)).toBeLessThanOrEqual((c.sync_frequency ?? 1440) * 60_000);
    }
  });

  it("stops the clock of a failed, paused or stale connection, and resuming a paused one syncs again", async () => {
    const [a, b, c] = (await listAll()).filter(isRunning).map((i) => i.id);
    sim.account.fail(a!);
    sim.account.pause(b!);
    sim.account.makeStale(c!, 10);
    const frozen = [a, b].map((id) => sim.account.get(id!)!.succeeded_at);
    clock += 3 * 24 * HOUR;
    const after = new Map((await listAll()).map((i) => [i.id, i]));
    expect([a, b].map((id) => after.get(id!)!.succeeded_at)).toEqual(frozen);
    expect(lag(after.get(c!)!)).toBe(3 * 24 * HOUR + 10 * HOUR);
    expect(Date.parse(after.get(a!)!.failed_at!)).toBeGreaterThan(Date.parse(after.get(a!)!.succeeded_at!));

    sim.account.resume(b!);
    const resumed = sim.account.get(b!) as unknown as Item;
    expect(lag(resumed)).toBeLessThanOrEqual((resumed.sync_frequency ?? 1440) * 60_000);
    for (const id of [a, b, c]) sim.account.fix(id!);
  });

  it("lets a connection that was generated paused sync again once resumed", () => {
    const acc = new SimAccount({ connections: 400, groups: 2, seed: 3, now: () => clock });
    const paused = (acc.truth() as unknown as Item[]).find((c) => c.paused && c.schedule_type === "auto")!;
    expect(lag(paused)).toBeGreaterThan(0);
    acc.resume(paused.id);
    const now = acc.get(paused.id) as unknown as Item;
    expect(now.status.sync_state).toBe("scheduled");
    expect(lag(now)).toBeLessThanOrEqual((now.sync_frequency ?? 1440) * 60_000);
  });

  it("shows the daily sync time of daily connections only", () => {
    const items = new SimAccount({ connections: 300, groups: 1, seed: 4, now: () => T0 }).truth() as unknown as Item[];
    const daily = items.filter((c) => c.sync_frequency === 1440);
    expect(daily.length).toBeGreaterThan(0);
    expect(daily.every((c) => /^\d\d:00$/.test(c.daily_sync_time ?? ""))).toBe(true);
    expect(items.filter((c) => c.sync_frequency !== 1440).every((c) => c.daily_sync_time === undefined)).toBe(true);
  });
});

describe("generation", () => {
  it("differs between seeds, and breaks the requested share of connections", () => {
    const a = new SimAccount({ connections: 200, groups: 2, seed: 1, now: () => T0, brokenFraction: 0.1 }).truth() as unknown as Item[];
    const b = new SimAccount({ connections: 200, groups: 2, seed: 2, now: () => T0 }).truth() as unknown as Item[];
    expect(a.map((c) => c.succeeded_at)).not.toEqual(b.map((c) => c.succeeded_at));
    expect(a.filter((c) => c.status.setup_state === "broken")).toHaveLength(20);
    expect(b.filter((c) => c.status.setup_state === "broken")).toHaveLength(0);
  });
});

describe("listing", () => {
  it("shows a change on a page it served before, and skips an item when one before the cursor is removed", async () => {
    const first = await get("/v1/connections?limit=10");
    const victim = (first.body.data.items as Item[]).find(isRunning)!;
    sim.account.break(victim.id, { message: "Invalid login credentials." });
    const again = await get("/v1/connections?limit=10");
    expect((again.body.data.items as Item[]).find((i) => i.id === victim.id)!.status.setup_state).toBe("broken");
    sim.account.fix(victim.id);

    // The cursor is an offset: removing an item already served shifts the rest left by one, so one is skipped.
    const ids = sim.account.ids();
    const page1 = await get("/v1/connections?limit=10");
    sim.account.remove(ids[0]!);
    const page2 = await get(`/v1/connections?limit=10&cursor=${encodeURIComponent(page1.body.data.next_cursor)}`);
    expect(page2.body.data.items[0].id).toBe(ids[11]);
  });

  it("serves details, 404s unknown ids and creates connections with POST", async () => {
    const missing = await get("/v1/connections/no_such_thing");
    expect([missing.status, missing.body.code]).toEqual([404, "NotFound_Connection"]);
    const [group] = sim.account.groupIds();
    const created = await post("/v1/connections", { service: "shopify", group_id: group, paused: false, config: { schema: "shopify_eu_store" } }, AUTH);
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ service: "shopify", schema: "shopify_eu_store", group_id: group, status: { setup_state: "connected" } });
    expect(created.body.data.setup_tests).toEqual(expect.any(Array));
    const listed = await listAll(`&schema=shopify_eu_store`);
    expect(listed.map((i) => i.id)).toEqual([created.body.data.id]);
    expect((await post("/v1/connections", { service: "shopify", group_id: "nope" }, AUTH)).status).toBe(400);
  });

  it("pages groups and rejects a bad limit", async () => {
    const page = await get("/v1/groups?limit=2");
    expect(page.body.data.items).toHaveLength(2);
    const rest = await get(`/v1/groups?limit=2&cursor=${encodeURIComponent(page.body.data.next_cursor)}`);
    expect([...page.body.data.items, ...rest.body.data.items].map((g: { id: string }) => g.id)).toEqual(sim.account.groupIds());
    expect(rest.body.data.next_cursor).toBeNull();
    expect((await get("/v1/groups?limit=0")).status).toBe(400);
    expect((await get("/v1/connections?limit=abc")).body.code).toBe("InvalidInput");
  });
});

describe("faults and the control API", () => {
  it("stalls a page past the client's time-out, then answers the next one", async () => {
    sim.faults.stallNext(1, 60_000);
    await expect(get("/v1/connections?limit=1", { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect((await get("/v1/connections?limit=1")).status).toBe(200);
  });

  it("adds latency to every request", async () => {
    sim.faults.setLatency(60);
    const t = performance.now();
    await get("/v1/connections?limit=1");
    // Timers may fire a millisecond early; the delay is still plainly there.
    expect(performance.now() - t).toBeGreaterThanOrEqual(50);
    sim.faults.setLatency(0);
  });

  it("passes an HTTP-date Retry-After through, and answers 429 once the hourly budget is spent", async () => {
    const date = new Date(T0 + HOUR).toUTCString();
    sim.faults.failNext(1, { status: 429, retryAfter: date });
    const r = await get("/v1/connections");
    expect([r.status, r.headers.get("retry-after"), r.body.code]).toEqual([429, date, "TooManyRequests"]);

    const used = 20_000 - Number((await get("/v1/connections?limit=1")).headers.get("x-rate-limit-remaining"));
    sim.faults.setRateLimitBudget(used + 2);
    expect((await get("/v1/connections?limit=1")).headers.get("x-rate-limit-remaining")).toBe("1");
    expect((await get("/v1/connections?limit=1")).headers.get("x-rate-limit-remaining")).toBe("0");
    const over = await get("/v1/connections?limit=1");
    expect([over.status, over.headers.get("x-rate-limit-remaining")]).toEqual([429, "0"]);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    sim.faults.clear();
    expect((await get("/v1/connections?limit=1")).status).toBe(200);
  });

  it("sets faults, applies actions and reports truth and stats over HTTP", async () => {
    expect((await post("/_sim/faults", { fail_next: { n: 1, status: 502 }, repeat_cursor: true })).status).toBe(200);
    expect((await get("/v1/connectors?limit=1")).status).toBe(502);
    const looped = await get("/v1/connectors?limit=1");
    expect((await get(`/v1/connectors?limit=1&cursor=${encodeURIComponent(looped.body.data.nextCursor)}`)).body.data.nextCursor).toBe(looped.body.data.nextCursor);
    await post("/_sim/reset-faults", {});
    expect((await get("/v1/connectors?limit=1000000")).status).toBe(400);

    const id = sim.account.ids()[5]!;
    const res = await post("/_sim/actions", [
      { action: "delay", id },
      { action: "addTask", id, code: "reconnect", message: "Reconnect" },
      { action: "corrupt", id, kind: "succeeded_at_number" },
    ]);
    expect(res.status).toBe(200);
    const truth = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as Item[];
    expect(truth).toEqual(sim.account.truth());
    const item = truth.find((i) => i.id === id)!;
    expect([item.status.update_state, item.status.tasks, item.succeeded_at]).toEqual(["delayed", [{ code: "reconnect", message: "Reconnect", details: "Reconnect" }], 1_700_000_000]);
    await post("/_sim/actions", [{ action: "uncorrupt", id }, { action: "fix", id }]);

    sim.stats.reset();
    await get("/v1/connections?limit=3");
    await get("/v1/connections?limit=3", { auth: "Basic bm86bm8=" });
    await get(`/v1/connections/${id}`);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { requests: Record<string, number>; total: number; pages: number; items: number };
    expect(stats).toMatchObject({ requests: { connections: 2, details: 1 }, total: 3, pages: 1, items: 3 });
  });
});

describe("scenarios", () => {
  /** A fake scheduler: timers run only when `advance` says so. */
  function fakeScheduler(): { schedule: (fn: () => void, ms: number) => () => void; advance: (ms: number) => void } {
    let now = 0;
    let timers: { at: number; fn: () => void }[] = [];
    return {
      schedule: (fn, ms) => {
        const t = { at: now + ms, fn };
        timers.push(t);
        return () => (timers = timers.filter((x) => x !== t));
      },
      advance: (ms) => {
        const until = now + ms;
        for (;;) {
          const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
          if (!due) break;
          timers = timers.filter((t) => t !== due);
          now = due.at;
          due.fn();
        }
        now = until;
      },
    };
  }

  it("applies steps in time order, goes on after a failing step, and stops when told", () => {
    const acc = new SimAccount({ connections: 20, groups: 1, seed: 9, now: () => T0 });
    const [a, b, c] = acc.ids();
    const steps: ScenarioStep[] = [
      { atMs: 2000, note: "b breaks", apply: (x) => x.break(b!) },
      { atMs: 1000, note: "a is delayed", apply: (x) => x.delay(a!) },
      { atMs: 1000, note: "a warns", apply: (x) => x.warn(a!, "w", "careful") },
      { atMs: 3000, note: "a missing one", apply: (x) => x.fix("not_there") },
      { atMs: 4000, note: "c pauses", apply: (x) => x.pause(c!) },
      { atMs: 9000, note: "c resumes", apply: (x) => x.resume(c!) },
    ];
    const seen: string[] = [];
    const errors: string[] = [];
    const fake = fakeScheduler();
    const stop = runScenario(acc, steps, { schedule: fake.schedule, onStep: (s) => seen.push(s.note), onError: (_e, s) => errors.push(s.note) });
    fake.advance(999);
    expect(seen).toEqual([]);
    fake.advance(1);
    expect(seen).toEqual(["a is delayed", "a warns"]);
    expect((acc.get(a!)!.status as Item["status"]).update_state).toBe("delayed");
    fake.advance(3000);
    expect(seen).toEqual(["a is delayed", "a warns", "b breaks", "c pauses"]);
    expect(errors).toEqual(["a missing one"]);
    stop();
    fake.advance(10_000);
    expect(acc.get(c!)!.paused).toBe(true);
  });
});
