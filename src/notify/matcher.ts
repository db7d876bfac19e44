// Decides whether an alert matches a route or silence matcher (pure).
import type { Alert } from "../health/model.js";
import type { Matcher } from "../config/schema.js";

/**
 * True when every field the matcher gives matches the alert (a list matches any of its values; a condition
 * value ending in `*` is a prefix, e.g. `warning:*`). The watcher's own `watcher_blind` alert, which belongs to
 * no connection, matches only matchers that do not constrain connection, group, service or schema.
 */
export function matchesAlert(matcher: Matcher | undefined, alert: Alert): boolean {
  if (matcher === undefined) return true;
  const scoped = [matcher.connection_id, matcher.group_id, matcher.service, matcher.schema];
  if (alert.connection_id === "" && scoped.some((f) => f !== undefined)) return false;
  if (!anyOf(matcher.connection_id, alert.connection_id)) return false;
  if (!anyOf(matcher.group_id, alert.group_id)) return false;
  if (!anyOf(matcher.service, alert.service)) return false;
  if (!anyOf(matcher.schema, alert.schema)) return false;
  if (matcher.severity !== undefined && !matcher.severity.includes(alert.severity)) return false;
  if (matcher.condition !== undefined && !matcher.condition.some((c) => conditionMatches(c, alert.condition))) return false;
  return true;
}

/** True when a condition pattern (exact name, or a prefix ending in `*`) matches a condition name. */
export function conditionMatches(pattern: string, condition: string): boolean {
  if (pattern.endsWith("*")) return condition.startsWith(pattern.slice(0, -1));
  return pattern === condition;
}

function anyOf(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}
