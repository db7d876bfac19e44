// The commands as a user runs them: `once` against the simulator, `check-config` on good and bad files, exit codes.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { CLI, cleanEnv, runCli, simEnv, startCli } from "../helpers/cli.js";
import { healthyIds } from "../helpers/sim.js";

const KEY = "test-key";
const SECRET = "s3cret-Value-never-logged";

let sim: Awaited<ReturnType<typeof startSimulator>>;
let dir: string;

beforeAll(async () => {
  const account = new SimAccount({ connections: 2500, groups: 5, seed: 42 });
  sim = await startSimulator({ account, apiKey: KEY, apiSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), "syncwatch-cli-"));
});
afterAll(async () => {
  await sim.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return simEnv(sim.url, KEY, SECRET, dir, extra);
}

/** Breaks `n` healthy connections of the simulated account for the length of `fn`. */
async function withBroken(n: number, fn: (ids: string[]) => Promise<void>): Promise<void> {
  const broken = healthyIds(sim.account).slice(0, n);
  for (const id of broken) sim.account.break(id, { title: "Connect", message: "Host unreachable" });
  try {
    await fn(broken);
  } finally {
    for (const id of broken) sim.account.fix(id);
  }
}

describe("once", () => {
  it("exits 0 and says so when nothing fires", async () => {
    const r = await runCli(["once"], env());
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain("Read 2500 connections in 3 requests");
    expect(r.stdout).toContain("Nothing is firing.");
    expect(r.code).toBe(0);
  });

  it("loads only undici's Pool for Fivetran, and the rest of undici only when a channel needs it", async () => {
    // At exit, prints how many of undici's index files Node loaded (its index pulls in fetch, WebSocket, caches...).
    const probe = join(dir, "undici-probe.mjs");
    writeFileSync(
      probe,
      `import { createRequire } from "node:module";
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => process.stderr.write("undici index loaded: " + Object.keys(cache).filter((k) => k.endsWith("/undici/index.js")).length + "\\n"));`,
    );
    const plain = startCli(["once"], env(), ["--import", probe]);
    expect((await plain.exited).code).toBe(0);
    expect(plain.output()).toContain("Read 2500 connections in 3 requests");
    expect(plain.output()).toContain("undici index loaded: 0");

    const withWebhook = startCli(["once"], env({ ALERT_WEBHOOK_URL: "http://127.0.0.1:9/hook" }), ["--import", probe]);
    await withWebhook.exited;
    expect(withWebhook.output()).toContain("undici index loaded: 1");
  });

  it("prints a table of what is wrong and exits 1 when connections are broken", async () => {
    const [a, b] = healthyIds(sim.account);
    sim.account.break(a!, { title: "Validate Login", message: "Invalid login credentials." });
    sim.account.fail(b!);
    try {
      const r = await runCli(["once"], env());
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/2 firing: 2 critical, 0 warning/);
      expect(r.stdout).toMatch(/CRITICAL\s+setup_broken/);
      expect(r.stdout).toMatch(/CRITICAL\s+sync_failed/);
      expect(r.stdout).toContain("Validate Login failed (Invalid login credentials.)");
    } finally {
      sim.account.fix(a!);
      sim.account.fix(b!);
    }
  });

  it("--json gives the same result as data", async () => {
    const [a] = healthyIds(sim.account);
    sim.account.break(a!, { title: "Connect", message: "Host unreachable" });
    try {
      const r = await runCli(["once", "--json"], env());
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as { outcome: string; connections: number; firing: { connection_id: string; condition: string }[] };
      expect(out.outcome).toBe("success");
      expect(out.connections).toBe(2500);
      expect(out.firing.map((f) => [f.connection_id, f.condition])).toEqual([[a, "setup_broken"]]);
      // Where to act: the group's name from GET /v1/groups and the connection's page in Fivetran; nothing holds it back.
      const group = (sim.account.truth().find((c) => c.id === a) as { group_id: string }).group_id;
      expect(out.firing[0]).toMatchObject({
        group_id: group,
        group_name: sim.account.groupItems().find((g) => g.id === group)!.name,
        connection_url: `https://fivetran.com/dashboard/connectors/${a}/status`,
        runbook_url: null,
        held: null,
      });
    } finally {
      sim.account.fix(a!);
    }
  });

  it("writes all of a large --json report before it exits", async () => {
    // 400 firing alerts: ~200 KB of JSON, more than a pipe holds, and the process exits as soon as main() returns.
    await withBroken(400, async (broken) => {
      const r = await runCli(["once", "--json"], env());
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBeGreaterThan(128 * 1024);
      const out = JSON.parse(r.stdout) as { firing: { connection_id: string }[] };
      expect(new Set(out.firing.map((f) => f.connection_id))).toEqual(new Set(broken));
    });
  });

  it("stops quietly, with its own exit code, when the reader of its output goes away (once --json | head)", async () => {
    await withBroken(400, async () => {
      const child = spawn(process.execPath, [CLI, "once", "--json"], { env: cleanEnv(env()), stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      let read = 0;
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      // Like `head -c`: take the first chunk, then close the pipe while ~200 KB are still to come.
      child.stdout.once("data", (d: Buffer) => {
        read = d.length;
        child.stdout.destroy();
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
      expect(read).toBeGreaterThan(0);
      expect(stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(code).toBe(1);
    });
  });

  it("exits 3 and names the credential variables when Fivetran rejects them, without printing the secret", async () => {
    const r = await runCli(["once"], env({ FIVETRAN_API_SECRET: "wrong-secret-xyz" }));
    expect(r.code).toBe(3);
    const all = r.stdout + r.stderr;
    expect(all).toContain("FIVETRAN_API_KEY");
    expect(all).toContain("FIVETRAN_API_SECRET");
    expect(all).not.toContain("wrong-secret-xyz");
  });

  it("exits 3 when Fivetran cannot be reached at all", async () => {
    const r = await runCli(["once"], env({ FIVETRAN_API_URL: "http://127.0.0.1:9", FIVETRAN_API_SECRET: SECRET }), 30_000);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("Could not read Fivetran");
  });

  it("exits 2 naming the missing credentials", async () => {
    const r = await runCli(["once"], { FIVETRAN_API_URL: sim.url, SYNCWATCH_STATE_FILE: join(dir, "none.json") });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("FIVETRAN_API_KEY");
    expect(r.stderr).toContain("FIVETRAN_API_SECRET");
  });

  it("notices a deleted connection across runs: the second run that misses it resolves its alert as removed", async () => {
    const account = new SimAccount({ connections: 40, groups: 2, seed: 7 });
    const own = await startSimulator({ account, apiKey: KEY, apiSecret: SECRET });
    try {
      const e = env({ FIVETRAN_API_URL: own.url, SYNCWATCH_STATE_FILE: join(dir, "deleted.json") });
      const [a] = healthyIds(account);
      account.break(a!, {});
      const firing = async (): Promise<string[]> => {
        const r = await runCli(["once", "--json"], e);
        return (JSON.parse(r.stdout) as { firing: { connection_id: string }[] }).firing.map((f) => f.connection_id);
      };
      expect(await firing()).toContain(a);
      account.remove(a!);
      // Missing once is not gone yet (a connection deleted while the listing is paged hides the next one)...
      expect(await firing()).toContain(a);
      // ...missing from the next run too, it is removed, and its alert resolves.
      expect(await firing()).not.toContain(a);
      expect(await firing()).not.toContain(a);
    } finally {
      await own.close();
    }
  });

  it("keeps its state: a second run reports the same firing alert and the state file exists", async () => {
    const state = join(dir, "kept.json");
    const [a] = healthyIds(sim.account);
    sim.account.break(a!, {});
    try {
      const first = await runCli(["once"], env({ SYNCWATCH_STATE_FILE: state }));
      const second = await runCli(["once"], env({ SYNCWATCH_STATE_FILE: state }));
      expect([first.code, second.code]).toEqual([1, 1]);
      expect(existsSync(state)).toBe(true);
      expect(readFileSync(state, "utf8")).not.toContain(SECRET);
    } finally {
      sim.account.fix(a!);
    }
  });
});

describe("the executable", () => {
  it("carries zod without its foreign-language locales (they were half of what every start compiled)", () => {
    const bundle = readFileSync(CLI, "utf8");
    const locales = [...new Set(bundle.match(/node_modules\/zod\/v4\/locales\/[\w-]+\.js/g) ?? [])];
    expect(bundle).toContain("node_modules/zod/v4/");
    expect(locales).toEqual(["node_modules/zod/v4/locales/en.js"]);
  });
});

describe("run", () => {
  it("exits 2 naming the port variable when the metrics port is taken", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = await runCli(["run"], env({ SYNCWATCH_METRICS_PORT: String(port), SYNCWATCH_METRICS_HOST: "127.0.0.1" }));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("SYNCWATCH_METRICS_PORT");
      expect(r.stderr).toContain("already in use");
    } finally {
      holder.close();
    }
  });
});

describe("check-config", () => {
  it("prints the effective config with secrets masked and exits 0", async () => {
    const file = join(dir, "good.yaml");
    writeFileSync(file, "schedule: '*/2 * * * *'\nchannels:\n  webhook:\n    url: https://hooks.example.com/T000/secret-path-123\n");
    const r = await runCli(["check-config", "--config", file], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("*/2 * * * *");
    expect(r.stdout).toContain("channels on: webhook");
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain("secret-path-123");
  });

  it("names every bad key and exits 2", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "schedul: '* * * * *'\nfivetran:\n  page_size: 5000\nalerts:\n  repeat_interval_minutes: soon\n");
    const r = await runCli(["check-config", "--config", file], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("schedul");
    expect(r.stderr).toContain("fivetran.page_size");
    expect(r.stderr).toContain("alerts.repeat_interval_minutes");
  });

  it("rejects a bad schedule from the environment by its variable", async () => {
    const r = await runCli(["check-config"], env({ SYNCWATCH_SCHEDULE: "every minute" }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SYNCWATCH_SCHEDULE");
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await runCli(["frobnicate"], env())).code).toBe(2);
    expect((await runCli(["once", "--bogus"], env())).code).toBe(2);
  });
});
