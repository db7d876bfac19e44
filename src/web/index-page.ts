// The status page at `/`: counts at the top, the last cycle and the watcher's health, filters, a page of firing alerts.
import { html, type Html } from "./html.js";
import { agoTag, layout, num, timeTag } from "./layout.js";
import { queryAlerts, queryParams, type AlertQuery } from "./query.js";
import { linkOf, type AlertView, type HeldReason, type SortKey, type StatusView } from "./view.js";

/** What the index page needs besides the view. */
export interface PageOptions {
  version: string;
  now: number;
  refreshSeconds: number;
}

const GROUPS_SHOWN = 10;
const GROUP_OPTIONS = 500;

/** The whole status page for a query (its problems are shown, and those parameters ignored). */
export function renderIndex(view: StatusView, query: AlertQuery, problems: readonly string[], opts: PageOptions): string {
  const page = queryAlerts(view, query);
  const c = view.counts;
  const title = c.firing === 0 ? "syncwatch: nothing firing" : `syncwatch: ${c.by_severity.critical} critical, ${c.by_severity.warning} warning`;
  const main = html`
<section id="summary" class="summary" data-live aria-labelledby="h-summary">
  <h1 id="h-summary">${headline(view)}</h1>
  ${watcherLine(view, opts.now)}
  ${cards(view)}
</section>
<section id="breakdown" class="breakdown" data-live aria-label="Firing alerts by condition and destination, connections by state">
  ${byCondition(view)}
  ${byGroup(view)}
  ${connectionStates(view)}
</section>
${filterForm(view, query)}
${problems.length > 0 ? html`<p class="problem" role="alert">Ignored: ${problems.join("; ")}</p>` : null}
<section id="alerts" class="alerts" data-live aria-labelledby="h-alerts">
  <h2 id="h-alerts">Firing alerts <span class="range">${range(page.offset, page.items.length, page.total)}</span></h2>
  ${page.items.length === 0 ? emptyNote(view, page.total, query) : alertTable(page.items, query, opts.now)}
  ${pager(query, page.offset, page.items.length, page.total)}
</section>`;
  return layout({ title, version: opts.version, main, refreshSeconds: opts.refreshSeconds });
}

function headline(view: StatusView): string {
  const c = view.counts;
  if (c.firing === 0) return `All ${num(c.connections.total)} connections are fine`;
  const parts = [c.by_severity.critical > 0 ? `${num(c.by_severity.critical)} critical` : "", c.by_severity.warning > 0 ? `${num(c.by_severity.warning)} warning` : ""];
  return `${parts.filter((p) => p !== "").join(", ")} firing on ${num(c.connections.with_alerts)} of ${num(c.connections.total)} connections`;
}

function watcherLine(view: StatusView, now: number): Html {
  const w = view.watcher;
  const cy = view.cycle;
  const cycle =
    cy === null
      ? html`No cycle has finished in this run yet.`
      : html`Last cycle ${timeTag(cy.started_at)} (${agoTag(cy.started_at, now)}): <strong class="outcome-${cy.outcome}">${cy.outcome}</strong>
        in ${(cy.duration_ms / 1000).toFixed(1)} s, ${num(cy.connections)} connections, ${num(cy.requests)} request${cy.requests === 1 ? "" : "s"}`;
  const budget = view.rateLimitRemaining === null ? null : html` · API budget left: <strong>${num(view.rateLimitRemaining)}</strong> calls this hour`;
  const lastGood = view.lastSuccessAt === null ? null : html` · last good cycle ${agoTag(view.lastSuccessAt, now)}`;
  return html`<p class="watcher state-${w.state}"><span class="badge">Watcher: ${w.state}</span> ${w.summary}</p>
  <p class="cycle">${cycle}${budget}${lastGood}</p>`;
}

function cards(view: StatusView): Html {
  const c = view.counts;
  const card = (cls: string, n: number, label: string, href: string): Html =>
    html`<li class="card card-${cls}"><a href="${href}"><span class="n">${num(n)}</span> <span class="label">${label}</span></a></li>`;
  return html`<ul class="cards" aria-label="At a glance">
    ${card("firing", c.firing, "firing", "/")}
    ${card("critical", c.by_severity.critical, "critical", "/?severity=critical")}
    ${card("warning", c.by_severity.warning, "warning", "/?severity=warning")}
    ${card("held", c.held, "held back", "/?held=held")}
    ${card("conns", c.connections.total, "connections", "/")}
    ${card("paused", c.connections.paused, "paused", "/")}
  </ul>`;
}

function byCondition(view: StatusView): Html {
  const rows = Object.entries(view.counts.by_condition).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return html`<section class="box"><h2>By condition</h2>
  ${rows.length === 0 ? html`<p class="muted">Nothing firing.</p>` : html`<table class="counts"><thead><tr><th scope="col">Condition</th><th scope="col" class="n">Firing</th></tr></thead><tbody>
  ${rows.map(([cond, n]) => html`<tr><td><a href="/?${new URLSearchParams({ condition: cond }).toString()}"><code>${cond}</code></a></td><td class="n">${num(n)}</td></tr>`)}
  </tbody></table>`}</section>`;
}

function groupLabel(id: string, name: string | null | undefined): string {
  if (id === "") return "syncwatch itself";
  return name ? name : id;
}

function byGroup(view: StatusView): Html {
  const groups = view.counts.by_group;
  const shown = groups.slice(0, GROUPS_SHOWN);
  return html`<section class="box"><h2>By destination</h2>
  ${shown.length === 0 ? html`<p class="muted">Nothing firing.</p>` : html`<table class="counts"><thead><tr><th scope="col">Destination</th><th scope="col" class="n">Critical</th><th scope="col" class="n">Firing</th></tr></thead><tbody>
  ${shown.map((g) => html`<tr><td><a href="/?${new URLSearchParams({ group_id: g.group_id }).toString()}">${groupLabel(g.group_id, g.group_name)}</a>${g.group_name ? html` <span class="id">${g.group_id}</span>` : null}</td><td class="n">${num(g.critical)}</td><td class="n">${num(g.firing)}</td></tr>`)}
  </tbody></table>`}
  ${groups.length > GROUPS_SHOWN ? html`<p class="muted">and ${num(groups.length - GROUPS_SHOWN)} more destinations (use the filter below)</p>` : null}</section>`;
}

function connectionStates(view: StatusView): Html {
  const cc = view.counts.connections;
  const rows = Object.entries(cc.setup_state).sort((a, b) => b[1] - a[1]);
  return html`<section class="box"><h2>Connections</h2><table class="counts"><tbody>
  ${rows.map(([state, n]) => html`<tr><th scope="row">setup ${state}</th><td class="n">${num(n)}</td></tr>`)}
  <tr><th scope="row">paused</th><td class="n">${num(cc.paused)}</td></tr>
  <tr><th scope="row">with a firing alert</th><td class="n">${num(cc.with_alerts)}</td></tr>
  </tbody></table></section>`;
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : null}>${label}</option>`;
}

const SORTS: readonly [string, string][] = [
  ["severity", "Most severe first"],
  ["-since", "Newest first"],
  ["since", "Oldest first"],
  ["connection", "Connection A-Z"],
  ["group", "Destination A-Z"],
  ["condition", "Condition A-Z"],
];

function filterForm(view: StatusView, q: AlertQuery): Html {
  const groups = [...view.counts.by_group].sort((a, b) => (groupLabel(a.group_id, a.group_name) < groupLabel(b.group_id, b.group_name) ? -1 : 1));
  const selectedGroup = q.group_id[0] ?? "";
  const groupOptions = groups.slice(0, GROUP_OPTIONS);
  if (selectedGroup !== "" && !groupOptions.some((g) => g.group_id === selectedGroup)) groupOptions.unshift({ group_id: selectedGroup, group_name: null, firing: 0, critical: 0 });
  const conditions = Object.keys(view.counts.by_condition).sort();
  const kinds = ["warning:*", "task:*"].filter((k) => conditions.some((c) => c.startsWith(k.slice(0, -1))));
  const selectedCondition = q.condition[0] ?? "";
  if (selectedCondition !== "" && !conditions.includes(selectedCondition) && !kinds.includes(selectedCondition)) conditions.unshift(selectedCondition);
  const sortValue = `${q.desc ? "-" : ""}${q.sort}`;
  const held: readonly [string, string][] = [
    ["", "All"],
    ["held", "Held back"],
    ["sent", "Being sent"],
    ["silenced", "Silenced"],
    ["inhibited", "Inhibited"],
    ["muted", "Muted"],
  ];
  return html`<form id="filters" class="filters" method="get" action="/" role="search" aria-label="Filter firing alerts">
  <label>Destination <select name="group_id">${option("", "All destinations", selectedGroup === "")}
    ${groupOptions.map((g) => option(g.group_id, `${groupLabel(g.group_id, g.group_name)} (${num(g.firing)})`, g.group_id === selectedGroup))}</select></label>
  <label>Severity <select name="severity">${option("", "All", q.severity.length === 0)}${option("critical", "Critical", q.severity[0] === "critical" && q.severity.length === 1)}${option("warning", "Warning", q.severity[0] === "warning" && q.severity.length === 1)}</select></label>
  <label>Condition <select name="condition">${option("", "All conditions", selectedCondition === "")}
    ${kinds.map((k) => option(k, `any ${k.slice(0, -2)}`, k === selectedCondition))}
    ${conditions.map((c) => option(c, c, c === selectedCondition))}</select></label>
  <label>Held back <select name="held">${held.map(([v, l]) => option(v, l, (q.held ?? "") === v))}</select></label>
  <label class="grow">Search <input type="search" name="q" value="${q.q}" placeholder="connection, service, message…"></label>
  <label>Sort <select name="sort">${SORTS.map(([v, l]) => option(v, l, v === sortValue))}</select></label>
  ${q.refresh !== null ? html`<input type="hidden" name="refresh" value="${q.refresh}">` : null}
  <span class="actions"><button type="submit">Apply</button> <a href="/" class="clear">Clear filters</a></span>
</form>`;
}

function range(offset: number, count: number, total: number): string {
  if (total === 0) return "(none)";
  if (count === 0) return `(none on this page of ${num(total)})`;
  return `${num(offset + 1)}–${num(offset + count)} of ${num(total)}`;
}

function emptyNote(view: StatusView, total: number, q: AlertQuery): Html {
  if (view.counts.firing === 0) return html`<p class="empty">Nothing is firing. Every connection syncwatch watches is fine.</p>`;
  if (total > 0) return html`<p class="empty">This page is past the end. <a href="/?${queryParams(q, { offset: 0 }).toString()}">Go to the first page</a>.</p>`;
  return html`<p class="empty">No firing alert matches these filters. <a href="/">Show all ${num(view.counts.firing)}</a>.</p>`;
}

const COLUMNS: readonly [SortKey | null, string][] = [
  ["severity", "Severity"],
  ["connection", "Connection"],
  ["group", "Destination"],
  ["condition", "Condition"],
  ["since", "Since"],
  [null, "What is wrong"],
  [null, "Held back"],
  [null, "Fivetran"],
];

function header(q: AlertQuery): Html {
  return html`<thead><tr>${COLUMNS.map(([key, label]) => {
    if (key === null) return html`<th scope="col">${label}</th>`;
    const active = q.sort === key;
    // A click on the active column reverses it; on another column, newest first for time, A-Z otherwise.
    const desc = active ? !q.desc : key === "since";
    const href = `/?${queryParams(q, { sort: key, desc, offset: 0 }).toString()}`;
    const sort = active ? (q.desc ? "descending" : "ascending") : null;
    return html`<th scope="col"${sort ? html` aria-sort="${sort}"` : null}><a class="sort" href="${href}">${label}<span class="arrow" aria-hidden="true">${active ? (q.desc ? " ▼" : " ▲") : ""}</span><span class="vh">, sort${active ? " reversed" : ""}</span></a></th>`;
  })}</tr></thead>`;
}

const HELD_TEXT: Record<HeldReason, string> = { silenced: "Silenced", inhibited: "Inhibited", muted: "Muted" };

function row(a: AlertView, now: number): Html {
  const self = a.connection_id === "";
  const name = self ? "syncwatch" : a.schema || a.connection_id;
  const link = linkOf(a);
  return html`<tr class="sev-${a.severity}${a.held ? " is-held" : ""}" data-key="${a.connection_id}/${a.condition}">
  <td data-label="Severity"><span class="sev sev-${a.severity}">${a.severity}</span></td>
  <td data-label="Connection">${self ? html`<strong>syncwatch</strong> <span class="svc">the watcher itself</span>` : html`<a href="/connections/${encodeURIComponent(a.connection_id)}">${name}</a> <span class="svc">${a.service}</span>`}</td>
  <td data-label="Destination">${groupLabel(a.group_id, a.group_name)}${a.group_name ? html` <span class="id">${a.group_id}</span>` : null}</td>
  <td data-label="Condition"><code>${a.condition}</code></td>
  <td data-label="Since" class="since">${agoTag(a.started_at, now)}</td>
  <td data-label="What is wrong" class="what">${a.summary}</td>
  <td data-label="Held back">${a.held ? html`<span class="held held-${a.held}">${HELD_TEXT[a.held]}</span>` : html`<span class="sent">no</span>`}</td>
  <td data-label="Fivetran">${link ? html`<a href="${link}" rel="noopener noreferrer" target="_blank">Open<span class="vh"> ${name} in Fivetran</span></a>` : html`<span class="muted">n/a</span>`}</td>
</tr>`;
}

/** The table of one page of alerts (also the connection page's). */
export function alertTable(items: readonly AlertView[], q: AlertQuery | null, now: number): Html {
  return html`<div class="table-wrap"><table class="alerts-table">
  ${q === null ? html`<thead><tr>${COLUMNS.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>` : header(q)}
  <tbody>${items.map((a) => row(a, now))}</tbody>
</table></div>`;
}

function pager(q: AlertQuery, offset: number, count: number, total: number): Html | null {
  if (total <= q.limit && offset === 0) return null;
  const prev = offset > 0 ? `/?${queryParams(q, { offset: Math.max(0, offset - q.limit) }).toString()}` : null;
  const next = offset + count < total ? `/?${queryParams(q, { offset: offset + q.limit }).toString()}` : null;
  const pages = Math.max(1, Math.ceil(total / q.limit));
  const current = Math.floor(offset / q.limit) + 1;
  return html`<nav class="pager" aria-label="Pages of alerts">
  ${prev ? html`<a rel="prev" href="${prev}">← Previous ${q.limit}</a>` : html`<span class="muted">← Previous</span>`}
  <span>Page ${num(current)} of ${num(pages)}</span>
  ${next ? html`<a rel="next" href="${next}">Next ${q.limit} →</a>` : html`<span class="muted">Next →</span>`}
</nav>`;
}
