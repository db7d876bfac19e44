// Fivetran misbehaving: rate limits, 5xx bursts, resets, slow pages, bad bodies and items, a repeated cursor, a
// listing that changes while paged, rotated credentials. No false alert, no lost alert, and the next cycle works.
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { FakeClock, MINUTE, itemsOf, lines, startRig, startSim, type Rig } from "./harness.js";

let sim: Simulator;
let receiver: Receiver;
let rig: Rig;
let seen = 0;

/** A fresh simulator (300 connections, 3 pages of 100), a webhook receiver and a baselined syncwatch. */
async function setup(config: Record<string, unknown> = {}): Promise<{ clock: FakeClock; ids: string[] }> {
  const clock = new FakeClock();
  sim = await startSim(clock);
  receiver = await startReceiver();
  rig = await startRig({
    sim,
    clock,
    env: { ALERT_WEBHOOK_URL: receiver.url },
    config: { ...config, fivetran: { page_size: 100, ...(config.fivetran as object | undefined) } },
  });
  seen = 0;
  const ids = healthyIds(sim.account);
  const base = await rig.cycle(0);
  expect(base.outcome).toBe("success");
  expect(base.pages).toBe(3);
  newItems();
  return { clock, ids };
}

/** Alert lines delivered since the last call. */
function newItems(): string[] {
  const out = lines(itemsOf(receiver.accepted.slice(seen)));
  seen = receiver.accepted.length;
  return out;
}

/** Connection alerts firing in syncwatch's state (watcher_blind aside). */
function firingKeys(): string[] {
  return rig.app.watcher
    .firing()
    .filter((a) => a.connection_id !== "")
    .map((a) => `${a.condition} ${a.connection_id}`)
    .sort();
}

afterEach(async () => {
  await rig.close();
  await Promise.all([sim.close(), receiver.close()]);
});

describe("rate limits", () => {
  it("retries a 429 with a short Retry-After inside the cycle", async () => {
    const { ids } = await setup();
    sim.account.break(ids[0]!);
    sim.faults.failNext(2, { status: 429, retryAfter: "1" });
    const r = await rig.cycle();
    expect(r.outcome).toBe("success");
    expect(newItems()).toEqual([`firing setup_broken ${ids[0]}`]);
    expect(await rig.app.metrics.render()).toMatch(/syncwatch_api_requests_total\{endpoint="connections",code="429"\} 2/);
  });

  it("holds every cycle without calling Fivetran until a Retry-After of 3600 s has passed, then resumes", async () => {
    const { ids } = await setup();
    sim.account.break(ids[0]!);
    expect((await rig.cycle()).outcome).toBe("success");
    expect(newItems()).toEqual([`firing setup_broken ${ids[0]}`]);
    const before = firingKeys();
    sim.account.fix(ids[0]!);
    sim.account.break(ids[1]!);
    sim.faults.failNext(1, { status: 429, retryAfter: "3600" });
    const failed = await rig.cycle();
    expect(failed.outcome).toBe("failure");
    expect(failed.error?.code).toBe("rate_limited");
    expect(failed.holdUntil).not.toBeNull();
    const calls = sim.stats.total();
    // Eleven more cycles, five minutes apart: all inside the hour.
    for (let i = 0; i < 11; i++) {
      const held = await rig.cycle();
      expect(held.outcome).toBe("held");
    }
    expect(sim.stats.total()).toBe(calls);
    expect(firingKeys()).toEqual(before);
    // Only syncwatch's own blindness is news while it is held.
    expect(newItems()).toEqual(["firing watcher_blind "]);
    const back = await rig.cycle(10 * MINUTE);
    expect(back.outcome).toBe("success");
    expect(sim.stats.total()).toBeGreaterThan(calls);
    expect(newItems()).toEqual([`firing setup_broken ${ids[1]}`, `resolved setup_broken ${ids[0]}`, "resolved watcher_blind "].sort());
  });
});

describe("transient transport faults are retried within the cycle", () => {
  const cases: [string, (s: Simulator) => void][] = [
    ["a burst of 500, 502 and 503", (s) => {
      s.faults.failNext(1, { status: 500 });
      s.faults.failNext(1, { status: 502 });
      s.faults.failNext(1, { status: 503 });
    }],
    ["connection resets", (s) => s.faults.resetNext(2)],
    ["a page slower than the time-out", (s) => s.faults.stallNext(1, 1500)],
    ["one body that is not JSON", (s) => s.faults.badBodyNext(1)],
  ];
  it.each(cases)("%s", async (_name, inject) => {
    const { ids } = await setup({ fivetran: { request_timeout_seconds: 0.3, retry: { max_attempts: 5 } } });
    sim.account.break(ids[0]!);
    inject(sim);
    const r = await rig.cycle();
    expect(r.error?.message ?? null).toBeNull();
    expect(r.outcome).toBe("success");
    expect(newItems()).toEqual([`firing setup_broken ${ids[0]}`]);
    expect((await rig.cycle()).outcome).toBe("success");
    expect(newItems()).toEqual([]);
  });
});

describe("a page that cannot be read fails the cycle and changes nothing", () => {
  const cases: [string, (s: Simulator) => void][] = [
    ["bodies that are never JSON", (s) => s.faults.badBodyNext(50)],
    ["a page of the wrong shape", (s) => s.faults.wrongShapeNext(50)],
    ["a repeated cursor", (s) => s.faults.setRepeatCursor(true)],
    ["500 on every attempt", (s) => s.faults.failNext(50, { status: 500 })],
  ];
  it.each(cases)("%s", async (_name, inject) => {
    const { ids } = await setup();
    sim.account.break(ids[0]!);
    expect((await rig.cycle()).outcome).toBe("success");
    newItems();
    const before = firingKeys();
    sim.account.fix(ids[0]!);
    sim.account.delay(ids[1]!);
    sim.account.remove(ids[2]!);
    inject(sim);
    const failed = await rig.cycle();
    expect(failed.outcome).toBe("failure");
    expect(failed.error?.message).toBeTruthy();
    expect(firingKeys()).toEqual(before);
    expect(rig.app.watcher.health.connections.has(ids[2]!)).toBe(true);
    expect(newItems()).toEqual([]);
    sim.faults.clear();
    expect((await rig.cycle()).outcome).toBe("success");
    expect(newItems()).toEqual([`firing update_delayed ${ids[1]}`, `resolved setup_broken ${ids[0]}`].sort());
  });
});

describe("unreadable items are skipped, counted, and carry their previous snapshot forward", () => {
  const kinds = ["status_not_object", "succeeded_at_number", "no_id"] as const;
  // no_id: the item cannot be matched to a connection, so while one is skipped nobody counts as removed.
  it.each(kinds)("%s", async (kind) => check(kind));

  async function check(kind: (typeof kinds)[number]): Promise<void> {
    const { ids } = await setup();
    const [a] = ids as [string];
    sim.account.break(a);
    await rig.cycle();
    expect(newItems()).toEqual([`firing setup_broken ${a}`]);
    sim.account.fix(a);
    sim.account.corrupt(a, kind);
    const r = await rig.cycle();
    expect(r.outcome).toBe("success");
    expect(r.rejected).toBe(1);
    expect(newItems()).toEqual([]); // neither resolved (the fix is unseen) nor removed
    expect(firingKeys()).toContain(`setup_broken ${a}`);
    expect(rig.logs.messages()).toContain("skip unreadable connection item");
    expect(await rig.app.metrics.render()).toMatch(/syncwatch_items_rejected_total 1\b/);
    sim.account.uncorrupt(a);
    await rig.cycle();
    expect(newItems()).toEqual([`resolved setup_broken ${a}`]);
  }

  // An item with every field but `id` null says nothing about the connection: its previous snapshot is kept.
  it("nulls everywhere do not resolve a firing alert", async () => {
    const { ids } = await setup();
    const [a] = ids as [string];
    sim.account.break(a);
    await rig.cycle();
    expect(newItems()).toEqual([`firing setup_broken ${a}`]);
    sim.account.corrupt(a, "nulls_everywhere");
    expect((await rig.cycle()).outcome).toBe("success");
    sim.account.uncorrupt(a);
    await rig.cycle();
    expect(newItems()).toEqual([]);
  });

  it("keeps unknown enum values as they came and shows them in the metrics", async () => {
    const { ids } = await setup();
    const [a] = ids as [string];
    sim.account.corrupt(a, "unknown_enums");
    const r = await rig.cycle();
    expect(r.outcome).toBe("success");
    expect(r.rejected).toBe(0);
    expect(newItems()).toEqual([]);
    const text = await rig.app.metrics.render();
    expect(text).toContain(`fivetran_connection_setup_state{connection_id="${a}",state="reticulating"} 1`);
    expect(text).toContain(`fivetran_connection_sync_state{connection_id="${a}",state="pondering"} 1`);
    expect(text).toContain(`fivetran_connection_update_state{connection_id="${a}",state="sideways"} 1`);
  });
});

describe("a listing that changes while it is paged", () => {
  it("completes, de-duplicates repeated items and alerts on what it saw", async () => {
    const { ids } = await setup();
    const account = sim.account;
    const original = account.connections.bind(account);
    let calls = 0;
    const added: string[] = [];
    // After the first page is served, two connections are added (at the end) and the listing gains an item at its
    // front (every later offset shifts by one, so the first item of page 2 repeats the last item of page 1).
    account.connections = (filter) => {
      calls++;
      if (calls === 2) {
        added.push(account.add({}), account.add({}));
        account.break(ids[250]!);
      }
      const list = original(filter);
      return calls >= 2 ? [list[0]!, ...list] : list;
    };
    const r = await rig.cycle();
    account.connections = original;
    expect(r.outcome).toBe("success");
    expect(r.pages).toBe(4);
    expect(r.connections).toBe(302);
    expect(newItems()).toEqual([`firing setup_broken ${ids[250]}`]);
    expect(rig.app.watcher.health.connections.size).toBe(302);
    // Removing a connection at the end while paging: the cycle completes and the next one agrees with the account.
    calls = 0;
    account.connections = (filter) => {
      calls++;
      if (calls === 2) account.remove(added[0]!);
      return original(filter);
    };
    expect((await rig.cycle()).outcome).toBe("success");
    account.connections = original;
    const r3 = await rig.cycle();
    expect(r3.connections).toBe(account.size);
    const firings = itemsOf(receiver.accepted).filter((i) => i.status === "firing").map((i) => `${i.condition} ${i.connection_id}`);
    expect(new Set(firings).size).toBe(firings.length);
  });

  // Removing a connection that was already paged shifts every later offset back by one, so the item at the next page
  // boundary is not listed this cycle; a connection is only taken as removed when it is missing twice in a row.
  it("a connection removed from an earlier page does not make a later one look removed", async () => {
    await setup();
    const account = sim.account;
    const all = account.ids();
    const boundary = all[100]!; // the first item of page 2
    account.break(boundary);
    await rig.cycle();
    expect(newItems()).toEqual([`firing setup_broken ${boundary}`]);
    const original = account.connections.bind(account);
    let calls = 0;
    account.connections = (filter) => {
      calls++;
      if (calls === 2) account.remove(all[0]!);
      return original(filter);
    };
    await rig.cycle();
    account.connections = original;
    expect(newItems().filter((l) => l.includes(boundary))).toEqual([]);
  });
});

describe("credentials rotated", () => {
  it("fails with a message naming FIVETRAN_API_KEY, keeps alert state, and goes blind after 15 minutes", async () => {
    const { ids } = await setup();
    sim.account.break(ids[0]!);
    await rig.cycle();
    newItems();
    const before = firingKeys();
    sim.faults.rotateCredentials("new-key", "new-secret");
    sim.account.fix(ids[0]!);
    const r = await rig.cycle();
    expect(r.outcome).toBe("failure");
    expect(r.error?.message).toContain("FIVETRAN_API_KEY");
    // The one rejected request is counted (a 401 is not retried).
    expect(r.requests).toBe(1);
    expect(firingKeys()).toEqual(before);
    expect(sim.stats.requests.connections).toBeGreaterThan(0);
    await rig.cycle();
    expect(newItems()).toEqual([]);
    await rig.cycle(10 * MINUTE);
    expect(newItems()).toEqual(["firing watcher_blind "]);
    expect(firingKeys()).toEqual(before);
    sim.faults.clear();
    await rig.cycle();
    expect(newItems()).toEqual([`resolved setup_broken ${ids[0]}`, "resolved watcher_blind "].sort());
  });
});
