// Keeps secrets (webhook URLs, tokens, SMTP passwords) out of error messages and cause chains.

/** The parts of a URL that must never be shown: the whole URL, its path and query, credentials. */
export function urlSecrets(url: string): string[] {
  const out = [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return out;
  }
  out.push(parsed.href);
  if (parsed.pathname.length > 1) out.push(`${parsed.pathname}${parsed.search}`, parsed.pathname);
  if (parsed.search.length > 1) out.push(parsed.search);
  for (const value of parsed.searchParams.values()) out.push(value);
  for (const segment of parsed.pathname.split("/")) if (segment.length >= 8) out.push(segment);
  if (parsed.password) out.push(parsed.password, safeDecode(parsed.password));
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Replaces every secret in `text` (longest first) with `[redacted]`; secrets shorter than 4 chars are ignored. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of sorted) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  return out;
}

const MAX_DEPTH = 5;

/**
 * A copy of an error (and its cause chain) that keeps only what is safe to show: name, `code`,
 * `responseCode` and the message with secrets scrubbed. Other own fields (requests, headers, commands)
 * are left behind, since they may carry credentials.
 */
export function safeCause(err: unknown, secrets: readonly string[], depth = 0): Error | undefined {
  if (err === undefined || err === null || depth >= MAX_DEPTH) return undefined;
  const source = err instanceof Error ? err : new Error(typeof err === "string" ? err : "non-error thrown");
  const innerCause = safeCause((source as { cause?: unknown }).cause, secrets, depth + 1);
  const copy = new Error(scrub(source.message, secrets), innerCause ? { cause: innerCause } : undefined);
  copy.name = source.name;
  const fields = source as { code?: unknown; responseCode?: unknown };
  if (typeof fields.code === "string" || typeof fields.code === "number") Object.assign(copy, { code: fields.code });
  if (typeof fields.responseCode === "number") Object.assign(copy, { responseCode: fields.responseCode });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
