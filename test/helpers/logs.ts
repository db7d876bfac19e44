// The one log capturer of the tests: a real pino logger whose lines a test reads raw, parsed or as messages.
import pino, { type Level, type Logger } from "pino";

/** A logger and what it wrote. */
export interface LogCapture {
  logger: Logger;
  /** Every line as pino wrote it (one JSON object each). */
  lines: string[];
  /** Every line parsed. */
  records(): Record<string, unknown>[];
  /** The `msg` of every line, in order. */
  messages(): string[];
  /** Everything written, one line each (for "never contains the secret" checks). */
  text(): string;
}

/** A logger at `level` (trace by default) that keeps every line in memory. */
export function captureLogs(level: Level = "trace"): LogCapture {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(s) });
  const records = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    logger,
    lines,
    records,
    messages: () => records().map((r) => String(r.msg)),
    text: () => lines.join(""),
  };
}

/** A logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
