// The one matcher: whether an alert-like record matches a config matcher (overrides, routes, silences). Pure.
import type { Severity } from "./model.js";

/** A matcher as config writes it: every given field must match; a list matches any of its values. */
export interface AlertMatcher {
  readonly connection_id?: readonly string[] | undefined;
  readonly group_id?: readonly string[] | undefined;
  readonly service?: readonly string[] | undefined;
  readonly schema?: readonly string[] | undefined;
  /** Exact condition names, or patterns ending in `*` (`warning:*`, `warn*`, `*`). */
  readonly condition?: readonly string[] | undefined;
  readonly severity?: readonly Severity[] | undefined;
}

/** The labels of one connection a matcher's scope fields test; null (or "") means unknown. */
export interface ScopeLabels {
  connection_id: string;
  group_id: string | null;
  service: string | null;
  schema: string | null;
}

/** What a matcher is matched against: an alert, or a connection's labels with one of its conditions. */
export interface MatchLabels extends ScopeLabels {
  condition: string;
  severity: Severity;
}

/** A matcher prepared for matching many records: scope lists as sets, null for a field it does not give. */
export interface CompiledMatcher {
  connectionIds: ReadonlySet<string> | null;
  groupIds: ReadonlySet<string> | null;
  services: ReadonlySet<string> | null;
  schemas: ReadonlySet<string> | null;
  conditions: readonly string[] | null;
  severities: readonly Severity[] | null;
}

/** Prepares a config matcher (undefined matches everything). */
export function compileMatcher(m: AlertMatcher | undefined): CompiledMatcher {
  const set = (v: readonly string[] | undefined): ReadonlySet<string> | null => (v === undefined ? null : new Set(v));
  return {
    connectionIds: set(m?.connection_id),
    groupIds: set(m?.group_id),
    services: set(m?.service),
    schemas: set(m?.schema),
    conditions: m?.condition ? [...m.condition] : null,
    severities: m?.severity ? [...m.severity] : null,
  };
}

/** True when `pattern` names `condition`: an exact name, or a prefix ending in `*` (`warning:*`, `warn*`). */
export function conditionMatches(pattern: string, condition: string): boolean {
  if (pattern.endsWith("*")) return condition.startsWith(pattern.slice(0, -1));
  return pattern === condition;
}

/** True when some pattern in `patterns` names `condition`. */
export function anyConditionMatches(patterns: readonly string[], condition: string): boolean {
  for (const p of patterns) if (conditionMatches(p, condition)) return true;
  return false;
}

/**
 * True when the matcher's connection, group, service and schema fields all match. The watcher's own alert (connection
 * id "") belongs to no connection, so it matches only matchers that constrain none of them; an unknown label never
 * matches a field that lists values.
 */
export function matchesScope(m: CompiledMatcher, r: ScopeLabels): boolean {
  if (r.connection_id === "") return m.connectionIds === null && m.groupIds === null && m.services === null && m.schemas === null;
  return has(m.connectionIds, r.connection_id) && has(m.groupIds, r.group_id) && has(m.services, r.service) && has(m.schemas, r.schema);
}

/** True when the matcher's condition patterns and severities (where given) match. */
export function matchesCondition(m: CompiledMatcher, condition: string, severity: Severity): boolean {
  return (m.conditions === null || anyConditionMatches(m.conditions, condition)) && (m.severities === null || m.severities.includes(severity));
}

/** True when every field the matcher gives matches the record. */
export function matches(m: CompiledMatcher, r: MatchLabels): boolean {
  return matchesScope(m, r) && matchesCondition(m, r.condition, r.severity);
}

function has(values: ReadonlySet<string> | null, value: string | null): boolean {
  return values === null || (value !== null && values.has(value));
}
