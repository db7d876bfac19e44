// The re-send timer: what it re-sends (routes and silences applied), when (start, each interval, never after stop), failures.
import { afterEach, describe, expect, it } from "vitest";
import { AlertmanagerNotifier } from "../../src/notify/alertmanager/alertmanager.js";
import { Refresher, type RefresherOptions } from "../../src/notify/index.js";
import { captureLogs, silentLogger } from "../helpers/logs.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { T0, alert } from "./fixtures.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(over: Partial<RefresherOptions> = {}) {
  const r = await startReceiver("", "/am");
  const am = new AlertmanagerNotifier({ urls: [r.url], resendIntervalMs: 30_000, leaseMs: 300_000, now: () => T0, timeoutMs: 10_000 });
  closers.push(() => r.close(), () => am.close());
  const timers: { fn: () => void; ms: number }[] = [];
  const attempts: string[] = [];
  const refresher = new Refresher({
    notifiers: [am],
    firing: () => [alert({ connection_id: "a1" }), alert({ connection_id: "b2", group_id: "g_marketing" }), alert({ connection_id: "c3", condition: "stale", severity: "warning" })],
    alerts: { routes: [{ match: { group_id: ["g_marketing"] }, channels: [], continue: false }], silences: [{ match: { condition: ["stale"] } }] },
    logger: silentLogger(),
    now: () => T0,
    onAttempt: (c, o) => attempts.push(`${c}:${o}`),
    setInterval: (fn, ms) => timers.push({ fn, ms }),
    clearInterval: () => (timers.length = 0),
    ...over,
  });
  return { r, refresher, timers, attempts };
}

function connections(r: Receiver, i: number): string[] {
  return (r.received[i]!.json as { labels: { connection_id: string } }[]).map((a) => a.labels.connection_id);
}

describe("Refresher", () => {
  it("re-sends at start and on each tick only the firing alerts routed to the channel and not silenced", async () => {
    const { r, refresher, timers, attempts } = await setup();
    refresher.start();
    expect(timers.map((t) => t.ms)).toEqual([30_000]);
    await refresher.tick(); // waits for the start-up re-send too
    expect(r.received.length).toBeGreaterThanOrEqual(1);
    expect(connections(r, 0)).toEqual(["a1"]);
    expect((r.received[0]!.json as { endsAt: string }[])[0]!.endsAt).toBe(new Date(T0 + 300_000).toISOString());
    expect(attempts[0]).toBe("alertmanager:sent");
    await refresher.stop();
    expect(timers).toHaveLength(0);
  });

  it("sends nothing when nothing routed to it fires", async () => {
    const { r, refresher, attempts } = await setup({ firing: () => [] });
    await refresher.tick();
    expect(r.received).toHaveLength(0);
    expect(attempts).toEqual([]);
  });

  it("a failed re-send is logged and counted, never thrown; the next tick tries again", async () => {
    const { logger, lines } = captureLogs();
    const { r, refresher, attempts } = await setup({ logger });
    r.replies.push({ status: 503, body: "down" });
    await expect(refresher.tick()).resolves.toBeUndefined();
    await refresher.tick();
    expect(attempts).toEqual(["alertmanager:failed", "alertmanager:sent"]);
    expect(lines.some((l) => l.includes("re-send firing alerts failed"))).toBe(true);
  });

  it("after stop, a tick sends nothing", async () => {
    const { r, refresher } = await setup();
    await refresher.stop();
    await refresher.tick();
    expect(r.received).toHaveLength(0);
  });
});

describe("Alertmanager re-send after a resolve", () => {
  it("does not bring back an alert it just resolved while the firing list still shows it; a new firing of it is re-sent", async () => {
    const r = await startReceiver("", "/am");
    const am = new AlertmanagerNotifier({ urls: [r.url], resendIntervalMs: 30_000, leaseMs: 300_000, now: () => T0, timeoutMs: 10_000 });
    closers.push(() => r.close(), () => am.close());
    const x = alert({ connection_id: "x1" });
    const y = alert({ connection_id: "y1" });
    await am.send({ id: "d1", created_at: T0, baseline: false, alerts: [{ ...x, status: "resolved", resolved_at: T0 }] });
    // The watcher has not published its new state yet: x1 still shows as firing.
    await am.refresh(() => [x, y]);
    expect(connections(r, 1)).toEqual(["y1"]);
    // Published: x1 gone. Later it fires again (a new start): it is re-sent.
    await am.refresh(() => [y]);
    await am.refresh(() => [{ ...x, started_at: T0 + 60_000 }, y]);
    expect(connections(r, 3)).toEqual(["x1", "y1"]);
  });
});
