// Where an alert says to act: its group's name, the connection's page in Fivetran and a runbook link (pure).
import type { AlertsConfig } from "../config/schema.js";
import { compileMatcher, matches, type CompiledMatcher } from "../health/matcher.js";
import type { Alert } from "../health/model.js";

/** The link settings of `alerts.links`, with runbook matchers prepared. */
export interface AlertLinks {
  /** The connection page template with `{connection_id}`; "" when turned off. */
  connectionUrl: string;
  runbooks: readonly { match: CompiledMatcher; url: string }[];
}

/** Prepares `alerts.links`. */
export function compileLinks(links: AlertsConfig["links"]): AlertLinks {
  return { connectionUrl: links.connection_url, runbooks: links.runbooks.map((r) => ({ match: compileMatcher(r.match), url: r.url })) };
}

/** The alert with `group_name`, `connection_url` and `runbook_url` filled in (null where unknown); a new object. */
export function describeAlert(a: Alert, groupNames: ReadonlyMap<string, string>, links: AlertLinks): Alert {
  const runbook = links.runbooks.find((r) => matches(r.match, a));
  return {
    ...a,
    group_name: (a.group_id !== "" ? groupNames.get(a.group_id) : undefined) ?? null,
    connection_url: a.connection_id === "" || links.connectionUrl === "" ? null : fill(links.connectionUrl, a),
    runbook_url: runbook === undefined ? null : fill(runbook.url, a),
  };
}

/** Replaces `{connection_id}`, `{condition}`, `{group_id}` and `{service}` with the alert's values, URL-encoded. */
function fill(template: string, a: Alert): string {
  return template.replace(/\{(connection_id|condition|group_id|service)\}/g, (_, k: "connection_id" | "condition" | "group_id" | "service") =>
    encodeURIComponent(a[k]),
  );
}
