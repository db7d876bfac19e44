// Which environment variables switch each alert channel on, read from the loader's table of variables.
import { ENV_BINDINGS } from "../config/load.js";

/** Per channel, the variables that configure it, e.g. ["SLACK_WEBHOOK_URL", "SMTP_URL/ALERT_EMAIL_FROM/ALERT_EMAIL_TO", ...]. */
export function channelVariables(): string[] {
  const byChannel = new Map<string, string[]>();
  for (const b of ENV_BINDINGS) {
    if (b.path[0] !== "channels" || b.path[1] === undefined) continue;
    const list = byChannel.get(b.path[1]) ?? [];
    list.push(b.variable);
    byChannel.set(b.path[1], list);
  }
  return [...byChannel.values()].map((vars) => vars.join("/"));
}

/** The warning `run` logs at start when no channel is on. */
export function noChannelWarning(): string {
  return `no alert channel configured: alerts are only logged and exported as metrics (set ${channelVariables().join(", ")}, or channels: in the config file)`;
}
