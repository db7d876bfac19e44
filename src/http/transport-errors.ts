// Reads low-level transport failures (undici and Node socket errors); shared by the Fivetran client and the notifiers.

/** Error codes that mean a request ran out of time rather than failed. */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT", "ESOCKETTIMEDOUT"]);

/** The first `code` string found along an error's cause chain (e.g. ECONNREFUSED, UND_ERR_SOCKET). */
export function errorCodeOf(err: unknown): string | null {
  let cur: unknown = err;
  for (let i = 0; i < 6 && typeof cur === "object" && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}
