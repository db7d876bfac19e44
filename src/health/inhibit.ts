// Inhibit rules: a firing source alert keeps matching target alerts with equal labels from being sent. Pure.
import { compileMatcher, matches, type AlertMatcher, type CompiledMatcher, type MatchLabels } from "./matcher.js";

/** The labels an inhibit rule may require to be equal between source and target. */
export const INHIBIT_LABELS = ["connection_id", "group_id", "service", "schema", "condition", "severity"] as const;

/** One label of `INHIBIT_LABELS`. */
export type InhibitLabel = (typeof INHIBIT_LABELS)[number];

/** An inhibit rule as config writes it. */
export interface InhibitRuleConfig {
  readonly source: AlertMatcher;
  readonly target: AlertMatcher;
  readonly equal: readonly InhibitLabel[];
}

/** An inhibit rule with its matchers prepared. */
export interface InhibitRule {
  source: CompiledMatcher;
  target: CompiledMatcher;
  equal: readonly InhibitLabel[];
}

/** Prepares inhibit rules from config. */
export function compileInhibitRules(rules: readonly InhibitRuleConfig[]): InhibitRule[] {
  return rules.map((r) => ({ source: compileMatcher(r.source), target: compileMatcher(r.target), equal: [...r.equal] }));
}

/** A firing alert's labels and its key. */
export interface LabelledAlert {
  key: string;
  labels: MatchLabels;
}

/**
 * The firing alerts some rule inhibits, by key, each with the key of one source inhibiting it. An alert never
 * inhibits itself; one rule's sources are indexed by their equal labels, so the cost is one pass per rule.
 */
export function inhibitedBy(firing: readonly LabelledAlert[], rules: readonly InhibitRule[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of rules) {
    const sources = new Map<string, string[]>();
    for (const a of firing) {
      if (!matches(rule.source, a.labels)) continue;
      const k = equalKey(a.labels, rule.equal);
      const list = sources.get(k);
      if (list) list.push(a.key);
      else sources.set(k, [a.key]);
    }
    if (sources.size === 0) continue;
    for (const a of firing) {
      if (out.has(a.key) || !matches(rule.target, a.labels)) continue;
      const by = sources.get(equalKey(a.labels, rule.equal))?.find((s) => s !== a.key);
      if (by !== undefined) out.set(a.key, by);
    }
  }
  return out;
}

function equalKey(labels: MatchLabels, equal: readonly InhibitLabel[]): string {
  return equal.map((l) => labels[l] ?? "").join("\u0000");
}
