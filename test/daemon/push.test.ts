// A pushed read (a few connections read on their own, e.g. after a webhook) goes through the cycle's steps and never
// fires or resolves what a cycle already did, even when it arrives while a cycle runs.
import { setImmediate as macrotask } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { Watcher } from "../../src/daemon.js";
import { FivetranSource } from "../../src/fivetran/index.js";
import { rulesFromConfig, type ConnectionSnapshot } from "../../src/health/index.js";
import { createLogger } from "../../src/logger.js";
import { Metrics } from "../../src/metrics/index.js";
import { createNotifiers } from "../../src/notify/index.js";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { MemoryStore } from "../../src/store/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { baseSnapshot } from "../helpers/snapshot.js";

const T0 = Date.parse("2026-11-23T08:00:00Z");
let clock = T0;
const now = (): number => clock;
const logger = createLogger({ level: "silent" });

let sim: Awaited<ReturnType<typeof startSimulator>>;
let receiver: Receiver;
let source: FivetranSource;
let closers: (() => Promise<unknown>)[] = [];

/** A watcher of the simulated account that sends to the webhook receiver; `gate` may hold its detail reads. */
function watcher(gate?: { details: Promise<void>; calls: number }): Watcher {
  const { config } = loadConfig({
    file: null,
    env: { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "push-secret", ALERT_WEBHOOK_URL: receiver.url },
  });
  source = new FivetranSource({ config: config.fivetran, version: "test", logger, now });
  const notifiers = createNotifiers(config.channels, { logger, now, sleep: () => Promise.resolve() });
  closers.push(() => source.close(), ...notifiers.map((n) => () => n.close?.() ?? Promise.resolve()));
  const read = gate === undefined ? source : {
    list: source.list.bind(source),
    async details(ids: string[], signal?: AbortSignal) {
      gate.calls++;
      await gate.details;
      return source.details(ids, signal);
    },
  };
  return new Watcher({ config, rules: rulesFromConfig(config.rules, config.alerts), source: read, notifiers, store: new MemoryStore(), metrics: new Metrics({ version: "test" }), logger, now, sleep: () => Promise.resolve() });
}

/** What the receiver was sent since `from`, as "status condition connection" lines. */
function sent(from: number): string[] {
  return receiver.accepted
    .slice(from)
    .flatMap((r) => (r.json as { alerts: { status: string; condition: string; connection_id: string; reminder: boolean }[] }).alerts)
    .map((a) => `${a.status}${a.reminder ? "(reminder)" : ""} ${a.condition} ${a.connection_id}`);
}

/** The watcher's snapshot of `id` with a broken setup, as a single-connection read would bring it. */
function brokenRead(w: Watcher, id: string): ConnectionSnapshot {
  return { ...w.health.connections.get(id)!.snapshot, setup_state: "broken" };
}

beforeEach(async () => {
  clock = T0;
  sim = await startSimulator({ account: new SimAccount({ connections: 300, groups: 3, seed: 7, now }), apiKey: "k", apiSecret: "push-secret" });
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  await Promise.all([sim.close(), receiver.close()]);
});

describe("a pushed read", () => {
  it("fires a pushed failure once; the next cycle that lists the same failure does not fire it again", async () => {
    const w = watcher();
    await w.init();
    await w.cycle();
    const [x, y] = healthyIds(sim.account) as [string, string];
    const from = receiver.accepted.length;

    sim.account.break(x, { title: "Validate Login", message: "Invalid login credentials." });
    clock += 60_000;
    const pushed = await w.judgeRead([brokenRead(w, x)]);
    expect(pushed.fired).toBe(1);
    expect(sent(from)).toEqual([`firing setup_broken ${x}`]);
    // Enriched like a cycle's alert, and published.
    expect(w.published.firing.find((a) => a.connection_id === x)?.summary).toContain("Invalid login credentials.");

    clock += 5 * 60_000;
    const next = await w.cycle();
    expect(next.outcome).toBe("success");
    expect(next.fired).toBe(0);
    expect(sent(from)).toEqual([`firing setup_broken ${x}`]);

    // A pushed recovery resolves once; the other connections were not judged (nothing removed, nothing else sent).
    sim.account.fix(x);
    clock += 60_000;
    const fixed = await w.judgeRead([{ ...brokenRead(w, x), setup_state: "connected" }, w.health.connections.get(y)!.snapshot]);
    expect(fixed.resolved).toBe(1);
    expect(w.health.connections.size).toBe(300);
    clock += 5 * 60_000;
    expect((await w.cycle()).resolved).toBe(0);
    expect(sent(from)).toEqual([`firing setup_broken ${x}`, `resolved setup_broken ${x}`]);
  });

  it("arriving while a cycle runs, waits for it and fires nothing the cycle fired", async () => {
    let open!: () => void;
    const gate = { details: Promise.resolve(), calls: 0 };
    const w = watcher(gate);
    await w.init();
    await w.cycle();
    const [x] = healthyIds(sim.account) as [string];
    const from = receiver.accepted.length;

    gate.details = new Promise<void>((r) => (open = r));
    sim.account.break(x, { title: "Validate Login", message: "Invalid login credentials." });
    clock += 5 * 60_000;
    const done: string[] = [];
    const cycle = w.cycle().then((r) => (done.push("cycle"), r));
    while (gate.calls === 0) await macrotask();
    // The cycle has judged x broken and waits for its details; now the push of the same failure arrives.
    const push = w.judgeRead([brokenRead(w, x)]).then((r) => (done.push("push"), r));
    for (let i = 0; i < 20; i++) await macrotask();
    expect(gate.calls, "the pushed read ran while the cycle was under way").toBe(1);
    expect(done).toEqual([]);
    open();
    const [c, p] = await Promise.all([cycle, push]);
    expect(done).toEqual(["cycle", "push"]);
    expect(c.fired).toBe(1);
    expect(p.fired).toBe(0);
    expect(sent(from)).toEqual([`firing setup_broken ${x}`]);
  });

  it("read before a cycle's listing and judged after it, is dropped: the newer listing is the truth", async () => {
    const w = watcher();
    await w.init();
    await w.cycle();
    const [x] = healthyIds(sim.account) as [string];
    const from = receiver.accepted.length;

    // The push read x broken; before it is judged, the account fixes it and a cycle lists it healthy.
    const readAt = w.clock();
    const staleRead = brokenRead(w, x);
    clock += 60_000;
    await w.cycle();
    const report = await w.judgeRead([staleRead], undefined, readAt);
    expect(report.outcome).toBe("held");
    expect(report.fired).toBe(0);
    expect(sent(from)).toEqual([]);

    // A read that began after that listing is judged as usual.
    clock += 60_000;
    const fresh = await w.judgeRead([brokenRead(w, x)], undefined, w.clock());
    expect(fresh.fired).toBe(1);
    expect(sent(from)).toEqual([`firing setup_broken ${x}`]);
  });

  it("before the first cycle (the baseline) does nothing", async () => {
    const w = watcher();
    await w.init();
    const [x] = healthyIds(sim.account) as [string];
    const report = await w.judgeRead([baseSnapshot(x, { setup_state: "broken" })]);
    expect(report.outcome).toBe("held");
    expect(w.health.alerts.size).toBe(0);
    expect(receiver.accepted).toEqual([]);
  });
});
