// `syncwatch check-config`: validates the configuration and prints it with secrets masked; `--online` tries it.
import type { Command } from "../cli/command.js";
import { CONFIG_OPTION } from "../cli/args.js";
import { EXIT } from "../cli/exit-codes.js";
import { loadFromArgs } from "../cli/load-config.js";
import { maskConfig } from "../config/load.js";
import { errorMessage } from "../errors.js";
import { FivetranSource } from "../fivetran/index.js";
import { createLogger } from "../logger.js";
import { createNotifiers } from "../notify/index.js";
import { VERSION } from "../version.js";

/** `syncwatch check-config`. */
export const checkConfigCommand: Command = {
  name: "check-config",
  summary: "validate the configuration (credentials set; --online: accepted by Fivetran) and print it masked",
  options: {
    ...CONFIG_OPTION,
    online: { type: "boolean", help: "also make one cheap Fivetran call to prove the URL and credentials work" },
  },
  details: [
    "Without --online nothing leaves this machine: the credentials are checked to be set, not that Fivetran accepts them.",
    "Exit codes: 0 valid (and, with --online, accepted), 2 invalid (every bad key is named), 3 --online call failed.",
  ].join("\n"),
  async run({ values }, io) {
    const loaded = loadFromArgs(values, io, true);
    const silent = createLogger({ level: "silent" });
    const notifiers = createNotifiers(loaded.config.channels, { logger: silent });
    io.out(`# syncwatch ${VERSION}: configuration is valid${loaded.file ? ` (${loaded.file})` : ""}`);
    io.out(`# channels on: ${notifiers.map((n) => n.name).join(", ") || "none (alerts are only logged)"}`);
    for (const [path, variable] of loaded.fromEnv) io.out(`# ${path} from ${variable}`);
    const { stringify: toYaml } = await import("yaml");
    io.out(toYaml(maskConfig(loaded.config)).trimEnd());
    await Promise.allSettled(notifiers.map(async (n) => n.close?.()));
    if (values.online !== true) {
      io.out("# credentials are set; not tried (add --online to make one call to Fivetran with them)");
      return EXIT.ok;
    }
    const source = new FivetranSource({ config: loaded.config.fivetran, version: VERSION, logger: silent });
    try {
      const host = await source.probe();
      io.out(`# credentials accepted by ${host}`);
      return EXIT.ok;
    } catch (err) {
      io.err(`syncwatch: check-config --online: ${errorMessage(err)}`);
      return EXIT.unreadable;
    } finally {
      await source.close();
    }
  },
};
