// Which conditions hold for one connection snapshot at a given time, with severity and a human summary.
import { CONDITION_TABLE as T, type ConditionKind } from "./condition-table.js";
import type { ConnectionSnapshot, Severity } from "./model.js";
import { formatDuration, formatTime } from "./format.js";
import { conditionRules, isIgnored, type EffectiveRules, type ResolvedRules, type Rules } from "./rules.js";

/** One condition that holds now. */
export interface HeldCondition {
  /** The condition name: `setup_broken`, `stale`, `warning:<code>`, ... */
  condition: string;
  kind: ConditionKind;
  severity: Severity;
  summary: string;
}

/** Called once per holding condition; used instead of an array so healthy connections allocate nothing. */
export type ConditionVisitor = (condition: string, kind: ConditionKind, severity: Severity, summary: string) => void;

const MINUTE_MS = 60_000;

/** Why a connection is exempt now from the kinds the condition table marks `exemptWhilePaused`, or null when it is judged. */
export function exemption(s: ConnectionSnapshot): "paused" | "manual" | null {
  if (s.paused === true) return "paused";
  if (s.schedule_type === "manual") return "manual";
  return null;
}

/**
 * The stale threshold in minutes: a fixed override, else Fivetran's CUSTOM data delay threshold when over 0,
 * else `factor × sync_frequency + grace`, else (no sync_frequency) the default.
 */
export function staleThresholdMinutes(s: ConnectionSnapshot, r: ResolvedRules): number {
  if (r.staleMinutes !== null) return r.staleMinutes;
  if (s.data_delay_sensitivity === "CUSTOM" && s.data_delay_threshold !== null && s.data_delay_threshold > 0) return s.data_delay_threshold;
  if (s.sync_frequency !== null && Number.isFinite(s.sync_frequency)) return r.staleFactor * s.sync_frequency + r.staleGraceMinutes;
  return r.staleDefaultMinutes;
}

/** When staleness is measured from: the later of the last success (or creation, if never) and the resume time; null if unknown. */
export function staleSince(s: ConnectionSnapshot, resumedAt: number | null): number | null {
  const base = s.succeeded_at ?? s.created_at;
  if (base === null) return null;
  return resumedAt !== null && resumedAt > base ? resumedAt : base;
}

function noticeSummary(label: string, code: string, message: string | null): string {
  return message ? `${label} ${code}: ${message}` : `${label} ${code}`;
}

/**
 * Visits every condition that holds for `s` at `now`, skipping ignored conditions and, while paused or
 * manual, the exempt kinds. `resumedAt` is `ConnectionRecord.resumed_at`.
 */
export function visitConditions(
  s: ConnectionSnapshot,
  resumedAt: number | null,
  now: number,
  rules: Rules,
  eff: EffectiveRules,
  visit: ConditionVisitor,
): void {
  const judged = exemption(s) === null;
  const narrowed = eff.matched !== null;

  if (judges(judged, "setup_broken") && s.setup_state === "broken" && !ignoredFor(rules, eff, "setup_broken", T.setup_broken.severity)) {
    visit("setup_broken", "setup_broken", T.setup_broken.severity, "Setup is broken");
  }

  if (judges(judged, "sync_failed") && s.failed_at !== null && (s.succeeded_at === null || s.failed_at > s.succeeded_at)) {
    if (!ignoredFor(rules, eff, "sync_failed", T.sync_failed.severity)) {
      const last = s.succeeded_at === null ? "never succeeded" : `last success ${formatTime(s.succeeded_at)}`;
      visit("sync_failed", "sync_failed", T.sync_failed.severity, `Sync failed at ${formatTime(s.failed_at)}; ${last}`);
    }
  }

  if (judges(judged, "update_delayed") && s.update_state === "delayed" && !ignoredFor(rules, eff, "update_delayed", T.update_delayed.severity)) {
    visit("update_delayed", "update_delayed", T.update_delayed.severity, "Update is delayed");
  }

  const since = judges(judged, "stale") ? staleSince(s, resumedAt) : null;
  if (since !== null) {
    const r = narrowed ? conditionRules(rules, eff, "stale", T.stale.severity) : eff;
    const limitMin = staleThresholdMinutes(s, r);
    const age = now - since;
    if (age > limitMin * MINUTE_MS && !isIgnored(r, "stale")) {
      const limit = formatDuration(limitMin * MINUTE_MS);
      let summary: string;
      if (s.succeeded_at === null && since !== resumedAt) summary = `Never synced successfully; created ${formatDuration(age)} ago, limit ${limit}`;
      else if (since === resumedAt && since !== s.succeeded_at) summary = `No successful sync for ${formatDuration(age)} since resuming, limit ${limit}`;
      else summary = `No successful sync for ${formatDuration(age)}, limit ${limit}`;
      visit("stale", "stale", T.stale.severity, summary);
    }
  }

  if (judges(judged, "warning") && s.warnings.length > 0) visitNotices(s.warnings, "warning", rules, eff, visit);
  if (judges(judged, "task") && s.tasks.length > 0) visitNotices(s.tasks, "task", rules, eff, visit);
}

/** True when `kind` is judged now: the connection is judged, or the table says pausing does not exempt it. */
function judges(judged: boolean, kind: ConditionKind): boolean {
  return judged || !T[kind].exemptWhilePaused;
}

function ignoredFor(rules: Rules, eff: EffectiveRules, condition: string, severity: Severity): boolean {
  return isIgnored(eff.matched !== null ? conditionRules(rules, eff, condition, severity) : eff, condition);
}

function visitNotices(
  notices: ConnectionSnapshot["warnings"],
  kind: "warning" | "task",
  rules: Rules,
  eff: EffectiveRules,
  visit: ConditionVisitor,
): void {
  const seen = notices.length > 1 ? new Set<string>() : null;
  for (const n of notices) {
    if (seen) {
      if (seen.has(n.code)) continue;
      seen.add(n.code);
    }
    const condition = `${kind}:${n.code}`;
    const severity = T[kind].severity;
    if (ignoredFor(rules, eff, condition, severity)) continue;
    visit(condition, kind, severity, noticeSummary(T[kind].title, n.code, n.message));
  }
}

/** The conditions that hold for one connection now (an array form of `visitConditions`, for callers and tests). */
export function holdingConditions(
  s: ConnectionSnapshot,
  resumedAt: number | null,
  now: number,
  rules: Rules,
  eff: EffectiveRules,
): HeldCondition[] {
  const out: HeldCondition[] = [];
  visitConditions(s, resumedAt, now, rules, eff, (condition, kind, severity, summary) => out.push({ condition, kind, severity, summary }));
  return out;
}
