// Creates the pino logger: JSON lines, standard redaction paths, and a last-resort scrub of known secret values.
import { createRequire } from "node:module";
import { pino, type Logger, type DestinationStream } from "pino";
import type PinoPretty from "pino-pretty";

/** Options for `createLogger`. */
export interface LoggerOptions {
  level: string;
  /** Exact secret strings that must never reach a log line, whatever object carried them. */
  secrets?: readonly string[];
  /** Where lines go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream;
  /** Human-readable output (pino-pretty) for the demo. */
  pretty?: boolean;
  /** Human-readable lines (pino-pretty) written to this stream as they come, colored on a terminal (`once`). */
  prettyTo?: NodeJS.WriteStream;
}

/** Builds the logger every part of syncwatch receives. */
export function createLogger(opts: LoggerOptions): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 4);
  const scrub = secrets.length === 0 ? null : (line: string): string => scrubSecrets(line, secrets);
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { name: "syncwatch" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        "api_secret",
        "*.api_secret",
        "api_key",
        "*.api_key",
        "webhook_url",
        "*.webhook_url",
        "smtp_url",
        "*.smtp_url",
        "password",
        "*.password",
        "headers.authorization",
        "*.headers.authorization",
      ],
      censor: "[redacted]",
    },
    ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
  };
  if (opts.pretty) {
    const transport = pino.transport({
      target: "pino-pretty",
      options: { colorize: process.stdout.isTTY, translateTime: "HH:MM:ss", ignore: "pid,hostname,name", hideObject: true },
    }) as DestinationStream;
    return pino(options, transport);
  }
  if (opts.prettyTo) {
    const out = opts.prettyTo;
    // In this thread, line by line: a process that exits right after its last line loses nothing.
    const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty;
    const prettify = prettyFactory({ colorize: out.isTTY, translateTime: "HH:MM:ss", ignore: "pid,hostname,name" });
    return pino(options, { write: (line: string) => void out.write(prettify(line)) });
  }
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** Replaces every occurrence of each secret (and its JSON-escaped form) with `[redacted]`. */
export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join("[redacted]");
  }
  return out;
}
