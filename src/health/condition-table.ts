// The condition table: each kind's severity, title, pause exemption and enrichment in one place. Pure data.
import type { Severity } from "./model.js";

/** What syncwatch knows of one condition kind besides when it holds (that is decided in conditions.ts). */
export interface ConditionSpec {
  severity: Severity;
  /** What is wrong, for people; kinds with a code show it after the title ("Warning: <code>"). */
  title: string;
  /** Not judged while the connection is paused or on a manual schedule; a firing alert resolves with that reason. */
  exemptWhilePaused: boolean;
  /** When it starts firing, its summary gains the connection's failed setup test (one details call). */
  enrichedWithErrors: boolean;
  /** Its condition names carry a code after a colon: `warning:<code>`. */
  coded: boolean;
}

/** Every condition kind. A new condition is one row here plus the test that decides whether it holds. */
export const CONDITION_TABLE = {
  setup_broken: { severity: "critical", title: "Setup broken", exemptWhilePaused: false, enrichedWithErrors: true, coded: false },
  sync_failed: { severity: "critical", title: "Sync failed", exemptWhilePaused: true, enrichedWithErrors: true, coded: false },
  update_delayed: { severity: "warning", title: "Update delayed", exemptWhilePaused: true, enrichedWithErrors: false, coded: false },
  stale: { severity: "warning", title: "Data stale", exemptWhilePaused: true, enrichedWithErrors: false, coded: false },
  warning: { severity: "warning", title: "Warning", exemptWhilePaused: false, enrichedWithErrors: false, coded: true },
  task: { severity: "warning", title: "Task", exemptWhilePaused: false, enrichedWithErrors: false, coded: true },
  watcher_blind: { severity: "critical", title: "syncwatch cannot read Fivetran", exemptWhilePaused: false, enrichedWithErrors: false, coded: false },
} as const satisfies Record<string, ConditionSpec>;

/** The condition kinds; `warning:<code>` and `task:<code>` carry the code after the colon. */
export type ConditionKind = keyof typeof CONDITION_TABLE;

/** The kind of a condition name (`warning:x` → `warning`), or null for a name no row knows (e.g. from an older state). */
export function conditionKind(condition: string): ConditionKind | null {
  const colon = condition.indexOf(":");
  const kind = colon < 0 ? condition : condition.slice(0, colon);
  if (!Object.hasOwn(CONDITION_TABLE, kind)) return null;
  const spec: ConditionSpec = CONDITION_TABLE[kind as ConditionKind];
  return spec.coded === colon > 0 ? (kind as ConditionKind) : null;
}

/** The row of a condition name, or undefined for a name no row knows. */
export function conditionSpec(condition: string): ConditionSpec | undefined {
  const kind = conditionKind(condition);
  return kind === null ? undefined : CONDITION_TABLE[kind];
}

/** What is wrong, in words: "Setup broken", "Warning: <code>", "Task: <code>"; an unknown name as it is. */
export function conditionTitle(condition: string): string {
  const kind = conditionKind(condition);
  if (kind === null) return condition;
  const spec: ConditionSpec = CONDITION_TABLE[kind];
  return spec.coded ? `${spec.title}: ${condition.slice(condition.indexOf(":") + 1)}` : spec.title;
}
