// The public face of the pure health judge: rules, conditions, diff, the watcher alert and the model.
export * from "./model.js";
export {
  rulesFromConfig,
  effectiveRules,
  conditionRules,
  isIgnored,
  type Rules,
  type ResolvedRules,
  type EffectiveRules,
  type RuleOverride,
} from "./rules.js";
export {
  compileMatcher,
  conditionMatches,
  anyConditionMatches,
  matches,
  matchesScope,
  matchesCondition,
  type AlertMatcher,
  type CompiledMatcher,
  type ScopeLabels,
  type MatchLabels,
} from "./matcher.js";
export {
  holdingConditions,
  visitConditions,
  staleThresholdMinutes,
  staleSince,
  exemption,
  type HeldCondition,
  type ConditionVisitor,
} from "./conditions.js";
export { CONDITION_TABLE, conditionKind, conditionSpec, conditionTitle, type ConditionSpec } from "./condition-table.js";
export { formatDuration, formatTime, isoTime } from "./format.js";
export { withSetupTest, withActiveError, withProblem, compareAlerts, compareEvents, toAlert, type AlertEvent } from "./events.js";
export { diff, type CurrentSnapshot, type DiffResult } from "./diff.js";
export { judgeWatcher, WATCHER_CONDITION, type WatcherResult } from "./watcher.js";
