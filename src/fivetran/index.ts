// The Fivetran source: the only code that knows the wire format (client, paging, normalization).
export { FivetranSource, failedSetupTest, firstActiveError } from "./source.js";
export type { ActiveError, ConnectionProblem, ConnectionRead, FivetranSourceOptions, Listing, RejectedItem, SetupTestFailure } from "./source.js";
export { ListedConnections } from "./listed.js";
export type { PreviousConnections } from "./listed.js";
export { FivetranClient } from "./client.js";
export type { Endpoint, FivetranClientOptions, GetOptions, GetResult } from "./client.js";
export { normalizeConnection } from "./normalize.js";
export type { NormalizeResult } from "./normalize.js";
export { FivetranWebhooks, readWebhook } from "./webhooks.js";
export type { FivetranWebhook, WebhookSpec } from "./webhooks.js";
