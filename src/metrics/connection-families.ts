// Writes the per-connection families and `syncwatch_alert` from one published view, a block at a time, yielding to the event loop.
import type { AlertRecord, ConnectionRecord, ConnectionSnapshot } from "../health/model.js";
import { escapeLabelValue as esc, familyHeader, formatValue } from "./exposition.js";
import * as N from "./names.js";

/** What the metrics are rebuilt from at scrape time: the state after the last successful cycle. */
export interface MetricsView {
  connections: ReadonlyMap<string, ConnectionRecord>;
  alerts: ReadonlyMap<string, AlertRecord>;
  /** End of the last successful cycle (epoch ms), when known (it survives restarts through the saved state). */
  last_success_at?: number | null;
}

/** How `connectionFamilies` splits its work. */
export interface BuildOptions {
  /** Connections written between two yields to the event loop (default 2,000). */
  blockSize?: number;
  /** Lets other work run between blocks (default: `setImmediate`). */
  yieldToLoop?: () => Promise<void>;
}

const REFRESH = "Refreshed once per poll cycle.";

/** The per-connection families in exposition order, with their help texts. */
const FAMILIES = [
  [N.CONNECTION_INFO, `Known Fivetran connection (always 1), with its group, service and schema. ${REFRESH}`],
  [N.CONNECTION_SETUP_STATE, `Setup state of the connection (status.setup_state): 1 for the current state only. ${REFRESH}`],
  [N.CONNECTION_SYNC_STATE, `Sync state of the connection (status.sync_state): 1 for the current state only. ${REFRESH}`],
  [N.CONNECTION_UPDATE_STATE, `Update state of the connection (status.update_state): 1 for the current state only. ${REFRESH}`],
  [N.CONNECTION_PAUSED, `Whether the connection is paused (1) or not (0). ${REFRESH}`],
  [N.CONNECTION_WARNINGS, `Number of warnings on the connection (status.warnings). ${REFRESH}`],
  [N.CONNECTION_TASKS, `Number of tasks on the connection that need a user's action (status.tasks). ${REFRESH}`],
  [N.CONNECTION_LAST_SUCCESS, `Time of the connection's last successful sync (succeeded_at), absent if none. ${REFRESH}`],
  [N.CONNECTION_LAST_FAILURE, `Time of the connection's last failed sync (failed_at), absent if none. ${REFRESH}`],
] as const;

const ALERT_HELP = `Alert firing for a connection and condition (always 1; watcher_blind has connection_id ""). ${REFRESH}`;

/** Waits for the next turn of the event loop, after pending I/O. */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type Line = (s: ConnectionSnapshot, id: string) => string;

/** One sample line of each family in FAMILIES (same order) for a snapshot, or "" when that series is absent. */
const LINES: readonly Line[] = [
  (s, id) => `${N.CONNECTION_INFO}${id},group_id="${esc(str(s.group_id))}",service="${esc(str(s.service))}",schema="${esc(str(s.schema))}"} 1\n`,
  (s, id) => (typeof s.setup_state === "string" ? `${N.CONNECTION_SETUP_STATE}${id},state="${esc(s.setup_state)}"} 1\n` : ""),
  (s, id) => (typeof s.sync_state === "string" ? `${N.CONNECTION_SYNC_STATE}${id},state="${esc(s.sync_state)}"} 1\n` : ""),
  (s, id) => (typeof s.update_state === "string" ? `${N.CONNECTION_UPDATE_STATE}${id},state="${esc(s.update_state)}"} 1\n` : ""),
  (s, id) => (typeof s.paused === "boolean" ? `${N.CONNECTION_PAUSED}${id}} ${s.paused ? 1 : 0}\n` : ""),
  (s, id) => `${N.CONNECTION_WARNINGS}${id}} ${Array.isArray(s.warnings) ? s.warnings.length : 0}\n`,
  (s, id) => `${N.CONNECTION_TASKS}${id}} ${Array.isArray(s.tasks) ? s.tasks.length : 0}\n`,
  (s, id) => (typeof s.succeeded_at === "number" ? `${N.CONNECTION_LAST_SUCCESS}${id}} ${formatValue(s.succeeded_at / 1000)}\n` : ""),
  (s, id) => (typeof s.failed_at === "number" ? `${N.CONNECTION_LAST_FAILURE}${id}} ${formatValue(s.failed_at / 1000)}\n` : ""),
];

/**
 * Writes the per-connection families and `syncwatch_alert` as exposition text, one family after the other (HELP and
 * TYPE once per family), in pieces of `blockSize` connections that each end in a line feed. The consumer pulls one
 * piece at a time, so a large account is never held as one text: a scrape of 100,000 connections (~65 MB) needs only
 * a block in memory, and a slow scraper slows the rendering instead of filling the heap. Reads only `view` (copied
 * first, so a cycle that publishes meanwhile does not mix two states); yields to the event loop between pieces.
 */
export async function* connectionFamilies(view: MetricsView, opts: BuildOptions = {}): AsyncGenerator<string> {
  const blockSize = Math.max(1, opts.blockSize ?? 2000);
  const yieldToLoop = opts.yieldToLoop ?? nextTick;
  const records = Array.from(view.connections.values());
  const alerts = Array.from(view.alerts.values());

  let pieces = 0;
  for (let f = 0; f < FAMILIES.length; f++) {
    const [name, help] = FAMILIES[f]!;
    const line = LINES[f]!;
    let text = familyHeader(name, help, "gauge");
    for (let start = 0; start < records.length; start += blockSize) {
      if (pieces++ > 0) await yieldToLoop();
      const end = Math.min(records.length, start + blockSize);
      // Lines joined once per block: a flat string, not a rope of thousands of pieces.
      const lines: string[] = [];
      for (let i = start; i < end; i++) {
        const s = records[i]!.snapshot;
        const sample = line(s, `{connection_id="${esc(String(s.id))}"`);
        if (sample !== "") lines.push(sample);
      }
      yield text + lines.join("");
      text = "";
    }
    if (text !== "") yield text;
  }

  let text = familyHeader(N.ALERT, ALERT_HELP, "gauge");
  for (let start = 0; start < alerts.length; start += blockSize) {
    if (pieces++ > 0) await yieldToLoop();
    const end = Math.min(alerts.length, start + blockSize);
    for (let i = start; i < end; i++) {
      const a = alerts[i]!;
      if (a.phase !== "firing") continue;
      text += `${N.ALERT}{connection_id="${esc(String(a.connection_id))}",condition="${esc(String(a.condition))}",severity="${esc(String(a.severity))}"} 1\n`;
    }
    yield text;
    text = "";
  }
  if (text !== "") yield text;
}

function str(value: string | null): string {
  return typeof value === "string" ? value : "";
}
