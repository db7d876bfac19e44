// Loads the configuration a command names with `--config` (or SYNCWATCH_CONFIG) from the environment it runs in.
import { loadConfig, requireCredentials, type LoadedConfig } from "../config/load.js";
import { stringOption, type OptionValues } from "./args.js";
import type { Io } from "./io.js";

/** Loads the config of `--config` and the environment; with `needCredentials`, missing credentials are a ConfigError. */
export function loadFromArgs(values: OptionValues, io: Io, needCredentials: boolean): LoadedConfig {
  const loaded = loadConfig({ file: stringOption(values, "config") ?? null, env: io.env });
  if (needCredentials) requireCredentials(loaded);
  return loaded;
}
