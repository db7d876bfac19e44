// Alerts people can act on, on the simulator with real receivers: names and links, one cause one alert, grouped digests.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/logger.js";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { MemoryStore } from "../../src/store/index.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";
import { healthyIds } from "../helpers/sim.js";
import { promtoolCheck } from "../metrics/promtool.js";

interface Item {
  status: string;
  connection_id: string;
  condition: string;
  group_id: string;
  group_name: string | null;
  connection_url: string | null;
  runbook_url: string | null;
  summary: string;
}

const T0 = Date.parse("2026-11-23T08:00:00Z");
let clock = T0;
const now = (): number => clock;
const instant = (): Promise<void> => Promise.resolve();

let sim: Awaited<ReturnType<typeof startSimulator>>;
let webhook: Receiver;
let slack: Receiver;
let app: App;
let seenWebhook = 0;
let seenSlack = 0;

/** Runs one cycle `advanceMs` after the previous one; returns the webhook items and the Slack messages it produced. */
async function cycle(advanceMs = 5 * 60_000): Promise<{ lines: string[]; items: Item[]; slack: { text: string; blocks: { type: string; text?: { text: string } }[] }[] }> {
  clock += advanceMs;
  await app.watcher.cycle();
  const items = webhook.accepted.slice(seenWebhook).flatMap((r) => (r.json as { alerts: Item[] }).alerts);
  const messages = slack.accepted.slice(seenSlack).map((r) => r.json as { text: string; blocks: { type: string; text?: { text: string } }[] });
  seenWebhook = webhook.accepted.length;
  seenSlack = slack.accepted.length;
  const lines = items.map((a) => `${a.status} ${a.condition} ${a.connection_id}`).sort();
  return { lines, items, slack: messages };
}

function groupOf(id: string): { id: string; name: string } {
  const item = sim.account.truth().find((c) => c.id === id) as { group_id: string };
  const group = sim.account.groupItems().find((g) => g.id === item.group_id)!;
  return { id: group.id, name: group.name };
}

beforeAll(async () => {
  const account = new SimAccount({ connections: 400, groups: 4, seed: 21, now });
  sim = await startSimulator({ account, apiKey: "k", apiSecret: "alerts-secret" });
  webhook = await startReceiver();
  slack = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-alerts-"));
  const file = join(dir, "config.yaml");
  writeFileSync(
    file,
    [
      "alerts:",
      "  links:",
      "    runbooks:",
      "      - match: { condition: [setup_broken] }",
      "        url: https://wiki.example.com/runbooks/{condition}",
    ].join("\n"),
  );
  const loaded = loadConfig({
    file,
    env: {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: "k",
      FIVETRAN_API_SECRET: "alerts-secret",
      ALERT_WEBHOOK_URL: webhook.url,
      SLACK_WEBHOOK_URL: slack.url,
    },
  });
  app = buildApp(loaded, createLogger({ level: "silent" }), { now, sleep: instant, store: new MemoryStore() });
  await app.watcher.init();
  await cycle(); // the baseline: whatever the generated account already has
});
afterAll(async () => {
  await app.close();
  await Promise.all([sim.close(), webhook.close(), slack.close()]);
});

describe("alerts people can act on", () => {
  it("a connection that breaks, then fails, then goes stale gives one alert until its setup is fixed, then the ones still true", async () => {
    const [x] = healthyIds(sim.account) as [string];
    const group = groupOf(x);

    sim.account.break(x, { title: "Validate Login", message: "Invalid login credentials." });
    const broke = await cycle();
    expect(broke.lines).toEqual([`firing setup_broken ${x}`]);
    expect(broke.items[0]).toMatchObject({
      group_id: group.id,
      group_name: group.name,
      connection_url: `https://fivetran.com/dashboard/connectors/${x}/status`,
      runbook_url: "https://wiki.example.com/runbooks/setup_broken",
      summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
    });
    const section = broke.slack[0]!.blocks.find((b) => b.type === "section")!.text!.text;
    expect(section).toContain(`group *${group.name}*`);
    expect(section).toContain(`<https://fivetran.com/dashboard/connectors/${x}/status|Open in Fivetran>`);
    expect(section).toContain("<https://wiki.example.com/runbooks/setup_broken|Runbook>");

    sim.account.fail(x);
    expect((await cycle()).lines).toEqual([]);
    // Published for the status page and the re-sender: held back, never sent (so Alertmanager is not told either).
    expect(app.watcher.firing().find((a) => a.connection_id === x && a.condition === "sync_failed")).toMatchObject({
      held: "inhibited",
      sent: false,
      group_name: group.name,
    });
    // The status page and /api/v1/* read the same: held back, and why.
    const view = app.status.view()!;
    expect(view.alerts.find((a) => a.connection_id === x && a.condition === "sync_failed")).toMatchObject({ held: "inhibited", group_name: group.name });
    expect(view.counts.held_by_reason.inhibited).toBeGreaterThanOrEqual(1);
    sim.account.makeStale(x, 72);
    expect((await cycle()).lines).toEqual([]);
    // Four hours on: the reminder of the break, and nothing about the failure or the staleness it caused.
    expect((await cycle(4 * 3_600_000)).items.filter((a) => a.connection_id === x).map((a) => `${a.status} ${a.condition}`)).toEqual(["firing setup_broken"]);

    const metrics = await app.metrics.render();
    expect(metrics).toContain(`syncwatch_alert_held{connection_id="${x}",condition="sync_failed",reason="inhibited"} 1`);
    expect(metrics).toContain(`syncwatch_alert_held{connection_id="${x}",condition="stale",reason="inhibited"} 1`);
    expect(metrics).toContain(`syncwatch_alert{connection_id="${x}",condition="stale",severity="warning"} 1`);
    expect(metrics).toContain(`fivetran_group_info{group_id="${group.id}",group_name="${group.name}"} 1`);
    expect(metrics).toMatch(/syncwatch_api_requests_total\{endpoint="groups",code="200"\} [1-9]/);
    expect(await promtoolCheck(metrics)).toEqual({ code: 0, output: "" });

    // The setup is fixed but the sync still fails: the break resolves and the failure, still true, is sent now.
    sim.account.fix(x);
    clock += 1;
    sim.account.fail(x);
    expect((await cycle()).lines).toEqual([`firing sync_failed ${x}`, `resolved setup_broken ${x}`]);
    expect(await app.metrics.render()).not.toContain(`syncwatch_alert_held{connection_id="${x}"`);

    sim.account.fix(x);
    expect((await cycle()).lines).toEqual([`resolved sync_failed ${x}`]);
  });

  it("a warehouse-wide outage reads as one line per destination in Slack; the webhook still lists every alert", async () => {
    const healthy = healthyIds(sim.account);
    const target = groupOf(healthy[0]!);
    const inGroup = healthy.filter((id) => groupOf(id).id === target.id).slice(0, 30);
    const other = healthy.find((id) => groupOf(id).id !== target.id)!;
    for (const id of [...inGroup, other]) sim.account.fail(id);

    const out = await cycle();
    expect(out.items).toHaveLength(31);
    expect(out.items.every((a) => a.group_name !== null && a.connection_url === `https://fivetran.com/dashboard/connectors/${a.connection_id}/status`)).toBe(true);
    expect(out.slack).toHaveLength(1);
    const byDestination = out.slack[0]!.blocks.find((b) => b.text?.text.startsWith("*By destination*"))!.text!.text;
    const otherGroup = groupOf(other);
    expect(byDestination).toBe(
      [
        "*By destination*",
        `• ${target.name} (${target.id}): 30 firing (30 critical)`,
        `• ${otherGroup.name} (${otherGroup.id}): 1 firing (1 critical)`,
      ].join("\n"),
    );
    for (const id of [...inGroup, other]) sim.account.fix(id);
    expect((await cycle()).items).toHaveLength(31);
  });
});
