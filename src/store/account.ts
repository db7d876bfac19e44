// The account a state file watches: API URL, a hash of the API key (never the key) and the group filter.
import { createHash } from "node:crypto";

/** Which account a state belongs to, as recorded in the state file. */
export interface AccountBinding {
  api_url: string;
  /** The first 16 hex digits of the API key's SHA-256: tells keys apart, gives nothing away. */
  key_sha256: string;
  /** The group filter, sorted; empty: the whole account. */
  group_ids: string[];
}

/** The binding of a configured account. */
export function bindAccount(opts: { apiUrl: string; apiKey: string; groupIds: readonly string[] }): AccountBinding {
  return {
    api_url: opts.apiUrl.replace(/\/+$/, ""),
    key_sha256: createHash("sha256").update(opts.apiKey).digest("hex").slice(0, 16),
    group_ids: [...new Set(opts.groupIds)].sort(),
  };
}

/** Reads a binding from decoded JSON; null when absent or malformed (a state of an earlier release). */
export function decodeAccount(v: unknown): AccountBinding | null {
  if (typeof v !== "object" || v === null) return null;
  const a = v as Record<string, unknown>;
  if (typeof a.api_url !== "string" || typeof a.key_sha256 !== "string" || !Array.isArray(a.group_ids)) return null;
  if (!a.group_ids.every((g) => typeof g === "string")) return null;
  return { api_url: a.api_url, key_sha256: a.key_sha256, group_ids: a.group_ids };
}

/** What differs between the recorded and the configured account, one phrase each; empty when they match. */
export function accountDifferences(recorded: AccountBinding, current: AccountBinding): string[] {
  const out: string[] = [];
  if (recorded.api_url !== current.api_url) out.push(`it was written for ${recorded.api_url}, this run reads ${current.api_url}`);
  if (recorded.key_sha256 !== current.key_sha256) out.push(`it was written with another API key`);
  const groups = (g: string[]): string => (g.length === 0 ? "the whole account" : `groups ${g.join(", ")}`);
  if (recorded.group_ids.join("\n") !== current.group_ids.join("\n")) {
    out.push(`it was written for ${groups(recorded.group_ids)}, this run watches ${groups(current.group_ids)}`);
  }
  return out;
}
