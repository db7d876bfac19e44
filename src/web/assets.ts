// The status page's stylesheet and script, served by syncwatch itself (no CDN, no inline code: the CSP forbids it).

/** The page's styles: readable on a laptop and a phone, light or dark, with a visible keyboard focus. */
export const APP_CSS = `
:root { color-scheme: light dark; --bg: #f7f7f8; --fg: #1b1d21; --muted: #5d6470; --card: #fff; --line: #d9dce1;
  --crit: #b42318; --crit-bg: #fde8e6; --warn: #8a5a00; --warn-bg: #fff3d6; --ok: #137333; --ok-bg: #e6f4ea;
  --held: #4b5563; --held-bg: #eceef1; --link: #0b57d0; --focus: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111318; --fg: #e6e8eb; --muted: #a0a7b4; --card: #1a1d24; --line: #2e333d; --crit: #ff8a80;
    --crit-bg: #3b1715; --warn: #ffd27a; --warn-bg: #3a2c0c; --ok: #81c995; --ok-bg: #12301c; --held: #c4c9d2;
    --held-bg: #2a2f38; --link: #8ab4f8; --focus: #8ab4f8; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code { font: 13px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: 8px; z-index: 10; }
.skip:focus { left: 8px; }
header.site { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
.brand { font-weight: 700; font-size: 18px; text-decoration: none; color: var(--fg); }
.live-status { color: var(--muted); font-size: 13px; margin-left: auto; }
button, select, input { font: inherit; color: inherit; }
button, .live-toggle { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 5px 10px; cursor: pointer; }
main { padding: 16px 20px 32px; max-width: 1400px; margin: 0 auto; }
footer.site { color: var(--muted); font-size: 13px; padding: 12px 20px 24px; text-align: center; }
h1 { font-size: 22px; margin: 4px 0 8px; }
h2 { font-size: 17px; margin: 20px 0 8px; }
.muted, .id, .svc { color: var(--muted); }
.id { font-size: 12px; }
.svc { font-size: 13px; }
.watcher { margin: 4px 0; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-weight: 600; font-size: 13px; margin-right: 6px; }
.state-ok .badge { background: var(--ok-bg); color: var(--ok); }
.state-degraded .badge, .state-starting .badge { background: var(--warn-bg); color: var(--warn); }
.state-blind .badge { background: var(--crit-bg); color: var(--crit); }
.cycle { color: var(--muted); margin: 4px 0 12px; }
.outcome-failure { color: var(--crit); } .outcome-success { color: var(--ok); } .outcome-held { color: var(--warn); }
.cards { list-style: none; padding: 0; margin: 12px 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; }
.card a { display: block; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; text-decoration: none; color: var(--fg); }
.card .n { display: block; font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); }
.card-critical .n { color: var(--crit); } .card-warning .n { color: var(--warn); } .card-held .n { color: var(--held); }
.since { white-space: nowrap; }
.breakdown { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.box { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 10px; }
.box h2 { font-size: 15px; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.counts td, .counts th { padding: 3px 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-end; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 18px 0 6px; }
.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
.filters label.grow { flex: 1 1 200px; }
.filters select, .filters input { min-width: 0; max-width: 100%; padding: 5px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.filters .actions { display: flex; gap: 10px; align-items: center; }
.problem { background: var(--warn-bg); color: var(--warn); padding: 6px 10px; border-radius: 6px; }
.range { font-weight: 400; color: var(--muted); font-size: 14px; }
.table-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow-x: auto; }
.alerts-table th { white-space: nowrap; font-size: 13px; }
.alerts-table .sort { color: inherit; text-decoration: none; }
.alerts-table .sort:hover { text-decoration: underline; }
.what { min-width: 240px; overflow-wrap: anywhere; }
tr.sev-critical td:first-child { box-shadow: inset 4px 0 var(--crit); }
tr.sev-warning td:first-child { box-shadow: inset 4px 0 var(--warn); }
tr.is-held { opacity: 0.8; }
.sev { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 700; text-transform: uppercase; }
.sev-critical .sev, .sev.sev-critical { background: var(--crit-bg); color: var(--crit); }
.sev-warning .sev, .sev.sev-warning { background: var(--warn-bg); color: var(--warn); }
.held { background: var(--held-bg); color: var(--held); border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; }
.sent { color: var(--muted); font-size: 13px; }
.event-firing { color: var(--crit); font-weight: 600; } .event-resolved { color: var(--ok); font-weight: 600; }
.empty { background: var(--card); border: 1px dashed var(--line); border-radius: 8px; padding: 14px; }
.pager { display: flex; justify-content: space-between; align-items: center; gap: 10px; margin: 10px 0; }
.snapshot { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.snapshot dt { color: var(--muted); } .snapshot dd { margin: 0; overflow-wrap: anywhere; } .snapshot ul { margin: 0; padding-left: 18px; }
@media (max-width: 760px) {
  body { font-size: 15px; }
  main { padding: 10px 10px 24px; display: flex; flex-direction: column; }
  /* On a phone the alerts come first; the breakdowns follow them. */
  main > .breakdown { order: 10; margin-top: 16px; }
  .cards { grid-template-columns: repeat(3, 1fr); gap: 6px; }
  .card a { padding: 6px 8px; }
  .card .n { font-size: 20px; }
  .card .label { font-size: 12px; }
  header.site { padding: 8px 10px; }
  .live-status { margin-left: 0; width: 100%; order: 3; }
  .alerts-table thead, .history-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .alerts-table, .alerts-table tbody, .alerts-table tr, .alerts-table td,
  .history-table, .history-table tbody, .history-table tr, .history-table td { display: block; width: 100%; }
  .alerts-table tr, .history-table tr { border-bottom: 6px solid var(--bg); padding: 6px 0; }
  .alerts-table td, .history-table td { border: 0; padding: 3px 10px 3px 8.5em; position: relative; min-height: 1.6em; }
  .alerts-table td::before, .history-table td::before { content: attr(data-label); color: var(--muted); font-size: 13px; position: absolute; left: 12px; width: 7.5em; }
  tr.sev-critical td:first-child, tr.sev-warning td:first-child { box-shadow: none; }
  tr.sev-critical { box-shadow: inset 4px 0 var(--crit); } tr.sev-warning { box-shadow: inset 4px 0 var(--warn); }
  .what { min-width: 0; }
  .filters label { flex: 1 1 45%; }
  .snapshot { grid-template-columns: 1fr; } .snapshot dd { margin-bottom: 6px; }
}
`;

/** The page's icon: a small green dot (served, so no browser asks for a missing /favicon.ico). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#137333"/></svg>`;

/**
 * The page's script: filters apply on change; every few seconds the page is fetched again and its live regions
 * (`[data-live]`) are swapped in place (no reload, no flicker). It pauses while the tab is hidden, while the keyboard
 * focus or a text selection is inside a live region, and when the user presses the pause button. Everything it
 * inserts is HTML the server built and escaped.
 */
export const APP_JS = `"use strict";
(function () {
  var body = document.body;
  var form = document.getElementById("filters");
  if (form) {
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t && t.tagName === "SELECT") {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });
  }
  var seconds = Number(body.getAttribute("data-refresh")) || 0;
  var status = document.getElementById("live-status");
  var toggle = document.getElementById("live-toggle");
  if (!seconds || !window.fetch || !window.DOMParser || !status || !toggle) return;
  var paused = false, busy = false, timer = 0, refreshes = 0;
  function say(text) { status.textContent = text; }
  function label() { return paused ? "Auto-refresh paused" : "Auto-refresh every " + seconds + " s"; }
  toggle.hidden = false;
  toggle.setAttribute("aria-pressed", "false");
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = paused ? "Resume auto-refresh" : "Pause auto-refresh";
    toggle.setAttribute("aria-pressed", String(paused));
    say(label());
    if (!paused) refresh();
  });
  function interacting() {
    var a = document.activeElement;
    if (a && a !== body && a.closest && a.closest("[data-live]")) return true;
    var sel = window.getSelection ? window.getSelection() : null;
    return !!(sel && !sel.isCollapsed && sel.anchorNode && sel.anchorNode.parentElement && sel.anchorNode.parentElement.closest("[data-live]"));
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, seconds * 1000); }
  function refresh() {
    if (paused || busy || document.hidden || interacting()) { schedule(); return; }
    busy = true;
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (text) {
        // The "starting" page has none of the real page's parts: load the real page once it is there.
        if (body.hasAttribute("data-starting")) { location.reload(); return; }
        var doc = new DOMParser().parseFromString(text, "text/html");
        var regions = document.querySelectorAll("[data-live]");
        for (var i = 0; i < regions.length; i++) {
          var fresh = doc.getElementById(regions[i].id);
          if (fresh) regions[i].innerHTML = fresh.innerHTML;
        }
        if (doc.title) document.title = doc.title;
        refreshes++;
        body.setAttribute("data-refreshes", String(refreshes));
        say(label() + " · updated " + new Date().toLocaleTimeString());
      })
      .catch(function (err) { say("Could not refresh (" + err.message + "); trying again"); })
      .then(function () { busy = false; schedule(); });
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) schedule(); });
  say(label());
  schedule();
})();
`;
