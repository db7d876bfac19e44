// The public face of the pure health judge: rules, conditions, diff, the observe step, the self-monitor and the model.
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
  matches,
  type AlertMatcher,
  type CompiledMatcher,
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
export { diff, judgeSome, type CurrentSnapshot, type DiffResult } from "./diff.js";
export { observe, type ListingRead, type Observation, type KeptItem } from "./observe.js";
export { LayeredConnections } from "./layered.js";
export { lifecycleText } from "./lifecycle-text.js";
export { judgeBlind, BLIND_CONDITION, type BlindResult } from "./blind.js";
export { planNotifications, holdReasons, holdPolicyFromConfig, HOLD_REASONS, type HoldPolicy, type HoldReason, type NotificationPlan } from "./hold.js";
export { compileInhibitRules, inhibitedBy, INHIBIT_LABELS, type InhibitRule, type InhibitRuleConfig, type InhibitLabel } from "./inhibit.js";
export { compileMuteInterval, localClock, isTimeZone, parseWeekdays, parseTimeOfDay, type MuteInterval, type MuteIntervalConfig } from "./mute.js";
