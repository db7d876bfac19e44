// `syncwatch check-config`: validates the configuration and prints it with secrets masked.
import type { Command } from "../cli/command.js";
import { CONFIG_OPTION } from "../cli/args.js";
import { EXIT } from "../cli/exit-codes.js";
import { loadFromArgs } from "../cli/load-config.js";
import { maskConfig } from "../config/load.js";
import { createLogger } from "../logger.js";
import { createNotifiers } from "../notify/index.js";
import { VERSION } from "../version.js";

/** `syncwatch check-config`. */
export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate the configuration (credentials included) and print it with secrets masked",
  options: { ...CONFIG_OPTION },
  details: "Exit codes: 0 the configuration is valid, 2 it is not (every bad key is named).",
  async run({ values }, io) {
    const loaded = loadFromArgs(values, io, true);
    const notifiers = createNotifiers(loaded.config.channels, { logger: createLogger({ level: "silent" }) });
    io.out(`# syncwatch ${VERSION}: configuration is valid${loaded.file ? ` (${loaded.file})` : ""}`);
    io.out(`# channels on: ${notifiers.map((n) => n.name).join(", ") || "none (alerts are only logged)"}`);
    for (const [path, variable] of loaded.fromEnv) io.out(`# ${path} from ${variable}`);
    const { stringify: toYaml } = await import("yaml");
    io.out(toYaml(maskConfig(loaded.config)).trimEnd());
    await Promise.allSettled(notifiers.map(async (n) => n.close?.()));
    return EXIT.ok;
  },
};
