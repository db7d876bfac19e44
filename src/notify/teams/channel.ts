// The Microsoft Teams channel's registry entry: `channels.teams`, TEAMS_WEBHOOK_URL, and how its notifier is built.
import * as z from "zod";
import { httpUrl, positiveInt } from "../../config/fields.js";
import { maskUrl } from "../../config/mask.js";
import type { ChannelDescriptor } from "../channel.js";
import { TeamsNotifier } from "./teams.js";

/** `channels.teams` in the config file. */
export const teamsConfigSchema = z.strictObject({
  /** A Workflows webhook URL ("When a Teams webhook request is received"). */
  webhook_url: httpUrl,
  /** Alerts listed in one card at most; the rest, and what does not fit in 28 KB, are summarised as "and N more". */
  max_alerts: positiveInt.default(50),
});

/** Microsoft Teams through a Workflows webhook: one Adaptive Card per digest. */
export const teamsChannel: ChannelDescriptor<"teams", typeof teamsConfigSchema> = {
  name: "teams",
  title: "Microsoft Teams",
  configSchema: teamsConfigSchema,
  env: [{ variable: "TEAMS_WEBHOOK_URL", key: "webhook_url", secret: true }],
  secrets: (c) => {
    const sig = URL.canParse(c.webhook_url) ? new URL(c.webhook_url).searchParams.get("sig") : null;
    return sig ? [c.webhook_url, sig] : [c.webhook_url];
  },
  mask: (c) => ({ ...c, webhook_url: maskUrl(c.webhook_url) }),
  create: (c, deps) => new TeamsNotifier({ webhookUrl: c.webhook_url, maxAlerts: c.max_alerts, timeoutMs: deps.timeoutMs, now: deps.now, logger: deps.logger }),
};
