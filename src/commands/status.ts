// `syncwatch status`: what is firing now, read from the running daemon's API or from a state file; changes nothing.
import { CONFIG_OPTION, stringOption, type OptionValues } from "../cli/args.js";
import type { Command } from "../cli/command.js";
import { EXIT } from "../cli/exit-codes.js";
import type { Io } from "../cli/io.js";
import { loadFromArgs } from "../cli/load-config.js";
import type { Config } from "../config/schema.js";
import { UsageError, errorMessage } from "../errors.js";
import { alertKey, formatDuration, formatTime, holdPolicyFromConfig, holdReasons, toAlert } from "../health/index.js";
import { compileLinks, describeAlert } from "../notify/index.js";
import { readStateReadOnly } from "../store/index.js";
import { alertJson, type AlertJson, type AlertView } from "../web/index.js";

/** One firing alert as the API gives it (ISO times). */
type AlertItem = AlertJson;

/** What was read, from either source. */
interface Reading {
  source: "api" | "state";
  from: string;
  /** When the data was current: the view's time (API) or the last good cycle's end (state file). */
  as_of: string | null;
  alerts: AlertItem[];
  /** One line about the last cycle, when the daemon said. */
  cycle: string | null;
}

/** A failure to read anything: exit 3 with this message. */
class NothingToRead extends Error {}

/** `syncwatch status`. */
export const statusCommand: Command = {
  name: "status",
  summary: "what is firing now, from the running daemon (--url) or a state file (--state); sends and changes nothing",
  options: {
    ...CONFIG_OPTION,
    url: { type: "string", value: "URL", help: "the daemon's server (default http://127.0.0.1:<SYNCWATCH_METRICS_PORT>)" },
    state: { type: "string", value: "FILE", help: "read this state file instead (read-only: no lock, nothing moved or written)" },
    json: { type: "boolean", help: "print the firing alerts as JSON" },
    password: { type: "string", value: "PASSWORD", help: "the status page's password (default SYNCWATCH_UI_PASSWORD)" },
    "timeout-seconds": { type: "string", value: "N", help: "how long to wait for the daemon (default 10)" },
  },
  details: "Exit codes: 0 nothing is firing, 1 something is firing, 2 bad usage or config, 3 nothing to read (no daemon, no state).",
  run: ({ values }, io) => status(values, io, Date.now),
};

/** Runs `syncwatch status [--json] [--url URL | --state FILE]`; resolves to the exit code. */
export async function status(values: OptionValues, io: Io, now: () => number): Promise<number> {
  const url = stringOption(values, "url");
  const state = stringOption(values, "state");
  if (url !== undefined && state !== undefined) throw new UsageError("--url and --state: give one of them (the daemon's API, or a state file)");
  const timeoutMs = timeout(stringOption(values, "timeout-seconds"));
  // The config only gives defaults here (port, password, silences): no credentials needed, nothing is called.
  const config = loadFromArgs(values, io, false).config;
  let reading: Reading;
  try {
    reading =
      state !== undefined
        ? await fromState(state, config, now())
        : await fromApi(url ?? defaultUrl(config), stringOption(values, "password") ?? config.server.ui_password ?? null, timeoutMs);
  } catch (err) {
    if (!(err instanceof NothingToRead)) throw err;
    io.err(`syncwatch status: ${err.message}`);
    return EXIT.unreadable;
  }
  if (values.json === true) io.out(JSON.stringify({ source: reading.source, from: reading.from, as_of: reading.as_of, firing: reading.alerts.length, alerts: reading.alerts }, null, 2));
  else io.out(render(reading, now()));
  return reading.alerts.length > 0 ? EXIT.firing : EXIT.ok;
}

function timeout(raw: string | undefined): number {
  if (raw === undefined) return 10_000;
  const n = Number(raw);
  if (!(n > 0 && n <= 600)) throw new UsageError(`--timeout-seconds: expected a number of seconds from 1 to 600, got "${raw}"`);
  return n * 1000;
}

/** The local server of this config: loopback unless it binds one address only. */
function defaultUrl(config: Config): string {
  const h = config.server.host;
  const host = h === "" || h === "0.0.0.0" || h === "::" ? "127.0.0.1" : h.includes(":") ? `[${h}]` : h;
  return `http://${host}:${config.server.port}`;
}

/** Pages through `/api/v1/alerts`; starts over (a few times) when a new cycle was published in between. */
async function fromApi(base: string, password: string | null, timeoutMs: number): Promise<Reading> {
  const root = base.replace(/\/+$/, "");
  const headers: Record<string, string> = { Accept: "application/json" };
  if (password) headers.Authorization = `Basic ${Buffer.from(`syncwatch:${password}`).toString("base64")}`;
  const get = async (path: string): Promise<Record<string, unknown>> => {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? errorMessage(err);
      throw new NothingToRead(`cannot reach syncwatch at ${root}: ${cause} (is \`syncwatch run\` running there? Or read a state file with --state FILE)`);
    }
    const text = await res.text();
    if (res.status === 401) throw new NothingToRead(`${root} asks for a password: set SYNCWATCH_UI_PASSWORD (or --password)${password ? "; the one given was refused" : ""}`);
    if (res.status === 503) throw new NothingToRead(`${root} has no state yet: the daemon is starting (try again in a few seconds)`);
    if (!res.ok) throw new NothingToRead(`read ${root}${path}: HTTP ${res.status}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new NothingToRead(`read ${root}${path}: the answer is not JSON (is this a syncwatch server?)`);
    }
  };
  const status = await get("/api/v1/status");
  for (let attempt = 0; ; attempt++) {
    const alerts: AlertItem[] = [];
    let cursor: string | null = "0";
    let asOf: unknown = undefined;
    let moved = false;
    while (cursor !== null) {
      const page = await get(`/api/v1/alerts?limit=1000&cursor=${encodeURIComponent(cursor)}`);
      if (!Array.isArray(page.alerts)) throw new NothingToRead(`read ${root}/api/v1/alerts: unexpected answer (is this a syncwatch server?)`);
      if (asOf !== undefined && page.generated_at !== asOf) moved = true;
      asOf = page.generated_at;
      alerts.push(...(page.alerts as AlertItem[]));
      cursor = typeof page.next_cursor === "string" ? page.next_cursor : null;
    }
    if (!moved || attempt >= 2) return { source: "api", from: root, as_of: typeof asOf === "string" ? asOf : null, alerts, cycle: cycleLine(status) };
  }
}

function cycleLine(status: Record<string, unknown>): string | null {
  const w = status.watcher as { state?: string; summary?: string } | undefined;
  const c = status.last_cycle as { outcome?: string; finished_at?: string; connections?: number; duration_ms?: number } | null | undefined;
  const watcher = w?.state ? `watcher ${w.state}` : null;
  const cycle = c ? `last cycle ${c.outcome ?? "?"} at ${c.finished_at ?? "?"} (${c.connections ?? "?"} connections, ${((c.duration_ms ?? 0) / 1000).toFixed(1)} s)` : "no cycle finished yet in this run";
  return [watcher, cycle].filter((x) => x !== null).join("; ");
}

/** Decodes the state file and its journal read-only (no lock, nothing moved or written). */
async function fromState(path: string, config: Config, now: number): Promise<Reading> {
  let state;
  try {
    state = await readStateReadOnly(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NothingToRead(`no state file at ${path}`);
    if (code !== undefined) throw new NothingToRead(`cannot read ${path}: ${code}`);
    throw new NothingToRead(`${path} is not a usable syncwatch state file: ${errorMessage(err)}`);
  }
  // The daemon's own rules for what is held back (inhibit rules, silences, mute intervals); group names are not saved.
  const held = holdReasons(state.health, now, holdPolicyFromConfig(config.alerts));
  const links = compileLinks(config.alerts.links);
  const alerts: AlertView[] = [];
  for (const rec of state.health.alerts.values()) {
    if (rec.phase !== "firing") continue;
    const a = describeAlert(toAlert(rec, state.health.connections.get(rec.connection_id)?.snapshot, "firing", now), new Map(), links);
    alerts.push({ ...a, held: held.get(alertKey(rec.connection_id, rec.condition)) ?? null });
  }
  alerts.sort((x, y) => (x.severity === y.severity ? (x.connection_id < y.connection_id ? -1 : x.connection_id > y.connection_id ? 1 : 0) : x.severity === "critical" ? -1 : 1));
  const lastGood = state.health.last_success_at;
  return { source: "state", from: path, as_of: lastGood === null ? null : new Date(lastGood).toISOString(), alerts: alerts.map(alertJson), cycle: null };
}

/** The human table: a headline, then one block per destination (group name or id), most firing first. */
function render(r: Reading, now: number): string {
  const asOf = r.as_of === null ? "" : ` as of ${formatTime(Date.parse(r.as_of))}`;
  const lines = [];
  const critical = r.alerts.filter((a) => a.severity === "critical").length;
  lines.push(
    r.alerts.length === 0
      ? `Nothing is firing${asOf} (from ${r.from}).`
      : `${r.alerts.length} firing (${critical} critical, ${r.alerts.length - critical} warning)${asOf} (from ${r.from}).`,
  );
  if (r.cycle) lines.push(`${r.cycle[0]!.toUpperCase()}${r.cycle.slice(1)}.`);
  const groups = new Map<string, AlertItem[]>();
  for (const a of r.alerts) {
    const key = a.connection_id === "" ? "syncwatch itself" : a.group_name ? `${a.group_name} (${a.group_id})` : a.group_id || "no destination";
    const list = groups.get(key);
    if (list) list.push(a);
    else groups.set(key, [a]);
  }
  const head = ["SEVERITY", "CONDITION", "CONNECTION", "SINCE", "HELD BACK", "WHAT"];
  const cells = (a: AlertItem): string[] => [
    a.severity,
    a.condition,
    a.connection_id === "" ? "syncwatch" : `${a.schema || a.connection_id}${a.service ? ` (${a.service})` : ""}`,
    formatDuration(Math.max(0, now - Date.parse(a.started_at))),
    a.held ?? "-",
    a.summary,
  ];
  const all = r.alerts.map(cells);
  const widths = head.map((h, i) => Math.min(i === 2 ? 36 : 24, Math.max(h.length, ...all.map((c) => c[i]!.length))));
  const line = (c: string[]): string =>
    `  ${c.map((cell, i) => (i === c.length - 1 ? cell : cell.length > widths[i]! ? `${cell.slice(0, widths[i]! - 1)}…` : cell.padEnd(widths[i]!))).join("  ")}`.trimEnd();
  const ordered = [...groups].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
  for (const [name, list] of ordered) {
    lines.push("", `${name}: ${list.length} firing`, line(head), ...list.map((a) => line(cells(a))));
  }
  return lines.join("\n");
}
