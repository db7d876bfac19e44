// What `webhooks install` and `remove` do to the account's webhooks: pure plans from what Fivetran lists.
import type { FivetranWebhook } from "../fivetran/webhooks.js";

/** The webhook syncwatch wants: its public URL, the events it uses, and its scope (the account, or one group). */
export interface WantedWebhook {
  url: string;
  events: readonly string[];
  groupId: string | null;
}

/** What `install` does: create one, bring an existing one's events and active flag in line, or nothing. */
export type InstallPlan =
  | { kind: "create" }
  | { kind: "update"; webhook: FivetranWebhook; change: { events?: string[]; active?: boolean } }
  | { kind: "unchanged"; webhook: FivetranWebhook };

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** Webhooks of `existing` at `url` in this scope (the account's, or the group's). */
export function matchingWebhooks(existing: readonly FivetranWebhook[], url: string, groupId: string | null): FivetranWebhook[] {
  return existing.filter((w) => sameUrl(w.url, url) && (groupId === null ? w.type === "account" : w.type === "group" && w.group_id === groupId));
}

/** The plan for `install`: idempotent (a webhook already as wanted is left alone). */
export function planInstall(existing: readonly FivetranWebhook[], want: WantedWebhook): InstallPlan {
  const found = matchingWebhooks(existing, want.url, want.groupId)[0];
  if (found === undefined) return { kind: "create" };
  const change: { events?: string[]; active?: boolean } = {};
  const have = new Set(found.events);
  if (have.size !== new Set(want.events).size || want.events.some((e) => !have.has(e))) change.events = [...want.events];
  if (!found.active) change.active = true;
  return Object.keys(change).length === 0 ? { kind: "unchanged", webhook: found } : { kind: "update", webhook: found, change };
}

/** The `active` flag of each webhook feeding `url` (any scope), by id; every webhook's when `url` is null. */
export function activeFlags(existing: readonly FivetranWebhook[], url: string | null): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const w of existing) if (url === null || sameUrl(w.url, url)) out.set(w.id, w.active);
  return out;
}
