// A connection's page: what it is, its firing alerts, its last snapshot and its alert history.
import type { HistoryEntry } from "../health/history.js";
import type { ConnectionSnapshot, Notice } from "../health/model.js";
import { html, type Html } from "./html.js";
import { agoTag, layout, timeTag } from "./layout.js";
import { alertTable, type PageOptions } from "./index-page.js";
import type { ConnectionView, StatusView } from "./view.js";

/** The page of one connection. */
export function renderConnection(view: StatusView, c: ConnectionView, opts: PageOptions): string {
  const s = c.record.snapshot;
  const name = s.schema ?? s.id;
  const main = html`
<p class="crumbs"><a href="/">← All firing alerts</a></p>
<section id="connection" data-live aria-labelledby="h-conn">
  <h1 id="h-conn">${name} <span class="svc">${s.service ?? "unknown service"}</span></h1>
  <p class="cycle">Destination ${c.group_name ?? s.group_id ?? "unknown"}${c.group_name && s.group_id ? html` <span class="id">${s.group_id}</span>` : null}
    · <a href="${c.connection_url}" rel="noopener noreferrer" target="_blank">Open in Fivetran</a>
    · as of the cycle ${view.cycle ? agoTag(view.cycle.started_at, opts.now) : "loaded from the saved state"}</p>
  <h2>Firing now</h2>
  ${c.alerts.length === 0 ? html`<p class="empty">Nothing is firing for this connection.</p>` : alertTable(c.alerts, null, opts.now)}
  <h2>Alert history</h2>
  ${c.history.length === 0 ? html`<p class="empty">No alert has fired or resolved for this connection in the kept history.</p>` : historyTable(c.history, opts.now)}
  <h2>Last snapshot</h2>
  ${snapshotList(s, c.record.resumed_at)}
</section>`;
  return layout({ title: `syncwatch: ${name}`, version: opts.version, main, refreshSeconds: opts.refreshSeconds });
}

function historyTable(entries: readonly HistoryEntry[], now: number): Html {
  return html`<div class="table-wrap"><table class="history-table"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Severity</th><th scope="col">Condition</th><th scope="col">What</th></tr></thead>
  <tbody>${entries.map(
    (h) => html`<tr><td data-label="When">${timeTag(h.at)} <span class="muted">(${agoTag(h.at, now)})</span></td>
    <td data-label="Event"><span class="event event-${h.type}">${h.type === "firing" ? "fired" : "resolved"}${h.reason ? ` (${h.reason})` : ""}</span></td>
    <td data-label="Severity"><span class="sev sev-${h.severity}">${h.severity}</span></td>
    <td data-label="Condition"><code>${h.condition}</code></td>
    <td data-label="What" class="what">${h.summary}</td></tr>`,
  )}</tbody></table></div>`;
}

function value(v: string | number | boolean | null): Html {
  return v === null ? html`<span class="muted">null</span>` : html`${String(v)}`;
}

function time(v: number | null, label: string): Html {
  return html`<dt>${label}</dt><dd>${v === null ? html`<span class="muted">null</span>` : timeTag(v)}</dd>`;
}

function notices(list: readonly Notice[]): Html {
  if (list.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul>${list.map((n) => html`<li><code>${n.code}</code>${n.message ? html`: ${n.message}` : null}</li>`)}</ul>`;
}

function snapshotList(s: ConnectionSnapshot, resumedAt: number | null): Html {
  const plain: [string, string | number | boolean | null][] = [
    ["id", s.id],
    ["group_id", s.group_id],
    ["service", s.service],
    ["schema", s.schema],
    ["paused", s.paused],
    ["setup_state", s.setup_state],
    ["sync_state", s.sync_state],
    ["update_state", s.update_state],
    ["is_historical_sync", s.is_historical_sync],
    ["sync_frequency (minutes)", s.sync_frequency],
    ["schedule_type", s.schedule_type],
    ["data_delay_sensitivity", s.data_delay_sensitivity],
    ["data_delay_threshold (minutes)", s.data_delay_threshold],
  ];
  return html`<dl class="snapshot">
  ${plain.map(([k, v]) => html`<dt>${k}</dt><dd>${value(v)}</dd>`)}
  ${time(s.succeeded_at, "succeeded_at")}${time(s.failed_at, "failed_at")}${time(s.created_at, "created_at")}${time(s.rescheduled_for, "rescheduled_for")}
  ${resumedAt === null ? null : time(resumedAt, "resumed (seen by syncwatch)")}
  <dt>warnings</dt><dd>${notices(s.warnings)}</dd>
  <dt>tasks</dt><dd>${notices(s.tasks)}</dd>
</dl>`;
}
