// The log line of a lifecycle change, naming the connection: "connection added: sf_prod (salesforce, abc123) in group g1".
import type { LifecycleEvent, LifecycleKind } from "./model.js";

const WORDS: Readonly<Record<LifecycleKind, string>> = {
  added: "connection added",
  removed: "connection removed",
  paused: "connection paused",
  resumed: "connection resumed",
  manual: "connection switched to manual syncs",
  automatic: "connection back on its schedule",
  historical_sync_started: "historical sync started",
  rescheduled: "connection rescheduled",
};

/** One line a person can act on: what changed, the connection's name, service, id and group. */
export function lifecycleText(l: LifecycleEvent): string {
  const s = l.snapshot;
  const about = [s.service ?? "unknown service", l.connection_id].join(", ");
  const group = s.group_id ? ` in group ${s.group_id}` : "";
  const when = l.kind === "rescheduled" && s.rescheduled_for !== null ? ` for ${new Date(s.rescheduled_for).toISOString()}` : "";
  return `${WORDS[l.kind]}: ${s.schema ?? l.connection_id} (${about})${group}${when}`;
}
