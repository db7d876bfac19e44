// The condition table against SPEC section 2: severity, pause exemption, enrichment and titles of every kind.
import { describe, expect, it } from "vitest";
import { CONDITION_TABLE, conditionKind, conditionSpec, conditionTitle } from "../../src/health/index.js";

describe("the condition table", () => {
  const rows = [
    { kind: "setup_broken", severity: "critical", exemptWhilePaused: false, enrichedWithErrors: true },
    { kind: "sync_failed", severity: "critical", exemptWhilePaused: true, enrichedWithErrors: true },
    { kind: "update_delayed", severity: "warning", exemptWhilePaused: true, enrichedWithErrors: false },
    { kind: "stale", severity: "warning", exemptWhilePaused: true, enrichedWithErrors: false },
    { kind: "warning", severity: "warning", exemptWhilePaused: false, enrichedWithErrors: false },
    { kind: "task", severity: "warning", exemptWhilePaused: false, enrichedWithErrors: false },
    { kind: "watcher_blind", severity: "critical", exemptWhilePaused: false, enrichedWithErrors: false },
  ] as const;

  it("has a row for every kind SPEC names, and no other", () => {
    expect(Object.keys(CONDITION_TABLE).sort()).toEqual(rows.map((r) => r.kind).sort());
  });

  it.each(rows)("$kind is $severity, exempt while paused: $exemptWhilePaused, enriched: $enrichedWithErrors", ({ kind, ...want }) => {
    expect(CONDITION_TABLE[kind]).toMatchObject(want);
  });
});

describe("condition names", () => {
  const rows: { condition: string; kind: string | null; title: string }[] = [
    { condition: "setup_broken", kind: "setup_broken", title: "Setup broken" },
    { condition: "sync_failed", kind: "sync_failed", title: "Sync failed" },
    { condition: "update_delayed", kind: "update_delayed", title: "Update delayed" },
    { condition: "stale", kind: "stale", title: "Data stale" },
    { condition: "watcher_blind", kind: "watcher_blind", title: "syncwatch cannot read Fivetran" },
    { condition: "warning:schema_change", kind: "warning", title: "Warning: schema_change" },
    { condition: "task:reconnect", kind: "task", title: "Task: reconnect" },
    { condition: "task:a:b", kind: "task", title: "Task: a:b" },
    { condition: "warning", kind: null, title: "warning" },
    { condition: "stale:x", kind: null, title: "stale:x" },
    { condition: "toString", kind: null, title: "toString" },
    { condition: "something_new", kind: null, title: "something_new" },
  ];
  it.each(rows)("$condition is of kind $kind, titled $title", ({ condition, kind, title }) => {
    expect(conditionKind(condition)).toBe(kind);
    expect(conditionTitle(condition)).toBe(title);
    expect(conditionSpec(condition) === undefined).toBe(kind === null);
  });
});
