// Soak: random account changes and random faults, one in-process cycle per step on a fake clock. After each step,
// what the webhook deliveries say is firing (fired minus resolved) equals what SPEC section 2 says about the
// simulator's true state at the last successful cycle.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startReceiver } from "../helpers/receivers.js";
import { FakeClock, MINUTE, firingFromDeliveries, itemsOf, startRig, startSim } from "./harness.js";

interface Truth {
  id: string;
  paused: boolean | null;
  schedule_type: string | null;
  failed_at: string | null;
  succeeded_at: string | null;
  status: { setup_state: string; update_state: string; warnings: { code: string }[]; tasks: { code: string }[] } | string;
}

/** A small reference implementation of SPEC section 2's condition table (stale left out). */
function expectedFor(c: Truth): string[] {
  if (typeof c.status !== "object") return [];
  const out: string[] = [];
  const exempt = c.paused === true || c.schedule_type === "manual";
  if (c.status.setup_state === "broken") out.push(`setup_broken ${c.id}`);
  if (!exempt && c.failed_at !== null && (c.succeeded_at === null || Date.parse(c.failed_at) > Date.parse(c.succeeded_at))) out.push(`sync_failed ${c.id}`);
  if (!exempt && c.status.update_state === "delayed") out.push(`update_delayed ${c.id}`);
  for (const w of c.status.warnings) out.push(`warning:${w.code} ${c.id}`);
  for (const t of c.status.tasks) out.push(`task:${t.code} ${c.id}`);
  return out;
}

const OPS = ["break", "fix", "fail", "delay", "warn", "clearWarning", "addTask", "clearTask", "pause", "resume", "remove", "add"] as const;
const FAULTS = ["none", "burst503", "long429", "corrupt", "webhookOutage"] as const;

const step = fc.record({
  op: fc.constantFrom(...OPS),
  idx: fc.nat(),
  code: fc.constantFrom("a", "b"),
  fault: fc.constantFrom(...FAULTS, "none", "none", "none"),
});

describe("soak: random changes and faults", () => {
  it("deliveries always agree with the condition table at the last successful cycle", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 30, maxLength: 50 }), async (steps) => {
        const clock = new FakeClock();
        const sim = await startSim(clock, 60, 5);
        const receiver = await startReceiver();
        const rig = await startRig({ sim, clock, env: { ALERT_WEBHOOK_URL: receiver.url }, config: { fivetran: { page_size: 25 } } });
        try {
          let expected = new Map<string, string[]>();
          const corrupted = new Set<string>();
          let outage = 0;
          // A connection is removed once it is missing from two successful listings in a row (SPEC's removal, made
          // safe against a listing that misses an item while the account changes under the cursor).
          let missing = new Set<string>();
          const observe = (): void => {
            const next = new Map<string, string[]>();
            for (const c of sim.account.truth() as unknown as Truth[]) next.set(c.id, corrupted.has(c.id) ? (expected.get(c.id) ?? []) : expectedFor(c));
            const missingNow = new Set<string>();
            for (const [id, alerts] of expected) {
              if (next.has(id) || missing.has(id)) continue;
              next.set(id, alerts);
              missingNow.add(id);
            }
            missing = missingNow;
            expected = next;
          };
          const base = await rig.cycle(0);
          if (base.outcome === "success") observe();
          for (const s of steps) {
            // An outage lasts two cycles; the webhook is back before the third, which must deliver everything queued.
            if (outage > 0 && --outage === 0) receiver.restore();
            for (const id of corrupted) sim.account.uncorrupt(id);
            corrupted.clear();
            const ids = sim.account.ids();
            const id = ids[s.idx % ids.length]!;
            if (s.op === "add") sim.account.add({});
            else if (s.op === "remove") {
              if (ids.length > 10) sim.account.remove(id);
            } else if (s.op === "warn" || s.op === "clearWarning" || s.op === "addTask" || s.op === "clearTask") sim.account[s.op](id, s.code);
            else sim.account[s.op](id);
            if (s.fault === "burst503") sim.faults.failNext(2, { status: 503 });
            if (s.fault === "long429") sim.faults.failNext(1, { status: 429, retryAfter: "150" });
            if (s.fault === "corrupt") {
              const victim = sim.account.ids()[(s.idx * 7) % sim.account.size]!;
              sim.account.corrupt(victim, "status_not_object");
              corrupted.add(victim);
            }
            if (s.fault === "webhookOutage" && outage === 0) {
              receiver.failAlways({ status: 500 });
              outage = 2;
            }
            const r = await rig.cycle(MINUTE);
            if (r.outcome === "success") observe();
            if (outage > 0) continue;
            const delivered = [...firingFromDeliveries(itemsOf(receiver.accepted))].filter((k) => !k.startsWith("watcher_blind") && !k.startsWith("stale ")).sort();
            const want = [...expected.values()].flat().sort();
            expect(delivered).toEqual(want);
          }
          // No firing alert was delivered more than twice (it was never down for long enough to need a resend here).
          const counts = new Map<string, number>();
          for (const a of itemsOf(receiver.accepted)) if (a.status === "firing" && !a.reminder) counts.set(`${a.condition} ${a.connection_id} ${a.started_at}`, (counts.get(`${a.condition} ${a.connection_id} ${a.started_at}`) ?? 0) + 1);
          expect(Math.max(0, ...counts.values())).toBeLessThanOrEqual(2);
        } finally {
          await rig.close();
          await Promise.all([sim.close(), receiver.close()]);
        }
      }),
      { seed: 424242, numRuns: 6, endOnFailure: true },
    );
  }, 40_000);
});
