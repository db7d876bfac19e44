// Page sizes of the simulated API's paged endpoints (as Fivetran's: 100 by default, at most 1,000).

/** Items per page when `limit` is not given. */
export const DEFAULT_LIMIT = 100;
/** The largest `limit` accepted. */
export const MAX_LIMIT = 1000;
