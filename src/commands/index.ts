// The command registry: adding a command is a new file in src/commands/ plus one entry here; help follows from it.
import type { Command } from "../cli/command.js";
import { checkConfigCommand } from "./check-config.js";
import { demoCommand } from "./demo.js";
import { onceCommand } from "./once.js";
import { runCommand } from "./run.js";
import { simulateCommand } from "./simulate.js";
import { statusCommand } from "./status.js";
import { testNotifyCommand } from "./test-notify.js";
import { webhooksCommand } from "./webhooks.js";

/** Every `syncwatch <command>`, in the order `syncwatch --help` lists them. */
export const COMMANDS: readonly Command[] = [runCommand, onceCommand, checkConfigCommand, statusCommand, testNotifyCommand, webhooksCommand, demoCommand, simulateCommand];

/** The command called `name`, if there is one. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
