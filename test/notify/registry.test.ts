// The channel registry: each entry alone gives its config key, env variables, secret masking, routes and notifier.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectSecrets, ENV_BINDINGS, loadConfig, maskConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { CHANNELS, CHANNEL_NAMES, createNotifiers, type ChannelName } from "../../src/notify/index.js";
import { silentLogger } from "../helpers/logs.js";

/** Enough environment to switch each channel on; its secret values must never be printed. Typed: a new channel needs a row. */
const SAMPLES: Record<ChannelName, { env: Record<string, string>; secrets: string[] }> = {
  slack: { env: { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/SLACKSECRET1" }, secrets: ["SLACKSECRET1"] },
  email: {
    env: { SMTP_URL: "smtp://mailer:MAILSECRET2@127.0.0.1:2525", ALERT_EMAIL_FROM: "sw@example.com", ALERT_EMAIL_TO: "a@example.com, b@example.com" },
    secrets: ["MAILSECRET2"],
  },
  webhook: { env: { ALERT_WEBHOOK_URL: "https://alerts.example.com/hook?token=HOOKSECRET3" }, secrets: ["HOOKSECRET3"] },
  alertmanager: {
    env: { ALERTMANAGER_URL: "http://am:AMSECRET4@127.0.0.1:9093/am, http://127.0.0.1:9094" },
    secrets: ["AMSECRET4"],
  },
  pagerduty: { env: { PAGERDUTY_ROUTING_KEY: "R0UTINGKEYSECRET5abcdef0123456789" }, secrets: ["R0UTINGKEYSECRET5abcdef0123456789"] },
  teams: {
    env: { TEAMS_WEBHOOK_URL: "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TEAMSSIGSECRET6" },
    secrets: ["TEAMSSIGSECRET6"],
  },
};

describe("the channel registry", () => {
  it("lists every channel once, and every variable once across all of syncwatch", () => {
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNELS.length);
    const variables = ENV_BINDINGS.map((b) => b.variable);
    expect(new Set(variables).size).toBe(variables.length);
    for (const c of CHANNELS) for (const e of c.env) expect(variables).toContain(e.variable);
  });

  for (const channel of CHANNELS) {
    const sample = SAMPLES[channel.name];

    it(`${channel.name}: its variables switch it on and build its notifier; nothing else is on`, async () => {
      const loaded = loadConfig({ env: sample.env });
      expect(Object.keys(loaded.config.channels).filter((k) => k !== "delivery")).toEqual([channel.name]);
      for (const variable of Object.keys(sample.env)) expect([...loaded.fromEnv.values()]).toContain(variable);
      const notifiers = createNotifiers(loaded.config.channels, { logger: silentLogger() });
      expect(notifiers.map((n) => n.name)).toEqual([channel.name]);
      for (const n of notifiers) await n.close?.();
    });

    it(`${channel.name}: its secrets are scrubbed from logs and masked in the printed config`, () => {
      const loaded = loadConfig({ env: sample.env });
      const printed = JSON.stringify(maskConfig(loaded.config));
      for (const secret of sample.secrets) {
        expect(printed).not.toContain(secret);
        expect(loaded.secrets.some((s) => s.includes(secret))).toBe(true);
      }
      expect(collectSecrets(loaded.config)).toEqual(loaded.secrets);
    });

    it(`${channel.name}: a route may name it once it is configured, and not before`, () => {
      const file = `alerts:\n  routes:\n    - match: { severity: [critical] }\n      channels: [${channel.name}]\n`;
      expect(() => loadConfig({ env: sample.env, file: "c.yaml", readFile: () => file })).not.toThrow();
      let error: unknown;
      try {
        loadConfig({ env: {}, file: "c.yaml", readFile: () => file });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([
        { path: "alerts.routes[0].channels", message: `channel "${channel.name}" is not configured under channels.${channel.name}` },
      ]);
    });
  }

  it("rejects a route to a channel that does not exist, naming the key", () => {
    const file = "alerts:\n  routes:\n    - match: {}\n      channels: [carrier_pigeon]\n";
    expect(() => loadConfig({ env: {}, file: "c.yaml", readFile: () => file })).toThrow(/alerts\.routes\[0\]\.channels\[0\]/);
  });
});

describe("config/syncwatch.example.yaml", () => {
  const example = readFileSync("config/syncwatch.example.yaml", "utf8");

  for (const channel of CHANNELS) {
    it(`documents channels.${channel.name}; its block, uncommented, is a valid config naming every variable`, () => {
      const lines = example.split("\n");
      const start = lines.findIndex((l) => l.startsWith(`  # ${channel.name}:`));
      expect(start).toBeGreaterThan(0);
      const block = [`  ${channel.name}:`];
      for (const l of lines.slice(start + 1)) {
        if (!l.startsWith("  #   ")) break;
        const text = l.slice(4).replace(/\s+#.*$/, "");
        if (text.trim() !== "") block.push(`  ${text}`);
      }
      const file = `channels:\n${block.join("\n")}\n`;
      const { config } = loadConfig({ env: {}, file: "c.yaml", readFile: () => file });
      expect(config.channels[channel.name]).toBeDefined();
      const documented = lines.slice(start, start + block.length + 8).join("\n");
      for (const e of channel.env) expect(documented).toContain(e.variable);
    });
  }
});
