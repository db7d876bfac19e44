// Composition root: one loaded config → every part of a running syncwatch, and the daemon's lifecycle.
import type { Logger } from "pino";
import type { LoadedConfig } from "./config/load.js";
import { Watcher } from "./daemon.js";
import { ConfigError } from "./errors.js";
import { FivetranSource } from "./fivetran/index.js";
import { rulesFromConfig } from "./health/index.js";
import { Metrics, startHttpServer } from "./metrics/index.js";
import { Refresher, createNotifiers, unroutedMatchers } from "./notify/index.js";
import { Scheduler } from "./scheduler.js";
import { FileStore, type Store } from "./store/index.js";
import { EXIT } from "./cli/exit-codes.js";
import { openStateOf } from "./cli/state.js";
import { startPush } from "./push-input.js";
import type { PushInput } from "./webhooks/index.js";
import { noChannelWarning } from "./cli/channel-variables.js";
import { LISTEN_WORDS, listenProblem } from "./cli/listen-error.js";
import { VERSION } from "./version.js";
import { createWebHandler, StatusViews } from "./web/index.js";

/** Every part of a running syncwatch, built from one config. */
export interface App {
  watcher: Watcher;
  source: FivetranSource;
  metrics: Metrics;
  /** The names of the alert channels switched on (empty: alerts are only logged and exported). */
  channels: readonly string[];
  logger: Logger;
  /** Re-sends firing alerts to the channels that need it (Alertmanager); `run` starts and stops it. */
  refresher: Refresher;
  /** What the status page and the API read: the watcher's last published value, as a view. */
  status: StatusViews;
  close(): Promise<void>;
}

/** What tests and the benchmark may swap when building the app: the clock, the sleeper, the store. */
export interface AppOverrides {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  store?: Store;
  /** Send only what was saved first (`once`; see `WatcherDeps.sendOnlySaved`). */
  sendOnlySaved?: boolean;
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
    onUnreadableField: (field) => metrics.fieldUnreadable(field),
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
    sendOnlySaved: overrides.sendOnlySaved,
  });
  const refresher = new Refresher({
    notifiers,
    // Only alerts that were sent: one held back since it fired is not announced by a re-send.
    firing: () => watcher.firing().filter((a) => a.sent),
    alerts: config.alerts,
    unrouted: unroutedMatchers(config.channels),
    logger: logger.child({ component: "notify" }),
    now: overrides.now,
    onAttempt: (channel, outcome) => metrics.notification(channel, outcome),
  });
  const now = overrides.now ?? Date.now;
  const status = new StatusViews({
    published: () => (watcher.ready ? watcher.published : null),
    startedAt: now(),
    silences: config.alerts.silences,
    now,
    groupNames: () => watcher.published.groupNames,
  });
  return {
    watcher,
    source,
    metrics,
    channels: notifiers.map((n) => n.name),
    logger,
    refresher,
    status,
    async close() {
      await Promise.allSettled([source.close?.(), ...notifiers.map((n) => n.close?.())]);
    },
  };
}

/**
 * Runs the daemon until SIGTERM/SIGINT (or `stop` resolves); returns the exit code. `onStarted` runs once the servers
 * listen (the demo installs its webhook there).
 */
export async function runDaemon(
  loaded: LoadedConfig,
  logger: Logger,
  stop?: Promise<void>,
  resetState = false,
  onStarted?: (push: PushInput | null) => Promise<void>,
): Promise<number> {
  const state = await openStateOf(loaded, logger, resetState);
  try {
    return await runLocked(loaded, logger, state.store, stop, onStarted);
  } finally {
    await state.lock.release();
  }
}

/** `runDaemon` once the state file is checked and locked. */
async function runLocked(
  loaded: LoadedConfig,
  logger: Logger,
  store: Store,
  stop?: Promise<void>,
  onStarted?: (push: PushInput | null) => Promise<void>,
): Promise<number> {
  const { config } = loaded;
  const app = buildApp(loaded, logger, { store });
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
      other: createWebHandler({ view: () => app.status.view(), password: config.server.ui_password ?? null, version: VERSION, logger: logger.child({ component: "web" }) }),
    });
  } catch (err) {
    await app.close();
    const problem = listenProblem(err);
    if (problem !== null) {
      throw new ConfigError([
        {
          path: "server.port / server.host (SYNCWATCH_METRICS_PORT / SYNCWATCH_METRICS_HOST)",
          message: `${config.server.host}:${config.server.port} ${LISTEN_WORDS[problem]}`,
        },
      ]);
    }
    throw err;
  }
  logger.info(
    { version: VERSION, schedule: config.schedule, metrics: `${server.url}/metrics`, state_file: config.state_file, api_url: config.fivetran.api_url },
    `syncwatch ${VERSION} started: polling ${config.fivetran.api_url} on "${config.schedule}", metrics at ${server.url}/metrics, status page at ${server.url}/`,
  );
  if (app.channels.length === 0) logger.warn(noChannelWarning());
  await app.watcher.init();
  let push: PushInput | null;
  try {
    push = await startPush(app, loaded, logger);
  } catch (err) {
    await server.close();
    await app.close();
    throw err;
  }
  scheduler.start();
  app.refresher.start();
  await onStarted?.(push);

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
  await push?.close();
  await Promise.all([scheduler.stop(), app.refresher.stop()]);
  clearTimeout(grace);
  await app.watcher.save();
  await server.close();
  await app.close();
  logger.info("stopped; state saved");
  logger.flush();
  return EXIT.ok;
}
