// Timestamp strings that do not parse (`"failed_at": "null"`): read as null, counted, and logged once per field.
import type { Logger } from "pino";

/** How many distinct (connection, field) pairs are remembered (and logged) per process. */
const MAX_LOGGED = 1000;

/** Counts every unreadable field through `count` and logs each (connection, field) pair once, up to a bound. */
export class UnreadableFields {
  private readonly logged = new Set<string>();
  private saidMore = false;

  constructor(
    private readonly logger: Logger,
    private readonly count: (field: string) => void = () => undefined,
  ) {}

  /** One unreadable `field` of connection `id`, whose text was `value`. */
  report(id: string, field: string, value: string): void {
    this.count(field);
    const key = `${id}\u0000${field}`;
    if (this.logged.has(key)) return;
    if (this.logged.size >= MAX_LOGGED) {
      if (!this.saidMore) this.logger.warn({ max: MAX_LOGGED }, "read timestamps: more unreadable fields, not logged one by one");
      this.saidMore = true;
      return;
    }
    this.logged.add(key);
    this.logger.warn({ connection_id: id, field, value: value.slice(0, 40) }, `read ${field} of ${id}: "${value.slice(0, 40)}" is not a timestamp, read as null`);
  }
}
