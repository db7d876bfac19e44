// What `run` and `once` do with the state file around a cycle: open it (checked, locked, bound to the account) and
// turn a failed save of `once` into an exit code.
import type { Logger } from "pino";
import type { LoadedConfig } from "../config/load.js";
import type { SyncwatchError } from "../errors.js";
import { bindAccount, openState, type OpenedState } from "../store/index.js";
import { EXIT } from "./exit-codes.js";
import type { OptionTable } from "./args.js";

/** `--reset-state`, for the commands that write the state. */
export const RESET_STATE_OPTION: OptionTable = {
  "reset-state": { type: "boolean", help: "start over from a baseline; the old state is kept as <file>.reset-<time>" },
};

/** Checks, locks and (with `reset`) resets the state file before Fivetran is read; see `openState`. */
export async function openStateOf(loaded: LoadedConfig, logger: Logger, reset: boolean): Promise<OpenedState> {
  const { fivetran, state_file } = loaded.config;
  const opened = await openState({
    path: state_file,
    account: bindAccount({ apiUrl: fivetran.api_url, apiKey: fivetran.api_key ?? "", groupIds: fivetran.group_ids }),
    reset,
    lock: { onLost: (h) => logger.error({ holder: h }, "state lock lost: another process removed or took over the lock; stop one of them") },
  });
  if (opened.resetTo !== null) logger.warn({ moved_to: opened.resetTo }, `--reset-state: previous state moved to ${opened.resetTo}; starting from a baseline`);
  return opened;
}

/** The exit code and message of a `once` whose state could not be saved: 2 when the path is the problem, else 3. */
export function saveFailure(err: SyncwatchError, path: string): { code: number; message: string } {
  const errno = (err.cause as NodeJS.ErrnoException | undefined)?.code ?? "";
  const pathProblem = ["EACCES", "EPERM", "EROFS", "ENOTDIR", "EISDIR", "ENOENT"].includes(errno);
  return {
    code: pathProblem ? EXIT.badConfig : EXIT.unreadable,
    message: `state not saved to ${path} (SYNCWATCH_STATE_FILE): ${err.message}; the next run may send this run's alerts again`,
  };
}
