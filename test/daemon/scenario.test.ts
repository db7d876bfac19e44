// A scripted account, cycle by cycle: every alert sent and resolved is exactly what SPEC section 2 says, across
// paging, faults, unreadable items, a failed cycle, reminders, a restart and syncwatch's own blindness.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/logger.js";
import { buildApp, type App } from "../../src/app.js";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { FileStore } from "../../src/store/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";

interface Item {
  status: string;
  connection_id: string;
  condition: string;
  reminder: boolean;
  reason: string | null;
  summary: string;
  service: string;
  schema: string;
}

const T0 = Date.parse("2026-11-23T08:00:00Z");
let clock = T0;
const now = (): number => clock;
const instant = (): Promise<void> => Promise.resolve();

let sim: Awaited<ReturnType<typeof startSimulator>>;
let receiver: Receiver;
let stateFile: string;
let app: App;
let seen = 0;
let healthy: string[] = [];

function start(): App {
  const loaded = loadConfig({
    file: null,
    env: {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: "k",
      FIVETRAN_API_SECRET: "scenario-secret",
      ALERT_WEBHOOK_URL: receiver.url,
      SYNCWATCH_STATE_FILE: stateFile,
    },
  });
  return buildApp(loaded, createLogger({ level: "silent" }), { now, sleep: instant, store: new FileStore({ path: stateFile }) });
}

/** Runs one cycle 5 minutes after the previous one and returns what the webhook received in it, as sorted lines. */
async function cycle(advanceMs = 5 * 60_000): Promise<string[]> {
  clock += advanceMs;
  await app.watcher.cycle();
  const items = receiver.accepted.slice(seen).flatMap((r) => (r.json as { alerts: Item[] }).alerts);
  seen = receiver.accepted.length;
  return items.map((a) => `${a.status}${a.reminder ? "(reminder)" : ""} ${a.condition} ${a.connection_id}${a.reason ? ` ${a.reason}` : ""}`).sort();
}

beforeAll(async () => {
  const account = new SimAccount({ connections: 2500, groups: 6, seed: 99, now });
  sim = await startSimulator({ account, apiKey: "k", apiSecret: "scenario-secret" });
  receiver = await startReceiver();
  stateFile = join(mkdtempSync(join(tmpdir(), "syncwatch-scenario-")), "state.json");
  healthy = healthyIds(sim.account);
  app = start();
  await app.watcher.init();
});
afterAll(async () => {
  await app.close();
  await Promise.all([sim.close(), receiver.close()]);
});

describe("a scripted account", () => {
  it("sends exactly what the conditions say, cycle after cycle", async () => {
    const [a, b, c, d, e, f, g] = healthy as [string, string, string, string, string, string, string];
    expect(healthy.length).toBeGreaterThan(100);
    // The baseline is everything already firing in the account, sent once; here that's `a` plus what the account came with.
    sim.account.break(a, { title: "Validate Login", message: "Invalid login credentials." });
    const baseline = await cycle();
    expect(baseline).toContain(`firing setup_broken ${a}`);
    const firstSummary = (receiver.accepted[0]!.json as { alerts: Item[] }).alerts.find((x) => x.connection_id === a)!;
    expect(firstSummary.summary).toBe("Setup is broken: Validate Login failed (Invalid login credentials.)");
    expect(firstSummary.service).not.toBe("");
    const preexisting = baseline.length - 1;

    expect(await cycle()).toEqual([]); // quiet: nothing changes, nothing is sent

    sim.account.break(b, {});
    sim.account.fail(c);
    sim.account.delay(d);
    sim.account.warn(e, "resync_table_warning", "A table was re-synced");
    sim.account.addTask(f, "reconnect", "Reconnect the source");
    expect(await cycle()).toEqual(
      [
        `firing setup_broken ${b}`,
        `firing sync_failed ${c}`,
        `firing update_delayed ${d}`,
        `firing warning:resync_table_warning ${e}`,
        `firing task:reconnect ${f}`,
      ].sort(),
    );

    sim.account.fix(a);
    expect(await cycle()).toEqual([`resolved setup_broken ${a}`]);

    // A connection missing from the listing is removed when it is still missing the next cycle (a listing
    // paged while the account changes can miss an item once).
    sim.account.pause(c);
    sim.account.remove(e);
    expect(await cycle()).toEqual([`resolved sync_failed ${c} paused`]);

    // An unreadable item keeps its previous snapshot; a short 503 burst is retried inside the cycle.
    sim.account.corrupt(d, "status_not_object");
    sim.faults.failNext(2, { status: 503 });
    expect(await cycle()).toEqual([`resolved warning:resync_table_warning ${e} removed`]);

    // A failed cycle changes nothing, even though `d` would now read as fine.
    sim.account.uncorrupt(d);
    sim.account.fix(d);
    sim.faults.failNext(100, { status: 503 });
    const failed = await cycle();
    sim.faults.clear();
    expect(failed).toEqual([]);
    expect(await cycle()).toEqual([`resolved update_delayed ${d}`]);

    sim.account.makeStale(g, 72);
    const stale = await cycle();
    expect(stale).toEqual([`firing stale ${g}`]);

    // Four hours later: one reminder for each alert still firing; `b`, broken all that time, is now stale too, but
    // its staleness is held back by its broken setup (one cause, one alert: SPEC section 2).
    const later = await cycle(4 * 60 * 60_000);
    expect(later.filter((l) => !l.startsWith("firing(reminder)"))).toEqual([]);
    expect(app.watcher.firing().find((x) => x.connection_id === b && x.condition === "stale")?.held).toBe("inhibited");
    const reminders = later.filter((l) => l.startsWith("firing(reminder)"));
    for (const line of [`setup_broken ${b}`, `task:reconnect ${f}`, `stale ${g}`]) expect(reminders).toContain(`firing(reminder) ${line}`);
    expect(reminders).toHaveLength(3 + preexisting);

    // A restart picks up where it stopped: nothing fires again.
    await app.close();
    app = start();
    await app.watcher.init();
    expect(await cycle()).toEqual([]);

    // Resuming a connection judges it at once: its old failure is still there.
    sim.account.resume(c);
    expect(await cycle()).toEqual([`firing sync_failed ${c}`]);
  });

  it("fires watcher_blind when it cannot read Fivetran for 15 minutes, and resolves it when it can", async () => {
    sim.faults.failNext(1000, { status: 503 });
    expect(await cycle()).toEqual([]);
    expect(await cycle()).toEqual([]);
    const blind = await cycle(20 * 60_000);
    expect(blind).toEqual(["firing watcher_blind "]);
    sim.faults.clear();
    expect(await cycle()).toEqual(["resolved watcher_blind "]);
  });
});
