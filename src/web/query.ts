// The alert list's filters, order and page, read from query parameters (so URLs are shareable), and applied.
import type { Severity } from "../health/model.js";
import { conditionMatches } from "../health/matcher.js";
import type { AlertView, HeldReason, SortKey, StatusView } from "./view.js";

/** A request for a page of firing alerts. */
export interface AlertQuery {
  group_id: string[];
  severity: Severity[];
  /** Exact names, or a prefix ending in `*` (`warning:*`). */
  condition: string[];
  /** `held`: only alerts held back; `sent`: only those that are not; a reason: only those held for it. */
  held: "held" | "sent" | HeldReason | null;
  /** Free text, matched case-insensitively against connection, service, group, condition and summary. */
  q: string;
  sort: SortKey;
  desc: boolean;
  limit: number;
  offset: number;
  /** The page's `refresh` parameter, kept in its links (null: none given). */
  refresh: number | null;
}

/** One page of the filtered, ordered alerts. */
export interface AlertPage {
  /** How many alerts match the filters. */
  total: number;
  offset: number;
  items: readonly AlertView[];
  /** The cursor of the next page, or null on the last one. */
  next_cursor: string | null;
}

const SORT_KEYS: readonly SortKey[] = ["severity", "since", "connection", "group", "condition"];
const HELD = ["held", "sent", "silenced", "inhibited", "muted"] as const;

/** The largest page the API gives. */
export const MAX_LIMIT = 1000;

/** Reads the query parameters; returns the query and a message per parameter it could not use (which is then ignored). */
export function parseAlertQuery(params: URLSearchParams, defaultLimit = 100): { query: AlertQuery; problems: string[] } {
  const problems: string[] = [];
  const list = (name: string): string[] =>
    params
      .getAll(name)
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
  const severity: Severity[] = [];
  for (const s of list("severity")) {
    if (s === "critical" || s === "warning") severity.push(s);
    else problems.push(`severity: expected critical or warning, got "${s}"`);
  }
  let held: AlertQuery["held"] = null;
  const heldRaw = params.get("held");
  if (heldRaw !== null && heldRaw !== "") {
    if ((HELD as readonly string[]).includes(heldRaw)) held = heldRaw as AlertQuery["held"];
    else problems.push(`held: expected one of ${HELD.join(", ")}, got "${heldRaw}"`);
  }
  let sort: SortKey = "severity";
  let desc = false;
  const sortRaw = params.get("sort");
  if (sortRaw !== null && sortRaw !== "") {
    const key = sortRaw.replace(/^-/, "");
    if ((SORT_KEYS as readonly string[]).includes(key)) {
      sort = key as SortKey;
      desc = sortRaw.startsWith("-");
    } else problems.push(`sort: expected one of ${SORT_KEYS.join(", ")} (a leading - reverses), got "${sortRaw}"`);
  }
  const limit = whole(params.get("limit"), defaultLimit, 1, MAX_LIMIT, "limit", problems);
  const offset = whole(params.get("cursor"), 0, 0, Number.MAX_SAFE_INTEGER, "cursor", problems);
  return {
    query: { group_id: list("group_id"), severity, condition: list("condition"), held, q: (params.get("q") ?? "").trim(), sort, desc, limit, offset, refresh: refreshParam(params.get("refresh")) },
    problems,
  };
}

function refreshParam(raw: string | null): number | null {
  const n = Number(raw ?? Number.NaN);
  return raw !== null && raw !== "" && Number.isInteger(n) && n >= 0 ? n : null;
}

function whole(raw: string | null, fallback: number, min: number, max: number, name: string, problems: string[]): number {
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return fallback;
}

/** The page of alerts the query asks for: one pass over the ordered alerts, stopping once the page is full and counted. */
export function queryAlerts(view: StatusView, q: AlertQuery): AlertPage {
  const ordered = view.ordered(q.sort, q.desc);
  const filtered = q.group_id.length > 0 || q.severity.length > 0 || q.condition.length > 0 || q.held !== null || q.q !== "";
  if (!filtered) return page(ordered.slice(q.offset, q.offset + q.limit), ordered.length, q);
  const needle = q.q.toLowerCase();
  const hay = needle === "" ? null : view.haystack();
  const items: AlertView[] = [];
  let total = 0;
  for (const a of ordered) {
    if (q.severity.length > 0 && !q.severity.includes(a.severity)) continue;
    if (q.group_id.length > 0 && !q.group_id.includes(a.group_id)) continue;
    if (q.condition.length > 0 && !q.condition.some((c) => conditionMatches(c, a.condition))) continue;
    if (q.held !== null && !heldMatches(q.held, a.held ?? null)) continue;
    if (hay !== null && !hay.get(a)!.includes(needle)) continue;
    if (total >= q.offset && items.length < q.limit) items.push(a);
    total++;
  }
  return page(items, total, q);
}

function heldMatches(want: NonNullable<AlertQuery["held"]>, held: HeldReason | null): boolean {
  if (want === "held") return held !== null;
  if (want === "sent") return held === null;
  return held === want;
}

function page(items: readonly AlertView[], total: number, q: AlertQuery): AlertPage {
  const end = q.offset + items.length;
  return { total, offset: q.offset, items, next_cursor: end < total && items.length > 0 ? String(end) : null };
}

/** Query parameters that reproduce a query (defaults left out), with changes: for links and the pager. */
export function queryParams(q: AlertQuery, change: Partial<AlertQuery> = {}, defaultLimit = 100): URLSearchParams {
  const v = { ...q, ...change };
  const p = new URLSearchParams();
  for (const g of v.group_id) p.append("group_id", g);
  for (const s of v.severity) p.append("severity", s);
  for (const c of v.condition) p.append("condition", c);
  if (v.held !== null) p.set("held", v.held);
  if (v.q !== "") p.set("q", v.q);
  if (v.sort !== "severity" || v.desc) p.set("sort", `${v.desc ? "-" : ""}${v.sort}`);
  if (v.limit !== defaultLimit) p.set("limit", String(v.limit));
  if (v.offset > 0) p.set("cursor", String(v.offset));
  if (v.refresh !== null) p.set("refresh", String(v.refresh));
  return p;
}
