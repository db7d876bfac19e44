// How secrets are shown when a config is printed (`check-config`): masked tokens and URLs reduced to scheme and host.

/** What a masked secret reads as. */
export const MASKED = "********";

/** The first four characters of a long token, or nothing of a short one. */
export function maskToken(token: string): string {
  return token.length > 8 ? `${token.slice(0, 4)}…(masked)` : MASKED;
}

/**
 * A URL with its secrets hidden: the path, query and password are masked; the user name stays. `keepHostPort`
 * keeps `scheme://user:********@host:port` (SMTP), else `scheme://host/********`.
 */
export function maskUrl(url: string, keepHostPort = false): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}:${MASKED}@` : "";
    return keepHostPort ? `${u.protocol}//${user}${u.host}` : `${u.protocol}//${u.host}/${MASKED}`;
  } catch {
    return MASKED;
  }
}

/** Every value of a record masked, its keys kept (request headers). */
export function maskValues(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).map((k) => [k, MASKED]));
}

/** A URL's password as written and URL-decoded (both forms reach the wire or a log). */
export function urlPasswordForms(url: string): string[] {
  try {
    const { password } = new URL(url);
    if (!password) return [];
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  } catch {
    return [];
  }
}
