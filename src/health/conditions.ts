// Which conditions hold for one connection snapshot at a given time, with severity and a human summary.
import type { ConditionKind, ConnectionSnapshot, Severity } from "./model.js";
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

/** Condition kinds not judged while a connection is paused or on a manual schedule. */
export const EXEMPT_WHILE_PAUSED: ReadonlySet<ConditionKind> = new Set<ConditionKind>(["stale", "sync_failed", "update_delayed"]);

const MINUTE_MS = 60_000;

/** Why a connection is exempt from `stale`, `sync_failed` and `update_delayed` now, or null when it is judged. */
export function exemption(s: ConnectionSnapshot): "paused" | "manual" | null {
  if (s.paused === true) return "paused";
  if (s.schedule_type === "manual") return "manual";
  return null;
}

/** The kind of a condition name (`warning:x` → `warning`). */
export function conditionKind(condition: string): ConditionKind {
  if (condition.startsWith("warning:")) return "warning";
  if (condition.startsWith("task:")) return "task";
  return condition as ConditionKind;
}

/** The severity of a condition kind. */
export function severityOf(kind: ConditionKind): Severity {
  return kind === "setup_broken" || kind === "sync_failed" || kind === "watcher_blind" ? "critical" : "warning";
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

  if (s.setup_state === "broken" && !ignoredFor(rules, eff, "setup_broken", "critical")) visit("setup_broken", "setup_broken", "critical", "Setup is broken");

  if (judged) {
    if (s.failed_at !== null && (s.succeeded_at === null || s.failed_at > s.succeeded_at) && !ignoredFor(rules, eff, "sync_failed", "critical")) {
      const last = s.succeeded_at === null ? "never succeeded" : `last success ${formatTime(s.succeeded_at)}`;
      visit("sync_failed", "sync_failed", "critical", `Sync failed at ${formatTime(s.failed_at)}; ${last}`);
    }
    if (s.update_state === "delayed" && !ignoredFor(rules, eff, "update_delayed", "warning")) visit("update_delayed", "update_delayed", "warning", "Update is delayed");
    const since = staleSince(s, resumedAt);
    if (since !== null) {
      const r = narrowed ? conditionRules(rules, eff, "stale", "warning") : eff;
      const limitMin = staleThresholdMinutes(s, r);
      const age = now - since;
      if (age > limitMin * MINUTE_MS && !isIgnored(r, "stale")) {
        const limit = formatDuration(limitMin * MINUTE_MS);
        let summary: string;
        if (s.succeeded_at === null && since !== resumedAt) summary = `Never synced successfully; created ${formatDuration(age)} ago, limit ${limit}`;
        else if (since === resumedAt && since !== s.succeeded_at) summary = `No successful sync for ${formatDuration(age)} since resuming, limit ${limit}`;
        else summary = `No successful sync for ${formatDuration(age)}, limit ${limit}`;
        visit("stale", "stale", "warning", summary);
      }
    }
  }

  if (s.warnings.length > 0) visitNotices(s.warnings, "warning", "Warning", rules, eff, visit);
  if (s.tasks.length > 0) visitNotices(s.tasks, "task", "Task", rules, eff, visit);
}

function ignoredFor(rules: Rules, eff: EffectiveRules, condition: string, severity: Severity): boolean {
  return isIgnored(eff.matched !== null ? conditionRules(rules, eff, condition, severity) : eff, condition);
}

function visitNotices(
  notices: ConnectionSnapshot["warnings"],
  kind: "warning" | "task",
  label: string,
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
    if (ignoredFor(rules, eff, condition, "warning")) continue;
    visit(condition, kind, "warning", noticeSummary(label, n.code, n.message));
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
