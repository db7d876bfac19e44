// Writes the per-connection families and `syncwatch_alert` from one published view, in blocks that yield to the event loop.
import type { AlertRecord, ConnectionRecord } from "../health/model.js";
import { escapeLabelValue as esc, familyHeader, formatValue } from "./exposition.js";
import * as N from "./names.js";

/** What the metrics are rebuilt from at scrape time: the state after the last successful cycle. */
export interface MetricsView {
  connections: ReadonlyMap<string, ConnectionRecord>;
  alerts: ReadonlyMap<string, AlertRecord>;
  /** End of the last successful cycle (epoch ms), when known (it survives restarts through the saved state). */
  last_success_at?: number | null;
}

/** How `buildConnectionFamilies` splits its work. */
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

/**
 * Writes the per-connection families and `syncwatch_alert` as exposition text chunks (each ends in a line feed;
 * HELP and TYPE once per family). Reads only `view`; yields between blocks so a large account does not stall the process.
 */
export async function buildConnectionFamilies(view: MetricsView, opts: BuildOptions = {}): Promise<string[]> {
  const blockSize = Math.max(1, opts.blockSize ?? 2000);
  const yieldToLoop = opts.yieldToLoop ?? nextTick;
  // Copy first: the view's maps may be replaced (never should be mutated) while this runs across turns.
  const records = Array.from(view.connections.values());
  const alerts = Array.from(view.alerts.values());

  const parts: string[][] = FAMILIES.map(([name, help]) => [familyHeader(name, help, "gauge")]);
  for (let start = 0; start < records.length; start += blockSize) {
    if (start > 0) await yieldToLoop();
    const end = Math.min(records.length, start + blockSize);
    // Lines go into arrays joined once per block: flat strings, not ropes of a million pieces that the
    // socket write would have to flatten (and the heap to hold) all at once.
    const lines: string[][] = [[], [], [], [], [], [], [], [], []];
    const [info, setup, sync, update, paused, warnings, tasks, success, failure] = lines as [string[], string[], string[], string[], string[], string[], string[], string[], string[]];
    for (let i = start; i < end; i++) {
      const s = records[i]!.snapshot;
      const id = `{connection_id="${esc(String(s.id))}"`;
      info.push(`${N.CONNECTION_INFO}${id},group_id="${esc(str(s.group_id))}",service="${esc(str(s.service))}",schema="${esc(str(s.schema))}"} 1\n`);
      if (typeof s.setup_state === "string") setup.push(`${N.CONNECTION_SETUP_STATE}${id},state="${esc(s.setup_state)}"} 1\n`);
      if (typeof s.sync_state === "string") sync.push(`${N.CONNECTION_SYNC_STATE}${id},state="${esc(s.sync_state)}"} 1\n`);
      if (typeof s.update_state === "string") update.push(`${N.CONNECTION_UPDATE_STATE}${id},state="${esc(s.update_state)}"} 1\n`);
      if (typeof s.paused === "boolean") paused.push(`${N.CONNECTION_PAUSED}${id}} ${s.paused ? 1 : 0}\n`);
      warnings.push(`${N.CONNECTION_WARNINGS}${id}} ${Array.isArray(s.warnings) ? s.warnings.length : 0}\n`);
      tasks.push(`${N.CONNECTION_TASKS}${id}} ${Array.isArray(s.tasks) ? s.tasks.length : 0}\n`);
      if (typeof s.succeeded_at === "number") success.push(`${N.CONNECTION_LAST_SUCCESS}${id}} ${formatValue(s.succeeded_at / 1000)}\n`);
      if (typeof s.failed_at === "number") failure.push(`${N.CONNECTION_LAST_FAILURE}${id}} ${formatValue(s.failed_at / 1000)}\n`);
    }
    for (let f = 0; f < lines.length; f++) if (lines[f]!.length > 0) parts[f]!.push(lines[f]!.join(""));
  }

  const firing = [familyHeader(N.ALERT, ALERT_HELP, "gauge")];
  for (let start = 0; start < alerts.length; start += blockSize) {
    if (start > 0 || records.length > blockSize) await yieldToLoop();
    const end = Math.min(alerts.length, start + blockSize);
    let text = "";
    for (let i = start; i < end; i++) {
      const a = alerts[i]!;
      if (a.phase !== "firing") continue;
      text += `${N.ALERT}{connection_id="${esc(String(a.connection_id))}",condition="${esc(String(a.condition))}",severity="${esc(String(a.severity))}"} 1\n`;
    }
    if (text !== "") firing.push(text);
  }
  return [...parts.flat(), ...firing];
}

function str(value: string | null): string {
  return typeof value === "string" ? value : "";
}
