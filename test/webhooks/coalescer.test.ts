// The coalescer: one read per connection per window, windows in order, bounded queue, failures contained.
import { describe, expect, it } from "vitest";
import { ReadCoalescer, type ReadOutcome, type Schedule } from "../../src/webhooks/index.js";

/** A schedule the test fires by hand: no wall-clock waits. */
function manualSchedule(): { schedule: Schedule; fire(): void; pending(): number } {
  const queue: (() => void)[] = [];
  return {
    schedule: (fn) => {
      queue.push(fn);
      return () => {
        const i = queue.indexOf(fn);
        if (i >= 0) queue.splice(i, 1);
      };
    },
    fire: () => {
      for (const fn of queue.splice(0)) fn();
    },
    pending: () => queue.length,
  };
}

function setup(opts: { maxPending?: number; read?: (id: string) => Promise<ReadOutcome<string>> } = {}) {
  const clock = manualSchedule();
  const reads: string[] = [];
  const judged: string[][] = [];
  const c = new ReadCoalescer<string>({
    windowMs: 1000,
    concurrency: 2,
    maxPending: opts.maxPending ?? 100,
    schedule: clock.schedule,
    read: async (id) => {
      reads.push(id);
      return opts.read ? opts.read(id) : { kind: "read", snapshot: `snap:${id}` };
    },
    judge: (s) => {
      judged.push([...s].sort());
      return Promise.resolve();
    },
  });
  return { c, clock, reads, judged };
}

describe("read coalescer", () => {
  it("read a connection once for ten events within one window, and judge the window's reads together", async () => {
    const { c, clock, reads, judged } = setup();
    const results = Array.from({ length: 10 }, () => c.push("a"));
    c.push("b");
    expect(results).toEqual(["queued", ...Array<string>(9).fill("coalesced")]);
    expect(reads).toEqual([]);
    clock.fire();
    await c.idle();
    expect(reads.sort()).toEqual(["a", "b"]);
    expect(judged).toEqual([["snap:a", "snap:b"]]);
  });

  it("read again in the next window for an event that came after the window's reads began", async () => {
    const { c, clock, reads, judged } = setup();
    c.push("a");
    clock.fire();
    await c.idle();
    c.push("a");
    expect(clock.pending()).toBe(1);
    clock.fire();
    await c.idle();
    expect(reads).toEqual(["a", "a"]);
    expect(judged).toHaveLength(2);
  });

  it("drop events past max_pending (counted by the caller) and keep the ones already waiting", async () => {
    const { c, clock, reads } = setup({ maxPending: 2 });
    expect([c.push("a"), c.push("b"), c.push("c"), c.push("a")]).toEqual(["queued", "queued", "dropped", "coalesced"]);
    clock.fire();
    await c.idle();
    expect(reads.sort()).toEqual(["a", "b"]);
  });

  it("judge nothing when no read gave a snapshot (not found, over budget, failed), and survive a read that throws", async () => {
    const outcomes: Record<string, ReadOutcome<string>> = { a: { kind: "not_found" }, b: { kind: "skipped_budget" }, c: { kind: "failed", message: "503" } };
    const { c, clock, judged } = setup({
      read: (id) => (id === "d" ? Promise.reject(new Error("boom")) : Promise.resolve(outcomes[id]!)),
    });
    for (const id of ["a", "b", "c", "d"]) c.push(id);
    clock.fire();
    await c.idle();
    expect(judged).toEqual([]);
  });

  it("run windows one after another: a later window's judge never overtakes an earlier one", async () => {
    const clock = manualSchedule();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const c = new ReadCoalescer<string>({
      windowMs: 10,
      concurrency: 1,
      maxPending: 10,
      schedule: clock.schedule,
      read: async (id) => {
        if (id === "first") await slow;
        return { kind: "read", snapshot: id };
      },
      judge: (s) => {
        order.push(...s);
        return Promise.resolve();
      },
    });
    c.push("first");
    clock.fire();
    c.push("second");
    clock.fire();
    release();
    await c.idle();
    expect(order).toEqual(["first", "second"]);
  });

  it("after close, accept nothing and read nothing", async () => {
    const { c, clock, reads } = setup();
    c.push("a");
    await c.close();
    clock.fire();
    expect(c.push("b")).toBe("dropped");
    await c.idle();
    expect(reads).toEqual([]);
  });
});
