// The Alertmanager channel against a real Alertmanager: alerts fire, are re-sent, resolve, and are grouped by its route.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/health/model.js";
import { Refresher } from "../../src/notify/index.js";
import { AlertmanagerNotifier } from "../../src/notify/alertmanager/alertmanager.js";
import { startAlertmanager, type ListedAlert, type RunningAlertmanager } from "../helpers/alertmanager.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { silentLogger } from "../helpers/logs.js";
import { alert, digest } from "./fixtures.js";

const LEASE_MS = 600_000;

/** Alertmanager's own notification to its webhook receiver (the part we read). */
interface AmNotification {
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: { status: "firing" | "resolved"; labels: Record<string, string> }[];
}

let am: RunningAlertmanager;
let hook: Receiver;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  hook = await startReceiver();
  am = await startAlertmanager(
    [
      "route:",
      "  receiver: hook",
      "  group_by: [group_id]",
      "  group_wait: 0s",
      "  group_interval: 1s",
      "  repeat_interval: 1h",
      "receivers:",
      "  - name: hook",
      "    webhook_configs:",
      `      - url: ${hook.url}/am`,
      "        send_resolved: true",
      "",
    ].join("\n"),
  );
}, 30_000);

afterAll(async () => {
  await am?.close();
  await hook?.close();
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A notifier on the real Alertmanager with a clock the test moves (Alertmanager itself keeps real time). */
function notifier(clock: { t: number }, urls = [am.url]): AlertmanagerNotifier {
  const n = new AlertmanagerNotifier({ urls, labels: { team: "data" }, resendIntervalMs: 60_000, leaseMs: LEASE_MS, now: () => clock.t, timeoutMs: 10_000 });
  closers.push(() => n.close());
  return n;
}

async function listed(connectionId: string): Promise<ListedAlert[]> {
  const all = await am.get<ListedAlert[]>("alerts");
  return all.filter((a) => a.labels.connection_id === connectionId || (connectionId === "" && a.labels.alertname === "SyncwatchBlind"));
}

/** Waits for Alertmanager's webhook notification that matches (Alertmanager sends them on its own schedule). */
async function notified(match: (n: AmNotification) => boolean): Promise<AmNotification> {
  for (let seen = 0; ; ) {
    const got = hook.received.map((r) => r.json as AmNotification);
    const found = got.find(match);
    if (found) return found;
    seen = hook.received.length;
    await hook.waitForAccepted(seen + 1, 20_000);
  }
}

describe("Alertmanager channel (real Alertmanager)", () => {
  it("a firing alert is active with syncwatch's labels and annotations, its endsAt leased ahead; the resolve ends it", async () => {
    // syncwatch's clock starts 5 minutes behind Alertmanager's, so that the resolve 2 minutes later is in the past for it.
    const clock = { t: Date.now() - 300_000 };
    const n = notifier(clock);
    const broken = alert({ connection_id: "am1", group_id: "gA", group_name: "Finance warehouse", connection_url: "https://fivetran.com/dashboard/connectors/am1/status", runbook_url: "https://runbooks.example.com/setup" });
    await n.send(digest([broken]));

    const [shown] = await listed("am1");
    expect(shown?.labels).toEqual({
      alertname: "FivetranSetupBroken",
      connection_id: "am1",
      condition: "setup_broken",
      severity: "critical",
      group_id: "gA",
      service: "salesforce",
      team: "data",
    });
    expect(shown?.annotations).toEqual({
      summary: "Setup broken: sf_prod (salesforce)",
      description: broken.summary,
      schema: "sf_prod",
      group_name: "Finance warehouse",
      connection_url: "https://fivetran.com/dashboard/connectors/am1/status",
      runbook_url: "https://runbooks.example.com/setup",
    });
    expect(shown?.status.state).toBe("active");
    expect(Date.parse(shown!.startsAt)).toBe(broken.started_at);
    expect(Date.parse(shown!.endsAt)).toBe(clock.t + LEASE_MS);
    const firing = await notified((m) => m.status === "firing" && m.groupLabels.group_id === "gA");
    expect(firing.alerts.map((a) => a.labels.connection_id)).toEqual(["am1"]);

    clock.t += 120_000;
    await n.send(digest([{ ...broken, status: "resolved", resolved_at: clock.t }]));
    expect(await listed("am1")).toEqual([]);
    const resolved = await notified((m) => m.status === "resolved" && m.groupLabels.group_id === "gA");
    expect(resolved.alerts.map((a) => [a.labels.connection_id, a.status])).toEqual([["am1", "resolved"]]);
  });

  it("groups alerts by Alertmanager's own route (group_by: group_id), watcher_blind included", async () => {
    const clock = { t: Date.now() };
    const n = notifier(clock);
    const blind: Alert = alert({ connection_id: "", condition: "watcher_blind", group_id: "", service: "", schema: "", summary: "no successful cycle for 16m" });
    await n.send(
      digest([
        alert({ connection_id: "g1a", group_id: "grp1" }),
        alert({ connection_id: "g1b", group_id: "grp1", condition: "stale", severity: "warning" }),
        alert({ connection_id: "g2a", group_id: "grp2", condition: "sync_failed" }),
        blind,
      ]),
    );
    const groups = await am.get<{ labels: Record<string, string>; alerts: ListedAlert[] }[]>("alerts/groups");
    const byGroup = Object.fromEntries(
      groups.map((g) => [g.labels.group_id ?? "(none)", g.alerts.map((a) => a.labels.connection_id ?? a.labels.alertname).sort()]),
    );
    expect(byGroup).toMatchObject({ grp1: ["g1a", "g1b"], grp2: ["g2a"] });
    expect(byGroup["(none)"]).toContain("SyncwatchBlind");
    const [watcher] = await listed("");
    expect(watcher?.labels).toEqual({ alertname: "SyncwatchBlind", condition: "watcher_blind", severity: "critical", team: "data" });
  });

  it("the re-send timer extends endsAt while the alert fires, so Alertmanager never resolves a live alert", async () => {
    const clock = { t: Date.now() };
    const n = notifier(clock);
    const live = alert({ connection_id: "live1", group_id: "gL" });
    const quiet = alert({ connection_id: "quiet1", group_id: "gL", condition: "stale", severity: "warning" });
    await n.send(digest([live, quiet]));
    const firstEnd = Date.parse((await listed("live1"))[0]!.endsAt);

    // quiet1 is silenced since; only live1 is re-sent.
    const refresher = new Refresher({
      notifiers: [n],
      firing: () => [live, quiet],
      alerts: { routes: [], silences: [{ match: { connection_id: ["quiet1"] } }] },
      logger: silentLogger(),
      now: () => clock.t,
      setInterval: () => 0,
      clearInterval: () => undefined,
    });
    for (let i = 1; i <= 3; i++) {
      clock.t += 60_000;
      await refresher.tick();
      const [shown] = await listed("live1");
      expect(shown?.status.state).toBe("active");
      expect(Date.parse(shown!.endsAt)).toBe(firstEnd + i * 60_000);
    }
    expect(Date.parse((await listed("quiet1"))[0]!.endsAt)).toBe(firstEnd);
    await refresher.stop();
  });

  it("an HA pair: one instance down still delivers through the other; the test message needs every instance", async () => {
    const second = await startAlertmanager("route:\n  receiver: none\nreceivers:\n  - name: none\n");
    closers.push(() => second.close());
    const clock = { t: Date.now() };
    const n = notifier(clock, [am.url, second.url]);
    await second.stop();
    await n.send(digest([alert({ connection_id: "ha1", group_id: "gH" })]));
    expect((await listed("ha1"))[0]?.status.state).toBe("active");

    await expect(n.sendTest()).rejects.toMatchObject({ code: "notify_failed", retryable: true });
    await second.restart();
    await expect(n.sendTest()).resolves.toBeUndefined();
    const tests = (await second.get<ListedAlert[]>("alerts")).filter((a) => a.labels.alertname === "SyncwatchTest");
    expect(tests[0]?.annotations.summary).toBe("syncwatch test message — not an alert");
  });
});
