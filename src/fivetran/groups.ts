// Group names from `GET /v1/groups` (paged): read at start, when an unknown group id shows up, else at most hourly; never fails a cycle.
import type { Logger } from "pino";
import type { FivetranConfig } from "../config/schema.js";
import { errorMessage } from "../errors.js";
import type { FivetranClient } from "./client.js";

/** How often the names are read again when nothing asks for it sooner. */
export const GROUP_REFRESH_MS = 60 * 60_000;
/** After a failed read, the soonest an unknown group id makes syncwatch try again. */
export const GROUP_RETRY_MS = 5 * 60_000;

/** Keeps the account's group names, read through the client as the refresh policy allows. */
export class GroupNames {
  private current = new Map<string, string>();
  /** Group ids the last read was asked about and did not have: they do not trigger another read before the hour. */
  private missed = new Set<string>();
  private lastRead: number | null = null;
  private lastFailure: number | null = null;

  constructor(
    private readonly client: FivetranClient,
    private readonly config: Pick<FivetranConfig, "page_size" | "max_pages">,
    private readonly logger: Logger,
  ) {}

  /** The names known, by group id. */
  get names(): ReadonlyMap<string, string> {
    return this.current;
  }

  /**
   * Reads the names again when due: never read yet, an hour since the last read, or a group id in `seen` that no read
   * has been asked about (not sooner than 5 minutes after a failure). Never throws: a failure is logged and the names
   * read before stay.
   */
  async refresh(seen: Iterable<string | null>, now: number, signal?: AbortSignal): Promise<void> {
    const unknown = new Set<string>();
    for (const id of seen) if (id !== null && id !== "" && !this.current.has(id) && !this.missed.has(id)) unknown.add(id);
    const hourly = this.lastRead === null || now - this.lastRead >= GROUP_REFRESH_MS;
    const retryWait = this.lastFailure !== null && now - this.lastFailure < GROUP_RETRY_MS;
    if (retryWait || (!hourly && unknown.size === 0)) return;
    try {
      const names = await this.read(signal);
      this.current = names;
      this.lastRead = now;
      this.lastFailure = null;
      this.missed = new Set([...unknown].filter((id) => !names.has(id)));
      this.logger.debug({ groups: names.size }, "group names read");
    } catch (err) {
      this.lastFailure = now;
      this.logger.warn({ err: { message: errorMessage(err) } }, `read group names: ${errorMessage(err)}; alerts carry group ids alone until it works`);
    }
  }

  /** Pages `GET /v1/groups` to its end. */
  private async read(signal?: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let n = 1; ; n++) {
      if (n > this.config.max_pages) throw new Error(`more than max_pages (${this.config.max_pages}) pages`);
      const query = `?limit=${this.config.page_size}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const { body } = await this.client.getJson("groups", `/v1/groups${query}`, `list groups page ${n}`, { signal });
      const data = (body as { data?: { items?: unknown; next_cursor?: unknown; nextCursor?: unknown } } | null)?.data;
      if (typeof data !== "object" || data === null || !Array.isArray(data.items)) throw new Error(`list groups page ${n}: unexpected response shape`);
      for (const g of data.items as unknown[]) {
        const { id, name } = (typeof g === "object" && g !== null ? g : {}) as { id?: unknown; name?: unknown };
        if (typeof id === "string" && id !== "" && typeof name === "string" && name.trim() !== "") names.set(id, name.trim());
      }
      const next = [data.next_cursor, data.nextCursor].find((c): c is string => typeof c === "string" && c !== "") ?? null;
      if (next === null) return names;
      if (seen.has(next)) throw new Error(`list groups page ${n}: cursor repeated`);
      seen.add(next);
      cursor = next;
    }
  }
}
