// What `once` prints: a short human summary with a table of what is firing, or the same as JSON data.
import type { CycleReport } from "../daemon.js";
import { isoTime } from "../health/format.js";
import type { Alert } from "../health/model.js";

/** The `once --json` document: the cycle's outcome and every firing alert. */
export function onceJson(report: CycleReport, firing: Alert[]): unknown {
  return {
    outcome: report.outcome,
    error: report.error ? { code: report.error.code, message: report.error.message } : null,
    connections: report.connections,
    requests: report.requests,
    rejected: report.rejected,
    firing: firing.map((a) => ({ ...a, started_at: isoTime(a.started_at), resolved_at: null })),
  };
}

/** The short human summary `once` prints: what was read, then a table of what is firing. */
export function onceSummary(report: CycleReport, firing: (Alert & { held?: string | null })[]): string {
  const lines: string[] = [];
  if (report.outcome !== "success") {
    lines.push(`Could not read Fivetran: ${report.error?.message ?? "held back by rate limit"}`);
    return lines.join("\n");
  }
  const skipped = report.rejected ? ` (${report.rejected} unreadable items skipped)` : "";
  lines.push(`Read ${report.connections} connections in ${report.requests} request${report.requests === 1 ? "" : "s"}${skipped}.`);
  if (firing.length === 0) {
    lines.push("Nothing is firing.");
    return lines.join("\n");
  }
  const critical = firing.filter((a) => a.severity === "critical").length;
  lines.push(`${firing.length} firing: ${critical} critical, ${firing.length - critical} warning.`);
  const rows = firing.map((a) => [
    a.severity.toUpperCase(),
    a.condition,
    a.schema || a.connection_id || "syncwatch",
    a.service,
    a.group_name ?? a.group_id,
    `${a.summary}${a.held ? ` [held back: ${a.held}]` : ""}${a.connection_url ? ` ${a.connection_url}` : ""}`,
  ]);
  lines.push(...table(["SEVERITY", "CONDITION", "CONNECTION", "SERVICE", "GROUP", "WHAT"], rows));
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c).padEnd(widths[i]!)))
      .join("  ");
  return [fmt(header), ...rows.map(fmt)];
}
