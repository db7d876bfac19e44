// Helpers that write the Prometheus text exposition format (0.0.4) by hand, for the families built without prom-client.

const NEEDS_ESCAPE = /[\\"\n]/;

/** Escapes a label value: backslash, double quote and line feed, as the text format requires. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Writes a sample value: finite numbers as JavaScript prints them, infinities and NaN as Prometheus spells them. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

/** The `# HELP` and `# TYPE` lines of one family (help text escaped: backslash and line feed). */
export function familyHeader(name: string, help: string, type: "gauge" | "counter"): string {
  const escaped = help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return `# HELP ${name} ${escaped}\n# TYPE ${name} ${type}\n`;
}
