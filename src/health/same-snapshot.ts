// Tells whether two snapshots of a connection say the same thing, so an unchanged connection keeps its old objects.
import type { ConnectionSnapshot, Notice } from "./model.js";

function sameNotices(a: readonly Notice[], b: readonly Notice[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.message !== b[i]!.message) return false;
  return true;
}

/**
 * True when every field of the two snapshots is equal. Most connections do not change between two cycles; keeping
 * the previous snapshot object for them lets the diff, the metrics and the state file skip work they already did.
 */
export function sameSnapshot(a: ConnectionSnapshot, b: ConnectionSnapshot): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      a.succeeded_at === b.succeeded_at &&
      a.failed_at === b.failed_at &&
      a.setup_state === b.setup_state &&
      a.sync_state === b.sync_state &&
      a.update_state === b.update_state &&
      a.paused === b.paused &&
      a.group_id === b.group_id &&
      a.service === b.service &&
      a.schema === b.schema &&
      a.is_historical_sync === b.is_historical_sync &&
      a.created_at === b.created_at &&
      a.sync_frequency === b.sync_frequency &&
      a.schedule_type === b.schedule_type &&
      a.data_delay_sensitivity === b.data_delay_sensitivity &&
      a.data_delay_threshold === b.data_delay_threshold &&
      a.rescheduled_for === b.rescheduled_for &&
      sameNotices(a.warnings, b.warnings) &&
      sameNotices(a.tasks, b.tasks))
  );
}
