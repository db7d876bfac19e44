// One simulated connection as the account stores it, and the kinds of broken items `corrupt()` can make of it.

/** A warning or task as the API shows it. */
export interface SimNotice {
  code: string;
  message: string;
  details?: string;
}

/**
 * Ways `corrupt()` makes an item unreadable or odd in listings. The last four are quirks of real payloads that must
 * be read: no `status` object, `"failed_at": "null"`, other timestamp strings that do not parse, `paused` left out.
 */
export type CorruptKind =
  | "no_id"
  | "status_not_object"
  | "succeeded_at_number"
  | "nulls_everywhere"
  | "unknown_enums"
  | "no_status"
  | "failed_at_null_string"
  | "unparseable_timestamps"
  | "paused_missing";

/** An active error as `GET /v1/connections/{id}/errors` lists it. */
export interface SimError {
  type: string;
  title: string;
  reason: string;
  message: string;
}

/** One simulated connection. `succeededAt` is only the stored value; live connections compute theirs from the clock. */
export interface SimConnection {
  id: string;
  group_id: string;
  service: string;
  schema: string;
  connected_by: string;
  created_at: number;
  paused: boolean;
  schedule_type: "auto" | "manual";
  sync_frequency: number | null;
  data_delay_sensitivity: string;
  data_delay_threshold: number;
  setup_state: string;
  sync_state: string;
  update_state: string;
  is_historical_sync: boolean;
  warnings: SimNotice[];
  tasks: SimNotice[];
  failed_at: number | null;
  rescheduled_for: number | null;
  daily_sync_time: string;
  /** Syncs keep succeeding on the schedule (unless paused or manual): succeeded_at follows the clock. */
  live: boolean;
  /** Start of the sync slots of a live connection (epoch ms). */
  phase: number;
  /** succeeded_at when not live. */
  succeededAt: number | null;
  setupTest: { title: string; message: string } | null;
  /** An active error set by a script; null: derived from the broken setup test or the failed sync, if any. */
  error: SimError | null;
  corrupt: CorruptKind | null;
  /** Bumped on every change; with succeeded_at it keys the cached JSON. */
  version: number;
  cacheVersion: number;
  cacheSucceeded: number | null;
  cacheJson: string;
}

