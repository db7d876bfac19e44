// Reads Fivetran: the whole listing of the account (listing.ts) and details of failing connections (details.ts).
import type { Logger } from "pino";
import type { FivetranConfig } from "../config/schema.js";
import { FivetranClient, type FivetranClientOptions } from "./client.js";
import { ConnectionReader, type ConnectionRead } from "./connection.js";
import { DetailsReader, type ConnectionProblem } from "./details.js";
import { GroupNames } from "./groups.js";
import type { PreviousConnections } from "./listed.js";
import { ListingReader, type Listing } from "./listing.js";
import { UnreadableFields } from "./unreadable-fields.js";
export { tailCursor, type Listing, type RejectedItem } from "./listing.js";
export { failedSetupTest, firstActiveError, type ActiveError, type ConnectionProblem, type SetupTestFailure } from "./details.js";
export type { ConnectionRead } from "./connection.js";

/**
 * What `FivetranSource` needs: the client's options (`now`, `sleep` and `random` injectable for tests), and where
 * to count timestamp fields that did not parse.
 */
export type FivetranSourceOptions = FivetranClientOptions & { onUnreadableField?: (field: string) => void };

/** Reads Fivetran: `list()` one whole snapshot of the account, `details()` what is wrong with failing connections. */
export class FivetranSource {
  private readonly client: FivetranClient;
  private readonly config: FivetranConfig;
  private readonly logger: Logger;
  private readonly listing: ListingReader;
  private readonly detailsReader: DetailsReader;
  private readonly connectionReader: ConnectionReader;
  private readonly groupNames: GroupNames;

  constructor(opts: FivetranSourceOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.client = new FivetranClient(opts);
    this.listing = new ListingReader(this.client, this.config, this.logger, new UnreadableFields(this.logger, opts.onUnreadableField));
    this.detailsReader = new DetailsReader(this.client, this.config, this.logger);
    this.connectionReader = new ConnectionReader(this.client, this.config);
    this.groupNames = new GroupNames(this.client, this.config, this.logger);
  }

  /**
   * The account's group names by id, read again first when due (at start, for a group id not seen before, else
   * hourly); never throws: on failure the names read before are returned.
   */
  async groups(seen: Iterable<string | null>, now: number, signal?: AbortSignal): Promise<ReadonlyMap<string, string>> {
    await this.groupNames.refresh(seen, now, signal);
    return this.groupNames.names;
  }

  /**
   * Pages every listing to the end; rejects (aborting sibling listings) if any page cannot be read. With `previous`,
   * an unchanged connection allocates nothing.
   */
  list(signal?: AbortSignal, previous?: PreviousConnections): Promise<Listing> {
    return this.listing.list(signal, previous);
  }

  /** Fetches what is wrong with each of these connections (active errors, else setup tests); never throws. */
  details(ids: string[], signal?: AbortSignal): Promise<Map<string, ConnectionProblem>> {
    return this.detailsReader.details(ids, signal);
  }

  /** Reads one connection after a webhook event, budgeted like detail calls; never throws. */
  connection(id: string, signal?: AbortSignal): Promise<ConnectionRead> {
    return this.connectionReader.read(id, signal);
  }

  /** Calls left in Fivetran's rate-limit window as its last answer said, or null before any. */
  get rateLimitRemaining(): number | null {
    return this.client.rateLimitRemaining;
  }

  /**
   * One cheap authenticated call (the first group, `GET /v1/groups?limit=1`) that proves the URL answers and the
   * credentials are accepted; resolves to the host that accepted them, throws ApiError otherwise.
   */
  async probe(signal?: AbortSignal): Promise<string> {
    await this.client.getJson("groups", "/v1/groups?limit=1", "list groups", { signal, maxAttempts: 2 });
    return this.client.host;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.client.close();
  }
}
