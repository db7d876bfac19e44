// `syncwatch run`: the daemon, until SIGTERM or SIGINT.
import type { Command } from "../cli/command.js";
import { CONFIG_OPTION } from "../cli/args.js";
import { loadFromArgs } from "../cli/load-config.js";
import { RESET_STATE_OPTION } from "../cli/state.js";
import { runDaemon } from "../app.js";
import { createLogger } from "../logger.js";

/** `syncwatch run`. */
export const runCommand: Command = {
  name: "run",
  summary: "the daemon: poll on the cron schedule, export metrics, send alerts",
  options: { ...CONFIG_OPTION, ...RESET_STATE_OPTION },
  details: "Runs until SIGTERM or SIGINT, then finishes (or abandons) the current cycle, saves its state and exits 0.",
  async run({ values }, io) {
    const loaded = loadFromArgs(values, io, true);
    const logger = createLogger({ level: loaded.config.log_level, secrets: loaded.secrets });
    return runDaemon(loaded, logger, undefined, values["reset-state"] === true);
  },
};
