// A 100,000-connection scrape over HTTP completes without stalling the event loop (a behaviour check, not a benchmark).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { pino } from "pino";
import { Metrics, startHttpServer, type HttpServer } from "../../src/metrics/index.js";
import { alert, samples, snapshot, state } from "./fixtures.js";
import { promtoolCheck } from "./promtool.js";

const CONNECTIONS = 100_000;
let server: HttpServer;
let metrics: Metrics;

beforeAll(async () => {
  metrics = new Metrics({ version: "1.2.3" });
  const snaps = Array.from({ length: CONNECTIONS }, (_, i) =>
    snapshot(`conn_${i}`, { group_id: `grp_${i % 50}`, schema: `schema_${i}`, sync_state: i % 7 === 0 ? "syncing" : "scheduled" }),
  );
  const alerts = Array.from({ length: 5000 }, (_, i) => alert(`conn_${i * 20}`, "sync_failed", "critical", "firing"));
  metrics.publish(state(snaps, alerts));
  server = await startHttpServer({ host: "127.0.0.1", port: 0, metrics, live: () => true, ready: () => true, logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await server?.close();
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe(`a scrape of ${CONNECTIONS} connections`, () => {
  it("completes, keeps /healthz answering and never blocks the event loop for long", async () => {
    // A probe that runs on every turn of the loop and remembers the longest pause between two turns.
    let longestGapMs = 0;
    let last = performance.now();
    let probing = true;
    const probe = (): void => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      if (probing) setImmediate(probe);
    };
    setImmediate(probe);

    const scrape = get(`${server.url}/metrics`);
    const health = await get(`${server.url}/healthz`);
    const res = await scrape;
    probing = false;

    expect(health.status).toBe(200);
    expect(res.status).toBe(200);
    console.log(`exposition of ${CONNECTIONS} connections: ${(Buffer.byteLength(res.body) / 1e6).toFixed(1)} MB; longest event-loop gap ${longestGapMs.toFixed(0)} ms`);
    expect(samples(res.body, ["fivetran_connection_info"])).toHaveLength(CONNECTIONS);
    expect(samples(res.body, ["syncwatch_alert"])).toHaveLength(5000);
    expect(longestGapMs).toBeLessThan(200);
    expect(await promtoolCheck(res.body)).toEqual({ code: 0, output: "" });
  });
});
