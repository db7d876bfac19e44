// What a newcomer tripped on (issue 19 point 5), each as a user meets it through the built CLI.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { onceLogging } from "../../src/cli/once-logging.js";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { CLI, cleanEnv, runCli, simEnv, startCli } from "../helpers/cli.js";
import { healthyIds } from "../helpers/sim.js";

const KEY = "newcomer-key";
const SECRET = "newcomer-Secret-never-shown";

let sim: Awaited<ReturnType<typeof startSimulator>>;
let dir: string;
/** Fast retries, so that a failing API fails in milliseconds. */
let fastRetries: string;

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 30, groups: 2, seed: 5 }), apiKey: KEY, apiSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), "syncwatch-newcomer-"));
  fastRetries = join(dir, "fast-retries.yaml");
  writeFileSync(fastRetries, "fivetran:\n  retry:\n    max_attempts: 3\n    base_delay_ms: 1\n    max_delay_ms: 5\n");
});
afterEach(() => {
  // A test that failed half-way must not leave its queued faults to the next one.
  sim.faults.clear();
});
afterAll(async () => {
  await sim.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return simEnv(sim.url, KEY, SECRET, dir, extra);
}

/** A port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe("help", () => {
  it("syncwatch --help lists every command with its one-liner and mentions --json", async () => {
    const r = await runCli(["--help"], {});
    expect(r.code).toBe(0);
    for (const command of ["run", "once", "check-config", "demo", "simulate"]) expect(r.stdout).toMatch(new RegExp(`^  ${command} +\\S`, "m"));
    expect(r.stdout).toContain("--json");
    expect(r.stdout).toContain("--online");
  });

  it("syncwatch once --help prints once's options and exits 0", async () => {
    const r = await runCli(["once", "--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: syncwatch once");
    expect(r.stdout).toMatch(/--json +print the result as JSON/);
    expect(r.stdout).toMatch(/-c, --config FILE/);
  });

  it("an unknown option still exits 2 and names it", async () => {
    const r = await runCli(["once", "--jsn"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--jsn");
    expect(r.stderr).toContain("syncwatch once --help");
  });
});

describe("simulate", () => {
  it("on a busy port exits 2 saying the port is in use", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = await runCli(["simulate", "--port", String(port)], {});
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`port ${port} is in use`);
      expect(r.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      holder.close();
    }
  });
});

describe("once", () => {
  it("names the host it could not reach and what happened", async () => {
    const port = await closedPort();
    const r = await runCli(["once", "--config", fastRetries], env({ FIVETRAN_API_URL: `http://127.0.0.1:${port}` }));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`Could not read Fivetran: list connections page 1 from 127.0.0.1:${port}: connection refused (ECONNREFUSED) after 3 attempts`);
  });

  it("--json counts the requests a failed cycle made", async () => {
    sim.faults.failNext(3, { status: 503 });
    const r = await runCli(["once", "--json", "--config", fastRetries], env());
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { outcome: string; requests: number; error: { message: string } };
    expect(out.outcome).toBe("failure");
    expect(out.requests).toBe(3);
    expect(out.error.message).toMatch(/: 503 .*after 3 attempts$/);
  });

  it("piped, keeps stdout to the table and writes its logs to stderr as JSON lines", async () => {
    const [a] = healthyIds(sim.account);
    sim.account.break(a!, { title: "Connect", message: "Host unreachable" });
    try {
      const r = await runCli(["once"], env());
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^1 firing: 1 critical/m);
      expect(r.stdout).not.toMatch(/^\{/m);
      expect(r.stderr).toMatch(/^\{"level":"info"/m);
    } finally {
      sim.account.fix(a!);
    }
  });

  it.skipIf(spawnSync("script", ["--version"]).status !== 0)("on a terminal prints the summary and readable errors, no JSON log line", async () => {
    sim.faults.failNext(3, { status: 503 });
    // `script` gives the child a terminal for stdout and stderr alike: what a person at a terminal sees. (Not
    // spawnSync: the simulator answers from this process.)
    const shell = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} once --config ${JSON.stringify(fastRetries)}`;
    const child = spawn("script", ["-qec", shell, "/dev/null"], { env: cleanEnv(env()), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    clearTimeout(timer);
    const seen = out.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), ""); // colours off
    expect(code).toBe(3);
    expect(seen).toContain("Could not read Fivetran: list connections page 1 from 127.0.0.1:");
    expect(seen).toMatch(/ERROR: read Fivetran: /);
    expect(seen).not.toMatch(/^\{/m);
    expect(seen).not.toContain("INFO");
  });

  it.each([
    ["piped at info", "info", false, { level: "info", pretty: false }],
    ["piped at debug", "debug", false, { level: "debug", pretty: false }],
    ["on a terminal at info", "info", true, { level: "warn", pretty: true }],
    ["on a terminal at debug", "debug", true, { level: "debug", pretty: true }],
    ["on a terminal at error", "error", true, { level: "error", pretty: true }],
  ])("logs %s as %j", (_name, level, tty, want) => {
    expect(onceLogging(level, tty)).toEqual(want);
  });
});

describe("check-config", () => {
  it("without --online says the credentials are set, not that they work", async () => {
    const r = await runCli(["check-config"], env({ FIVETRAN_API_SECRET: "anything-at-all" }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("credentials are set; not tried");
    expect(r.stdout).not.toContain("accepted");
  });

  it("--online says the simulator accepted the right credentials", async () => {
    const r = await runCli(["check-config", "--online"], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`credentials accepted by ${new URL(sim.url).host}`);
  });

  it("--online exits 3 naming the credential variables when they are wrong, without the secret", async () => {
    const r = await runCli(["check-config", "--online"], env({ FIVETRAN_API_SECRET: "wrong-Secret-xyz" }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("401 credentials rejected");
    expect(r.stderr).toContain("FIVETRAN_API_KEY");
    expect(r.stderr).toContain("FIVETRAN_API_SECRET");
    expect(r.stdout + r.stderr).not.toContain("wrong-Secret-xyz");
  });

  it("--online exits 3 naming the host when the URL does not answer", async () => {
    const port = await closedPort();
    const r = await runCli(["check-config", "--online", "--config", fastRetries], env({ FIVETRAN_API_URL: `http://127.0.0.1:${port}` }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`from 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });
});

describe("run", () => {
  it("with no alert channel says so at start, naming the variables that switch one on", async () => {
    const daemon = startCli(["run"], env({ SYNCWATCH_METRICS_PORT: "0", SYNCWATCH_METRICS_HOST: "127.0.0.1", SYNCWATCH_SCHEDULE: "0 0 1 1 *" }));
    try {
      const line = await daemon.waitForLog((l) => l.level === "warn" && String(l.msg).startsWith("no alert channel configured"));
      expect(line.msg).toContain("alerts are only logged and exported as metrics");
      for (const variable of ["SLACK_WEBHOOK_URL", "SMTP_URL", "ALERT_WEBHOOK_URL"]) expect(line.msg).toContain(variable);
    } finally {
      daemon.kill();
      await daemon.exited;
    }
  });

  it("with a channel configured does not warn", async () => {
    const daemon = startCli(["run"], env({ SYNCWATCH_METRICS_PORT: "0", SYNCWATCH_METRICS_HOST: "127.0.0.1", SYNCWATCH_SCHEDULE: "0 0 1 1 *", ALERT_WEBHOOK_URL: "http://127.0.0.1:9/hook" }));
    try {
      await daemon.waitForLog((l) => String(l.msg).includes("started: polling"));
      expect(daemon.output()).not.toContain("no alert channel configured");
    } finally {
      daemon.kill();
      await daemon.exited;
    }
  });
});
