// HTTP Basic auth for the status page and the API: user `syncwatch`, the configured password, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";

/** The user name Basic auth expects. */
export const UI_USER = "syncwatch";

/** The `WWW-Authenticate` header of a 401. */
export const CHALLENGE = 'Basic realm="syncwatch", charset="UTF-8"';

/**
 * A check of an `Authorization` header against the password: true when it carries `syncwatch:<password>`. Both sides
 * are hashed first, so the comparison takes the same time whatever the length or content of what was sent.
 */
export function basicAuthCheck(password: string): (authorization: string | undefined) => boolean {
  const expected = digest(`${UI_USER}:${password}`);
  return (authorization) => {
    const m = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(authorization ?? "");
    const given = m ? Buffer.from(m[1]!, "base64").toString("utf8") : "";
    // Compare even when the header is missing or malformed: no early exit tells a prober anything.
    return timingSafeEqual(digest(given), expected) && m !== null;
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
