// Connection details: the failed setup test is found, the budget reserve and bounds are kept, and nothing throws.
import { afterEach, describe, expect, it } from "vitest";
import { failedSetupTest } from "../../src/fivetran/index.js";
import { harness, json, SECRET, startApi, type FakeApi, type Handler } from "./fake-api.js";

let api: FakeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function detail(id: string, tests: unknown[]): unknown {
  return { code: "Success", message: "ok", data: { id, setup_tests: tests, config: { api_key: "x" } } };
}

const broken = [
  { title: "Connect to host", status: "PASSED", message: "" },
  { title: "Validate Login", status: "FAILED", message: "Invalid login credentials.", details: "401" },
  { title: "Check Permissions", status: "FAILED", message: "later one" },
];

describe("failedSetupTest", () => {
  it.each([
    ["the first FAILED test", broken, { title: "Validate Login", message: "Invalid login credentials." }],
    ["an ERROR test", [{ title: "Ping", status: "error", message: "boom" }], { title: "Ping", message: "boom" }],
    [
      "a failure over an earlier warning",
      [
        { title: "W", status: "WARNING", message: "meh" },
        { title: "F", status: "FAILED" },
      ],
      { title: "F", message: null },
    ],
    ["a warning when nothing failed", [{ title: "W", status: "WARNING", message: "meh" }], { title: "W", message: "meh" }],
    ["nothing when all passed", [{ title: "A", status: "PASSED", message: "fine" }], null],
    ["nothing without setup_tests", undefined, null],
    ["nothing for malformed tests", [null, "x", { status: "FAILED" }, { title: 3, status: "FAILED" }], null],
  ])("picks %s", (_name, tests, expected) => {
    expect(failedSetupTest({ data: { setup_tests: tests } })).toEqual(expected);
  });
});

/** An account without the errors endpoint (a private preview): `/errors` answers 404, the rest goes to `handler`. */
function noErrorsEndpoint(handler: Handler): Handler {
  return (req, res, seen, n) => (seen.path.endsWith("/errors") ? json(res, { code: "NotFound", message: "Not found" }, 404) : handler(req, res, seen, n));
}

const detailCalls = (a: FakeApi): string[] => a.seen.map((s) => s.path).filter((p) => !p.endsWith("/errors"));

describe("FivetranSource.details", () => {
  it("fetches each connection and returns its failed setup test", async () => {
    api = await startApi(
      noErrorsEndpoint((_req, res, seen) => {
        const id = decodeURIComponent(seen.path.split("/").pop()!);
        json(res, detail(id, id === "ok" ? [{ title: "A", status: "PASSED" }] : broken));
      }),
    );
    const h = harness(api.url);
    const out = await h.source.details(["c1", "ok", "c/2"]);
    expect([...out.entries()].sort()).toEqual([
      ["c/2", { title: "Validate Login", message: "Invalid login credentials." }],
      ["c1", { title: "Validate Login", message: "Invalid login credentials." }],
    ]);
    expect(detailCalls(api).sort()).toEqual(["/v1/connections/c%2F2", "/v1/connections/c1", "/v1/connections/ok"]);
    // One probe of the errors endpoint: its 404 is remembered.
    expect(h.requests.filter(([e]) => e === "errors")).toEqual([["errors", "404"]]);
    expect(h.requests.filter(([e]) => e !== "errors").every(([e]) => e === "details")).toBe(true);
    await h.source.close();
  });

  it("stops when the remaining API budget falls below the reserve", async () => {
    let left = 1003;
    api = await startApi(noErrorsEndpoint((_req, res, seen) => json(res, detail(seen.path, broken), 200, { "x-rate-limit-remaining": String(left--) })));
    const h = harness(api.url, { details: { concurrency: 1, rate_limit_reserve: 1000 } });
    const out = await h.source.details(["a", "b", "c", "d", "e", "f"]);
    // Answers say 1003, 1002, 1001, 1000 (all at or above the reserve: go on), then 999 (below: stop).
    expect(detailCalls(api)).toHaveLength(5);
    expect(out.size).toBe(5);
    expect(h.remaining.at(-1)).toBe(999);
    expect(h.lines.some((l) => l.includes("below the reserve"))).toBe(true);
    await h.source.close();
  });

  it("fetches at most max_per_cycle, at most concurrency at once", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    api = await startApi(
      noErrorsEndpoint(async (_req, res, seen) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
        json(res, detail(seen.path, broken));
      }),
    );
    const h = harness(api.url, { details: { max_per_cycle: 5, concurrency: 2 } });
    const out = await h.source.details(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(out.size).toBe(5);
    expect(detailCalls(api)).toHaveLength(5);
    expect(maxInFlight).toBe(2);
    await h.source.close();
  });

  it("does nothing when disabled", async () => {
    api = await startApi((_req, res) => json(res, detail("x", broken)));
    const h = harness(api.url, { details: { enabled: false } });
    expect((await h.source.details(["a"])).size).toBe(0);
    expect(api.seen).toHaveLength(0);
    await h.source.close();
  });

  it("never throws: failures are logged at warn and skipped", async () => {
    api = await startApi((req, res, seen) => {
      const id = seen.path.split("/").pop();
      if (id === "e500") json(res, {}, 500);
      else if (id === "html") res.writeHead(200).end("<html>");
      else if (id === "reset") req.socket.destroy();
      else if (id === "gone") json(res, { message: "not found" }, 404);
      else json(res, detail(id!, broken));
    });
    const h = harness(api.url, { details: { concurrency: 1 } });
    const out = await h.source.details(["e500", "html", "reset", "gone", "good"]);
    expect([...out.keys()]).toEqual(["good"]);
    const warns = h.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    expect(warns.map((w) => w.msg)).toEqual([
      expect.stringMatching(/^fetch connection e500 details: skipped/),
      expect.stringMatching(/^fetch connection html details: skipped/),
      expect.stringMatching(/^fetch connection reset details: skipped/),
      expect.stringMatching(/^fetch connection gone details: skipped/),
    ]);
    expect(h.lines.join("")).not.toContain(SECRET);
    await h.source.close();
  });

  it("never throws when the API is unreachable or rejects the credentials", async () => {
    api = await startApi((_req, res) => json(res, {}, 401));
    const h = harness(api.url, { details: { concurrency: 1 } });
    await expect(h.source.details(["a", "b", "c"])).resolves.toEqual(new Map());
    expect(api.seen).toHaveLength(1); // an auth rejection stops the rest
    await h.source.close();
    const url = api.url;
    await api.close();
    api = null;
    const h2 = harness(url);
    await expect(h2.source.details(["a"])).resolves.toEqual(new Map());
    await h2.source.close();
  });
});

describe("FivetranSource.details with the errors endpoint", () => {
  const reconnect = {
    type: "reconnect",
    title: "Reconnect required",
    reason: "OAuth token expired",
    message: "Re-authorize the connection in Fivetran: open it and click Reconnect.",
    occurred_at: "2026-11-22T11:00:00Z",
  };

  it("returns the first active error, and the setup test where a connection has none", async () => {
    api = await startApi((_req, res, seen) => {
      const parts = seen.path.split("/");
      if (seen.path.endsWith("/errors")) {
        const items = parts.at(-2) === "c1" ? [{ type: "x" }, reconnect] : [];
        return json(res, { code: "Success", data: { items, next_cursor: null } });
      }
      json(res, detail(parts.at(-1)!, broken));
    });
    const h = harness(api.url, { details: { concurrency: 1 } });
    const out = await h.source.details(["c1", "c2"]);
    expect(out.get("c1")).toEqual({ type: "reconnect", title: "Reconnect required", reason: "OAuth token expired", message: reconnect.message });
    expect(out.get("c2")).toEqual({ title: "Validate Login", message: "Invalid login credentials." });
    expect(api.seen.map((s) => s.path)).toEqual(["/v1/connections/c1/errors", "/v1/connections/c2/errors", "/v1/connections/c2"]);
    expect(api.seen[0]!.query.get("limit")).toBe("100");
    await h.source.close();
  });

  it("falls back to the setup test on a 404 and never probes the errors endpoint again in this process", async () => {
    api = await startApi(noErrorsEndpoint((_req, res, seen) => json(res, detail(seen.path, broken))));
    const h = harness(api.url);
    const first = await h.source.details(["a", "b", "c"]);
    expect([...first.values()]).toEqual(Array(3).fill({ title: "Validate Login", message: "Invalid login credentials." }));
    const later = await h.source.details(["d"]);
    expect(later.get("d")).toEqual({ title: "Validate Login", message: "Invalid login credentials." });
    expect(api.seen.filter((s) => s.path.endsWith("/errors"))).toHaveLength(1);
    expect(detailCalls(api).sort()).toEqual(["/v1/connections/a", "/v1/connections/b", "/v1/connections/c", "/v1/connections/d"]);
    await h.source.close();
  });

  it("does not decide the account lacks the endpoint from a connection that is gone", async () => {
    api = await startApi((_req, res, seen) => {
      const gone = seen.path.includes("/gone");
      if (gone) return json(res, { code: "NotFound_Connection", message: "Connection not found" }, 404);
      if (seen.path.endsWith("/errors")) return json(res, { code: "Success", data: { items: [reconnect] } });
      json(res, detail(seen.path, broken));
    });
    const h = harness(api.url, { details: { concurrency: 1 } });
    const out = await h.source.details(["gone", "c1"]);
    expect([...out.keys()]).toEqual(["c1"]);
    expect(out.get("c1")).toMatchObject({ type: "reconnect" });
    await h.source.close();
  });
});

describe("FivetranSource.details on a trial account (500 calls an hour)", () => {
  it("still fetches details: the reserve never exceeds a tenth of the budget", async () => {
    let left = 480;
    api = await startApi(noErrorsEndpoint((_req, res, seen) => json(res, detail(seen.path, broken), 200, { "x-rate-limit-remaining": String(left--) })));
    // The default reserve (1,000) is above anything a trial account ever has left.
    const h = harness(api.url, { details: { concurrency: 1 } });
    const out = await h.source.details(["a", "b", "c"]);
    expect(out.size).toBe(3);
    await h.source.close();
  });

  it("stops at a tenth of the budget the API names in X-Rate-Limit-Limit", async () => {
    let left = 52;
    api = await startApi((_req, res, seen) =>
      json(res, seen.path.endsWith("/errors") ? { data: { items: [] } } : detail(seen.path, broken), 200, {
        "x-rate-limit-remaining": String(left--),
        "x-rate-limit-limit": "500",
      }),
    );
    const h = harness(api.url, { details: { concurrency: 1 } });
    const out = await h.source.details(["a", "b", "c", "d", "e"]);
    // 52 and 51 (errors, details of a), 50 and 49 (b): then 49 < 50, stop.
    expect([...out.keys()]).toEqual(["a", "b"]);
    expect(h.lines.some((l) => l.includes("below the reserve") && l.includes('"reserve":50'))).toBe(true);
    await h.source.close();
  });

  it("uses fivetran.rate_limit_budget when set", async () => {
    let left = 201;
    api = await startApi(noErrorsEndpoint((_req, res, seen) => json(res, detail(seen.path, broken), 200, { "x-rate-limit-remaining": String(left--) })));
    const h = harness(api.url, { details: { concurrency: 1 }, rate_limit_budget: 2000 });
    // Budget 2,000: reserve 200 (not a trial's 50, which 201 left would suggest): a, b, c answer 201, 200, 199; stop.
    expect([...(await h.source.details(["a", "b", "c", "d"])).keys()]).toEqual(["a", "b", "c"]);
    await h.source.close();
  });
});
