// The conditions table of SPEC section 2: when each condition holds, its severity and summary, stale thresholds and overrides.
import { describe, expect, it } from "vitest";
import { effectiveRules, holdingConditions, staleThresholdMinutes, withSetupTest, type ConnectionSnapshot, type Rules } from "../../src/health/index.js";
import { HOUR, MIN, T0, rules, snap } from "./fixtures.js";

function held(s: ConnectionSnapshot, r: Rules = rules(), now = T0, resumedAt: number | null = null) {
  return holdingConditions(s, resumedAt, now, r, effectiveRules(r, s));
}
function names(s: ConnectionSnapshot, r?: Rules, now?: number, resumedAt?: number | null): string[] {
  return held(s, r, now, resumedAt).map((c) => c.condition);
}

describe("conditions table", () => {
  const rows: { name: string; s: Partial<ConnectionSnapshot>; expected: string[] }[] = [
    { name: "a healthy connection holds nothing", s: {}, expected: [] },
    { name: "setup_broken fires when setup_state is broken", s: { setup_state: "broken" }, expected: ["setup_broken"] },
    { name: "setup_broken clears when setup_state is incomplete", s: { setup_state: "incomplete" }, expected: [] },
    { name: "sync_failed fires when failed_at is later than succeeded_at", s: { failed_at: T0 - 5 * MIN }, expected: ["sync_failed"] },
    { name: "sync_failed fires on a failure with no success", s: { failed_at: T0 - 5 * MIN, succeeded_at: null, created_at: T0 - HOUR }, expected: ["sync_failed"] },
    { name: "sync_failed clears with a success later than the failure", s: { failed_at: T0 - 20 * MIN }, expected: [] },
    { name: "update_delayed fires when update_state is delayed", s: { update_state: "delayed" }, expected: ["update_delayed"] },
    { name: "update_delayed clears when update_state is on_schedule", s: { update_state: "on_schedule" }, expected: [] },
    { name: "stale fires past the threshold (2x60+60 = 180m)", s: { succeeded_at: T0 - 181 * MIN }, expected: ["stale"] },
    { name: "stale clears within the threshold", s: { succeeded_at: T0 - 179 * MIN }, expected: [] },
    { name: "warning:<code> fires per warning code", s: { warnings: [{ code: "snowflake_discontinuation", message: "Moving" }] }, expected: ["warning:snowflake_discontinuation"] },
    { name: "task:<code> fires per task code", s: { tasks: [{ code: "reconnect", message: null }] }, expected: ["task:reconnect"] },
    {
      name: "a repeated notice code is one condition",
      s: { warnings: [{ code: "w", message: "a" }, { code: "w", message: "b" }] },
      expected: ["warning:w"],
    },
    {
      name: "unknown enum values neither crash nor fire",
      s: { setup_state: "reticulating", update_state: "sideways", sync_state: "??", schedule_type: "lunar", data_delay_sensitivity: "WHATEVER" },
      expected: [],
    },
    {
      name: "every field null but id neither crashes nor fires",
      s: {
        group_id: null, service: null, schema: null, paused: null, setup_state: null, sync_state: null, update_state: null,
        is_historical_sync: null, succeeded_at: null, failed_at: null, created_at: null, sync_frequency: null, schedule_type: null,
        data_delay_sensitivity: null, data_delay_threshold: null, rescheduled_for: null,
      },
      expected: [],
    },
  ];
  it.each(rows)("$name", ({ s, expected }) => {
    expect(names(snap(s))).toEqual(expected);
  });

  it("gives each condition its severity", () => {
    const all = held(
      snap({
        setup_state: "broken",
        failed_at: T0 - MIN,
        succeeded_at: T0 - 5 * HOUR,
        update_state: "delayed",
        warnings: [{ code: "w1", message: "m" }],
        tasks: [{ code: "t1", message: "do it" }],
      }),
    );
    expect(Object.fromEntries(all.map((c) => [c.condition, c.severity]))).toEqual({
      setup_broken: "critical",
      sync_failed: "critical",
      update_delayed: "warning",
      stale: "warning",
      "warning:w1": "warning",
      "task:t1": "warning",
    });
  });
});

describe("summaries people can act on", () => {
  const rows: { name: string; s: Partial<ConnectionSnapshot>; condition: string; summary: string }[] = [
    { name: "setup broken", s: { setup_state: "broken" }, condition: "setup_broken", summary: "Setup is broken" },
    {
      name: "sync failed with a last success",
      s: { failed_at: Date.UTC(2026, 10, 22, 10, 4), succeeded_at: Date.UTC(2026, 10, 21, 22, 0) },
      condition: "sync_failed",
      summary: "Sync failed at 2026-11-22 10:04 UTC; last success 2026-11-21 22:00 UTC",
    },
    {
      name: "sync failed and never succeeded",
      s: { failed_at: Date.UTC(2026, 10, 22, 10, 4), succeeded_at: null, created_at: T0 - HOUR },
      condition: "sync_failed",
      summary: "Sync failed at 2026-11-22 10:04 UTC; never succeeded",
    },
    { name: "update delayed", s: { update_state: "delayed" }, condition: "update_delayed", summary: "Update is delayed" },
    {
      name: "stale with hours and minutes",
      s: { succeeded_at: T0 - (14 * HOUR + 5 * MIN), sync_frequency: 360 },
      condition: "stale",
      summary: "No successful sync for 14h 5m, limit 13h",
    },
    { name: "warning with message", s: { warnings: [{ code: "w1", message: "Schema changed" }] }, condition: "warning:w1", summary: "Warning w1: Schema changed" },
    { name: "task without message", s: { tasks: [{ code: "reauth", message: null }] }, condition: "task:reauth", summary: "Task reauth" },
  ];
  it.each(rows)("$name", ({ s, condition, summary }) => {
    expect(held(snap(s)).find((c) => c.condition === condition)?.summary).toBe(summary);
  });

  it("adds the failed setup test to a summary", () => {
    expect(withSetupTest("Setup is broken", { title: "Validate Login", message: "Invalid login credentials." })).toBe(
      "Setup is broken: Validate Login failed (Invalid login credentials.)",
    );
    expect(withSetupTest("Setup is broken", { title: "Validate Login", message: null })).toBe("Setup is broken: Validate Login failed");
  });
});

describe("stale threshold", () => {
  const rows: { name: string; s: Partial<ConnectionSnapshot>; r?: Record<string, unknown>; minutes: number }[] = [
    { name: "CUSTOM sensitivity uses data_delay_threshold", s: { data_delay_sensitivity: "CUSTOM", data_delay_threshold: 45 }, minutes: 45 },
    { name: "CUSTOM with threshold 0 falls back to factor x frequency + grace", s: { data_delay_sensitivity: "CUSTOM", data_delay_threshold: 0 }, minutes: 180 },
    { name: "a threshold outside CUSTOM is not used", s: { data_delay_sensitivity: "HIGH", data_delay_threshold: 45 }, minutes: 180 },
    { name: "factor x sync_frequency + grace by default", s: { sync_frequency: 360 }, minutes: 780 },
    { name: "factor and grace come from config", s: { sync_frequency: 60 }, r: { stale: { factor: 3, grace_minutes: 10 } }, minutes: 190 },
    { name: "null sync_frequency uses the default", s: { sync_frequency: null }, minutes: 1500 },
    { name: "the default comes from config", s: { sync_frequency: null }, r: { stale: { default_minutes: 90 } }, minutes: 90 },
  ];
  it.each(rows)("$name", ({ s, r, minutes }) => {
    const rs = rules(r);
    const sn = snap(s);
    expect(staleThresholdMinutes(sn, effectiveRules(rs, sn))).toBe(minutes);
    expect(names(snap({ ...s, succeeded_at: T0 - minutes * MIN }), rs)).not.toContain("stale");
    expect(names(snap({ ...s, succeeded_at: T0 - minutes * MIN - 1 }), rs)).toContain("stale");
  });

  it("counts a connection that never succeeded from created_at", () => {
    expect(names(snap({ succeeded_at: null, created_at: T0 - 179 * MIN }))).toEqual([]);
    const c = held(snap({ succeeded_at: null, created_at: T0 - 181 * MIN }));
    expect(c.map((x) => x.condition)).toEqual(["stale"]);
    expect(c[0]!.summary).toBe("Never synced successfully; created 3h 1m ago, limit 3h");
  });

  it("is not stale when neither success nor creation time is known", () => {
    expect(names(snap({ succeeded_at: null, created_at: null }))).toEqual([]);
  });

  it("measures from the resume time when it is later than the last success", () => {
    const s = snap({ succeeded_at: T0 - 7 * 24 * HOUR });
    expect(names(s, rules(), T0, T0 - 179 * MIN)).toEqual([]);
    expect(held(s, rules(), T0, T0 - 181 * MIN)[0]?.summary).toBe("No successful sync for 3h 1m since resuming, limit 3h");
  });
});

describe("overrides", () => {
  const s = snap({ id: "c1", group_id: "g1", service: "salesforce", schema: "sf_prod" });
  const threshold = (overrides: unknown[]) => {
    const r = rules({ overrides });
    return staleThresholdMinutes(s, effectiveRules(r, s));
  };
  const rows: { name: string; overrides: unknown[]; minutes: number }[] = [
    { name: "a service override applies", overrides: [{ match: { service: ["salesforce"] }, stale_minutes: 30 }], minutes: 30 },
    { name: "a group override applies", overrides: [{ match: { group_id: ["g1"] }, stale_minutes: 40 }], minutes: 40 },
    { name: "a connection override applies", overrides: [{ match: { connection_id: ["c1"] }, stale_minutes: 50 }], minutes: 50 },
    { name: "a schema override applies", overrides: [{ match: { schema: ["sf_prod"] }, stale_minutes: 55 }], minutes: 55 },
    { name: "a non-matching override does not apply", overrides: [{ match: { service: ["hubspot"] }, stale_minutes: 30 }], minutes: 180 },
    {
      name: "connection beats group beats service, whatever the order",
      overrides: [
        { match: { connection_id: ["c1"] }, stale_minutes: 50 },
        { match: { group_id: ["g1"] }, stale_minutes: 40 },
        { match: { service: ["salesforce"] }, stale_minutes: 30 },
      ],
      minutes: 50,
    },
    {
      name: "group beats service",
      overrides: [
        { match: { group_id: ["g1"] }, stale_minutes: 40 },
        { match: { service: ["salesforce"] }, stale_minutes: 30 },
      ],
      minutes: 40,
    },
    {
      name: "the later entry wins a tie",
      overrides: [
        { match: { service: ["salesforce"] }, stale_minutes: 30 },
        { match: { service: ["salesforce"] }, stale_minutes: 35 },
      ],
      minutes: 35,
    },
    {
      name: "fields merge: a group factor with a service grace",
      overrides: [
        { match: { group_id: ["g1"] }, stale_factor: 1 },
        { match: { service: ["salesforce"] }, stale_grace_minutes: 5 },
      ],
      minutes: 65,
    },
  ];
  it.each(rows)("$name", ({ overrides, minutes }) => {
    expect(threshold(overrides)).toBe(minutes);
  });

  it("stale_minutes beats a CUSTOM threshold", () => {
    const custom = snap({ data_delay_sensitivity: "CUSTOM", data_delay_threshold: 45 });
    const r = rules({ overrides: [{ match: { connection_id: ["c1"] }, stale_minutes: 20 }] });
    expect(staleThresholdMinutes(custom, effectiveRules(r, custom))).toBe(20);
  });

  it("an override narrowed to a condition applies only to it", () => {
    const r = rules({ overrides: [{ match: { service: ["salesforce"], condition: ["update_delayed"] }, stale_minutes: 5 }] });
    expect(names(snap({ succeeded_at: T0 - 10 * MIN }), r)).toEqual([]);
  });
});

describe("ignore_conditions", () => {
  const s = snap({
    setup_state: "broken",
    warnings: [{ code: "w1", message: null }, { code: "w2", message: null }],
    tasks: [{ code: "t1", message: null }],
  });
  const rows: { name: string; ignore: string[]; expected: string[] }[] = [
    { name: "nothing ignored", ignore: [], expected: ["setup_broken", "warning:w1", "warning:w2", "task:t1"] },
    { name: "an exact name", ignore: ["warning:w1"], expected: ["setup_broken", "warning:w2", "task:t1"] },
    { name: "the warning:* prefix", ignore: ["warning:*"], expected: ["setup_broken", "task:t1"] },
    { name: "the task:* prefix", ignore: ["task:*"], expected: ["setup_broken", "warning:w1", "warning:w2"] },
    { name: "a base condition", ignore: ["setup_broken"], expected: ["warning:w1", "warning:w2", "task:t1"] },
  ];
  it.each(rows)("ignores $name", ({ ignore, expected }) => {
    expect(names(s, rules({ overrides: [{ match: { group_id: ["g1"] }, ignore_conditions: ignore }] }))).toEqual(expected);
  });

  it("applies only to matching connections", () => {
    const r = rules({ overrides: [{ match: { group_id: ["other"] }, ignore_conditions: ["setup_broken"] }] });
    expect(names(snap({ setup_state: "broken" }), r)).toEqual(["setup_broken"]);
  });
});
