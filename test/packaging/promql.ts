// Test helper: the metric names a PromQL expression selects, to check rules and dashboards against what syncwatch exports.

const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

/** Metric names a PromQL expression selects (identifiers that are not functions, keywords or label names). */
export function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const found = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice((m.index ?? 0) + m[0].length);
    if (/^\s*\(/.test(after) || PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    found.add(m[0]);
  }
  return found;
}
