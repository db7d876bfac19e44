// The state file is syncwatch's alone (SPEC section 5), seen through the built CLI: what is not its own is refused
// with exit 2 and left as it was, before Fivetran is read; one process at a time; a state bound to its account.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { runCli, startCli, type Daemon } from "../helpers/cli.js";
import { startReceiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { tree } from "../helpers/files.js";

const SECRET = "state-secret";
let sim: Simulator;
let other: Simulator;
const running: Daemon[] = [];

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 50, groups: 2, seed: 5 }), apiKey: "k", apiSecret: SECRET });
  other = await startSimulator({ account: new SimAccount({ connections: 50, groups: 2, seed: 6 }), apiKey: "k2", apiSecret: SECRET });
});
afterEach(() => {
  for (const d of running.splice(0)) if (d.child.exitCode === null && d.child.signalCode === null) d.kill("SIGKILL");
});
afterAll(async () => {
  await Promise.all([sim.close(), other.close()]);
});

function env(stateFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: "k",
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_SCHEDULE: "0 0 1 1 *",
    SYNCWATCH_STATE_FILE: stateFile,
    SYNCWATCH_METRICS_PORT: "0",
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    ...extra,
  };
}

const fresh = (): string => mkdtempSync(join(tmpdir(), "syncwatch-statefile-"));

/** Runs `once` and returns its result with the Fivetran requests it made. */
async function once(stateFile: string, extra: Record<string, string> = {}, args: string[] = []): Promise<Awaited<ReturnType<typeof runCli>> & { requests: number }> {
  const target = extra.FIVETRAN_API_URL === other.url ? other : sim;
  const before = target.stats.total();
  const result = await runCli(["once", ...args], env(stateFile, extra));
  return { ...result, requests: target.stats.total() - before };
}

describe("a state path that is not syncwatch's", () => {
  const cases: [string, (dir: string) => string][] = [
    ["a directory (SYNCWATCH_STATE_FILE=./data)", (d) => (mkdirSync(join(d, "data")), writeFileSync(join(d, "data", "state.json"), "{}"), join(d, "data"))],
    ["someone's notes", (d) => (writeFileSync(join(d, "notes.txt"), "meeting at 10\n"), join(d, "notes.txt"))],
    ["another program's JSON", (d) => (writeFileSync(join(d, "state.json"), '{"version":3,"owner":"other-app"}\n'), join(d, "state.json"))],
  ];
  it.concurrent.each(cases)("%s: exit 2 naming SYNCWATCH_STATE_FILE, nothing moved, Fivetran not called", async (_name, make) => {
    const dir = fresh();
    const path = make(dir);
    const before = tree(dir);
    const result = await runCli(["once"], env(path));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/state_file \(SYNCWATCH_STATE_FILE\): .*(is a directory|is not a syncwatch state file)/);
    expect(tree(dir)).toEqual(before);
    const reset = await runCli(["once", "--reset-state"], env(path));
    expect(reset.code).toBe(2);
    expect(tree(dir)).toEqual(before);
  });
});

describe("one process per state", () => {
  it("refuses a second once beside a running daemon, naming the holder, and calls no Fivetran API", async () => {
    const stateFile = join(fresh(), "state.json");
    const d = startCli(["run"], env(stateFile));
    running.push(d);
    await d.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"));
    const result = await once(stateFile);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`in use by pid ${d.child.pid} on host ${hostname()} since 20`);
    expect(result.stderr).toContain("SYNCWATCH_STATE_FILE");
    expect(result.requests).toBe(0);
    d.kill("SIGTERM");
    expect((await d.exited).code).toBe(0);
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
    expect([0, 1]).toContain((await once(stateFile)).code);
  }, 30_000);

  it("takes over the lock of a daemon killed with SIGKILL", async () => {
    const stateFile = join(fresh(), "state.json");
    const d = startCli(["run"], env(stateFile));
    running.push(d);
    await d.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"));
    d.kill("SIGKILL");
    await d.exited;
    expect(existsSync(`${stateFile}.lock`)).toBe(true);
    const result = await once(stateFile);
    expect([0, 1]).toContain(result.code);
    expect(result.stderr).toContain("state loaded");
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  }, 30_000);
});

describe("a state bound to its account", () => {
  it("refuses another account's state, saying what differs; --reset-state starts over and keeps the old one", async () => {
    const dir = fresh();
    const stateFile = join(dir, "state.json");
    expect([0, 1]).toContain((await once(stateFile)).code);
    expect(readFileSync(stateFile, "utf8")).not.toContain('"k"');

    const elsewhere = { FIVETRAN_API_URL: other.url, FIVETRAN_API_KEY: "k2" };
    const refused = await once(stateFile, elsewhere);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`it was written for ${sim.url}, this run reads ${other.url}; it was written with another API key`);
    expect(refused.stderr).toContain("--reset-state");
    expect(refused.requests).toBe(0);

    const reset = await once(stateFile, elsewhere, ["--reset-state"]);
    expect([0, 1]).toContain(reset.code);
    expect(reset.stderr).toContain("previous state moved to");
    expect(reset.stderr).not.toContain("state loaded");
    expect(readdirSync(dir).filter((f) => /^state\.json\.reset-[^.]+$/.test(f))).toHaveLength(1);
    expect([0, 1]).toContain((await once(stateFile, elsewhere)).code);
  }, 30_000);
});

describe("a once whose state cannot be saved", () => {
  it("says so and exits non-zero instead of promising a next cycle", async (ctx) => {
    const dir = fresh();
    const stateFile = join(dir, "state.json");
    expect([0, 1]).toContain((await once(stateFile)).code);
    // The journal and the file refuse every change (root ignores modes: chattr +i binds it too).
    try {
      execFileSync("chattr", ["+i", `${stateFile}.journal`, stateFile], { stdio: "ignore" });
    } catch {
      return ctx.skip();
    }
    const receiver = await startReceiver();
    const [id] = healthyIds(sim.account) as [string];
    sim.account.break(id, { title: "Validate Login", message: "Invalid login credentials." });
    try {
      const result = await once(stateFile, { ALERT_WEBHOOK_URL: receiver.url });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/state not saved to .*\(SYNCWATCH_STATE_FILE\)/);
      // What it could not save it did not send: the next run, from the old state, sends it once.
      expect(result.stderr).toContain("not sending: the state could not be saved");
      expect(receiver.accepted).toHaveLength(0);
    } finally {
      sim.account.fix(id);
      await receiver.close();
      execFileSync("chattr", ["-i", `${stateFile}.journal`, stateFile], { stdio: "ignore" });
    }
  }, 30_000);
});
