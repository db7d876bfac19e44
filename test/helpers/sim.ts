// Picks connections of a simulated account that are healthy and judged for every condition (not paused, not manual).
import type { SimAccount } from "../../src/simulator/index.js";

interface Item {
  id: string;
  paused: boolean;
  schedule_type: string;
  status: { setup_state: string; update_state: string; warnings: unknown[]; tasks: unknown[] };
  failed_at: string | null;
  succeeded_at: string | null;
}

/** Ids of running, automatically scheduled connections with nothing wrong, in listing order. */
export function healthyIds(account: SimAccount): string[] {
  return (account.truth() as unknown as Item[])
    .filter((c) => !c.paused && c.schedule_type !== "manual" && c.status.setup_state === "connected" && c.status.update_state !== "delayed")
    .filter((c) => c.status.warnings.length === 0 && c.status.tasks.length === 0)
    .filter((c) => c.failed_at === null || (c.succeeded_at !== null && c.failed_at < c.succeeded_at))
    .map((c) => c.id);
}
