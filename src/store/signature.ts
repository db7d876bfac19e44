// How a state file says it is syncwatch's: its first bytes. Only such a file (or an empty one) is ever moved aside.

/** The value of the `format` key that opens every state file this build writes. */
export const STATE_FORMAT = "syncwatch-state";

/** The first bytes of every state file this build writes. */
export const STATE_SIGNATURE = `{"format":${JSON.stringify(STATE_FORMAT)}`;

/** Files of earlier releases began with their version and save time, in this order (nothing else writes that). */
const LEGACY_SIGNATURE = /^\{"version":\d+,"saved_at":"/;

/** Bytes enough to recognise either signature. */
export const SIGNATURE_BYTES = 64;

/** What the first bytes of a file say about it: empty, written by syncwatch, or someone else's. */
export type FileKind = "empty" | "ours" | "foreign";

/** Classifies a file by its first bytes (at least `SIGNATURE_BYTES` of them when the file is that long). */
export function kindOf(head: string): FileKind {
  if (head.length === 0) return "empty";
  return head.startsWith(STATE_SIGNATURE) || LEGACY_SIGNATURE.test(head) ? "ours" : "foreign";
}
