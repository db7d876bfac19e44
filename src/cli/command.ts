// The shape of one CLI command: what `syncwatch --help` lists, what `syncwatch <name> --help` prints, and what runs.
import type { OptionTable, ParsedArgs } from "./args.js";
import type { Io } from "./io.js";

/** One `syncwatch <name>` command; registered in src/commands/index.ts. */
export interface Command {
  /** The word after `syncwatch`. */
  name: string;
  /** One line for the command list of `syncwatch --help`. */
  summary: string;
  /** Positional arguments as usage shows them (e.g. `install|list|remove`); absent when the command takes none. */
  positionals?: string;
  /** Its options (`-h, --help` is added to every command). */
  options: OptionTable;
  /** More text for `syncwatch <name> --help`: exit codes, examples. */
  details?: string;
  /** Runs the command with its parsed arguments; resolves to the exit code. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
