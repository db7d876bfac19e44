// Command-line options: one table per command gives both the parser's spec and the help text.
import { parseArgs } from "node:util";
import { UsageError, errorMessage } from "../errors.js";

/** One option of a command: its type, short flag, value placeholder and one-line help. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** The placeholder shown in help for a string option (`N`, `FILE`...). */
  value?: string;
  /** One line of help, default value included. */
  help: string;
}

/** A command's options by long name (without the leading `--`). */
export type OptionTable = Record<string, OptionSpec>;

/** Parsed option values by long name. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** What a command receives: its parsed options and any positional arguments. */
export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

/** `-c, --config FILE`: the option of every command that reads the configuration. */
export const CONFIG_OPTION: OptionTable = {
  config: { type: "string", short: "c", value: "FILE", help: "YAML config file (or SYNCWATCH_CONFIG)" },
};

/** Parses `args` strictly against `options`; an unknown option or a missing value is a UsageError. */
export function parseOptions(args: string[], options: OptionTable, allowPositionals = false): ParsedArgs {
  const spec: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) spec[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals });
    return { values, positionals };
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

/** A whole-number option ≥ `min`, or `fallback` when absent; anything else is a UsageError naming the option. */
export function intOption(values: OptionValues, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${String(raw)}"`);
  return n;
}

/** A string option, or undefined when absent. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === "string" ? raw : undefined;
}

/** The flag as help shows it: `-c, --config FILE`, `    --json`. */
export function optionFlag(name: string, o: OptionSpec): string {
  const long = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

/** The help lines of an option table, aligned. */
export function optionLines(options: OptionTable): string[] {
  const flags = Object.entries(options).map(([name, o]) => [optionFlag(name, o), o.help] as const);
  const width = Math.max(0, ...flags.map(([f]) => f.length));
  return flags.map(([f, help]) => `  ${f.padEnd(width)}  ${help}`);
}
