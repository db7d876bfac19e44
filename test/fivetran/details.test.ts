// Connection details: the failed setup test is found, the budget reserve and bounds are kept, and nothing throws.
import { afterEach, describe, expect, it } from "vitest";
import { failedSetupTest } from "../../src/fivetran/index.js";
import { harness, json, SECRET, startApi, type FakeApi } from "./fake-api.js";

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

describe("FivetranSource.details", () => {
  it("fetches each connection and returns its failed setup test", async () => {
    api = await startApi((_req, res, seen) => {
      const id = decodeURIComponent(seen.path.split("/").pop()!);
      json(res, detail(id, id === "ok" ? [{ title: "A", status: "PASSED" }] : broken));
    });
    const h = harness(api.url);
    const out = await h.source.details(["c1", "ok", "c/2"]);
    expect([...out.entries()].sort()).toEqual([
      ["c/2", { title: "Validate Login", message: "Invalid login credentials." }],
      ["c1", { title: "Validate Login", message: "Invalid login credentials." }],
    ]);
    expect(api.seen.map((s) => s.path).sort()).toEqual(["/v1/connections/c%2F2", "/v1/connections/c1", "/v1/connections/ok"]);
    expect(h.requests.every(([e]) => e === "details")).toBe(true);
    await h.source.close();
  });

  it("stops when the remaining API budget falls below the reserve", async () => {
    let left = 1003;
    api = await startApi((_req, res, seen) => json(res, detail(seen.path, broken), 200, { "x-rate-limit-remaining": String(left--) }));
    const h = harness(api.url, { details: { concurrency: 1, rate_limit_reserve: 1000 } });
    const out = await h.source.details(["a", "b", "c", "d", "e", "f"]);
    // Answers say 1003, 1002, 1001, 1000 (all at or above the reserve: go on), then 999 (below: stop).
    expect(api.seen).toHaveLength(5);
    expect(out.size).toBe(5);
    expect(h.remaining.at(-1)).toBe(999);
    expect(h.lines.some((l) => l.includes("below the reserve"))).toBe(true);
    await h.source.close();
  });

  it("fetches at most max_per_cycle, at most concurrency at once", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    api = await startApi(async (_req, res, seen) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      json(res, detail(seen.path, broken));
    });
    const h = harness(api.url, { details: { max_per_cycle: 5, concurrency: 2 } });
    const out = await h.source.details(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(out.size).toBe(5);
    expect(api.seen).toHaveLength(5);
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
