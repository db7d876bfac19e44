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

const TRANSPORT_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed while sending",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "timed out connecting",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for the response",
  UND_ERR_BODY_TIMEOUT: "timed out reading the response",
  ETIMEDOUT: "timed out",
  ESOCKETTIMEDOUT: "timed out",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate chain is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate cannot be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate is for another host",
};

/** A transport error code in words with the code kept: "connection refused (ECONNREFUSED)"; an unknown code as is. */
export function describeTransportCode(code: string): string {
  const words = TRANSPORT_WORDS[code];
  return words ? `${words} (${code})` : code;
}
