// The built CLI with the receiver on and the schedule at an hour: only push can deliver in time.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { runCli, startCli, type Daemon } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";

const SECRET = "e2e-webhook-secret-0123456789";

interface Posted {
  alerts: { status: string; connection_id: string; condition: string }[];
}

describe("syncwatch run with webhooks (built CLI)", () => {
  let sim: Simulator;
  let alerts: Receiver;
  let daemon: Daemon;
  let dir: string;
  let env: Record<string, string>;
  let hookUrl: string;
  let metricsUrl: string;

  const pushed = (): Posted["alerts"] => alerts.accepted.flatMap((r) => (r.json as Posted).alerts);
  const sign = (body: string): string => createHmac("sha256", SECRET).update(body).digest("hex");
  const post = (body: string, headers: Record<string, string>): Promise<Response> => fetch(hookUrl, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const metric = async (line: RegExp): Promise<number> => {
    const text = await (await fetch(metricsUrl)).text();
    const m = text.split("\n").find((l) => line.test(l));
    return m === undefined ? Number.NaN : Number(m.split(" ").at(-1));
  };

  beforeAll(async () => {
    sim = await startSimulator({ account: new SimAccount({ connections: 300, groups: 4, seed: 11 }), apiKey: "k", apiSecret: "s" });
    alerts = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), "syncwatch-push-"));
    env = {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: "k",
      FIVETRAN_API_SECRET: "s",
      SYNCWATCH_SCHEDULE: "0 * * * *",
      SYNCWATCH_STATE_FILE: join(dir, "state.json"),
      SYNCWATCH_METRICS_PORT: "0",
      SYNCWATCH_METRICS_HOST: "127.0.0.1",
      FIVETRAN_WEBHOOK_SECRET: SECRET,
      SYNCWATCH_WEBHOOK_PORT: "0",
      SYNCWATCH_WEBHOOK_HOST: "127.0.0.1",
      ALERT_WEBHOOK_URL: alerts.url,
    };
    daemon = startCli(["run"], env);
    const listening = await daemon.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("webhook receiver listening"));
    hookUrl = listening.url as string;
    metricsUrl = (await daemon.waitForLog((l) => typeof l.metrics === "string")).metrics as string;
    // The baseline cycle (run on start); what already fires in the generated account is sent once, as one digest.
    await daemon.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"));
    const installed = await runCli(["webhooks", "install"], { ...env, SYNCWATCH_WEBHOOK_URL: hookUrl });
    expect(installed.stdout).toMatch(/created account webhook/);
  }, 60_000);

  afterAll(async () => {
    daemon?.kill();
    await daemon?.exited;
    await sim?.close();
    await alerts?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("alert within seconds of a break that Fivetran pushes, with one read, while the next poll is an hour away", async () => {
    const before = alerts.accepted.length;
    const readsBefore = sim.stats.requests.details ?? 0;
    const id = healthyIds(sim.account)[0]!;
    sim.account.break(id, { title: "Validate Login", message: "Invalid login credentials." });
    await alerts.waitForAccepted(before + 1, 10_000);
    const digest = (alerts.accepted[before]!.json as Posted).alerts;
    expect(digest.map((a) => [a.status, a.connection_id, a.condition])).toEqual([["firing", id, "setup_broken"]]);
    // One read of the connection, one of its details for the alert's text (the enrichment of a new setup_broken).
    expect((sim.stats.requests.details ?? 0) - readsBefore).toBeLessThanOrEqual(2);
    expect(daemon.logs().filter((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"))).toHaveLength(1);
  });

  it("act once on a delivery Fivetran repeats, and once on ten events of one connection in a window", async () => {
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ duplicate: 2 }) });
    const before = alerts.accepted.length;
    const id = healthyIds(sim.account)[1]!;
    sim.account.fail(id);
    await alerts.waitForAccepted(before + 1, 10_000);
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ duplicate: 0 }) });
    expect(pushed().filter((a) => a.connection_id === id && a.status === "firing")).toHaveLength(1);
    expect(await metric(/^syncwatch_webhook_events_total\{event="sync_end",outcome="duplicate"\}/)).toBe(2);

    // Ten signed events for one connection at once: one read.
    const other = healthyIds(sim.account)[2]!;
    const reads = await metric(/^syncwatch_webhook_reads_total\{outcome="read"\}/);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const body = JSON.stringify({ event: "sync_end", created: `2026-12-06T10:00:0${i}.000Z`, connector_id: other, destination_group_id: "g", data: { status: "SUCCESSFUL" } });
        return post(body, { "x-fivetran-signature-256": sign(body) });
      }),
    );
    await expect.poll(() => metric(/^syncwatch_webhook_reads_total\{outcome="read"\}/), { timeout: 5000 }).toBe(reads + 1);
  });

  it("judge by what the read finds, not by the event: a late, reordered failure then fix fires nothing", async () => {
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ delay_ms: 300, reorder_ms: 200 }) });
    const reads = await metric(/^syncwatch_webhook_reads_total\{outcome="read"\}/);
    const judged = (): number => daemon.logs().filter((l) => typeof l.msg === "string" && l.msg.startsWith("pushed read")).length;
    const judgedBefore = judged();
    const id = healthyIds(sim.account)[4]!;
    sim.account.fail(id);
    sim.account.fix(id);
    // The fix's sync_end arrives first, then the failure's: both in one window, one read of a healthy connection.
    await expect.poll(() => metric(/^syncwatch_webhook_reads_total\{outcome="read"\}/), { timeout: 10_000 }).toBe(reads + 1);
    await fetch(`${sim.url}/_sim/webhooks`, { method: "POST", body: JSON.stringify({ delay_ms: 0, reorder_ms: 0 }) });
    // Judged (and anything it had to say sent) before the line is logged.
    await expect.poll(judged, { timeout: 5000 }).toBe(judgedBefore + 1);
    expect(pushed().filter((a) => a.connection_id === id)).toEqual([]);
  });

  it("refuse unsigned, tampered and oversized requests (401/413, counted) and never read for them", async () => {
    const readsBefore = sim.stats.requests.details ?? 0;
    const id = healthyIds(sim.account)[3]!;
    const body = JSON.stringify({ event: "connection_failure", connector_id: id, data: { status: "FAILURE" } });
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body.replace("FAILURE", "SUCCESS"), { "x-fivetran-signature-256": sign(body) })).status).toBe(401);
    const big = JSON.stringify({ event: "sync_end", connector_id: id, pad: "x".repeat(70_000) });
    expect((await post(big, { "x-fivetran-signature-256": sign(big) })).status).toBe(413);
    const test = JSON.stringify({ event: "test_event", created: "2026-12-06T10:00:00.000Z", connector_type: "_connector_type", connector_id: "_connector_1", group_id: "_destination_1" });
    expect((await post(test, { "x-fivetran-signature-256": sign(test).toUpperCase() })).status).toBe(200);
    expect(await metric(/^syncwatch_webhook_rejected_total\{reason="unsigned"\}/)).toBe(1);
    expect(await metric(/^syncwatch_webhook_rejected_total\{reason="bad_signature"\}/)).toBe(1);
    expect(await metric(/^syncwatch_webhook_rejected_total\{reason="too_large"\}/)).toBe(1);
    expect(sim.stats.requests.details ?? 0).toBe(readsBefore);
    expect(daemon.output()).not.toContain(SECRET);
  });

  it("send nothing again when the next scheduled cycle sees what push already reported", async () => {
    daemon.kill();
    expect((await daemon.exited).code).toBe(0);
    const before = alerts.accepted.length;
    const firing = pushed().filter((a) => a.status === "firing").map((a) => `${a.connection_id}/${a.condition}`);
    const once = await runCli(["once"], env);
    expect(once.code).toBe(1);
    expect(firing.length).toBeGreaterThanOrEqual(2);
    expect(once.stdout).toMatch(/setup_broken/);
    expect(alerts.accepted.length).toBe(before);
  });
});
