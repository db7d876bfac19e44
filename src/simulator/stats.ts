// What a running simulator served: requests by endpoint, listing pages and items.

/** Request counts by endpoint. */
export class SimStats {
  requests: Record<string, number> = {};
  /** Listing pages served successfully. */
  pages = 0;
  /** Connection items served in listing pages. */
  items = 0;

  /** All requests to the Fivetran endpoints (the control API not counted). */
  total(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  /** Back to zero. */
  reset(): void {
    this.requests = {};
    this.pages = 0;
    this.items = 0;
  }

  /** Counts one request to this endpoint. */
  count(endpoint: string): void {
    this.requests[endpoint] = (this.requests[endpoint] ?? 0) + 1;
  }
}
