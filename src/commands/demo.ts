// `syncwatch demo`: the daemon against the built-in simulator with scripted incidents, no account needed.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "../cli/command.js";
import { intOption } from "../cli/args.js";
import { channelVariables } from "../cli/channel-variables.js";
import { runDaemon } from "../app.js";
import { loadConfig } from "../config/load.js";
import { FivetranClient, FivetranWebhooks } from "../fivetran/index.js";
import { createLogger } from "../logger.js";
import { VERSION } from "../version.js";
import { SUBSCRIBED_EVENTS } from "../webhooks/event.js";
import { installWebhook } from "./webhooks.js";

/** `syncwatch demo`. */
export const demoCommand: Command = {
  name: "demo",
  summary: "run the daemon against the built-in simulator with scripted incidents",
  options: {
    connections: { type: "string", value: "N", help: "connections in the simulated account (default 300)" },
    groups: { type: "string", value: "N", help: "groups they are spread over (default 8)" },
    port: { type: "string", value: "N", help: "metrics port (default 9464, or a free one if it is taken)" },
    "interval-seconds": { type: "string", value: "N", help: "seconds between cycles (default 120 with webhooks, 5 with --no-push)" },
    "no-push": { type: "boolean", help: "poll only: no webhook receiver, no pushed events" },
  },
  details: "Stops on Ctrl-C. Alerts also go to Slack, email or a webhook when their variables are set.",
  async run({ values: v }, io) {
    const { SimAccount, runScenario, demoScenario, startSimulator } = await import("../simulator/index.js");
    const connections = intOption(v, "connections", 300, 10);
    const push = v["no-push"] !== true;
    // With webhooks the schedule is slow on purpose: the alerts that arrive within seconds came by push.
    const interval = intOption(v, "interval-seconds", push ? 120 : 5, 1);
    const account = new SimAccount({ connections, groups: intOption(v, "groups", 8, 1), seed: 7, brokenFraction: 0.01 });
    const apiKey = "demo-api-key";
    const apiSecret = "demo-api-secret";
    const sim = await startSimulator({ account, host: "127.0.0.1", port: 0, apiKey, apiSecret });
    const stateDir = mkdtempSync(join(tmpdir(), "syncwatch-state-"));
    const webhookPort = push ? await portOr(9465) : 0;
    const webhookUrl = `http://127.0.0.1:${webhookPort}/webhooks/fivetran`;
    const env: Record<string, string | undefined> = {
      ...io.env,
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: apiKey,
      FIVETRAN_API_SECRET: apiSecret,
      SYNCWATCH_SCHEDULE: interval < 60 ? `*/${interval} * * * * *` : `*/${Math.round(interval / 60)} * * * *`,
      SYNCWATCH_STATE_FILE: join(stateDir, "state.json"),
      SYNCWATCH_METRICS_PORT: v.port !== undefined ? String(intOption(v, "port", 9464)) : (io.env.SYNCWATCH_METRICS_PORT ?? String(await portOr(9464))),
      SYNCWATCH_METRICS_HOST: io.env.SYNCWATCH_METRICS_HOST ?? "127.0.0.1",
      ...(push
        ? { FIVETRAN_WEBHOOK_SECRET: randomBytes(24).toString("hex"), SYNCWATCH_WEBHOOK_PORT: String(webhookPort), SYNCWATCH_WEBHOOK_HOST: "127.0.0.1", SYNCWATCH_WEBHOOK_URL: webhookUrl }
        : {}),
    };
    const loaded = loadConfig({ file: null, env });
    const logger = createLogger({ level: loaded.config.log_level, secrets: loaded.secrets, pretty: true });
    const port = loaded.config.server.port;
    io.out(
      [
        `syncwatch demo: a simulated Fivetran account with ${connections} connections over ${account.groupIds().length} groups at ${sim.url}.`,
        `The daemon polls it every ${interval} s; a scripted incident timeline (breaks, failures, delays, warnings, a stale`,
        `connection, a pause, a removal) plays over about 90 seconds, and alerts print below as they fire and resolve.`,
        ...(push
          ? [
              `The simulator also pushes signed webhook events to syncwatch's receiver (${webhookUrl}), as Fivetran does:`,
              `most alerts arrive within seconds, long before the next poll (only staleness, which no event reports, waits for it).`,
            ]
          : []),
        `Status page: http://127.0.0.1:${port}/   metrics: /metrics   health: /healthz /readyz   state: ${stateDir}`,
        `Alerts go to a channel too if you set its variable: ${channelVariables().join(", ")}.`,
        `Press Ctrl-C to stop.`,
        ``,
      ].join("\n"),
    );
    const stopScenario = runScenario(account, demoScenario(account), { onStep: (s) => logger.info(`[scenario] ${s.note}`) });
    try {
      return await runDaemon(loaded, logger, undefined, false, async (receiver) => {
        if (receiver === null || !loaded.config.webhooks.secret) return;
        // The same code as `syncwatch webhooks install`, against the simulator.
        const client = new FivetranClient({ config: loaded.config.fivetran, version: VERSION, logger });
        try {
          const result = await installWebhook(new FivetranWebhooks(client), { url: webhookUrl, events: SUBSCRIBED_EVENTS, groupId: null }, loaded.config.webhooks.secret);
          logger.info(`[demo] ${result.message}`);
        } catch (err) {
          logger.error(`[demo] install the webhook on the simulator: ${err instanceof Error ? err.message : String(err)}; alerts come by polling only`);
        } finally {
          await client.close();
        }
      });
    } finally {
      stopScenario();
      await sim.close();
    }
  },
};

/** `preferred` when it is free on 127.0.0.1, otherwise a free port (the demo should start whatever else runs). */
async function portOr(preferred: number): Promise<number> {
  const tryListen = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, "127.0.0.1", () => {
        const got = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? preferred;
}
