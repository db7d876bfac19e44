// A scripted incident seen through Alertmanager (real), PagerDuty- and Teams-like receivers, with an outage midway.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { startAlertmanager, type ListedAlert, type RunningAlertmanager } from "../helpers/alertmanager.js";
import { freePort } from "../helpers/ports.js";
import { startCli, type Daemon } from "../helpers/cli.js";
import { healthyIds } from "../helpers/sim.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";

const KEY = "k";
const SECRET = "incident-api-secret";
const ROUTING_KEY = "IncidentRoutingKey0123456789abcd";
const TEAMS_SIG = "IncidentTeamsSig-55aa";
const AM_PASS = "IncidentAmPass-77bb";

let sim: Awaited<ReturnType<typeof startSimulator>>;
let am: RunningAlertmanager;
let pd: Receiver;
let teams: Receiver;
let daemon: Daemon;

/** Polls `check` until it holds (the daemon and Alertmanager work on their own schedules). */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms; log tail:\n${daemon.output().slice(-3000)}`);
}

const events = (): { event_action: string; dedup_key: string }[] => pd.accepted.map((g) => g.json as { event_action: string; dedup_key: string });
const triggered = (id: string): boolean => events().some((e) => e.event_action === "trigger" && e.dedup_key === `syncwatch/${id}/setup_broken`);
const resolvedPd = (id: string): boolean => events().some((e) => e.event_action === "resolve" && e.dedup_key === `syncwatch/${id}/setup_broken`);
const inTeams = (id: string, word: string): boolean => teams.accepted.some((g) => g.body.includes(`id ${id}`) && g.body.includes(word));
async function amActive(): Promise<string[]> {
  const all = await am.get<ListedAlert[]>("alerts");
  return all.filter((a) => a.labels.alertname === "FivetranSetupBroken" && a.status.state === "active").map((a) => a.labels.connection_id!).sort();
}

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 300, groups: 3, seed: 5 }), apiKey: KEY, apiSecret: SECRET });
  am = await startAlertmanager("route:\n  receiver: none\n  group_by: [group_id]\nreceivers:\n  - name: none\n");
  pd = await startReceiver('{"status":"success","message":"Event processed"}', "/v2/enqueue");
  pd.fallback = { status: 202, body: '{"status":"success","message":"Event processed"}' };
  teams = await startReceiver("", "/workflows/x/triggers/manual/paths/invoke");
  teams.fallback = { status: 202 };
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-incident-"));
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      "channels:",
      "  alertmanager:",
      `    urls: ["http://am:${AM_PASS}@127.0.0.1:${am.port}"]`,
      "    resend_interval_seconds: 1",
      "    lease_seconds: 4",
      "  delivery:",
      "    max_attempts: 2",
      "    base_delay_ms: 50",
      "    max_delay_ms: 200",
      "",
    ].join("\n"),
  );
  daemon = startCli(["run", "--config", config], {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: KEY,
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: String(await freePort()),
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_URL: pd.url,
    TEAMS_WEBHOOK_URL: `${teams.url}?api-version=2016-06-01&sig=${TEAMS_SIG}`,
    LOG_LEVEL: "debug",
  });
  await daemon.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok"), 20_000);
}, 60_000);

afterAll(async () => {
  daemon?.kill("SIGTERM");
  await daemon?.exited;
  await Promise.all([am?.close(), pd?.close(), teams?.close(), sim?.close()]);
});

it("every alert and every resolve arrives at least once through a channel outage; Alertmanager keeps live alerts; nothing secret is logged", async () => {
  const ids = healthyIds(sim.account).slice(0, 5);
  const [a, b, c, d, e] = ids as [string, string, string, string, string];

  // 1. Three connections break: paged, posted to Teams, active in Alertmanager.
  for (const id of [a, b, c]) sim.account.break(id, { title: "Connect", message: "Host unreachable" });
  await until("first alerts everywhere", async () => [a, b, c].every(triggered) && [a, b, c].every((id) => inTeams(id, "Critical")) && (await amActive()).length === 3);

  // 2. PagerDuty and Teams go down; meanwhile two more break and one is fixed.
  pd.fallback = { status: 503, body: "unavailable" };
  teams.fallback = { status: 503, body: "unavailable" };
  for (const id of [d, e]) sim.account.break(id, { title: "Connect", message: "Host unreachable" });
  sim.account.fix(a);
  await until("the outage is noticed and the digests kept", () =>
    daemon.logs().some((l) => l.channel === "pagerduty" && l.msg === "notification failed; kept for the next cycle"),
  );
  // Alertmanager, still up, follows along; its re-sends keep b..e alive beyond their 4 s lease.
  await until("Alertmanager follows", async () => (await amActive()).join() === [b, c, d, e].sort().join());
  await new Promise((r) => setTimeout(r, 5000));
  expect(await amActive()).toEqual([b, c, d, e].sort());

  // 3. The channels come back: what was kept arrives.
  pd.fallback = { status: 202, body: '{"status":"success"}' };
  teams.fallback = { status: 202 };
  await until("kept digests delivered", () => [d, e].every(triggered) && resolvedPd(a) && [d, e].every((id) => inTeams(id, "Critical")) && inTeams(a, "Resolved"));

  // 4. All fixed: every resolve arrives everywhere.
  for (const id of [b, c, d, e]) sim.account.fix(id);
  await until("resolves everywhere", async () => [a, b, c, d, e].every(resolvedPd) && [b, c, d, e].every((id) => inTeams(id, "Resolved")) && (await amActive()).length === 0);

  const log = daemon.output();
  for (const s of [SECRET, ROUTING_KEY, TEAMS_SIG, AM_PASS]) expect(log, `${s.slice(0, 6)}… leaked`).not.toContain(s);
  daemon.kill("SIGTERM");
  expect((await daemon.exited).code).toBe(0);
}, 120_000);
