// HTML built from templates whose values are escaped unless they are themselves built HTML.

/** A piece of HTML that is already safe (built by `html` or from a constant). */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * A template tag: `html\`<td>${name}</td>\`` escapes `name`; an `Html` value or a list of them is inserted as is;
 * null, undefined and false insert nothing. Every string from Fivetran reaches a page through this.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new Html(out);
}

function piece(v: unknown): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  if (typeof v === "string") return escapeHtml(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  // Anything else is a mistake in a template; shown as data, never as markup.
  return escapeHtml(JSON.stringify(v) ?? "");
}
