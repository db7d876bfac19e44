// The help texts: `syncwatch --help` (every command's one-liner) and `syncwatch <command> --help`, built from the registry.
import type { Command } from "./command.js";
import { optionFlag, optionLines, type OptionTable } from "./args.js";
import { ENV_BINDINGS } from "../config/load.js";
import { VERSION } from "../version.js";

/** `-h, --help`: the option every command takes. */
export const HELP_OPTION: OptionTable = { help: { type: "boolean", short: "h", help: "this text" } };

/** The variables of the loader's table, wrapped: every one syncwatch reads. */
function environment(): string[] {
  const vars = wrap([...ENV_BINDINGS.map((b) => b.variable), "SYNCWATCH_CONFIG"], 110).map((l) => `  ${l}`);
  return ["Environment (each secret also as <VAR>_FILE; config/syncwatch.example.yaml shows every key):", ...vars];
}

/** The text of `syncwatch --help`: every command with its one-liner and its options in brief. */
export function topUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const list = commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`);
  const brief = commands.map((c) => {
    const flags = Object.entries(c.options).map(([name, o]) => optionFlag(name, o).trim());
    return wrap([c.positionals, ...flags].filter((f): f is string => Boolean(f)), 110 - width - 3).map((l, i) => `  ${(i === 0 ? c.name : "").padEnd(width)} ${l}`);
  }).flat();
  return [
    `syncwatch ${VERSION}: watches every Fivetran connection and alerts when one breaks or recovers.`,
    ``,
    `Usage: syncwatch <command> [options]`,
    ``,
    `Commands:`,
    ...list,
    ``,
    `Options:`,
    `  -h, --help      this text (after a command: that command's options)`,
    `  -v, --version   the version`,
    ``,
    `Options of each command ('syncwatch <command> --help' explains them):`,
    ...brief,
    ``,
    ...environment(),
  ].join("\n");
}

/** The text of `syncwatch <command> --help`: its usage line, one-liner, options and details. */
export function commandUsage(command: Command): string {
  const lines = [
    `Usage: syncwatch ${command.name}${command.positionals ? ` ${command.positionals}` : ""} [options]`,
    ``,
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    ``,
    `Options:`,
    ...optionLines({ ...command.options, ...HELP_OPTION }),
  ];
  if (command.details) lines.push(``, command.details);
  return lines.join("\n");
}

/** Joins words with two spaces into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(words: string[], width: number): string[] {
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 2 + w.length <= width) lines[lines.length - 1] = `${last}  ${w}`;
    else lines.push(w);
  }
  return lines.length ? lines : ["(none)"];
}
