// Checks the shipped Grafana dashboard: valid JSON, sane layout, the datasource and group variables, and
// PromQL that promtool parses and that only uses metrics syncwatch exports.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import * as names from "../../src/metrics/names.js";
import { metricNames } from "./promql.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DASHBOARD = "deploy/grafana/syncwatch-dashboard.json";
const HELM_DASHBOARD = "helm/syncwatch/files/syncwatch-dashboard.json";
const PROMTOOL = existsSync("/usr/bin/promtool") ? "/usr/bin/promtool" : "promtool";

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  multi?: boolean;
  includeAll?: boolean;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}


/** Replaces Grafana variables with values PromQL accepts, so promtool can parse the expression. */
function withoutGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, "5m")
    .replace(/\$\{?group_id\}?/g, ".*");
}

const text = readFileSync(`${root}${DASHBOARD}`, "utf8");
const dashboard = JSON.parse(text) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? "", target: t })));

const exported = new Set<string>(Object.values(names as Record<string, unknown>).filter((v): v is string => typeof v === "string"));
for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(`${names.POLL_DURATION}${suffix}`);

describe("grafana dashboard", () => {
  it("is identified as the syncwatch dashboard", () => {
    expect(dashboard.uid).toBe("syncwatch");
    expect(dashboard.title).toBe("syncwatch: Fivetran connections");
    expect(dashboard.schemaVersion).toBe(39);
  });

  it("is shipped byte-identical in the Helm chart", () => {
    expect(readFileSync(`${root}${HELM_DASHBOARD}`, "utf8")).toBe(text);
  });

  it("has unique panel ids and a gridPos on every panel, without overlaps", () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = panels.map((p) => {
      expect(p.gridPos, p.title).toBeDefined();
      const g = p.gridPos!;
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      return { title: p.title, ...g };
    });
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it("has a prometheus datasource variable used by every panel and query", () => {
    const ds = dashboard.templating.list.find((v) => v.name === "datasource");
    expect(ds).toMatchObject({ type: "datasource", query: "prometheus" });
    for (const p of panels.filter((p) => p.type !== "row")) {
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
    }
  });

  it("has a multi-value group_id variable from fivetran_connection_info that per-connection queries use", () => {
    const v = dashboard.templating.list.find((x) => x.name === "group_id");
    expect(v).toMatchObject({ type: "query", multi: true, includeAll: true });
    const query = typeof v?.query === "string" ? v.query : v?.query?.query;
    expect(query).toBe("label_values(fivetran_connection_info, group_id)");
    for (const t of targets.filter((t) => t.expr.includes("fivetran_connection_"))) {
      expect(t.expr, t.panel).toContain('group_id=~"$group_id"');
    }
  });

  it("queries only metric names syncwatch exports", () => {
    expect(targets.length).toBeGreaterThan(10);
    const used = new Set(targets.flatMap((t) => [...metricNames(t.expr)]));
    expect(used).toContain(names.CONNECTION_INFO);
    expect(used).toContain(`${names.POLL_DURATION}_bucket`);
    const unknown = [...used].filter((n) => n !== "up" && !exported.has(n));
    expect(unknown).toEqual([]);
  });

  it("has PromQL that promtool parses", () => {
    const dir = mkdtempSync(join(tmpdir(), "syncwatch-dashboard-"));
    try {
      const file = join(dir, "dashboard-exprs.yaml");
      const rules = targets.map((t, i) => ({ record: `syncwatch_dashboard:expr_${i}`, expr: withoutGrafanaVariables(t.expr) }));
      writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
      const res = spawnSync(PROMTOOL, ["check", "rules", file], { encoding: "utf8" });
      if (res.error) throw new Error(`cannot run ${PROMTOOL} (install the prometheus package): ${res.error.message}`);
      expect(`${res.stdout}${res.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(res.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
