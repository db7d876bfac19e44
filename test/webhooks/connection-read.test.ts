// One connection read after an event, against the simulator: normalized like the listing, budgeted, 404 tolerated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fivetranSchema } from "../../src/config/schema.js";
import { FivetranSource } from "../../src/fivetran/index.js";
import { createLogger } from "../../src/logger.js";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { healthyIds } from "../helpers/sim.js";

describe("FivetranSource.connection", () => {
  let sim: Simulator;
  let source: FivetranSource;

  beforeAll(async () => {
    sim = await startSimulator({ account: new SimAccount({ connections: 20, groups: 2, seed: 9 }), apiKey: "k", apiSecret: "s" });
    source = new FivetranSource({
      config: fivetranSchema.parse({ api_url: sim.url, api_key: "k", api_secret: "s", details: { rate_limit_reserve: 100 } }),
      version: "test",
      logger: createLogger({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await source.close();
    await sim.close();
  });

  it("read a broken connection as the listing would, in one call", async () => {
    const id = healthyIds(sim.account)[0]!;
    sim.account.break(id, { title: "Validate Login", message: "Invalid login credentials." });
    const listed = sim.account.get(id)!;
    const before = sim.stats.requests.details ?? 0;
    const read = await source.connection(id);
    expect(read).toMatchObject({ kind: "read", snapshot: { id, setup_state: "broken", group_id: listed.group_id, service: listed.service, schema: listed.schema } });
    expect((sim.stats.requests.details ?? 0) - before).toBe(1);
  });

  it("say not_found for a connection Fivetran no longer has (the listing decides whether it is gone)", async () => {
    expect(await source.connection("no_such_connection")).toEqual({ kind: "not_found" });
  });

  it("skip the read while the API budget is under the detail reserve", async () => {
    sim.faults.setRateLimitBudget(50);
    await source.connection(healthyIds(sim.account)[1]!); // learns the remaining budget (under 100)
    const before = sim.stats.requests.details ?? 0;
    expect(await source.connection(healthyIds(sim.account)[2]!)).toEqual({ kind: "skipped_budget" });
    expect(sim.stats.requests.details ?? 0).toBe(before);
  });
});
