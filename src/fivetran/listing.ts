// One whole read of the account's listing: cursor paging (chained or per group), de-duplication, unreadable items.
import { setMaxListeners } from "node:events";
import { setImmediate } from "node:timers/promises";
import type { Logger } from "pino";
import { ApiError } from "../errors.js";
import type { FivetranConfig } from "../config/schema.js";
import type { Endpoint, FivetranClient } from "./client.js";
import { ListedConnections, ListingBuilder, type PreviousConnections } from "./listed.js";
import { Interner, readConnection, Rejection, type OnUnreadableField } from "./normalize.js";
import type { UnreadableFields } from "./unreadable-fields.js";

/** An item that could not be read; its connection keeps its previous snapshot. */
export interface RejectedItem {
  id: string | null;
  reason: string;
}

/** One complete read of the account. */
export interface Listing {
  /** Every readable connection by id, de-duplicated, in listing order (a repeat takes the later place). */
  connections: ListedConnections;
  /** How many of `connections` the `previous` connections had (the others are new). */
  known: number;
  rejected: RejectedItem[];
  /** Pages read (all listings, groups pages included). */
  pages: number;
  /** HTTP attempts made, retries included. */
  requests: number;
}

interface Counters {
  pages: number;
  requests: number;
}

/** Reads the account's listing through one client; keeps the string interner across cycles. */
export class ListingReader {
  private readonly interner = new Interner();

  constructor(
    private readonly client: FivetranClient,
    private readonly config: FivetranConfig,
    private readonly logger: Logger,
    private readonly unreadableFields: UnreadableFields,
  ) {}

  /**
   * Pages every listing to the end; rejects (aborting sibling listings) if any page cannot be read. Items are read
   * page by page while the next page is on its way; with `previous`, an unchanged connection allocates nothing.
   */
  async list(signal?: AbortSignal, previous?: PreviousConnections): Promise<Listing> {
    const ctrl = new AbortController();
    // Every in-flight request (up to group_concurrency, plus a prefetched page each) listens on this signal.
    setMaxListeners(Math.max(10, 2 * this.config.group_concurrency + 2), ctrl.signal);
    const onAbort = (): void => ctrl.abort(signal?.reason);
    if (signal?.aborted) ctrl.abort(signal.reason);
    else signal?.addEventListener("abort", onAbort, { once: true });
    const counters: Counters = { pages: 0, requests: 0 };
    const listed = new ListingBuilder(previous);
    // Unreadable items by id (an id-less one cannot be de-duplicated: `noId`). A repeat, readable or not, wins.
    const unreadable = new Map<string, string>();
    const noId: RejectedItem[] = [];
    const interner = this.interner;
    // The id of the item being read, for the unreadable-field report (one closure per cycle, not per item).
    let current = "";
    const onUnreadable: OnUnreadableField = (field, value) => this.unreadableFields.report(current, field, value);
    const accept = (items: unknown[]): void => {
      for (const raw of items) {
        const id = typeof raw === "object" && raw !== null ? (raw as { id?: unknown }).id : undefined;
        const k = typeof id === "string" && id !== "" ? listed.locate(id) : -1;
        current = id as string;
        const r = readConnection(raw, interner, listed.previousAt(k), onUnreadable);
        if (r instanceof Rejection) {
          if (r.id === null) {
            noId.push({ id: null, reason: r.reason });
            continue;
          }
          listed.drop(r.id, k);
          unreadable.delete(r.id);
          unreadable.set(r.id, r.reason);
        } else {
          if (unreadable.size > 0) unreadable.delete(r.id);
          listed.add(r, k);
        }
      }
    };
    try {
      const cfg = this.config;
      if (cfg.group_ids.length > 0) {
        await this.eachGroup([...new Set(cfg.group_ids)], accept, counters, ctrl);
      } else if (cfg.listing === "groups") {
        const groups = await this.listGroups(counters, ctrl.signal);
        await this.eachGroup(groups, accept, counters, ctrl);
      } else {
        await this.page(cfg.endpoint, `/v1/${cfg.endpoint}`, "", `list ${cfg.endpoint}`, accept, counters, ctrl.signal);
      }
    } catch (err) {
      const failure = legacyGone(err, this.config.endpoint);
      // A failed cycle still reports the requests it made (`once --json`, the cycle log line).
      if (failure instanceof ApiError) failure.requests = counters.requests;
      throw failure;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    const rejected = noId;
    for (const [id, reason] of unreadable) rejected.push({ id, reason });
    const { connections, known } = listed.finish();
    return { connections, known, rejected, pages: counters.pages, requests: counters.requests };
  }

  /** Pages `GET /v1/groups` and returns the group ids. */
  private async listGroups(counters: Counters, signal: AbortSignal): Promise<string[]> {
    const ids = new Set<string>();
    await this.page("groups", "/v1/groups", "", "list groups", (items) => {
      for (const g of items) {
        const id = typeof g === "object" && g !== null ? (g as { id?: unknown }).id : undefined;
        if (typeof id === "string" && id !== "") ids.add(id);
        else this.logger.warn("list groups: skip a group without an id");
      }
    }, counters, signal);
    return [...ids];
  }

  /** Pages each group's listing, at most `group_concurrency` at once; the first failure aborts the rest. */
  private async eachGroup(groups: string[], accept: (items: unknown[]) => void, counters: Counters, ctrl: AbortController): Promise<void> {
    const ep = this.config.endpoint;
    let next = 0;
    let first: unknown = null;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < groups.length) {
        const g = groups[next++]!;
        try {
          await this.page(ep, `/v1/${ep}`, `&group_id=${encodeURIComponent(g)}`, `list ${ep} of group ${g}`, accept, counters, ctrl.signal);
        } catch (err) {
          if (!failed) {
            failed = true;
            first = err;
            ctrl.abort(err);
          }
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.group_concurrency, groups.length) }, () => worker()));
    if (failed) throw first;
  }

  /**
   * Pages one listing sequentially to its end, guarding against repeated cursors and endless paging. Each page's
   * successor is requested as soon as its cursor is known: read from the tail of the body before the body is parsed
   * (Fivetran ends a page with `"next_cursor": "..."}}`), else from the parsed page; parsing and reading a page then
   * overlap the API's work on the next one. A cursor read from the tail is checked against the parsed one: a
   * request made with a wrong one is aborted and the right one made.
   */
  private async page(
    endpoint: Endpoint,
    path: string,
    extraQuery: string,
    what: string,
    accept: (items: unknown[]) => void,
    counters: Counters,
    signal: AbortSignal,
  ): Promise<void> {
    const seen = new Set<string>();
    const maxPages = this.config.max_pages;
    /** The request for page `n`, started from the tail of page n - 1 before that page was parsed. */
    let early = null as PageRequest | null;
    const request = (cursor: string | null, n: number): PageRequest => {
      const query = `?limit=${this.config.page_size}${extraQuery}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const own = new AbortController();
      const pending = this.client.getJson(endpoint, path + query, `${what} page ${n}`, {
        signal: AbortSignal.any([signal, own.signal]),
        onAttempt: () => void counters.requests++,
        onBody: async (body) => {
          const next = tailCursor(body);
          if (next === null || seen.has(next) || n + 1 > maxPages) return;
          if (early !== null) {
            if (early.n === n + 1 && early.cursor === next) return; // a retry of this page, same cursor
            early.abort();
          }
          early = await follow(next, n + 1);
        },
      });
      // A request whose page is never read (a listing that fails first) must not become an unhandled rejection.
      pending.catch(() => undefined);
      return { n, cursor, pending, abort: () => own.abort(new Error("not the next page")) };
    };
    /** Requests the page after one whose body has just been read, and lets the request leave before going on. */
    const follow = async (cursor: string, n: number): Promise<PageRequest> => {
      // Wait for undici to finish with the response first: asked at once, the pool would open another connection.
      await setImmediate();
      const next = request(cursor, n);
      // undici writes a request queued from inside a response's completion on a later turn of the event loop:
      // without this turn the next page would only be asked for after this one had been parsed and read.
      await setImmediate();
      return next;
    };
    let current = request(null, 1);
    try {
      for (let n = 1; ; n++) {
        const { body } = await current.pending;
        counters.pages++;
        const pageWhat = `${what} page ${n} from ${this.client.host}`;
        const { items, next } = envelope(body, pageWhat);
        if (next !== null) {
          if (seen.has(next)) {
            throw new ApiError("paging_loop", `${pageWhat}: cursor repeated, giving up`, { reason: "bad_response", retryable: false });
          }
          if (n + 1 > maxPages) {
            throw new ApiError("paging_loop", `${what} from ${this.client.host}: more than max_pages (${maxPages}) pages, giving up`, {
              reason: "bad_response",
              retryable: false,
            });
          }
          seen.add(next);
        }
        const guessed = early;
        early = null;
        if (next !== null && guessed !== null && guessed.n === n + 1 && guessed.cursor === next) {
          current = guessed;
        } else {
          guessed?.abort();
          if (next !== null) current = await follow(next, n + 1);
        }
        accept(items);
        if (next === null) return;
      }
    } finally {
      // A listing that fails does not need the page it had started early.
      early?.abort();
    }
  }
}

/**
 * A 404 from the legacy `/v1/connectors` listing (reported on some accounts since March 2026) as an error that says
 * what to change; any other error as it is.
 */
function legacyGone(err: unknown, endpoint: Endpoint): unknown {
  if (endpoint !== "connectors" || !(err instanceof ApiError) || err.status !== 404) return err;
  return new ApiError(
    "legacy_endpoint_gone",
    `${err.message.replace(/ \(will not retry\)$/, "")}: this account does not answer the legacy /v1/connectors listing; set fivetran.endpoint: connections`,
    { status: 404, reason: "client_error", retryable: false, cause: err },
  );
}

/** One page's request of a listing. */
interface PageRequest {
  n: number;
  cursor: string | null;
  pending: Promise<{ body: unknown }>;
  abort: () => void;
}

/** How far from the end of a page its cursor is looked for. */
const TAIL_BYTES = 4096;
const CURSOR_AT_END = /"(?:next_cursor|nextCursor)"\s*:\s*("(?:[^"\\]|\\.)*")\s*\}\s*\}\s*$/;

/**
 * The next cursor of a listing page read from the end of its body, unparsed, when the body ends the way Fivetran's
 * do (`..."next_cursor": "..."}}`); null when it does not (or the cursor is empty). A guess: the caller checks it
 * against the parsed page.
 */
export function tailCursor(body: Buffer): string | null {
  const m = CURSOR_AT_END.exec(body.toString("utf8", Math.max(0, body.length - TAIL_BYTES)));
  if (m === null) return null;
  try {
    const v = JSON.parse(m[1]!) as unknown;
    return typeof v === "string" && v !== "" ? v : null;
  } catch {
    return null;
  }
}

function badShape(what: string, detail: string): ApiError {
  return new ApiError("api_bad_response", `${what}: unexpected response shape (${detail})`, { reason: "bad_response", retryable: false });
}

/** Reads `{data: {items, next_cursor | nextCursor}}`; the token is null when missing, null or empty. */
function envelope(body: unknown, what: string): { items: unknown[]; next: string | null } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badShape(what, "not an object");
  const data = (body as { data?: unknown }).data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw badShape(what, "data is not an object");
  const d = data as { items?: unknown; next_cursor?: unknown; nextCursor?: unknown };
  if (!Array.isArray(d.items)) throw badShape(what, "data.items is not an array");
  const next = cursorValue(d.next_cursor, what, "next_cursor") ?? cursorValue(d.nextCursor, what, "nextCursor");
  return { items: d.items as unknown[], next };
}

function cursorValue(v: unknown, what: string, name: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") throw badShape(what, `data.${name} is not a string`);
  return v;
}
