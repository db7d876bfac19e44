// Composition root: argv and environment → config → every part built → commands run → signals handled.
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { loadConfig, maskConfig, requireCredentials, type LoadedConfig } from "./config/load.js";
import { Watcher, type CycleReport } from "./daemon.js";
import { ConfigError, SyncwatchError, UsageError, errorMessage } from "./errors.js";
import { FivetranSource } from "./fivetran/index.js";
import { rulesFromConfig } from "./health/index.js";
import type { Alert } from "./health/model.js";
import { createLogger } from "./logger.js";
import { Metrics, startHttpServer } from "./metrics/index.js";
import { createNotifiers } from "./notify/index.js";
import { Scheduler } from "./scheduler.js";
import { FileStore, type Store } from "./store/index.js";

const require = createRequire(import.meta.url);
/** The running version, from package.json. */
export const VERSION: string = (require("../package.json") as { version: string }).version;

/** Exit codes of SPEC section 5. */
export const EXIT = { ok: 0, firing: 1, badConfig: 2, unreadable: 3 } as const;

const USAGE = `syncwatch ${VERSION}: watches every Fivetran connection and alerts when one breaks or recovers.

Usage: syncwatch <command> [options]

Commands:
  run            the daemon: poll on the cron schedule, export metrics, send alerts
  once           one cycle; print what is firing; exit 0 (nothing firing), 1 (firing), 3 (Fivetran unreadable)
  check-config   validate the configuration (credentials included) and print it with secrets masked
  demo           run the daemon against the built-in simulator with scripted incidents
  simulate       run only the simulated Fivetran API

Options:
  -c, --config FILE   YAML config file (or SYNCWATCH_CONFIG)
  -h, --help          this text
  -v, --version       the version

simulate options:
  --port N (default 8181)  --host ADDR (127.0.0.1)  --connections N (500)  --groups N (10)
  --seed N (1)  --broken N (0)  --latency-ms N (0)  --scenario demo|none (none)
  --api-key KEY --api-secret SECRET (default: demo / demo-secret)

demo options:
  --connections N (300)  --groups N (8)  --port N (metrics port, default 9464)  --interval-seconds N (5)

Environment: FIVETRAN_API_KEY, FIVETRAN_API_SECRET, FIVETRAN_API_URL, SYNCWATCH_SCHEDULE, SYNCWATCH_STATE_FILE,
SYNCWATCH_METRICS_PORT, SLACK_WEBHOOK_URL, SMTP_URL, ALERT_EMAIL_FROM, ALERT_EMAIL_TO, ALERT_WEBHOOK_URL, LOG_LEVEL
(each secret also as <VAR>_FILE). See config/syncwatch.example.yaml for every key.`;

/** Process-level I/O the commands use; tests and the demo swap them. */
interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Partial<Io> = {}): Promise<number> {
  const fullIo: Io = {
    out: io.out ?? ((t) => process.stdout.write(`${t}\n`)),
    err: io.err ?? ((t) => process.stderr.write(`${t}\n`)),
    env: io.env ?? process.env,
  };
  try {
    return await dispatch(argv, fullIo);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      fullIo.err(`syncwatch: ${err.message}`);
      if (err instanceof UsageError) fullIo.err("Run 'syncwatch --help' for usage.");
      return EXIT.badConfig;
    }
    fullIo.err(`syncwatch: ${errorMessage(err)}`);
    return EXIT.unreadable;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    io.out(USAGE);
    return command === undefined ? EXIT.badConfig : EXIT.ok;
  }
  if (command === "-v" || command === "--version") {
    io.out(VERSION);
    return EXIT.ok;
  }
  switch (command) {
    case "run":
      return runCommand(parseCommon(rest), io);
    case "once":
      return onceCommand(parseCommon(rest, { json: { type: "boolean" } }), io);
    case "check-config":
      return checkConfigCommand(parseCommon(rest), io);
    case "demo":
      return demoCommand(rest, io);
    case "simulate":
      return simulateCommand(rest, io);
    default:
      throw new UsageError(`unknown command "${command}" (expected run, once, check-config, demo or simulate)`);
  }
}

type ArgSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

function parse(args: string[], options: ArgSpec): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

function parseCommon(args: string[], extra: ArgSpec = {}): Record<string, string | boolean | undefined> {
  return parse(args, { config: { type: "string", short: "c" }, ...extra });
}

function intOption(values: Record<string, string | boolean | undefined>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${String(raw)}"`);
  return n;
}

function load(values: Record<string, string | boolean | undefined>, io: Io, needCredentials: boolean): LoadedConfig {
  const loaded = loadConfig({ file: typeof values.config === "string" ? values.config : null, env: io.env });
  if (needCredentials) requireCredentials(loaded);
  return loaded;
}

/** Every part of a running syncwatch, built from one config. */
export interface App {
  watcher: Watcher;
  metrics: Metrics;
  logger: Logger;
  close(): Promise<void>;
}

/** What tests and the benchmark may swap when building the app: the clock, the sleeper, the store. */
export interface AppOverrides {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  store?: Store;
}

/** Builds every part of a running syncwatch from one loaded config. */
export function buildApp(loaded: LoadedConfig, logger: Logger, overrides: AppOverrides = {}): App {
  const { config } = loaded;
  const metrics = new Metrics({ version: VERSION });
  const source = new FivetranSource({
    config: config.fivetran,
    version: VERSION,
    logger: logger.child({ component: "fivetran" }),
    onRequest: (endpoint, code) => metrics.apiRequest(endpoint, code),
    onRateLimitRemaining: (n) => metrics.rateLimitRemaining(n),
    now: overrides.now,
    sleep: overrides.sleep,
  });
  const notifiers = createNotifiers(config.channels, { logger: logger.child({ component: "notify" }), now: overrides.now, sleep: overrides.sleep });
  metrics.channels(notifiers.map((n) => n.name));
  const store = overrides.store ?? new FileStore({ path: config.state_file });
  const watcher = new Watcher({
    config,
    rules: rulesFromConfig(config.rules, config.alerts),
    source,
    notifiers,
    store,
    metrics,
    logger,
    now: overrides.now,
    sleep: overrides.sleep,
  });
  return {
    watcher,
    metrics,
    logger,
    async close() {
      await Promise.allSettled([source.close?.(), ...notifiers.map((n) => n.close?.())]);
    },
  };
}

async function checkConfigCommand(values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const loaded = load(values, io, true);
  const notifiers = createNotifiers(loaded.config.channels, { logger: createLogger({ level: "silent" }) });
  io.out(`# syncwatch ${VERSION}: configuration is valid${loaded.file ? ` (${loaded.file})` : ""}`);
  io.out(`# channels on: ${notifiers.map((n) => n.name).join(", ") || "none (alerts are only logged)"}`);
  for (const [path, variable] of loaded.fromEnv) io.out(`# ${path} from ${variable}`);
  const { stringify: toYaml } = await import("yaml");
  io.out(toYaml(maskConfig(loaded.config)).trimEnd());
  await Promise.allSettled(notifiers.map(async (n) => n.close?.()));
  return EXIT.ok;
}

async function onceCommand(values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const loaded = load(values, io, true);
  const logger = createLogger({ level: loaded.config.log_level, secrets: loaded.secrets, destination: stderrDestination() });
  const app = buildApp(loaded, logger);
  try {
    await app.watcher.init();
    const report = await app.watcher.cycle();
    if (values.json === true) io.out(JSON.stringify(onceJson(report, app.watcher.firing()), null, 2));
    else io.out(onceSummary(report, app.watcher.firing()));
    if (report.outcome !== "success") return EXIT.unreadable;
    return app.watcher.firing().some((a) => a.connection_id !== "") ? EXIT.firing : EXIT.ok;
  } finally {
    await app.close();
    logger.flush();
  }
}

function onceJson(report: CycleReport, firing: Alert[]): unknown {
  return {
    outcome: report.outcome,
    error: report.error ? { code: report.error.code, message: report.error.message } : null,
    connections: report.connections,
    requests: report.requests,
    rejected: report.rejected,
    firing: firing.map((a) => ({ ...a, started_at: new Date(a.started_at).toISOString(), resolved_at: null })),
  };
}

/** The short human summary `once` prints: what was read, then a table of what is firing. */
export function onceSummary(report: CycleReport, firing: Alert[]): string {
  const lines: string[] = [];
  if (report.outcome !== "success") {
    lines.push(`Could not read Fivetran: ${report.error?.message ?? "held back by rate limit"}`);
    return lines.join("\n");
  }
  const skipped = report.rejected ? ` (${report.rejected} unreadable items skipped)` : "";
  lines.push(`Read ${report.connections} connections in ${report.requests} request${report.requests === 1 ? "" : "s"}${skipped}.`);
  if (firing.length === 0) {
    lines.push("Nothing is firing.");
    return lines.join("\n");
  }
  const critical = firing.filter((a) => a.severity === "critical").length;
  lines.push(`${firing.length} firing: ${critical} critical, ${firing.length - critical} warning.`);
  const rows = firing.map((a) => [a.severity.toUpperCase(), a.condition, a.schema || a.connection_id || "syncwatch", a.service, a.group_id, a.summary]);
  lines.push(...table(["SEVERITY", "CONDITION", "CONNECTION", "SERVICE", "GROUP", "WHAT"], rows));
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c).padEnd(widths[i]!)))
      .join("  ");
  return [fmt(header), ...rows.map(fmt)];
}

async function runCommand(values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const loaded = load(values, io, true);
  const logger = createLogger({ level: loaded.config.log_level, secrets: loaded.secrets });
  return runDaemon(loaded, logger, io);
}

/** Runs the daemon until SIGTERM/SIGINT (or `stop` resolves); returns the exit code. */
async function runDaemon(loaded: LoadedConfig, logger: Logger, _io: Io, stop?: Promise<void>): Promise<number> {
  const { config } = loaded;
  const app = buildApp(loaded, logger);
  let stopping = false;
  const controller = new AbortController();
  const scheduler = new Scheduler({
    expression: config.schedule,
    runOnStart: config.run_on_start,
    logger,
    onSkipped: () => app.metrics.cycleSkipped(),
    run: async () => {
      await app.watcher.cycle(controller.signal);
    },
  });
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer({
      host: config.server.host,
      port: config.server.port,
      metrics: app.metrics,
      live: () => !stopping && scheduler.active,
      ready: () => app.watcher.ready,
      logger: logger.child({ component: "http" }),
    });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") {
      const why = code === "EADDRINUSE" ? "is already in use" : code === "EACCES" ? "needs privileges" : "is not an address of this host";
      throw new ConfigError([
        { path: "server.port / server.host (SYNCWATCH_METRICS_PORT / SYNCWATCH_METRICS_HOST)", message: `${config.server.host}:${config.server.port} ${why}` },
      ]);
    }
    throw err;
  }
  logger.info(
    { version: VERSION, schedule: config.schedule, metrics: `${server.url}/metrics`, state_file: config.state_file, api_url: config.fivetran.api_url },
    `syncwatch ${VERSION} started: polling ${config.fivetran.api_url} on "${config.schedule}", metrics at ${server.url}/metrics`,
  );
  await app.watcher.init();
  scheduler.start();

  const signalled = new Promise<string>((resolve) => {
    const onSignal = (sig: NodeJS.Signals): void => resolve(sig);
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  const reason = await Promise.race([signalled, stop?.then(() => "stop") ?? new Promise<string>(() => undefined)]);
  stopping = true;
  logger.info({ reason }, `stopping (${reason}): finishing the current cycle`);
  // Give a running cycle a bounded time to finish; then abort it (an aborted cycle changes no alert state).
  const grace = setTimeout(() => controller.abort(), 10_000);
  grace.unref();
  await scheduler.stop();
  clearTimeout(grace);
  await app.watcher.save();
  await server.close();
  await app.close();
  logger.info("stopped; state saved");
  logger.flush();
  return EXIT.ok;
}

async function simulateCommand(args: string[], io: Io): Promise<number> {
  const v = parse(args, {
    port: { type: "string" },
    host: { type: "string" },
    connections: { type: "string" },
    groups: { type: "string" },
    seed: { type: "string" },
    broken: { type: "string" },
    "latency-ms": { type: "string" },
    scenario: { type: "string" },
    "api-key": { type: "string" },
    "api-secret": { type: "string" },
  });
  // The simulator is loaded only by the commands that use it: `run` and `once` start faster without it.
  const { SimAccount, runScenario, demoScenario, startSimulator } = await import("./simulator/index.js");
  const scenario = (v.scenario as string | undefined) ?? "none";
  if (scenario !== "none" && scenario !== "demo") throw new UsageError(`--scenario: expected demo or none, got "${scenario}"`);
  const connections = intOption(v, "connections", 500, 1);
  const account = new SimAccount({
    connections,
    groups: intOption(v, "groups", 10, 1),
    seed: intOption(v, "seed", 1),
    brokenFraction: intOption(v, "broken", 0) / connections,
  });
  const apiKey = (v["api-key"] as string | undefined) ?? io.env.FIVETRAN_API_KEY ?? "demo";
  const apiSecret = (v["api-secret"] as string | undefined) ?? io.env.FIVETRAN_API_SECRET ?? "demo-secret";
  const sim = await startSimulator({
    account,
    host: (v.host as string | undefined) ?? "127.0.0.1",
    port: intOption(v, "port", 8181),
    apiKey,
    apiSecret,
  });
  const latency = intOption(v, "latency-ms", 0);
  if (latency > 0) sim.faults.setLatency(latency);
  io.out(`Simulated Fivetran API with ${connections} connections at ${sim.url}`);
  // The simulator's built-in credentials are not secrets; a secret given on the command line is not echoed.
  const shownSecret = v["api-secret"] === undefined && io.env.FIVETRAN_API_SECRET === undefined ? apiSecret : "<your --api-secret>";
  io.out(`Try: FIVETRAN_API_URL=${sim.url} FIVETRAN_API_KEY=${apiKey} FIVETRAN_API_SECRET=${shownSecret} npx syncwatch once`);
  io.out(`Control API: ${sim.url}/_sim/truth, POST ${sim.url}/_sim/actions, POST ${sim.url}/_sim/faults`);
  const stopScenario = scenario === "demo" ? runScenario(account, demoScenario(account), { onStep: (s) => io.out(`[scenario] ${s.note}`) }) : () => undefined;
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  stopScenario();
  await sim.close();
  return EXIT.ok;
}

async function demoCommand(args: string[], io: Io): Promise<number> {
  const { SimAccount, runScenario, demoScenario, startSimulator } = await import("./simulator/index.js");
  const v = parse(args, {
    connections: { type: "string" },
    groups: { type: "string" },
    port: { type: "string" },
    "interval-seconds": { type: "string" },
  });
  const connections = intOption(v, "connections", 300, 10);
  const interval = intOption(v, "interval-seconds", 5, 1);
  const account = new SimAccount({ connections, groups: intOption(v, "groups", 8, 1), seed: 7, brokenFraction: 0.01 });
  const apiKey = "demo-api-key";
  const apiSecret = "demo-api-secret";
  const sim = await startSimulator({ account, host: "127.0.0.1", port: 0, apiKey, apiSecret });
  const stateDir = mkdtempSync(join(tmpdir(), "syncwatch-state-"));
  const env: Record<string, string | undefined> = {
    ...io.env,
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: apiKey,
    FIVETRAN_API_SECRET: apiSecret,
    SYNCWATCH_SCHEDULE: interval < 60 ? `*/${interval} * * * * *` : `*/${Math.round(interval / 60)} * * * *`,
    SYNCWATCH_STATE_FILE: join(stateDir, "state.json"),
    SYNCWATCH_METRICS_PORT: v.port !== undefined ? String(intOption(v, "port", 9464)) : (io.env.SYNCWATCH_METRICS_PORT ?? String(await portOr(9464))),
    SYNCWATCH_METRICS_HOST: io.env.SYNCWATCH_METRICS_HOST ?? "127.0.0.1",
  };
  const loaded = loadConfig({ file: null, env });
  const logger = createLogger({ level: loaded.config.log_level, secrets: loaded.secrets, pretty: true });
  const port = loaded.config.server.port;
  io.out(
    [
      `syncwatch demo: a simulated Fivetran account with ${connections} connections over ${account.groupIds().length} groups at ${sim.url}.`,
      `The daemon polls it every ${interval} s; a scripted incident timeline (breaks, failures, delays, warnings, a stale`,
      `connection, a pause, a removal) plays over about 90 seconds, and alerts print below as they fire and resolve.`,
      `Metrics: http://127.0.0.1:${port}/metrics   health: /healthz /readyz   state: ${stateDir}`,
      `Slack, email and webhook alerts go out too if SLACK_WEBHOOK_URL, SMTP_URL/ALERT_EMAIL_FROM/ALERT_EMAIL_TO or ALERT_WEBHOOK_URL are set.`,
      `Press Ctrl-C to stop.`,
      ``,
    ].join("\n"),
  );
  const stopScenario = runScenario(account, demoScenario(account), { onStep: (s) => logger.info(`[scenario] ${s.note}`) });
  try {
    return await runDaemon(loaded, logger, io);
  } finally {
    stopScenario();
    await sim.close();
  }
}

/** `preferred` when it is free on 127.0.0.1, otherwise a free port (the demo should start whatever else runs). */
async function portOr(preferred: number): Promise<number> {
  const tryListen = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, "127.0.0.1", () => {
        const got = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? preferred;
}

function stderrDestination(): import("pino").DestinationStream {
  return { write: (s: string) => void process.stderr.write(s) };
}

export { SyncwatchError };
