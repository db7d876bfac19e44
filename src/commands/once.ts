// `syncwatch once`: one cycle, a short summary (or JSON) of what is firing, and an exit code that says so.
import type { Command } from "../cli/command.js";
import { CONFIG_OPTION } from "../cli/args.js";
import { EXIT } from "../cli/exit-codes.js";
import { loadFromArgs } from "../cli/load-config.js";
import { onceLogging } from "../cli/once-logging.js";
import { onceJson, onceSummary } from "../cli/once-report.js";
import { openStateOf, RESET_STATE_OPTION, saveFailure } from "../cli/state.js";
import { buildApp } from "../app.js";
import { createLogger } from "../logger.js";

/** `syncwatch once`. */
export const onceCommand: Command = {
  name: "once",
  summary: "one cycle; print what is firing; exit 0 (nothing firing), 1 (firing), 3 (Fivetran unreadable)",
  options: {
    ...CONFIG_OPTION,
    ...RESET_STATE_OPTION,
    json: { type: "boolean", help: "print the result as JSON (outcome, connections, requests, firing alerts)" },
  },
  details: "Exit codes: 0 nothing is firing, 1 something is firing, 2 bad config or usage, 3 Fivetran could not be read.",
  async run({ values }, io) {
    const loaded = loadFromArgs(values, io, true);
    // The table (or JSON) is stdout's alone; logs go to stderr.
    const logging = onceLogging(loaded.config.log_level, process.stderr.isTTY);
    const logger = createLogger({
      level: logging.level,
      secrets: loaded.secrets,
      ...(logging.pretty ? { prettyTo: process.stderr } : { destination: stderrDestination() }),
    });
    const state = await openStateOf(loaded, logger, values["reset-state"] === true);
    const app = buildApp(loaded, logger, { store: state.store, sendOnlySaved: true });
    try {
      await app.watcher.init();
      const report = await app.watcher.cycle();
      if (values.json === true) io.out(JSON.stringify(onceJson(report, app.watcher.firing()), null, 2));
      else io.out(onceSummary(report, app.watcher.firing()));
      const saveError = app.watcher.lastSaveError;
      if (saveError !== null) {
        const failure = saveFailure(saveError, loaded.config.state_file);
        io.err(`syncwatch: ${failure.message}`);
        return failure.code;
      }
      if (report.outcome !== "success") return EXIT.unreadable;
      return app.watcher.firing().some((a) => a.connection_id !== "") ? EXIT.firing : EXIT.ok;
    } finally {
      await app.close();
      await state.lock.release();
      logger.flush();
    }
  },
};

function stderrDestination(): import("pino").DestinationStream {
  return { write: (s: string) => void process.stderr.write(s) };
}
