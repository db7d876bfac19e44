// The HTTP edge against a real local server: headers, retries, Retry-After, time-outs, resets, size bounds, auth errors.
import { afterEach, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { ApiError } from "../../src/errors.js";
import { FivetranClient } from "../../src/fivetran/client.js";
import { loadPoolKit } from "../../src/http/undici.js";
import { config, harness, item, json, page, SECRET, startApi, type FakeApi } from "./fake-api.js";
import { silentLogger } from "../helpers/logs.js";

let api: FakeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const NOW = Date.parse("2026-11-22T12:00:00Z");
const ok = page([item("a")], null);

describe("Fivetran client", () => {
  it("sends Basic auth, the versioned Accept header and a syncwatch User-Agent", async () => {
    api = await startApi((_req, res) => json(res, ok));
    const h = harness(api.url);
    await h.source.list();
    const headers = api.seen[0]!.headers;
    expect(headers.authorization).toBe(`Basic ${Buffer.from(`key123:${SECRET}`).toString("base64")}`);
    expect(headers.accept).toBe("application/json;version=2");
    expect(headers["user-agent"]).toBe("syncwatch/1.2.3 (+https://github.com/syncwatch/syncwatch)");
    await h.source.close();
  });

  it("reports X-Rate-Limit-Remaining from every response", async () => {
    let left = 500;
    api = await startApi((_req, res, seen) =>
      json(res, seen.query.get("cursor") ? ok : page([item("x")], "c1"), 200, { "x-rate-limit-remaining": String(left--) }),
    );
    const h = harness(api.url);
    await h.source.list();
    expect(h.remaining).toEqual([500, 499]);
    await h.source.close();
  });

  it("reuses its connections across pages (keep-alive)", async () => {
    const ports = new Set<number>();
    api = await startApi((req, res, seen) => {
      ports.add(req.socket.remotePort!);
      const c = Number(seen.query.get("cursor") ?? "0");
      json(res, page([item(`i${c}`)], c < 4 ? String(c + 1) : null));
    });
    const h = harness(api.url);
    const out = await h.source.list();
    expect(out.pages).toBe(5);
    expect(ports.size).toBeLessThanOrEqual(2);
    await h.source.close();
  });

  it("retries a burst of 5xx with backoff and then succeeds", async () => {
    api = await startApi((_req, res, _s, n) => (n <= 2 ? json(res, { message: "down" }, 503) : json(res, ok)));
    const h = harness(api.url, { retry: { max_attempts: 4, base_delay_ms: 100, max_delay_ms: 1000 } });
    const out = await h.source.list();
    expect(out.connections.size).toBe(1);
    expect(out.requests).toBe(3);
    expect(out.pages).toBe(1);
    // full jitter with random() = 0.5: half of 100, then half of 200
    expect(h.sleeps).toEqual([50, 100]);
    expect(h.requests).toEqual([
      ["connections", "503"],
      ["connections", "503"],
      ["connections", "200"],
    ]);
    await h.source.close();
  });

  it("gives up on 5xx after max_attempts with a message naming the status and attempts", async () => {
    api = await startApi((_req, res) => json(res, {}, 503));
    const h = harness(api.url, { retry: { max_attempts: 4 } });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_error");
    expect(err.status).toBe(503);
    expect(err.message).toBe(`list connections page 1 from ${new URL(api.url).host}: 503 after 4 attempts`);
    expect(api.seen).toHaveLength(4);
    expect(h.sleeps).toHaveLength(3);
    await h.source.close();
  });

  it("caps the backoff at max_delay_ms", async () => {
    api = await startApi((_req, res) => json(res, {}, 500));
    const h = harness(api.url, { retry: { max_attempts: 6, base_delay_ms: 1000, max_delay_ms: 3000 } });
    await rejection(h.source.list());
    expect(h.sleeps).toEqual([500, 1000, 1500, 1500, 1500]);
    await h.source.close();
  });

  it.each([
    ["seconds", "7"],
    ["an HTTP date", new Date(NOW + 7000).toUTCString()],
  ])("sleeps a short Retry-After given in %s and retries", async (_name, value) => {
    api = await startApi((_req, res, _s, n) => (n === 1 ? json(res, {}, 429, { "retry-after": value }) : json(res, ok)));
    const h = harness(api.url, { max_retry_wait_seconds: 60 });
    const out = await h.source.list();
    expect(out.connections.size).toBe(1);
    expect(out.requests).toBe(2);
    expect(h.sleeps).toEqual([7000]);
    expect(h.requests.map(([, c]) => c)).toEqual(["429", "200"]);
    await h.source.close();
  });

  it.each([
    ["seconds", "3600"],
    ["an HTTP date", new Date(NOW + 3600_000).toUTCString()],
  ])("ends with rate_limited and retryAfterMs on a long Retry-After in %s, without sleeping", async (_name, value) => {
    api = await startApi((_req, res) => json(res, {}, 429, { "retry-after": value }));
    const h = harness(api.url, { max_retry_wait_seconds: 60 });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(3600_000);
    expect(h.sleeps).toEqual([]);
    expect(api.seen).toHaveLength(1);
    await h.source.close();
  });

  it("backs off on 429 without Retry-After", async () => {
    api = await startApi((_req, res, _s, n) => (n === 1 ? json(res, {}, 429) : json(res, ok)));
    const h = harness(api.url, { retry: { base_delay_ms: 400 } });
    await h.source.list();
    expect(h.sleeps).toEqual([200]);
    await h.source.close();
  });

  it("retries a connection reset", async () => {
    api = await startApi((req, res, _s, n) => {
      if (n === 1) req.socket.destroy();
      else json(res, ok);
    });
    const h = harness(api.url);
    const out = await h.source.list();
    expect(out.connections.size).toBe(1);
    expect(out.requests).toBe(2);
    expect(h.requests.map(([, c]) => c)).toEqual(["error", "200"]);
    await h.source.close();
  });

  it("retries a stalled server and fails with timeout when it never answers", async () => {
    api = await startApi(() => {
      /* never answers */
    });
    const h = harness(api.url, { request_timeout_seconds: 0.2, retry: { max_attempts: 2 } });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("timeout");
    expect(err.reason).toBe("timeout");
    expect(err.message).toMatch(/^list connections page 1 from 127\.0\.0\.1:\d+: timed out .*after 2 attempts$/);
    expect(api.seen).toHaveLength(2);
    expect(h.requests).toEqual([
      ["connections", "error"],
      ["connections", "error"],
    ]);
    await h.source.close();
  });

  it("recovers when only the first attempt stalls", async () => {
    api = await startApi((_req, res, _s, n) => {
      if (n > 1) json(res, ok);
    });
    const h = harness(api.url, { request_timeout_seconds: 0.2 });
    const out = await h.source.list();
    expect(out.connections.size).toBe(1);
    await h.source.close();
  });

  it.each([401, 403])("fails at once on %i with a message naming the credential variables, never the secret", async (status) => {
    api = await startApi((_req, res) => json(res, { code: "AuthFailed", message: "Invalid credentials" }, status));
    const h = harness(api.url);
    const err = await rejection(h.source.list());
    expect(err.code).toBe("auth_rejected");
    expect(err.message).toContain("FIVETRAN_API_KEY");
    expect(err.message).toContain("FIVETRAN_API_SECRET");
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(Buffer.from(`key123:${SECRET}`).toString("base64"));
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(h.lines.join("")).not.toContain(SECRET);
    expect(api.seen).toHaveLength(1);
    await h.source.close();
  });

  it("does not retry other 4xx", async () => {
    api = await startApi((_req, res) => json(res, { message: "No such thing" }, 404));
    const h = harness(api.url);
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_error");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("404");
    expect(api.seen).toHaveLength(1);
    await h.source.close();
  });

  it("refuses a body whose content-length is over max_response_bytes", async () => {
    api = await startApi((_req, res) => json(res, page(Array.from({ length: 50 }, (_, i) => item(`c${i}`)), null)));
    const h = harness(api.url, { max_response_bytes: 2000 });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_bad_response");
    expect(err.message).toContain("max_response_bytes");
    await h.source.close();
  });

  it("refuses a chunked body once it grows past max_response_bytes, without reading the rest", async () => {
    let written = 0;
    let closedEarly = false;
    api = await startApi((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // no content-length: chunked
      res.on("close", () => (closedEarly = !res.writableFinished));
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      res.write('{"data":{"items":[');
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (!res.destroyed) res.end("]}}");
      };
      pump();
    });
    const h = harness(api.url, { max_response_bytes: 100_000 });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_bad_response");
    expect(err.message).toContain("max_response_bytes");
    await new Promise((r) => setTimeout(r, 50));
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    await h.source.close();
  });

  it("stops at once when the caller aborts", async () => {
    api = await startApi(() => {
      /* never answers */
    });
    const h = harness(api.url);
    const ctrl = new AbortController();
    const p = h.source.list(ctrl.signal);
    setTimeout(() => ctrl.abort(), 20);
    const err = await rejection(p);
    expect(err.code).toBe("aborted");
    await h.source.close();
  });

  it("takes undici's Pool from its own files, and from its index should a later undici move them", async () => {
    api = await startApi((_req, res) => json(res, ok));
    const load = createRequire(import.meta.url);
    const asked: string[] = [];
    const moved = (id: string): unknown => {
      asked.push(id);
      if (id.startsWith("undici/lib/")) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
      return load(id);
    };
    expect(loadPoolKit().from).toBe("files");
    for (const kit of [loadPoolKit(), loadPoolKit(moved)]) {
      const client = new FivetranClient({ config: config(api.url), version: "1", logger: silentLogger(), poolKit: kit });
      const { body } = await client.getJson("connections", "/v1/connections", "list connections");
      expect(body).toEqual(ok);
      await client.close();
    }
    expect(asked).toEqual(["undici/lib/dispatcher/pool.js", "undici"]);
  });
});
