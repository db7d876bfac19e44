// Test helpers of the notify area: alert and digest factories, a fake sleep and a secret-looking receiver path.
import type { Alert } from "../../src/health/model.js";
import type { Digest } from "../../src/notify/types.js";

/** 2026-11-22T12:00:00.000Z */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** An alert with sensible defaults. */
export function alert(over: Partial<Alert> = {}): Alert {
  return {
    status: "firing",
    connection_id: "abc123",
    condition: "setup_broken",
    severity: "critical",
    group_id: "g1",
    service: "salesforce",
    schema: "sf_prod",
    summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
    started_at: T0 - 5 * 60_000,
    resolved_at: null,
    reason: null,
    reminder: false,
    group_name: null,
    connection_url: null,
    runbook_url: null,
    ...over,
  };
}

/** `n` distinct firing alerts (connection c0000…), alternating severity. */
export function manyAlerts(n: number): Alert[] {
  return Array.from({ length: n }, (_, i) =>
    alert({
      connection_id: `c${String(i).padStart(4, "0")}`,
      schema: `schema_${String(i).padStart(4, "0")}`,
      severity: i % 2 === 0 ? "critical" : "warning",
      condition: i % 2 === 0 ? "sync_failed" : "stale",
      summary: `summary of ${i} `.repeat(20),
    }),
  );
}

/** A digest of these alerts. */
export function digest(alerts: Alert[], over: Partial<Digest> = {}): Digest {
  return { id: `${T0}-test`, created_at: T0, baseline: false, alerts, ...over };
}

/** A sleep that records what it was asked to wait and returns at once. */
export function fakeSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) => {
      waits.push(ms);
      signal?.throwIfAborted();
      return Promise.resolve();
    },
  };
}

/** A receiver path shaped like a Slack webhook secret, so tests can check the URL never leaks. */
export const SECRET_PATH = "/services/T000/B000/XXXXXXXXSECRETXXXX";
