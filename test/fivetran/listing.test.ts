// Listing the account against a real local HTTP server: cursors, de-duplication, group modes, paging guards.
import diagnostics from "node:diagnostics_channel";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/errors.js";
import { tailCursor } from "../../src/fivetran/listing.js";
import { harness, item, json, page, startApi, type FakeApi } from "./fake-api.js";

let api: FakeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

/** Serves `pages` in order for the cursor chain c1, c2, ... (page i answers cursor c{i}). */
function chained(pages: unknown[]): Parameters<typeof startApi>[0] {
  return (_req, res, seen) => {
    const cursor = seen.query.get("cursor");
    const i = cursor === null ? 0 : Number(cursor.slice(1));
    json(res, pages[i]);
  };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("FivetranSource.list", () => {
  it.each([
    ["connections", "next_cursor"],
    ["connections", "nextCursor"],
    ["connectors", "nextCursor"],
    ["connectors", "next_cursor"],
  ] as const)("pages /v1/%s following %s to the end", async (endpoint, name) => {
    api = await startApi(chained([page([item("a")], "c1", name), page([item("b")], "c2", name), page([item("c")], null, name)]));
    const h = harness(api.url, { endpoint, page_size: 2 });
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(out.pages).toBe(3);
    expect(out.requests).toBe(3);
    expect(api.seen.map((s) => s.path)).toEqual([`/v1/${endpoint}`, `/v1/${endpoint}`, `/v1/${endpoint}`]);
    expect(api.seen.map((s) => s.query.get("cursor"))).toEqual([null, "c1", "c2"]);
    expect(api.seen.every((s) => s.query.get("limit") === "2")).toBe(true);
    expect(h.requests).toEqual([
      [endpoint, "200"],
      [endpoint, "200"],
      [endpoint, "200"],
    ]);
    await h.source.close();
  });

  it.each([
    ["null", null],
    ["an empty string", ""],
    ["missing", undefined],
  ])("ends the listing when the cursor is %s", async (_name, last) => {
    api = await startApi(chained([page([item("a")], "c1"), page([item("b")], last)]));
    const h = harness(api.url);
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id)).toEqual(["a", "b"]);
    expect(api.seen).toHaveLength(2);
    await h.source.close();
  });

  it("de-duplicates items repeated across pages, the later one winning", async () => {
    api = await startApi(
      chained([
        page([item("a"), item("b", { paused: false })], "c1"),
        page([item("b", { paused: true }), item("c")], "c2"),
        page([item("c")], null),
      ]),
    );
    const h = harness(api.url);
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id).sort()).toEqual(["a", "b", "c"]);
    expect([...out.connections.values()].find((c) => c.id === "b")?.paused).toBe(true);
    await h.source.close();
  });

  it("returns an unchanged connection as its previous snapshot and counts the connections it knew", async () => {
    const pages = [page([item("a"), item("b"), item("c", { status: "broken" })], "c1"), page([item("b", { paused: true }), item("d")], null)];
    api = await startApi(chained(pages));
    const h = harness(api.url);
    const first = await h.source.list();
    expect(first.known).toBe(0);

    const prev = new Map(first.connections);
    const previous = new Map([...prev].map(([id, snapshot]) => [id, { snapshot }]));
    const second = await h.source.list(undefined, previous);
    expect(second.connections.get("a")).toBe(prev.get("a"));
    expect(second.connections.get("b")).toBe(prev.get("b")); // the same repeat again: paused, as before
    expect(second.known).toBe(3);
    expect(second.rejected).toEqual([{ id: "c", reason: "status is not an object" }]);

    pages[0] = page([item("a", { paused: true }), item("b"), item("e")], "c1");
    const third = await h.source.list(undefined, previous);
    expect(third.known).toBe(3);
    expect(third.connections.get("a")).not.toBe(prev.get("a"));
    expect(third.connections.get("a")?.paused).toBe(true);
    expect(third.connections.get("b")).toBe(prev.get("b"));
    expect(third.connections.get("d")).toBe(prev.get("d"));
    expect([...third.connections.keys()]).toEqual(["a", "e", "b", "d"]);
    await h.source.close();
  });

  it("asks for the next page before reading this page's items", async () => {
    api = await startApi(chained([page([item("a"), item("b")], "c1"), page([item("c")], null)]));
    const h = harness(api.url);
    const order: string[] = [];
    // Requests as undici writes them to the socket; items as the listing reads them (an id the previous listing
    // did not have at that position is looked up in `previous`).
    const onSend = (m: unknown): void => {
      const path = (m as { request: { path: string } }).request.path;
      order.push(`request ${new URL(path, "http://x").searchParams.get("cursor") ?? "first"}`);
    };
    class Watched<K, V> extends Map<K, V> {
      override has(id: K): boolean {
        order.push(`read ${String(id)}`);
        return super.has(id);
      }
    }
    const other = (await h.source.list()).connections.get("a")!;
    const previous = new Watched([["z", { snapshot: { ...other, id: "z" } }]]);
    diagnostics.subscribe("undici:client:sendHeaders", onSend);
    try {
      await h.source.list(undefined, previous);
    } finally {
      diagnostics.unsubscribe("undici:client:sendHeaders", onSend);
    }
    expect(order).toEqual(["request first", "request c1", "read a", "read b", "read c"]);
    await h.source.close();
  });

  it("asks for the next page before parsing this one when the body ends with its cursor", async () => {
    api = await startApi(chained([page([item("a")], "c1"), page([item("b")], "c2"), page([item("c")], null)]));
    const h = harness(api.url);
    const order: string[] = [];
    const onSend = (m: unknown): void => {
      const path = (m as { request: { path: string } }).request.path;
      order.push(`request ${new URL(path, "http://x").searchParams.get("cursor") ?? "first"}`);
    };
    // Pages as the client parses them (the listing's bodies are the only JSON here with "sf_" schemas).
    const parse = JSON.parse;
    const spy = vi.spyOn(JSON, "parse").mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      const schema = /"schema":"sf_(\w+)"/.exec(text);
      if (schema) order.push(`parse ${schema[1]}`);
      return parse(text, reviver) as unknown;
    });
    diagnostics.subscribe("undici:client:sendHeaders", onSend);
    let ids: string[];
    try {
      ids = [...(await h.source.list()).connections.keys()];
    } finally {
      diagnostics.unsubscribe("undici:client:sendHeaders", onSend);
      spy.mockRestore();
    }
    expect(ids).toEqual(["a", "b", "c"]);
    expect(order).toEqual(["request first", "request c1", "parse a", "request c2", "parse b", "parse c"]);
    // Each request waits for the previous response to be done with: one connection, no more calls than pages.
    expect(api.seen).toHaveLength(3);
    expect(api.connections).toBe(1);
    await h.source.close();
  });

  it("pages over one connection when the cursor is not at the end of the body", async () => {
    // Fields after `data`: no cursor at the end to read early, so each page is asked for once the last is parsed.
    const late = (items: unknown[], next: string | null): unknown => ({ ...(page(items, next) as object), trailer: true });
    api = await startApi(chained([late([item("a")], "c1"), late([item("b")], "c2"), late([item("c")], null)]));
    const h = harness(api.url);
    const out = await h.source.list();
    expect([...out.connections.keys()]).toEqual(["a", "b", "c"]);
    expect(out.requests).toBe(3);
    expect(api.connections).toBe(1);
    await h.source.close();
  });

  it("follows the parsed cursor when the end of the body suggested another, and drops the early request", async () => {
    // A body whose last bytes name a cursor that is not data.next_cursor: the guess is checked, never trusted.
    const decoy = (items: unknown[], next: string | null, guess: string): unknown => ({ ...(page(items, next) as object), extra: { next_cursor: guess } });
    api = await startApi((_req, res, seen) => {
      const cursor = seen.query.get("cursor");
      if (cursor === null) json(res, decoy([item("a")], "c1", "wrong"));
      else if (cursor === "wrong") setTimeout(() => json(res, page([item("x")], null)), 200);
      else json(res, page([item("b")], null));
    });
    const h = harness(api.url);
    const out = await h.source.list();
    expect([...out.connections.keys()]).toEqual(["a", "b"]);
    expect(out.pages).toBe(2);
    // Three calls: the first page, the guess (aborted, never retried: its late page is not waited for), then c1.
    expect(out.requests).toBe(3);
    expect(api.seen.map((s) => s.query.get("cursor"))).toContain("c1");
    await h.source.close();
  });

  it("reports unreadable items as rejected and keeps the rest", async () => {
    api = await startApi(chained([page([item("a"), { service: "no id" }, item("b", { status: "broken" })], null)]));
    const h = harness(api.url);
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id)).toEqual(["a"]);
    expect(out.rejected).toEqual([
      { id: null, reason: expect.stringContaining("id") },
      { id: "b", reason: "status is not an object" },
    ]);
    await h.source.close();
  });

  it("pages each configured group on its own, never more at once than group_concurrency", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const groups = ["g1", "g2", "g3", "g4", "g5", "g6"];
    api = await startApi(async (_req, res, seen) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20)); // let the other workers' requests arrive
      inFlight--;
      const g = seen.query.get("group_id") ?? "none";
      const cursor = seen.query.get("cursor");
      if (cursor === null) json(res, page([item(`${g}-1`, { group_id: g })], `${g}-next`));
      else json(res, page([item(`${g}-2`, { group_id: g })], null));
    });
    const h = harness(api.url, { group_ids: groups, group_concurrency: 2 });
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id).sort()).toEqual(groups.flatMap((g) => [`${g}-1`, `${g}-2`]).sort());
    expect(out.pages).toBe(12);
    expect(maxInFlight).toBe(2);
    expect(new Set(api.seen.map((s) => s.query.get("group_id")))).toEqual(new Set(groups));
    await h.source.close();
  });

  it("in groups mode lists the groups first, then each group's connections", async () => {
    api = await startApi((_req, res, seen) => {
      if (seen.path === "/v1/groups") {
        if (seen.query.get("cursor") === null) json(res, page([{ id: "ga", name: "A" }], "gc1"));
        else json(res, page([{ id: "gb", name: "B" }], null));
        return;
      }
      const g = seen.query.get("group_id")!;
      json(res, page([item(`${g}-x`, { group_id: g })], null));
    });
    const h = harness(api.url, { listing: "groups" });
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id).sort()).toEqual(["ga-x", "gb-x"]);
    expect(api.seen.slice(0, 2).map((s) => s.path)).toEqual(["/v1/groups", "/v1/groups"]);
    expect(out.pages).toBe(4);
    expect(h.requests.filter(([e]) => e === "groups")).toHaveLength(2);
    expect(h.requests.filter(([e]) => e === "connections")).toHaveLength(2);
    await h.source.close();
  });

  it("fails the whole listing when one group fails, and stops paging the others", async () => {
    api = await startApi((_req, res, seen) => {
      const g = seen.query.get("group_id")!;
      if (g === "bad") {
        res.writeHead(404).end();
        return;
      }
      // Healthy groups never end, so only the abort stops them (max_pages is the backstop).
      json(res, page([item(`${g}-${seen.query.get("cursor") ?? "0"}`)], `${g}-${Date.now()}-${Math.random()}`));
    });
    const h = harness(api.url, { group_ids: ["ok1", "bad", "ok2"], group_concurrency: 3, max_pages: 200 });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_error");
    expect(err.status).toBe(404);
    expect(api.seen.length).toBeLessThan(100);
    await h.source.close();
  });

  it("fails with paging_loop when a cursor repeats", async () => {
    api = await startApi(chained([page([item("a")], "c1"), page([item("b")], "c1")]));
    const h = harness(api.url);
    const err = await rejection(h.source.list());
    expect(err.code).toBe("paging_loop");
    expect(err.message).toMatch(/^list connections page 2 from 127\.0\.0\.1:\d+: cursor repeated/);
    expect(api.seen).toHaveLength(2);
    await h.source.close();
  });

  it("fails with paging_loop past max_pages", async () => {
    api = await startApi((_req, res, seen) => json(res, page([item(`i${api!.seen.length}`)], `c${seen.query.get("cursor") ?? ""}x`)));
    const h = harness(api.url, { max_pages: 5 });
    const err = await rejection(h.source.list());
    expect(err.code).toBe("paging_loop");
    expect(api.seen).toHaveLength(5);
    await h.source.close();
  });

  it("honours a path prefix in api_url (a proxy)", async () => {
    api = await startApi((_req, res, seen) => {
      if (seen.path === "/proxy/fivetran/v1/connections") json(res, page([item("a")], null));
      else res.writeHead(404).end();
    });
    const h = harness(`${api.url}/proxy/fivetran/`);
    const out = await h.source.list();
    expect([...out.connections.values()].map((c) => c.id)).toEqual(["a"]);
    await h.source.close();
  });

  it.each([
    ["not JSON", "<html>gateway</html>"],
    ["JSON without data", JSON.stringify({ code: "Success" })],
    ["items not an array", JSON.stringify({ data: { items: {} } })],
    ["a cursor of the wrong type", JSON.stringify({ data: { items: [], next_cursor: 5 } })],
  ])("fails with api_bad_response on %s", async (_name, text) => {
    api = await startApi((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    const h = harness(api.url);
    const err = await rejection(h.source.list());
    expect(err.code).toBe("api_bad_response");
    expect(err.message).toMatch(/^list connections page 1 from 127\.0\.0\.1:\d+: /);
    await h.source.close();
  });
});

describe("tailCursor", () => {
  const of = (text: string): string | null => tailCursor(Buffer.from(text));
  it("reads the cursor that ends a Fivetran page, whatever its spelling and spacing", () => {
    expect(of('{"code":"Success","data":{"items":[{"id":"a"}],"next_cursor":"eyJwYWdl"}}')).toBe("eyJwYWdl");
    expect(of('{"data":{"items":[],"nextCursor":"c2"}}')).toBe("c2");
    expect(of('{ "data": { "items": [ ], "next_cursor" : "c 3" } }\n')).toBe("c 3");
    expect(of('{"data":{"items":[],"next_cursor":"a\\"b\\u00e9"}}')).toBe('a"b\u00e9');
    expect(of(`{"data":{"items":["${"x".repeat(100_000)}"],"next_cursor":"far"}}`)).toBe("far");
  });
  it("has no cursor for a last page or a body that does not end with one", () => {
    expect(of('{"data":{"items":[],"next_cursor":null}}')).toBeNull();
    expect(of('{"data":{"items":[],"next_cursor":""}}')).toBeNull();
    expect(of('{"data":{"items":[{"next_cursor":"inner"}]}}')).toBeNull();
    expect(of('{"data":{"next_cursor":"c1","items":[]}}')).toBeNull();
    expect(of('{"data":{"items":[],"next_cursor":"c1"},"code":"Success"}')).toBeNull();
    expect(of(`{"data":{"items":[],"next_cursor":"${"c".repeat(5000)}"}}`)).toBeNull();
    expect(of("")).toBeNull();
  });
});

describe("real payloads in a listing", () => {
  it('reads "failed_at": "null" as null, logs it once per connection and field, and counts it every time', async () => {
    api = await startApi((_req, res) => json(res, page([item("a", { failed_at: "null" }), item("b", { failed_at: "null", succeeded_at: "n/a" })])));
    const counted: string[] = [];
    const h = harness(api.url, {}, undefined, (field) => counted.push(field));
    for (let cycle = 0; cycle < 2; cycle++) {
      const listing = await h.source.list();
      expect(listing.rejected).toEqual([]);
      expect(listing.connections.get("a")!.failed_at).toBeNull();
      expect(listing.connections.get("b")!.succeeded_at).toBeNull();
    }
    expect(counted.sort()).toEqual(["failed_at", "failed_at", "failed_at", "failed_at", "succeeded_at", "succeeded_at"]);
    const logged = h.lines.filter((l) => l.includes("is not a timestamp"));
    expect(logged).toHaveLength(3);
    await h.source.close();
  });

  it("names fivetran.endpoint: connections when the legacy listing answers 404", async () => {
    api = await startApi((_req, res) => json(res, { code: "NotFound", message: "Not found" }, 404));
    const legacy = harness(api.url, { endpoint: "connectors" });
    const err = await rejection(legacy.source.list());
    expect(err.code).toBe("legacy_endpoint_gone");
    expect(err.message).toContain("set fivetran.endpoint: connections");
    await legacy.source.close();
    // The current endpoint's 404 is an ordinary client error.
    const current = harness(api.url);
    expect((await rejection(current.source.list())).code).toBe("api_error");
    await current.source.close();
  });
});
