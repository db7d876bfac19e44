// The state lock: one holder at a time, named when refused; a dead holder's lock taken over, by exactly one taker.
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock } from "../../src/store/lock.js";

const statePath = (): string => join(mkdtempSync(join(tmpdir(), "syncwatch-lock-")), "state.json");
const NOW = Date.parse("2026-11-23T08:00:00Z");

describe("the state lock", () => {
  it("refuses a second holder, naming the first one's pid, host and start, then frees the path on release", async () => {
    const path = statePath();
    const first = await acquireLock({ path, pid: 111, host: "box-a", now: () => NOW, alive: () => true });
    const second = acquireLock({ path, pid: 222, host: "box-a", now: () => NOW, alive: () => true });
    await expect(second).rejects.toThrow(/state_file \(SYNCWATCH_STATE_FILE\).*in use by pid 111 on host box-a since 2026-11-23T08:00:00.000Z/s);
    await first.release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    const third = await acquireLock({ path, pid: 222, host: "box-a", alive: () => true });
    await third.release();
    expect(readdirSync(join(path, ".."))).toEqual([]);
  });

  it("takes over a lock whose holder is no longer running on this host", async () => {
    const path = statePath();
    await acquireLock({ path, pid: 111, host: "box-a", alive: () => true }); // never released: a kill -9
    const next = await acquireLock({ path, pid: 222, host: "box-a", alive: (pid) => pid !== 111 });
    expect(next.holder.pid).toBe(222);
    expect(JSON.parse(readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: 222, host: "box-a" });
    await next.release();
  });

  it("takes over a lock of its own pid on its own host (a restarted container is pid 1 again)", async () => {
    const path = statePath();
    await acquireLock({ path, pid: 1, host: "pod-x", alive: () => true });
    const next = await acquireLock({ path, pid: 1, host: "pod-x", alive: () => true });
    expect(next.holder.pid).toBe(1);
    await next.release();
  });

  it("waits out a holder on another host while its heartbeat is fresh, then takes it over", async () => {
    const path = statePath();
    await acquireLock({ path, pid: 111, host: "node-1" });
    await expect(acquireLock({ path, pid: 111, host: "node-2", staleMs: 60_000 })).rejects.toThrow(/in use by pid 111 on host node-1/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${path}.lock`, old, old); // the holder's node died two minutes ago
    const next = await acquireLock({ path, pid: 111, host: "node-2", staleMs: 60_000 });
    expect(next.holder.host).toBe("node-2");
    await next.release();
  });

  it("lets exactly one of many simultaneous takers have a dead holder's lock", async () => {
    for (let round = 0; round < 20; round++) {
      const path = statePath();
      await acquireLock({ path, pid: 1, host: "h", alive: () => true });
      const takers = Array.from({ length: 6 }, (_, i) => acquireLock({ path, pid: 100 + i, host: "h", alive: (pid) => pid !== 1 }));
      const results = await Promise.allSettled(takers);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(String(r.reason)).toMatch(/in use by pid 10\d on host h/);
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value;
      expect(JSON.parse(readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: winner.holder.pid, token: winner.holder.token });
      await winner.release();
      expect(readdirSync(join(path, ".."))).toEqual([]);
    }
  });

  it("refuses a lock file that is not syncwatch's and leaves it as it was", async () => {
    const path = statePath();
    writeFileSync(`${path}.lock`, "my notes\n");
    await expect(acquireLock({ path })).rejects.toThrow(/is not a syncwatch lock/);
    expect(readFileSync(`${path}.lock`, "utf8")).toBe("my notes\n");
  });

  it("reports a lock taken away from its holder", async () => {
    const path = statePath();
    const lost: unknown[] = [];
    const held = await acquireLock({ path, pid: 111, host: "h", heartbeatMs: 5, onLost: (h) => lost.push(h) });
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${path}.lock`, old, old);
    const thief = await acquireLock({ path, pid: 222, host: "other", staleMs: 60_000 });
    await expect.poll(() => lost.length).toBe(1);
    // The new holder, or null when the heartbeat looked while the lock was between the two.
    if (lost[0] !== null) expect(lost[0]).toMatchObject({ pid: 222, host: "other" });
    await held.release(); // must not remove the thief's lock
    expect(JSON.parse(readFileSync(`${path}.lock`, "utf8"))).toMatchObject({ pid: 222 });
    await thief.release();
  });
});
