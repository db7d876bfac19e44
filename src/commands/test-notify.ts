// `syncwatch test-notify`: sends a clearly marked test message to each configured channel and says whether it arrived.
import type { Command } from "../cli/command.js";
import { CONFIG_OPTION, stringOption } from "../cli/args.js";
import { EXIT } from "../cli/exit-codes.js";
import { loadFromArgs } from "../cli/load-config.js";
import { NotifyError, UsageError, errorMessage } from "../errors.js";
import { createLogger } from "../logger.js";
import { CHANNEL_NAMES, channelByName, createNotifiers, type Notifier } from "../notify/index.js";
import { scrub } from "../notify/redact.js";

/** `syncwatch test-notify [--channel NAME]`. */
export const testNotifyCommand: Command = {
  name: "test-notify",
  summary: "send a clearly marked test message to each configured channel (or one) and say whether it arrived",
  options: {
    ...CONFIG_OPTION,
    channel: { type: "string", value: "NAME", help: `only this channel (${CHANNEL_NAMES.join(", ")})` },
  },
  details: "Exit codes: 0 every channel tried accepted the message, 3 one did not, 2 no channel is configured (or NAME is not).",
  async run({ values }, io) {
    const loaded = loadFromArgs(values, io, false);
    const only = stringOption(values, "channel");
    const wanted = only === undefined ? undefined : channelByName(only);
    if (only !== undefined && wanted === undefined) throw new UsageError(`--channel: unknown channel "${only}" (expected ${CHANNEL_NAMES.join(", ")})`);
    const all = createNotifiers(loaded.config.channels, { logger: createLogger({ level: "silent" }) });
    const notifiers = all.filter((n) => only === undefined || n.name === only);
    for (const n of all) if (!notifiers.includes(n)) await n.close?.();
    if (notifiers.length === 0) {
      const how = (name: string): string => [`channels.${name}`, ...(channelByName(name)?.env.map((e) => e.variable) ?? [])].join(" / ");
      io.err(
        wanted === undefined
          ? `syncwatch: no channel is configured; configure one of ${CHANNEL_NAMES.join(", ")} (see config/syncwatch.example.yaml)`
          : `syncwatch: channel "${wanted.name}" is not configured: set ${how(wanted.name)}`,
      );
      return EXIT.badConfig;
    }
    const timeoutMs = loaded.config.channels.delivery.timeout_seconds * 1000;
    const width = Math.max(...notifiers.map((n) => n.name.length));
    const results = await Promise.all(notifiers.map((n) => tryTest(n, timeoutMs, loaded.secrets)));
    for (const [i, n] of notifiers.entries()) {
      const failure = results[i];
      io.out(`${n.name.padEnd(width)}  ${failure === null ? "arrived" : `did not arrive: ${failure}`}`);
    }
    await Promise.allSettled(notifiers.map(async (n) => n.close?.()));
    return results.every((r) => r === null) ? EXIT.ok : EXIT.unreadable;
  },
};

/** Sends one test message; null when it arrived, else why not (with secrets scrubbed). */
async function tryTest(notifier: Notifier, timeoutMs: number, secrets: readonly string[]): Promise<string | null> {
  try {
    await notifier.sendTest(AbortSignal.timeout(timeoutMs));
    return null;
  } catch (err) {
    const why = err instanceof NotifyError ? `${err.message} [${err.reason}${err.retryable ? ", may work later" : ""}]` : errorMessage(err);
    return scrub(why, secrets);
  }
}
