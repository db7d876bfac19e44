// Payloads real clients send and the simulator can now send too: each is read as SPEC section 1 says, cycle by cycle.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/logger.js";
import { buildApp, type App } from "../../src/app.js";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { FileStore } from "../../src/store/index.js";
import { runCli } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";

interface Item {
  status: string;
  connection_id: string;
  condition: string;
  reason: string | null;
  summary: string;
}

const T0 = Date.parse("2026-11-23T08:00:00Z");

/** A simulated account, a webhook receiver and a syncwatch on a fake clock; `cycle()` returns what was sent. */
interface World {
  sim: Simulator;
  receiver: Receiver;
  app: App;
  ids: string[];
  cycle(): Promise<string[]>;
  sent(): Item[];
}

let world: World | null = null;
afterEach(async () => {
  if (!world) return;
  await world.app.close();
  await Promise.all([world.sim.close(), world.receiver.close()]);
  world = null;
});

async function startWorld(faults: Record<string, unknown> = {}): Promise<World> {
  let clock = T0;
  const account = new SimAccount({ connections: 300, groups: 3, seed: 7, now: () => clock });
  const sim = await startSimulator({ account, apiKey: "k", apiSecret: "payload-secret" });
  sim.faults.configure(faults);
  const receiver = await startReceiver();
  const stateFile = join(mkdtempSync(join(tmpdir(), "syncwatch-payloads-")), "state.json");
  const loaded = loadConfig({
    file: null,
    env: { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "payload-secret", ALERT_WEBHOOK_URL: receiver.url, SYNCWATCH_STATE_FILE: stateFile },
  });
  const app = buildApp(loaded, createLogger({ level: "silent" }), { now: () => clock, sleep: () => Promise.resolve(), store: new FileStore({ path: stateFile }) });
  await app.watcher.init();
  let seen = 0;
  const sent: Item[] = [];
  const w: World = {
    sim,
    receiver,
    app,
    ids: healthyIds(account),
    sent: () => sent,
    async cycle() {
      clock += 5 * 60_000;
      await app.watcher.cycle();
      const items = receiver.accepted.slice(seen).flatMap((r) => (r.json as { alerts: Item[] }).alerts);
      seen = receiver.accepted.length;
      sent.push(...items);
      return items.map((a) => `${a.status} ${a.condition} ${a.connection_id}${a.reason ? ` ${a.reason}` : ""}`).sort();
    },
  };
  world = w;
  await w.cycle(); // the baseline
  return w;
}

function summaryOf(w: World, condition: string, id: string): string {
  return w.sent().find((a) => a.status === "firing" && a.condition === condition && a.connection_id === id)!.summary;
}

describe("real payloads, read through the simulator", () => {
  it("judges a connection listed without a status object in every cycle: stale fires, resolves, a failure fires", async () => {
    const w = await startWorld();
    const x = w.ids[5]!;
    w.sim.account.corrupt(x, "no_status");
    w.sim.account.makeStale(x, 72);
    expect(await w.cycle()).toEqual([`firing stale ${x}`]);
    w.sim.account.fix(x); // a success now; still listed without status
    expect(await w.cycle()).toEqual([`resolved stale ${x}`]);
    w.sim.account.fail(x);
    expect(await w.cycle()).toEqual([`firing sync_failed ${x}`]);
  });

  it("keeps the previous snapshot only for an item whose every field but id is null", async () => {
    const w = await startWorld();
    const x = w.ids[6]!;
    w.sim.account.fail(x);
    expect(await w.cycle()).toEqual([`firing sync_failed ${x}`]);
    w.sim.account.corrupt(x, "nulls_everywhere");
    w.sim.account.fix(x);
    expect(await w.cycle()).toEqual([]);
  });

  it('judges an item with "failed_at": "null" (not skipped) and counts the field', async () => {
    const w = await startWorld();
    const y = w.ids[7]!;
    w.sim.account.corrupt(y, "failed_at_null_string");
    w.sim.account.makeStale(y, 72);
    expect(await w.cycle()).toEqual([`firing stale ${y}`]);
    const z = w.ids[8]!;
    w.sim.account.corrupt(z, "unparseable_timestamps");
    await w.cycle();
    const text = await w.app.metrics.render();
    // y's "null" in both cycles, z's "n/a" once; z's empty created_at is merely absent.
    expect(text).toMatch(/^syncwatch_api_fields_unreadable_total\{field="failed_at"\} 3$/m);
    expect(text).not.toContain('field="created_at"');
    expect(text).toMatch(/^syncwatch_api_fields_unreadable_total\{field="status.rescheduled_for"\} 1$/m);
    expect(text).toMatch(/^syncwatch_items_rejected_total 0$/m);
  });

  it("counts a connection as paused when paused is missing and sync_state is paused", async () => {
    const w = await startWorld();
    const z = w.ids[9]!;
    w.sim.account.fail(z);
    expect(await w.cycle()).toEqual([`firing sync_failed ${z}`]);
    w.sim.account.pause(z);
    w.sim.account.corrupt(z, "paused_missing");
    expect(await w.cycle()).toEqual([`resolved sync_failed ${z} paused`]);
  });

  it("says what is wrong and what to do from the errors endpoint", async () => {
    const w = await startWorld({ errors_endpoint: true });
    const [a, b, c] = [w.ids[10]!, w.ids[11]!, w.ids[12]!];
    w.sim.account.break(a, { title: "Validate Login", message: "Invalid login credentials." });
    w.sim.account.fail(b);
    w.sim.account.fail(c);
    w.sim.account.apply("error", { id: c, type: "reconnect", title: "Reconnect required", reason: "OAuth token expired", message: "Re-authorize the connection in Fivetran." });
    await w.cycle();
    expect(summaryOf(w, "setup_broken", a)).toBe(
      "Setup is broken: Validate Login failed: Invalid login credentials. Fix the connection's credentials or settings in Fivetran (Setup tab), then run the setup tests again.",
    );
    expect(summaryOf(w, "sync_failed", b)).toMatch(/^Sync failed at .*: Sync failed: The last sync ended with an unexpected error\. Fivetran retries/);
    expect(summaryOf(w, "sync_failed", c)).toMatch(/: Reconnect required: OAuth token expired\. Re-authorize the connection in Fivetran\.$/);
    expect(w.sim.stats.requests.details).toBeUndefined();
  });

  it("falls back to the failed setup test where the account has no errors endpoint, and asks it only once", async () => {
    const w = await startWorld();
    const [a, b] = [w.ids[13]!, w.ids[14]!];
    w.sim.account.break(a, { title: "Validate Login", message: "Invalid login credentials." });
    await w.cycle();
    w.sim.account.break(b, { title: "Connecting to host", message: "Connection timed out after 30 s" });
    await w.cycle();
    expect(summaryOf(w, "setup_broken", a)).toBe("Setup is broken: Validate Login failed (Invalid login credentials.)");
    expect(summaryOf(w, "setup_broken", b)).toBe("Setup is broken: Connecting to host failed (Connection timed out after 30 s)");
    expect(w.sim.stats.requests.errors).toBe(1);
    expect(w.sim.stats.requests.details).toBe(2);
  });

  it("still fetches details on a trial account (500 calls an hour)", async () => {
    const w = await startWorld({ trial: true });
    const a = w.ids[15]!;
    w.sim.account.break(a, { title: "Validate Login", message: "Invalid login credentials." });
    await w.cycle();
    expect(summaryOf(w, "setup_broken", a)).toBe("Setup is broken: Validate Login failed (Invalid login credentials.)");
  });
});

describe("a legacy /v1/connectors listing that answers 404", () => {
  it("once exits 3 and suggests fivetran.endpoint: connections (built CLI)", async () => {
    const account = new SimAccount({ connections: 20, groups: 1, seed: 3 });
    const sim = await startSimulator({ account, apiKey: "k", apiSecret: "legacy-secret" });
    try {
      sim.faults.configure({ connectors_gone: true });
      const dir = mkdtempSync(join(tmpdir(), "syncwatch-legacy-"));
      const file = join(dir, "syncwatch.yaml");
      writeFileSync(file, `fivetran:\n  endpoint: connectors\nstate_file: ${join(dir, "state.json")}\n`);
      const r = await runCli(["once", "--config", file], { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "legacy-secret" });
      expect(r.code).toBe(3);
      const out = r.stdout + r.stderr;
      expect(out).toContain("fivetran.endpoint: connections");
      expect(out).toContain("legacy_endpoint_gone");
      expect(out).not.toContain("legacy-secret");
    } finally {
      await sim.close();
    }
  });
});
