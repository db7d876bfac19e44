// `webhooks install` plans: create once, then leave alone; bring events and the active flag in line.
import { describe, expect, it } from "vitest";
import type { FivetranWebhook } from "../../src/fivetran/index.js";
import { activeFlags, planInstall, SUBSCRIBED_EVENTS } from "../../src/webhooks/index.js";

const URL_ = "https://syncwatch.example.com/webhooks/fivetran";
const hook = (over: Partial<FivetranWebhook> = {}): FivetranWebhook => ({
  id: "w1",
  type: "account",
  group_id: null,
  url: URL_,
  events: [...SUBSCRIBED_EVENTS],
  active: true,
  created_at: null,
  ...over,
});
const want = { url: URL_, events: SUBSCRIBED_EVENTS, groupId: null };

describe("install plan", () => {
  it.each([
    ["no webhook yet", [], "create"],
    ["one at another URL", [hook({ url: "https://other.example.com/hook" })], "create"],
    ["a group webhook at the same URL (the account one is wanted)", [hook({ type: "group", group_id: "g1" })], "create"],
    ["the same webhook already (trailing slash aside)", [hook({ url: `${URL_}/` })], "unchanged"],
    ["the same webhook, disabled by Fivetran", [hook({ active: false })], "update"],
    ["the same webhook with other events", [hook({ events: ["sync_start"] })], "update"],
  ])("with %s: %s", (_name, existing, kind) => {
    expect(planInstall(existing, want).kind).toBe(kind);
  });

  it("re-enable a disabled webhook and restore its events in one change", () => {
    const plan = planInstall([hook({ active: false, events: ["sync_end"] })], want);
    expect(plan).toMatchObject({ kind: "update", change: { active: true, events: [...SUBSCRIBED_EVENTS] } });
  });

  it("match a group's webhook by its group", () => {
    const existing = [hook({ id: "g", type: "group", group_id: "g1" })];
    expect(planInstall(existing, { ...want, groupId: "g1" }).kind).toBe("unchanged");
    expect(planInstall(existing, { ...want, groupId: "g2" }).kind).toBe("create");
  });

  it("report the active flag of the webhooks feeding the receiver", () => {
    const flags = activeFlags([hook(), hook({ id: "w2", active: false, type: "group", group_id: "g" }), hook({ id: "w3", url: "https://x/y" })], URL_);
    expect([...flags]).toEqual([
      ["w1", true],
      ["w2", false],
    ]);
  });
});
