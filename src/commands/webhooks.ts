// `syncwatch webhooks install|list|remove [--group ID] [--url URL]`: the Fivetran webhook that feeds the receiver.
import { CONFIG_OPTION, stringOption } from "../cli/args.js";
import type { Command } from "../cli/command.js";
import { EXIT } from "../cli/exit-codes.js";
import type { Io } from "../cli/io.js";
import { loadFromArgs } from "../cli/load-config.js";
import type { LoadedConfig } from "../config/load.js";
import { ConfigError, UsageError } from "../errors.js";
import { FivetranClient, FivetranWebhooks, type FivetranWebhook } from "../fivetran/index.js";
import { createLogger } from "../logger.js";
import { SUBSCRIBED_EVENTS } from "../webhooks/event.js";
import { matchingWebhooks, planInstall, type WantedWebhook } from "../webhooks/install.js";
import { VERSION } from "../version.js";

/** What `installWebhook` did, in words a person reads. */
export interface InstallResult {
  action: "created" | "updated" | "unchanged";
  webhook: FivetranWebhook;
  message: string;
}

/** Creates the wanted webhook, or brings an existing one in line; changes nothing when it already is (idempotent). */
export async function installWebhook(api: FivetranWebhooks, want: WantedWebhook, secret: string): Promise<InstallResult> {
  const scope = want.groupId === null ? "account webhook" : `webhook of group ${want.groupId}`;
  const plan = planInstall(await api.list(), want);
  switch (plan.kind) {
    case "unchanged":
      return { action: "unchanged", webhook: plan.webhook, message: `${scope} ${plan.webhook.id} already posts to ${want.url} with syncwatch's events: nothing changed` };
    case "update": {
      const webhook = await api.update(plan.webhook.id, plan.change);
      const what = [plan.change.active ? "re-enabled it" : null, plan.change.events ? `set its events to ${plan.change.events.join(", ")}` : null].filter(Boolean).join(" and ");
      return { action: "updated", webhook, message: `${scope} ${webhook.id} at ${want.url}: ${what}` };
    }
    case "create": {
      const webhook = await api.create({ url: want.url, events: want.events, active: true, secret }, want.groupId);
      return { action: "created", webhook, message: `created ${scope} ${webhook.id} posting ${want.events.length} events to ${want.url} (Fivetran's test event was answered)` };
    }
  }
}

/** `syncwatch webhooks install|list|remove`. */
export const webhooksCommand: Command = {
  name: "webhooks",
  summary: "install, list or remove the Fivetran webhook that feeds the webhook receiver",
  positionals: "install|list|remove",
  options: {
    ...CONFIG_OPTION,
    group: { type: "string", value: "ID", help: "a group's webhook instead of the account's" },
    url: { type: "string", value: "URL", help: "the receiver's public https URL (default webhooks.public_url, SYNCWATCH_WEBHOOK_URL)" },
  },
  details: [
    "install: creates the webhook with the configured secret (FIVETRAN_WEBHOOK_SECRET) and the events syncwatch uses;",
    "  run twice, it changes nothing; a webhook Fivetran disabled is re-enabled. list: every webhook of the account,",
    "  its events and active flag. remove: deletes the webhook posting to the URL. Exit 0, 2 on bad usage or config,",
    "  3 when Fivetran refused or could not be reached.",
  ].join("\n"),
  async run({ values, positionals }, io) {
    const [action, ...extra] = positionals;
    if (action !== "install" && action !== "list" && action !== "remove") {
      throw new UsageError(`webhooks: expected install, list or remove, got ${action === undefined ? "nothing" : `"${action}"`}`);
    }
    if (extra.length > 0) throw new UsageError(`webhooks: unexpected argument "${extra[0]}"`);
    return runWebhooks(action, { group: stringOption(values, "group"), url: stringOption(values, "url") }, loadFromArgs(values, io, true), io);
  },
};

async function runWebhooks(action: "install" | "list" | "remove", opts: { group?: string; url?: string }, loaded: LoadedConfig, io: Io): Promise<number> {
  const { config } = loaded;
  const groupId = opts.group ?? null;
  const url = opts.url ?? config.webhooks.public_url ?? null;
  const client = new FivetranClient({ config: config.fivetran, version: VERSION, logger: createLogger({ level: "silent" }) });
  const api = new FivetranWebhooks(client);
  try {
    if (action === "list") {
      const hooks = await api.list();
      if (hooks.length === 0) io.out("No webhooks on this account. `syncwatch webhooks install` creates syncwatch's.");
      for (const line of webhookTable(hooks, url)) io.out(line);
      return EXIT.ok;
    }
    if (url === null) {
      throw new ConfigError([{ path: "webhooks.public_url (SYNCWATCH_WEBHOOK_URL, or --url)", message: "is required: the https URL Fivetran posts to, ending in /webhooks/fivetran" }]);
    }
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url);
    } catch {
      throw new UsageError(`--url: "${url}" is not a URL`);
    }
    if (action === "remove") {
      const found = matchingWebhooks(await api.list(), url, groupId);
      if (found.length === 0) io.out(`No ${groupId === null ? "account webhook" : `webhook of group ${groupId}`} posts to ${url}: nothing removed.`);
      for (const w of found) {
        await api.remove(w.id);
        io.out(`removed webhook ${w.id} (${w.type}${w.group_id ? ` ${w.group_id}` : ""}) posting to ${w.url}`);
      }
      return EXIT.ok;
    }
    const secret = config.webhooks.secret;
    if (!secret) throw new ConfigError([{ path: "webhooks.secret (FIVETRAN_WEBHOOK_SECRET)", message: "is required: Fivetran signs every event with it" }]);
    if (parsedUrl.protocol !== "https:") io.err(`syncwatch: warning: ${url} is not https; Fivetran only posts to https URLs.`);
    if (!parsedUrl.pathname.endsWith("/webhooks/fivetran")) io.err(`syncwatch: warning: ${url} does not end in /webhooks/fivetran, the receiver's only path.`);
    const result = await installWebhook(api, { url, events: SUBSCRIBED_EVENTS, groupId }, secret);
    io.out(result.message);
    return EXIT.ok;
  } finally {
    await client.close();
  }
}

/** The rows `webhooks list` prints: id, scope, active flag, URL, events; the receiver's own marked. */
export function webhookTable(hooks: readonly FivetranWebhook[], ourUrl: string | null): string[] {
  if (hooks.length === 0) return [];
  const rows = hooks.map((w) => [
    w.id,
    w.type === "group" ? `group ${w.group_id ?? "?"}` : w.type,
    w.active ? "active" : "INACTIVE",
    ourUrl !== null && w.url.replace(/\/+$/, "") === ourUrl.replace(/\/+$/, "") ? `${w.url} (this receiver)` : w.url,
    w.events.join(","),
  ]);
  const header = ["ID", "SCOPE", "ACTIVE", "URL", "EVENTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [fmt(header), ...rows.map(fmt)];
}
