// The X-Fivetran-Signature-256 check: hex HMAC-SHA256 of the raw body keyed with the webhook secret, constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

/** The header Fivetran signs each delivery with (lower case, as node:http gives header names). */
export const SIGNATURE_HEADER = "x-fivetran-signature-256";

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The signature Fivetran sends for `body`: upper-case hex HMAC-SHA256 keyed with `secret`. */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex").toUpperCase();
}

/** Why a delivery's signature is not accepted, or null when it is. */
export type SignatureProblem = "unsigned" | "bad_signature";

/**
 * Checks `header` against the HMAC of the raw `body`: 64 hex digits in either case, compared in constant time on
 * equal-length buffers. Returns null when it matches.
 */
export function checkSignature(body: Buffer, header: string | string[] | undefined, secret: string): SignatureProblem | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return "unsigned";
  const given = value.trim();
  if (!HEX_SHA256.test(given)) return "bad_signature";
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, "hex"), expected) ? null : "bad_signature";
}
