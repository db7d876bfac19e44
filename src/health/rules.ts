// The judging rules resolved from config, and how overrides resolve them per connection and condition.
import type { AlertsConfig, RulesConfig } from "../config/schema.js";
import { anyConditionMatches, compileMatcher, matchesCondition, matchesScope, type CompiledMatcher } from "./matcher.js";
import type { ConnectionSnapshot, Severity } from "./model.js";

/** The rules that apply to one connection (and condition) after overrides. */
export interface ResolvedRules {
  /** A fixed stale threshold in minutes, or null to compute it from the snapshot. */
  staleMinutes: number | null;
  staleFactor: number;
  staleGraceMinutes: number;
  staleDefaultMinutes: number;
  fireAfter: number;
  clearAfter: number;
  /** Conditions not judged: exact names, or patterns ending in `*` such as `warning:*`. */
  ignore: readonly string[];
}

/** One override from config, with its precedence rank and lookup sets prepared. */
export interface RuleOverride {
  /** 3 connection_id or schema, 2 group_id, 1 service, 0 none; ties go to the later entry. */
  rank: number;
  index: number;
  /** When its conditions or severities are set, the override applies only to those. */
  match: CompiledMatcher;
  fields: Partial<ResolvedRules>;
}

/** The resolved rules of one connection: its rules, plus the overrides needed to resolve narrowed ones per condition. */
export interface EffectiveRules extends ResolvedRules {
  /** Every matching override in ascending precedence, kept only when some of them are narrowed by condition or severity. */
  matched: readonly RuleOverride[] | null;
}

/** Everything the health judge needs from config. */
export interface Rules {
  defaults: EffectiveRules;
  /** In ascending precedence (apply in order; later wins). */
  overrides: readonly RuleOverride[];
  /** 0 means no reminders. */
  repeatIntervalMs: number;
  sendResolved: boolean;
  watcherBlindMs: number;
}

const MINUTE_MS = 60_000;

/** Builds the judging rules from the validated `rules` and `alerts` config sections. */
export function rulesFromConfig(rules: RulesConfig, alerts: AlertsConfig): Rules {
  const overrides = rules.overrides.map((o, index): RuleOverride => {
    const m = o.match;
    const fields: Partial<ResolvedRules> = {};
    if (o.stale_minutes !== undefined) fields.staleMinutes = o.stale_minutes;
    if (o.stale_factor !== undefined) fields.staleFactor = o.stale_factor;
    if (o.stale_grace_minutes !== undefined) fields.staleGraceMinutes = o.stale_grace_minutes;
    if (o.stale_default_minutes !== undefined) fields.staleDefaultMinutes = o.stale_default_minutes;
    if (o.fire_after !== undefined) fields.fireAfter = o.fire_after;
    if (o.clear_after !== undefined) fields.clearAfter = o.clear_after;
    if (o.ignore_conditions !== undefined) fields.ignore = [...o.ignore_conditions];
    const rank = m.connection_id || m.schema ? 3 : m.group_id ? 2 : m.service ? 1 : 0;
    return {
      rank,
      index,
      match: compileMatcher(m),
      fields,
    };
  });
  overrides.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return {
    defaults: {
      staleMinutes: null,
      staleFactor: rules.stale.factor,
      staleGraceMinutes: rules.stale.grace_minutes,
      staleDefaultMinutes: rules.stale.default_minutes,
      fireAfter: rules.fire_after,
      clearAfter: rules.clear_after,
      ignore: [],
      matched: null,
    },
    overrides,
    repeatIntervalMs: alerts.repeat_interval_minutes * MINUTE_MS,
    sendResolved: alerts.send_resolved,
    watcherBlindMs: rules.watcher_blind_after_minutes * MINUTE_MS,
  };
}

/** True when `condition` is listed in the ignore patterns. */
export function isIgnored(r: ResolvedRules, condition: string): boolean {
  return anyConditionMatches(r.ignore, condition);
}

function apply(base: ResolvedRules, overrides: readonly RuleOverride[]): ResolvedRules {
  const out: ResolvedRules = { ...base };
  for (const o of overrides) Object.assign(out, o.fields);
  return out;
}

/**
 * Resolves the rules of one connection: matching overrides apply in precedence order
 * (connection_id/schema > group_id > service > none; later entries win ties). Returns
 * `rules.defaults` itself (no allocation) when no override matches.
 */
export function effectiveRules(rules: Rules, snapshot: ConnectionSnapshot): EffectiveRules {
  if (rules.overrides.length === 0) return rules.defaults;
  const labels = { connection_id: snapshot.id, group_id: snapshot.group_id, service: snapshot.service, schema: snapshot.schema };
  let matched: RuleOverride[] | null = null;
  for (const o of rules.overrides) {
    if (matchesScope(o.match, labels)) (matched ??= []).push(o);
  }
  if (matched === null) return rules.defaults;
  const narrowed = matched.some((o) => narrowedOverride(o));
  const plain = narrowed ? matched.filter((o) => !narrowedOverride(o)) : matched;
  return { ...apply(rules.defaults, plain), matched: narrowed ? matched : null };
}

/** The rules for one condition of a connection (differs from `eff` only when an override is narrowed to conditions). */
export function conditionRules(rules: Rules, eff: EffectiveRules, condition: string, severity: Severity): ResolvedRules {
  if (eff.matched === null) return eff;
  return apply(
    rules.defaults,
    eff.matched.filter((o) => matchesCondition(o.match, condition, severity)),
  );
}

function narrowedOverride(o: RuleOverride): boolean {
  return o.match.conditions !== null || o.match.severities !== null;
}
