// The outbox: one digest per channel per cycle, bounded queues, and reading whatever a state file holds.
import { describe, expect, it } from "vitest";
import type { ChannelName } from "../../src/config/schema.js";
import type { Alert } from "../../src/health/model.js";
import { emptyOutbox, enqueue, parseOutbox } from "../../src/notify/index.js";
import { alert, T0 } from "./fixtures.js";

const warn = alert({ connection_id: "w", severity: "warning", condition: "stale" });
const crit = alert({ connection_id: "c", severity: "critical" });
const resolvedCrit = alert({ connection_id: "r", severity: "critical", status: "resolved", resolved_at: T0 });

describe("enqueue", () => {
  it("queues one digest per channel with the cycle's id, most severe first", () => {
    const { outbox, dropped } = enqueue(emptyOutbox(), new Map<ChannelName, Alert[]>([["email", [warn, resolvedCrit, crit]], ["slack", [warn]]]), T0, true, 10);
    expect(dropped).toEqual([]);
    expect(outbox.channels.email).toEqual([{ id: `${T0}-email`, created_at: T0, baseline: true, alerts: [crit, resolvedCrit, warn], alerts_sent: 0 }]);
    expect(outbox.channels.slack?.map((d) => d.id)).toEqual([`${T0}-slack`]);
    expect(outbox.channels.webhook).toBeUndefined();
  });

  it("appends in order and never changes its input", () => {
    const first = enqueue(emptyOutbox(), new Map([["webhook", [crit]]]), T0, false, 10).outbox;
    const frozen = JSON.stringify(first);
    const second = enqueue(first, new Map([["webhook", [warn]]]), T0 + 1, false, 10).outbox;
    expect(JSON.stringify(first)).toBe(frozen);
    expect(second.channels.webhook?.map((d) => d.id)).toEqual([`${T0}-webhook`, `${T0 + 1}-webhook`]);
  });

  it("does not queue the same cycle twice", () => {
    const once = enqueue(emptyOutbox(), new Map([["webhook", [crit]]]), T0, false, 10).outbox;
    const twice = enqueue(once, new Map([["webhook", [crit]]]), T0, false, 10).outbox;
    expect(twice).toEqual(once);
  });

  it("past max_queued drops the oldest digests and reports how many alerts were lost", () => {
    let outbox = emptyOutbox();
    const drops: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const r = enqueue(outbox, new Map([["slack", [crit, warn]]]), T0 + i, false, 3);
      outbox = r.outbox;
      drops.push(...r.dropped);
    }
    expect(outbox.channels.slack?.map((d) => d.created_at)).toEqual([T0 + 2, T0 + 3, T0 + 4]);
    expect(drops).toEqual([
      { channel: "slack", count: 2 },
      { channel: "slack", count: 2 },
    ]);
  });
});

describe("parseOutbox", () => {
  const good = { id: "1-slack", created_at: 1, baseline: false, alerts: [crit], alerts_sent: 0 };
  const cases: { name: string; input: unknown; want: unknown }[] = [
    { name: "nothing at all", input: undefined, want: { channels: {} } },
    { name: "a string", input: "garbage", want: { channels: {} } },
    { name: "channels not an object", input: { channels: [1, 2] }, want: { channels: {} } },
    { name: "an unknown channel is dropped", input: { channels: { pager: [good], slack: [good] } }, want: { channels: { slack: [good] } } },
    { name: "a queue that is not a list", input: { channels: { slack: { a: 1 } } }, want: { channels: {} } },
    { name: "an unreadable digest is dropped, the rest kept in order", input: { channels: { email: [{ id: 3 }, good, null] } }, want: { channels: { email: [good] } } },
    { name: "unreadable alerts are dropped from a digest", input: { channels: { email: [{ ...good, alerts: [{ status: "weird" }, crit] }] } }, want: { channels: { email: [good] } } },
    { name: "a digest without alerts_sent (older state) starts at 0", input: { channels: { webhook: [{ id: "1-webhook", created_at: 1, baseline: false, alerts: [crit] }] } }, want: { channels: { webhook: [{ ...good, id: "1-webhook" }] } } },
    { name: "a fully sent digest is dropped", input: { channels: { webhook: [{ ...good, alerts_sent: 1 }] } }, want: { channels: {} } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(parseOutbox(c.input)).toEqual(c.want);
    });
  }

  it("a garbled saved outbox, parsed once on load, takes new digests instead of failing", () => {
    const { outbox } = enqueue(parseOutbox({ channels: { slack: "nope" } }), new Map([["slack", [crit]]]), T0, false, 10);
    expect(outbox.channels.slack).toHaveLength(1);
  });
});
