// Small HTTP helpers of the simulator: JSON answers, Fivetran's error envelope, request bodies, cursors.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers sent with every API answer (the rate-limit ones). */
export type Headers = Record<string, string>;

/** Sends a JSON text with this status. */
export function send(res: ServerResponse, status: number, body: string, headers: Headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Sends Fivetran's `{code, message}` envelope. */
export function envelope(res: ServerResponse, status: number, code: string, message: string, headers: Headers = {}): void {
  send(res, status, JSON.stringify({ code, message }), headers);
}

/** Sends a successful `{code: "Success", message, data}` answer. */
export function success(res: ServerResponse, status: number, message: string, data: unknown, headers: Headers = {}): void {
  send(res, status, JSON.stringify({ code: "Success", message, data }), headers);
}

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The opaque cursor of a listing offset. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

/** The offset of a cursor made by `encodeCursor`, or null. */
export function decodeCursor(cursor: string): number | null {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}

/** The `limit` query parameter (default when absent), or null when it is not a whole number in 1..max. */
export function readLimit(url: URL, defaultLimit: number, maxLimit: number): number | null {
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? defaultLimit : Number(raw);
  return Number.isInteger(limit) && limit >= 1 && limit <= maxLimit ? limit : null;
}

/** The offset the `cursor` query parameter points at (0 without one), or null when it is not ours. */
export function readOffset(url: URL): number | null {
  const cursor = url.searchParams.get("cursor");
  return cursor ? decodeCursor(cursor) : 0;
}
