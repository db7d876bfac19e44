// Shared rig of the fault-injection suite: a simulator, receivers and an in-process syncwatch on a fake clock.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { captureLogs, type LogCapture } from "../helpers/logs.js";
import { loadConfig } from "../../src/config/load.js";
import { buildApp, type App } from "../../src/app.js";
import { SimAccount, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { FileStore } from "../../src/store/index.js";
import type { CycleReport } from "../../src/daemon.js";

/** One alert item of a webhook POST. */
export interface Item {
  status: "firing" | "resolved";
  connection_id: string;
  condition: string;
  severity: string;
  reminder: boolean;
  reason: string | null;
  summary: string;
  started_at: string;
  resolved_at: string | null;
}

/** `2026-11-23T08:00:00Z`, where every fake clock starts. */
export const T0 = Date.parse("2026-11-23T08:00:00Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A fake clock shared by syncwatch and the simulated account. */
export class FakeClock {
  t = T0;
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A sleeper that never waits (retries and backoffs are instant under the fake clock). */
export const instant = (): Promise<void> => Promise.resolve();

/** Starts a simulator on a fake clock. */
export async function startSim(clock: FakeClock, connections = 300, seed = 7, secret = "fault-secret"): Promise<Simulator> {
  const account = new SimAccount({ connections, groups: 3, seed, now: clock.now });
  return startSimulator({ account, apiKey: "fault-key", apiSecret: secret });
}

/** Options of an in-process syncwatch. */
export interface RigOptions {
  sim: Simulator;
  clock: FakeClock;
  env?: Record<string, string>;
  /** Extra YAML config (written to a file). */
  config?: Record<string, unknown>;
  dir?: string;
  secret?: string;
}

/** An in-process syncwatch and what it logged. */
export interface Rig {
  app: App;
  logs: LogCapture;
  stateFile: string;
  dir: string;
  cycle(advanceMs?: number): Promise<CycleReport>;
  close(): Promise<void>;
}

/** Builds and initialises an in-process syncwatch against the simulator, on the fake clock. */
export async function startRig(opts: RigOptions): Promise<Rig> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "syncwatch-faults-"));
  const stateFile = join(dir, "state.json");
  let file: string | null = null;
  if (opts.config) {
    file = join(dir, "config.yaml");
    writeFileSync(file, toYaml(opts.config));
  }
  const loaded = loadConfig({
    file,
    env: {
      FIVETRAN_API_URL: opts.sim.url,
      FIVETRAN_API_KEY: "fault-key",
      FIVETRAN_API_SECRET: opts.secret ?? "fault-secret",
      SYNCWATCH_STATE_FILE: stateFile,
      ...opts.env,
    },
  });
  const logs = captureLogs("info");
  const app = buildApp(loaded, logs.logger, { now: opts.clock.now, sleep: instant, store: new FileStore({ path: stateFile }) });
  await app.watcher.init();
  return {
    app,
    logs,
    stateFile,
    dir,
    async cycle(advanceMs = 5 * MINUTE) {
      opts.clock.advance(advanceMs);
      return app.watcher.cycle();
    },
    close: () => app.close(),
  };
}

/** Every alert item of these accepted POSTs, in arrival order. */
export function itemsOf(posts: { json: unknown }[]): Item[] {
  return posts.flatMap((r) => (r.json as { alerts: Item[] }).alerts);
}

/** `status condition id` keys of firing, non-reminder items. */
export function key(a: Pick<Item, "condition" | "connection_id">): string {
  return `${a.condition} ${a.connection_id}`;
}

/** What is firing according to what was delivered: fired minus resolved, in delivery order. */
export function firingFromDeliveries(items: Item[]): Set<string> {
  const firing = new Set<string>();
  for (const a of items) {
    if (a.status === "firing") firing.add(key(a));
    else firing.delete(key(a));
  }
  return firing;
}

/** Sorted `firing/resolved condition id` lines, for compact comparisons. */
export function lines(items: Item[]): string[] {
  return items.map((a) => `${a.status}${a.reminder ? "(reminder)" : ""} ${a.condition} ${a.connection_id}${a.reason ? ` ${a.reason}` : ""}`).sort();
}
