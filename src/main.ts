// The CLI entry: `main(argv, io)` finds the command in the registry, parses its options and runs it.
import { EXIT } from "./cli/exit-codes.js";
import { parseOptions } from "./cli/args.js";
import type { Io } from "./cli/io.js";
import { HELP_OPTION, commandUsage, topUsage } from "./cli/usage.js";
import { COMMANDS, findCommand } from "./commands/index.js";
import { ConfigError, UsageError, errorMessage } from "./errors.js";
import { VERSION } from "./version.js";

export { EXIT } from "./cli/exit-codes.js";
export { VERSION } from "./version.js";
export { onceSummary } from "./cli/once-report.js";

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
      if (err instanceof UsageError) {
        const command = findCommand(argv[0] ?? "");
        fullIo.err(command ? `Run 'syncwatch ${command.name} --help' for its options.` : "Run 'syncwatch --help' for usage.");
      }
      return EXIT.badConfig;
    }
    fullIo.err(`syncwatch: ${errorMessage(err)}`);
    return EXIT.unreadable;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.out(topUsage(COMMANDS));
    return name === undefined ? EXIT.badConfig : EXIT.ok;
  }
  if (name === "-v" || name === "--version") {
    io.out(VERSION);
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    const names = COMMANDS.map((c) => c.name);
    throw new UsageError(`unknown command "${name}" (expected ${names.slice(0, -1).join(", ")} or ${names.at(-1)})`);
  }
  const args = parseOptions(rest, { ...command.options, ...HELP_OPTION }, command.positionals !== undefined);
  if (args.values.help === true) {
    io.out(commandUsage(command));
    return EXIT.ok;
  }
  return command.run(args, io);
}
