// Checks the shipped Prometheus alerting rules: promtool accepts them, their unit tests pass, they only use
// metrics syncwatch exports, and the Helm chart carries an identical copy.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as names from "../../src/metrics/names.js";
import { metricNames } from "./promql.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const RULES = "deploy/prometheus/syncwatch-rules.yaml";
const RULES_TEST = "deploy/prometheus/syncwatch-rules.test.yaml";
const HELM_RULES = "helm/syncwatch/files/syncwatch-rules.yaml";
const PROMTOOL = existsSync("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool";

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Runs promtool in the repository root; a missing binary is a failure, not a skip. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const res = spawnSync(PROMTOOL, args, { cwd: root, encoding: "utf8" });
  if (res.error) throw new Error(`cannot run ${PROMTOOL} (install the prometheus package): ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}


const exported = new Set<string>(Object.values(names as Record<string, unknown>).filter((v): v is string => typeof v === "string"));
const doc = parse(readFileSync(`${root}${RULES}`, "utf8")) as { groups: { name: string; rules: Rule[] }[] };
const rules = doc.groups.flatMap((g) => g.rules);

describe("alerting rules", () => {
  it("pass promtool check rules", () => {
    const res = promtool("check", "rules", RULES);
    expect(res.output).toContain("SUCCESS");
    expect(res.status).toBe(0);
  });

  it("pass their promtool unit tests", () => {
    const res = promtool("test", "rules", RULES_TEST);
    expect(res.output).toContain("SUCCESS");
    expect(res.status).toBe(0);
  });

  it("are shipped byte-identical in the Helm chart", () => {
    expect(readFileSync(`${root}${HELM_RULES}`, "utf8")).toBe(readFileSync(`${root}${RULES}`, "utf8"));
  });

  it("form one group named syncwatch with the documented alerts", () => {
    expect(doc.groups.map((g) => g.name)).toEqual(["syncwatch"]);
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        "FivetranConnectionDelayed",
        "FivetranConnectionSetupBroken",
        "FivetranConnectionStale",
        "FivetranConnectionSyncFailed",
        "SyncwatchAbsent",
        "SyncwatchApiBudgetLow",
        "SyncwatchDown",
        "SyncwatchNotPolling",
        "SyncwatchNotificationsFailing",
        "SyncwatchPollsFailing",
        "SyncwatchWebhookInactive",
      ].sort(),
    );
  });

  it.each(rules.map((r) => [r.alert ?? r.record ?? "?", r] as const))("%s has for, severity, summary and description", (_name, rule) => {
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(["critical", "warning"]).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    // absent() yields a series without labels; every other alert names what it is about.
    if (!rule.expr.trim().startsWith("absent(")) expect(rule.annotations?.description).toContain("$labels");
  });

  it("join per-connection alerts with fivetran_connection_info for group, service and schema", () => {
    const perConnection = rules.filter((r) => r.alert?.startsWith("FivetranConnection"));
    expect(perConnection).toHaveLength(4);
    for (const r of perConnection) {
      expect(r.expr.replace(/\s+/g, " ")).toContain("* on(connection_id) group_left(group_id, service, schema)");
      expect(metricNames(r.expr)).toContain(names.CONNECTION_INFO);
    }
  });

  it("use only metric names syncwatch exports (or up, and prom-client's process_start_time_seconds)", () => {
    const used = new Set(rules.flatMap((r) => [...metricNames(r.expr)]));
    expect(used).toContain(names.LAST_SUCCESSFUL_POLL);
    expect(used).toContain("up");
    const outside = new Set(["up", "process_start_time_seconds"]);
    const unknown = [...used].filter((n) => !outside.has(n) && !exported.has(n));
    expect(unknown).toEqual([]);
  });

  it("metric name extraction sees selectors and ignores functions, keywords and labels", () => {
    expect([...metricNames('sum by (le) (rate(foo_bucket{a="b c"}[5m])) / on(x) group_left(y) bar unless baz offset 5m')].sort()).toEqual([
      "bar",
      "baz",
      "foo_bucket",
    ]);
  });
});
