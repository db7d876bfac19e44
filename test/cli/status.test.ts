// `syncwatch status` as on-call runs it: from a state file (read-only) or the daemon's API, exit 0/1/3, --json.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpServer } from "../../src/metrics/index.js";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { runCli } from "../helpers/cli.js";
import { healthyIds } from "../helpers/sim.js";
import { boardOf, serveStatus, snap, type ViewSource } from "../web/fixtures.js";

const KEY = "k";
const SECRET = "status-secret-never-shown";
let sim: Awaited<ReturnType<typeof startSimulator>>;
let dir: string;
let statePath: string;
let broken: string[];
const servers: HttpServer[] = [];

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 400, groups: 3, seed: 5 }), apiKey: KEY, apiSecret: SECRET });
  dir = mkdtempSync(join(tmpdir(), "syncwatch-status-"));
  statePath = join(dir, "state.json");
  broken = healthyIds(sim.account).slice(0, 3);
  for (const id of broken) sim.account.break(id, { title: "Connect", message: "Host unreachable" });
  const once = await runCli(["once"], { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: KEY, FIVETRAN_API_SECRET: SECRET, SYNCWATCH_STATE_FILE: statePath });
  expect(once.code).toBe(1);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await sim.close();
});

async function serve(board: ViewSource, password: string | null = null): Promise<string> {
  const server = await serveStatus(board, password);
  servers.push(server);
  return server.url;
}

describe("status --state FILE", () => {
  it("lists what fires grouped by destination, exits 1, and leaves the state files exactly as they were", async () => {
    const before = readdirSync(dir).map((f) => ({ f, bytes: readFileSync(join(dir, f)), mtime: statSync(join(dir, f)).mtimeMs }));
    const r = await runCli(["status", "--state", statePath], {});
    expect(r.code).toBe(1);
    const truth = sim.account.truth() as { id: string; schema: string }[];
    for (const id of broken) expect(r.stdout).toMatch(new RegExp(`critical +setup_broken +${truth.find((c) => c.id === id)!.schema} `));
    expect(r.stdout).toMatch(/^\d+ firing \(\d+ critical, \d+ warning\) as of /);
    const groups = new Set(broken.map((id) => (sim.account.truth().find((c) => c.id === id) as { group_id: string }).group_id));
    for (const g of groups) expect(r.stdout).toMatch(new RegExp(`^${g}: \\d+ firing$`, "m"));
    expect(readdirSync(dir).sort()).toEqual(before.map((b) => b.f).sort());
    for (const b of before) {
      expect(readFileSync(join(dir, b.f))).toEqual(b.bytes);
      expect(statSync(join(dir, b.f)).mtimeMs).toBe(b.mtime);
    }
  });

  it("prints the alerts as JSON with --json", async () => {
    const r = await runCli(["status", "--json", "--state", statePath], {});
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { source: string; alerts: { connection_id: string; condition: string }[] };
    expect(body.source).toBe("state");
    const ids = body.alerts.filter((a) => a.condition === "setup_broken").map((a) => a.connection_id).sort();
    expect(ids).toEqual([...broken].sort());
  });

  it("exits 3 when there is nothing to read, and leaves a file that is not a state alone", async () => {
    const missing = await runCli(["status", "--state", join(dir, "nope.json")], {});
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("no state file at");
    const other = join(dir, "notes.txt");
    writeFileSync(other, "shopping list\n");
    const r = await runCli(["status", "--state", other], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("not a usable syncwatch state file");
    expect(readFileSync(other, "utf8")).toBe("shopping list\n");
  });
});

describe("status --url", () => {
  it("reads every page of the daemon's API and exits 1 when something fires", async () => {
    const many = Array.from({ length: 1500 }, (_, i) => snap({ id: `b${i}`, group_id: `g${i % 4}`, setup_state: "broken" }));
    const url = await serve(boardOf(many));
    const r = await runCli(["status", "--json", "--url", url], {});
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { firing: number }).firing).toBe(1500);
  });

  it("exits 0 when nothing fires", async () => {
    const url = await serve(boardOf([snap({ id: "fine" })]));
    const r = await runCli(["status", "--url", url], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Nothing is firing/);
  });

  it("sends SYNCWATCH_UI_PASSWORD when the daemon asks for one, and says what to set when it is missing", async () => {
    const url = await serve(boardOf(), "pw-for-the-ui");
    const without = await runCli(["status", "--url", url], {});
    expect(without.code).toBe(3);
    expect(without.stderr).toContain("SYNCWATCH_UI_PASSWORD");
    const withIt = await runCli(["status", "--url", url], { SYNCWATCH_UI_PASSWORD: "pw-for-the-ui" });
    expect(withIt.code).toBe(1);
    expect(withIt.stdout).toContain("sf_prod (salesforce)");
    expect(withIt.stdout + withIt.stderr).not.toContain("pw-for-the-ui");
  });

  it("exits 3 when no daemon answers, naming where it looked", async () => {
    const r = await runCli(["status"], { SYNCWATCH_METRICS_PORT: "1" });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("cannot reach syncwatch at http://127.0.0.1:1");
  });
});
