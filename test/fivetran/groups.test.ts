// Group names: paged GET /v1/groups, read at start, for an unknown group id and hourly; a failure never throws.
import { afterEach, describe, expect, it } from "vitest";
import { harness, json, page, startApi, type FakeApi } from "./fake-api.js";

let api: FakeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

const T0 = Date.parse("2026-11-22T12:00:00Z");
const MIN = 60_000;

/** An account with groups g1 (page 1) and g2 (page 2); `extra` groups appear when pushed, `failing` answers 400. */
function account(state: { extra: { id: string; name: string }[]; failing: boolean }) {
  return startApi((_req, res, seen) => {
    if (!seen.path.startsWith("/v1/groups")) return json(res, { code: "NotFound" }, 404);
    if (state.failing) return json(res, { code: "BadRequest", message: "no" }, 400);
    if (!seen.query.has("cursor")) return json(res, page([{ id: "g1", name: "Finance warehouse", created_at: "2026-01-01T00:00:00Z" }], "p2"));
    return json(res, page([{ id: "g2", name: " Marketing lake " }, { id: "g3", name: null }, { name: "no id" }, ...state.extra]));
  });
}

const groupCalls = (a: FakeApi): number => a.seen.filter((s) => s.path.startsWith("/v1/groups")).length;

describe("FivetranSource.groups", () => {
  it("pages every group at start, keeps readable names, and counts calls under endpoint groups", async () => {
    const state = { extra: [], failing: false };
    api = await account(state);
    const h = harness(api.url);
    const names = await h.source.groups(["g1"], T0);
    expect([...names]).toEqual([
      ["g1", "Finance warehouse"],
      ["g2", "Marketing lake"],
    ]);
    expect(api.seen.map((s) => `${s.path}?${s.query.toString()}`)).toEqual(["/v1/groups?limit=1000", "/v1/groups?limit=1000&cursor=p2"]);
    expect(h.requests).toEqual([
      ["groups", "200"],
      ["groups", "200"],
    ]);
  });

  it("reads again for a group id it does not know, once, and otherwise at most hourly", async () => {
    const state = { extra: [] as { id: string; name: string }[], failing: false };
    api = await account(state);
    const h = harness(api.url);
    await h.source.groups(["g1"], T0);
    await h.source.groups(["g1", "g2"], T0 + 5 * MIN);
    expect(groupCalls(api)).toBe(2); // known ids: no read

    state.extra = [{ id: "g4", name: "New warehouse" }];
    expect((await h.source.groups(["g1", "g4"], T0 + 10 * MIN)).get("g4")).toBe("New warehouse");
    expect(groupCalls(api)).toBe(4);

    // An id no read knows (a group deleted since) does not make every cycle read again.
    await h.source.groups(["g9"], T0 + 15 * MIN);
    await h.source.groups(["g9"], T0 + 20 * MIN);
    expect(groupCalls(api)).toBe(6);

    await h.source.groups(["g1"], T0 + 15 * MIN + 60 * MIN);
    expect(groupCalls(api)).toBe(8);
  });

  it("a failure keeps the names read before, is logged, and waits 5 minutes before trying again", async () => {
    const state = { extra: [] as { id: string; name: string }[], failing: false };
    api = await account(state);
    const h = harness(api.url);
    await h.source.groups([], T0);
    state.failing = true;
    state.extra = [{ id: "g4", name: "New warehouse" }];
    const names = await h.source.groups(["g4"], T0 + MIN);
    expect(names.get("g1")).toBe("Finance warehouse");
    expect(names.has("g4")).toBe(false);
    expect(h.lines.join("\n")).toContain("read group names:");
    await h.source.groups(["g4"], T0 + 2 * MIN);
    expect(groupCalls(api)).toBe(3);
    state.failing = false;
    expect((await h.source.groups(["g4"], T0 + 7 * MIN)).get("g4")).toBe("New warehouse");
  });
});
