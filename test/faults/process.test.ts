// The real CLI under process-level faults: kill -9 at random points, unusable state files, an unwritable state
// directory, SIGTERM in the middle of a slow cycle.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, seededRandom, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { runCli, startCli, type Daemon } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { itemsOf } from "./harness.js";

const SECRET = "process-secret";
let sim: Simulator;
let receiver: Receiver;
const running: Daemon[] = [];

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 300, groups: 3, seed: 21 }), apiKey: "k", apiSecret: SECRET });
  receiver = await startReceiver();
});
afterEach(() => {
  for (const d of running.splice(0)) if (d.child.exitCode === null && d.child.signalCode === null) d.kill("SIGKILL");
});
afterAll(async () => {
  await Promise.all([sim.close(), receiver.close()]);
});

function env(stateFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: "k",
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: stateFile,
    SYNCWATCH_METRICS_PORT: "0",
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    ALERT_WEBHOOK_URL: receiver.url,
    ...extra,
  };
}

function start(stateFile: string, extra: Record<string, string> = {}): Daemon {
  const d = startCli(["run"], env(stateFile, extra));
  running.push(d);
  return d;
}

const isCycleOk = (l: Record<string, unknown>): boolean => typeof l.msg === "string" && l.msg.startsWith("cycle ok");

async function waitCycles(d: Daemon, n: number, timeoutMs = 20_000): Promise<void> {
  await d.waitForLog(() => d.logs().filter(isCycleOk).length >= n, timeoutMs);
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("kill -9 at random points of a cycle", () => {
  it("loses no alert and delivers no firing alert more than twice (seeded rounds)", async () => {
    const seed = 20261123;
    const random = seededRandom(seed);
    const dir = mkdtempSync(join(tmpdir(), "syncwatch-kill-"));
    const stateFile = join(dir, "state.json");
    const ids = healthyIds(sim.account).slice(0, 8);
    const first = receiver.accepted.length;
    let d = start(stateFile);
    await waitCycles(d, 1);
    for (let round = 0; round < 6; round++) {
      sim.account.break(ids[round]!, { title: "Validate Login", message: `round ${round}` });
      // Some sends hang, so a kill can land while a POST is in flight.
      if (random() < 0.4) receiver.failNext(1, "hang");
      const delay = Math.floor(random() * 1600);
      await pause(delay);
      d.kill("SIGKILL");
      await d.exited;
      d = start(stateFile);
      await pause(Math.floor(random() * 400));
    }
    // Settle: fix half of them while a clean daemon runs, then let it run a few cycles.
    await waitCycles(d, 2);
    for (const id of ids.slice(0, 3)) sim.account.fix(id);
    await waitCycles(d, 5);
    d.kill("SIGTERM");
    expect((await d.exited).code).toBe(0);

    const items = itemsOf(receiver.accepted.slice(first)).filter((a) => ids.includes(a.connection_id));
    const firing = items.filter((a) => a.status === "firing" && !a.reminder);
    const broken = ids.slice(0, 6);
    for (const id of broken) {
      const n = firing.filter((a) => a.connection_id === id && a.condition === "setup_broken").length;
      expect(n, `${id} delivered ${n} times (seed ${seed})`).toBeGreaterThanOrEqual(1);
      expect(n, `${id} delivered ${n} times (seed ${seed})`).toBeLessThanOrEqual(2);
    }
    const resolved = items.filter((a) => a.status === "resolved").map((a) => a.connection_id);
    expect([...new Set(resolved)].sort()).toEqual(ids.slice(0, 3).sort());
    // What the deliveries say is firing now is what the account says.
    const open = new Set<string>();
    for (const a of items) if (a.status === "firing") open.add(a.connection_id);
    else open.delete(a.connection_id);
    expect([...open].sort()).toEqual(ids.slice(3, 6).sort());
  }, 60_000);
});

describe("an unusable state file", () => {
  const cases: [string, string][] = [
    ["truncated", '{"version":1,"saved_at":"2026-11-23T08:00:00.000Z","health":{"connections":[["a'],
    ["empty", ""],
    ["of an old version", '{"version":0,"saved_at":"2026-11-23T08:00:00.000Z","health":{},"outbox":{}}'],
    ["damaged after its signature", '{"format":"syncwatch-state","version":2,"saved_at":"2026-11-23T08:00:00.000Z","health":{"\u0000'],
  ];
  it.concurrent.each(cases)("%s: moved aside, logged, a fresh baseline, and the daemon keeps working", async (_name, content) => {
    const dir = mkdtempSync(join(tmpdir(), "syncwatch-corrupt-"));
    const stateFile = join(dir, "state.json");
    writeFileSync(stateFile, content);
    const first = await runCli(["once"], env(stateFile));
    expect([0, 1]).toContain(first.code);
    expect(first.stderr).toMatch(/state file unusable|cannot read state file/);
    expect(readdirSync(dir).filter((f) => f.startsWith("state.json.corrupt-"))).toHaveLength(1);
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toMatchObject({ version: expect.any(Number) as number });
    const second = await runCli(["once"], env(stateFile));
    expect(second.code).toBe(first.code);
    expect(second.stderr).not.toMatch(/state file unusable/);
    expect(second.stderr).toContain("state loaded");
    expect(readdirSync(dir).filter((f) => f.startsWith("state.json.corrupt-"))).toHaveLength(1);
  });
});

describe("a restart", () => {
  it("recognises every unchanged connection it read back: the first save appends only what changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncwatch-restart-"));
    const stateFile = join(dir, "state.json");
    expect([0, 1]).toContain((await runCli(["once"], env(stateFile))).code);
    const journal = `${stateFile}.journal`;
    const before = statSync(journal).size;
    const second = await runCli(["once"], env(stateFile));
    expect(second.stderr).toContain("state loaded");
    // 300 connections (~55 KB of state); a few change between the runs (the simulator's clock moves).
    const appended = statSync(journal).size - before;
    expect(appended).toBeGreaterThan(0);
    expect(appended).toBeLessThan(statSync(stateFile).size / 10);
  });
});

/** Tries to write a probe file in `dir`. */
function writable(dir: string): boolean {
  try {
    writeFileSync(join(dir, "probe"), "x");
    rmSync(join(dir, "probe"));
    return true;
  } catch {
    return false;
  }
}

/**
 * A state directory this process cannot write: chmod 0500; as root (where chmod does not bind) the directory is made
 * immutable with `chattr +i` instead. Null when neither works (the test is then skipped).
 */
function unwritableDir(): { dir: string; undo: () => void; redo: () => void; freeze: (file: string) => void } | null {
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-ro-"));
  chmodSync(dir, 0o500);
  if (!writable(dir)) {
    const frozen: string[] = [];
    const undo = (): void => {
      chmodSync(dir, 0o700);
      for (const f of frozen.splice(0)) chmodSync(f, 0o600);
    };
    return { dir, undo, redo: () => chmodSync(dir, 0o500), freeze: (f) => (frozen.push(f), chmodSync(f, 0o400)) };
  }
  chmodSync(dir, 0o700);
  try {
    execFileSync("chattr", ["+i", dir], { stdio: "ignore" });
  } catch {
    return null;
  }
  const frozen: string[] = [];
  const undo = (): void => {
    for (const f of [dir, ...frozen.splice(0)]) execFileSync("chattr", ["-i", f], { stdio: "ignore" });
  };
  const freeze = (f: string): void => {
    frozen.push(f);
    execFileSync("chattr", ["+i", f], { stdio: "ignore" });
  };
  if (!writable(dir)) return { dir, undo, redo: () => freeze(dir), freeze };
  undo();
  return null;
}

describe("an unwritable state directory", () => {
  it.for(["once", "run"])("%s exits 2 naming SYNCWATCH_STATE_FILE before reading Fivetran", async (command, ctx) => {
    const ro = unwritableDir();
    if (ro === null) return ctx.skip();
    const local = await startSimulator({ account: new SimAccount({ connections: 20, groups: 1, seed: 3 }), apiKey: "k", apiSecret: SECRET });
    try {
      const result = await runCli([command], env(join(ro.dir, "state.json"), { FIVETRAN_API_URL: local.url }));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/state_file \(SYNCWATCH_STATE_FILE\): cannot write in .*E(ACCES|PERM)/);
      expect(local.stats.total()).toBe(0);
      expect(readdirSync(ro.dir)).toEqual([]);
    } finally {
      ro.undo();
      await local.close();
    }
  });
});

describe("a state directory that becomes unwritable while the daemon runs", () => {
  it("keeps cycling, logs the failure and counts it in /metrics", async (ctx) => {
    const ro = unwritableDir();
    if (ro === null) return ctx.skip();
    ro.undo(); // writable at start: run refuses a state it cannot write before reading Fivetran
    try {
      const stateFile = join(ro.dir, "state.json");
      const d = start(stateFile);
      const started = await d.waitForLog((l) => typeof l.metrics === "string");
      await waitCycles(d, 1);
      // The directory refuses new files (a whole-file save) and the journal refuses appends.
      ro.redo();
      ro.freeze(`${stateFile}.journal`);
      const failures = (): number => d.logs().filter((l) => l.msg === "save state failed; will retry next cycle").length;
      await d.waitForLog(() => failures() >= 3, 20_000);
      expect(d.output()).toContain("save state failed");
      const text = await (await fetch(String(started.metrics))).text();
      const m = /^syncwatch_state_save_failures_total (\d+)/m.exec(text);
      expect(Number(m?.[1] ?? 0)).toBeGreaterThanOrEqual(3);
      expect(d.child.exitCode).toBeNull();
      d.kill("SIGTERM");
      expect((await d.exited).code).toBe(0);
    } finally {
      ro.undo();
    }
  }, 30_000);
});

describe("SIGTERM during a long cycle", () => {
  it("exits 0 within 15 s with state saved", async () => {
    const slow = await startSimulator({ account: new SimAccount({ connections: 2000, groups: 3, seed: 4 }), apiKey: "k", apiSecret: SECRET });
    slow.faults.setLatency(3000);
    try {
      const dir = mkdtempSync(join(tmpdir(), "syncwatch-term-"));
      mkdirSync(dir, { recursive: true });
      const stateFile = join(dir, "state.json");
      const d = start(stateFile, { FIVETRAN_API_URL: slow.url, SYNCWATCH_SCHEDULE: "0 0 1 1 *" });
      await d.waitForLog((l) => typeof l.metrics === "string");
      const until = Date.now() + 10_000;
      while (slow.stats.total() === 0 && Date.now() < until) await pause(50);
      expect(slow.stats.total()).toBeGreaterThan(0);
      const t = Date.now();
      d.kill("SIGTERM");
      const exit = await d.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - t).toBeLessThan(15_000);
      expect(d.output()).toContain("state saved");
      expect(existsSync(stateFile)).toBe(true);
    } finally {
      await slow.close();
    }
  }, 30_000);
});
