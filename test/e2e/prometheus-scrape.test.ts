// End to end: a real Prometheus server scrapes `syncwatch run` watching the simulator; PromQL sees the account's truth.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { startCli, type Daemon } from "../helpers/cli.js";
import { freePort } from "../helpers/ports.js";

const KEY = "k";
const SECRET = "prom-e2e-secret";
let sim: Awaited<ReturnType<typeof startSimulator>>;
let daemon: Daemon;
let prometheus: ChildProcess;
let promUrl = "";

async function query(expr: string): Promise<number | null> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
  const first = body.data?.result?.[0];
  return first ? Number(first.value[1]) : null;
}

async function eventually(expr: string, want: number, timeoutMs = 40_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: number | null = null;
  while (Date.now() < until) {
    last = await query(expr).catch(() => null);
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${expr}: wanted ${want}, last saw ${String(last)}`);
}

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 1200, groups: 4, seed: 11 }), apiKey: KEY, apiSecret: SECRET });
  const [metricsPort, promPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-prom-"));
  daemon = startCli(["run"], {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: KEY,
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: String(metricsPort),
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
  });
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: syncwatch\n    static_configs:\n      - targets: ["127.0.0.1:${metricsPort}"]\n`,
  );
  prometheus = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`],
    { stdio: "ignore" },
  );
  promUrl = `http://127.0.0.1:${promPort}`;
  await daemon.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"), 20_000);
}, 60_000);

afterAll(async () => {
  prometheus?.kill("SIGTERM");
  daemon?.kill("SIGTERM");
  await daemon?.exited;
  await sim?.close();
});

it("counts the simulator's broken connections through PromQL, and follows changes and removals", async () => {
  await eventually("up{job='syncwatch'}", 1);
  await eventually("count(fivetran_connection_info)", 1200);
  const ids = sim.account.ids();
  for (const id of ids.slice(0, 7)) sim.account.break(id, { title: "Connect", message: "refused" });
  await eventually('count(fivetran_connection_setup_state{state="broken"} == 1)', 7);
  await eventually('count(syncwatch_alert{condition="setup_broken"} == 1)', 7);
  sim.account.remove(ids[0]!);
  sim.account.fix(ids[1]!);
  await eventually('count(fivetran_connection_setup_state{state="broken"} == 1)', 5);
  await eventually("count(fivetran_connection_info)", 1199);
  expect(await query(`fivetran_connection_info{connection_id="${ids[0]!}"}`)).toBeNull();
  expect(await query('syncwatch_polls_total{outcome="success"}')).toBeGreaterThan(1);
}, 120_000);
