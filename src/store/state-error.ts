// The one error a refused state file raises: a configuration error naming SYNCWATCH_STATE_FILE (exit 2).
import { ConfigError } from "../errors.js";

/** The config path every state-file refusal names. */
export const STATE_FILE_KEY = "state_file (SYNCWATCH_STATE_FILE)";

/** A ConfigError naming the state file setting, with `message` saying what is wrong and what to do. */
export function stateFileError(message: string): ConfigError {
  return new ConfigError([{ path: STATE_FILE_KEY, message }]);
}
