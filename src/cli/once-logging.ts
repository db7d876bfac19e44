// How `once` logs beside its table: JSON lines for machines, a few readable lines for a person at a terminal.

/** The logger settings of one `once` run. */
export interface OnceLogging {
  level: string;
  /** Readable pino-pretty lines instead of JSON. */
  pretty: boolean;
}

/**
 * On a terminal a person reads the table, so logs are readable lines and at the default level (info) only warnings
 * and errors; elsewhere (a pipe, a file, a container) JSON lines at the configured level, as `run` writes.
 */
export function onceLogging(level: string, stderrIsTTY: boolean): OnceLogging {
  if (!stderrIsTTY) return { level, pretty: false };
  return { level: level === "info" ? "warn" : level, pretty: true };
}
