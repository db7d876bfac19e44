// The frame every page shares: head (styles, script, no inline code), skip link, header and footer.
import { formatDuration, formatTime } from "../health/format.js";
import { html, type Html } from "./html.js";

/** Where the shared assets are served (versioned, so a new release is never served a cached old script). */
export function assetPath(name: "app.css" | "app.js" | "icon.svg", version: string): string {
  return `/assets/${name}?v=${encodeURIComponent(version)}`;
}

/** A whole HTML document around `main`. */
export function layout(opts: { title: string; version: string; main: Html; refreshSeconds: number; starting?: boolean }): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<link rel="icon" href="${assetPath("icon.svg", opts.version)}" type="image/svg+xml">
<link rel="stylesheet" href="${assetPath("app.css", opts.version)}">
<script src="${assetPath("app.js", opts.version)}" defer></script>
</head>
<body data-refresh="${opts.refreshSeconds}"${opts.starting ? html` data-starting` : null}>
<a class="skip" href="#content">Skip to content</a>
<header class="site">
  <a class="brand" href="/">syncwatch</a>
  <span class="live-status" id="live-status"></span>
  <button type="button" id="live-toggle" class="live-toggle" hidden>Pause auto-refresh</button>
</header>
<main id="content">
${opts.main}
</main>
<footer class="site">syncwatch ${opts.version} · read-only · <a href="/api/v1/status">JSON API</a> · <a href="/metrics">metrics</a></footer>
</body>
</html>`.text}\n`;
}

/** A time as "2026-11-22 10:04 UTC" with the exact ISO time for machines and tooltips. */
export function timeTag(ms: number): Html {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" title="${iso}">${formatTime(ms)}</time>`;
}

/** "2h 5m ago", with the exact time as a tooltip. */
export function agoTag(ms: number, now: number): Html {
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" title="${formatTime(ms)}">${formatDuration(Math.max(0, now - ms))} ago</time>`;
}

/** A whole number with thousands separators. */
export function num(n: number): string {
  return n.toLocaleString("en-US");
}
