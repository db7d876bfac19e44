// Times and durations as people and payloads read them: the one home of every formatter.

const MINUTE_MS = 60_000;

/** A duration as people read it: "14h 5m", "13h", "17m", "2d 3h", "40s" (whole units, rounded down). */
export function formatDuration(ms: number): string {
  if (ms < MINUTE_MS) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  const totalMin = Math.floor(ms / MINUTE_MS);
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/** An epoch-ms time as "2026-11-22 10:04 UTC": short, unambiguous, for people. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** An epoch-ms time as ISO-8601 UTC with milliseconds, as payloads write times. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
