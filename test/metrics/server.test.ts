// The HTTP server as Prometheus and Kubernetes see it: /metrics passes promtool, probes follow live()/ready().
import { afterEach, describe, expect, it, vi } from "vitest";
import { request } from "node:http";
import { pino } from "pino";
import { Metrics, startHttpServer, type HttpServer } from "../../src/metrics/index.js";
import { connect } from "node:net";
import { example, snapshot, state } from "./fixtures.js";
import { promtoolCheck } from "./promtool.js";

const logger = pino({ level: "silent" });
const servers: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(over: { live?: () => boolean; ready?: () => boolean; metrics?: Metrics } = {}): Promise<{ server: HttpServer; metrics: Metrics }> {
  const metrics = over.metrics ?? new Metrics({ version: "1.2.3" });
  const server = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    metrics,
    live: over.live ?? (() => true),
    ready: over.ready ?? (() => true),
    logger,
  });
  servers.push(server);
  return { server, metrics };
}

/** One raw HTTP request (fetch cannot send every method, and we want keep-alive off). */
function call(url: string, method = "GET"): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("GET /metrics", () => {
  it("serves an exposition that passes promtool check metrics", async () => {
    const { server, metrics } = await start();
    metrics.publish(example);
    metrics.channels(["slack"]);
    metrics.apiRequest("connections", 200);
    metrics.cycle("success", 1.5, Date.UTC(2026, 0, 2));
    metrics.rateLimitRemaining(40);
    const res = await call(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.body).toContain('fivetran_connection_sync_state{connection_id="conn_broken",state="quantum_entangled"} 1');
    expect(res.body).toContain("nodejs_active_handles_all");
    expect(await promtoolCheck(res.body)).toEqual({ code: 0, output: "" });
  });

  it("has a promtool check that does fail on a non-compliant metric", async () => {
    const { server } = await start();
    const body = (await call(`${server.url}/metrics`)).body;
    const bad = `${body}# HELP syncwatch_bogus_total A gauge wrongly named like a counter.\n# TYPE syncwatch_bogus_total gauge\nsyncwatch_bogus_total 1\n`;
    const result = await promtoolCheck(bad);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("syncwatch_bogus_total");
  });

  it("answers HEAD with headers only and other methods with 405", async () => {
    const { server } = await start();
    const head = await call(`${server.url}/metrics`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const post = await call(`${server.url}/metrics`, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("renders only as fast as the scraper reads: a stalled scraper holds back the rendering", async () => {
    let blocks = 0;
    const metrics = new Metrics({
      version: "1.2.3",
      defaultMetrics: false,
      build: { blockSize: 500, yieldToLoop: () => new Promise((resolve) => setImmediate(() => resolve(void blocks++))) },
    });
    const snaps = Array.from({ length: 20_000 }, (_, i) => snapshot(`conn_${i}`, { schema: `schema_${i}` }));
    metrics.publish(state(snaps, []));
    const { server } = await start({ metrics });
    const everyBlock = 9 * (20_000 / 500) - 1; // nine families of 40 blocks, a yield between two pieces

    // A raw client that reads the head of the response and then stops reading.
    const socket = connect(server.port, "127.0.0.1");
    let received = 0;
    let stalled = false;
    socket.on("data", (d: Buffer) => {
      received += d.length;
      if (!stalled && received > 64 * 1024) {
        stalled = true;
        socket.pause();
      }
    });
    socket.write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await vi.waitFor(() => expect(socket.isPaused()).toBe(true));
    // Wait until rendering stops advancing (socket buffers full), then check it stopped far from the end.
    let last = -1;
    await vi.waitFor(
      () => {
        const now = blocks;
        const stable = now === last;
        last = now;
        expect(stable).toBe(true);
      },
      { interval: 100, timeout: 5000 },
    );
    expect(blocks).toBeLessThan(everyBlock / 2);

    const done = new Promise<void>((resolve) => socket.on("end", resolve));
    socket.resume();
    await done;
    expect(blocks).toBe(everyBlock);
    expect(received).toBeGreaterThan(20_000 * 9 * 40);
  });

  it("answers 500 without details when rendering fails", async () => {
    const metrics = new Metrics({ version: "1.2.3", defaultMetrics: false });
    metrics.renderStream = async function* () {
      await Promise.resolve();
      yield* [];
      throw new Error("boom secret");
    };
    const { server } = await start({ metrics });
    const res = await call(`${server.url}/metrics`);
    expect(res.status).toBe(500);
    expect(res.body).not.toContain("secret");
  });
});

describe("probes and routing", () => {
  it.each([
    ["/healthz", true, true, 200],
    ["/healthz", false, true, 503],
    ["/readyz", true, true, 200],
    ["/readyz", true, false, 503],
    ["/healthz", true, false, 200],
    ["/readyz", false, true, 200],
  ])("%s answers with live=%s ready=%s: %i", async (path, live, ready, status) => {
    const { server } = await start({ live: () => live, ready: () => ready });
    expect((await call(`${server.url}${path}`)).status).toBe(status);
  });

  it("follows live() as it changes", async () => {
    let live = true;
    const { server } = await start({ live: () => live });
    expect(await call(`${server.url}/healthz`)).toMatchObject({ status: 200, body: "ok\n" });
    live = false;
    expect((await call(`${server.url}/healthz`)).status).toBe(503);
  });

  it("answers 404 for other paths and ignores query strings", async () => {
    const { server } = await start();
    expect((await call(`${server.url}/`)).status).toBe(404);
    expect((await call(`${server.url}/metrics/x`)).status).toBe(404);
    expect((await call(`${server.url}/readyz?verbose=1`)).status).toBe(200);
  });

  it("reports its url and closes promptly with an idle keep-alive connection open", async () => {
    const { server } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/metrics`); // undici keeps the connection alive
    await res.text();
    await servers.pop()!.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it("uses a loopback address in the url when bound to all interfaces", async () => {
    const server = await startHttpServer({
      host: "0.0.0.0",
      port: 0,
      metrics: new Metrics({ version: "1", defaultMetrics: false }),
      live: () => true,
      ready: () => true,
      logger,
    });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await call(`${server.url}/healthz`)).status).toBe(200);
  });
});
