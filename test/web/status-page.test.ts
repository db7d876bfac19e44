// The status page and the JSON API over real HTTP: what they show, filters and pages, escaping, auth and headers.
import { afterEach, describe, expect, it } from "vitest";
import type { HttpServer } from "../../src/metrics/index.js";
import { account, boardOf, HOSTILE, NOT_READY, serveStatus, snap, T0, type ViewSource } from "./fixtures.js";

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(board: ViewSource, password: string | null = null): Promise<string> {
  const server = await serveStatus(board, password, () => T0 + 60_000);
  servers.push(server);
  return server.url;
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Item = { connection_id: string; condition: string; severity: string; held: string | null; group_id: string; connection_url: string | null };

describe("GET /api/v1/alerts", () => {
  it("lists the firing alerts, most severe first (then by schema), in the webhook payload's fields", async () => {
    const url = await serve(boardOf());
    const { status, body } = await json(`${url}/api/v1/alerts`);
    expect(status).toBe(200);
    const alerts = body.alerts as Item[];
    expect(alerts.map((a) => `${a.severity} ${a.condition} ${a.connection_id}`)).toEqual(["critical sync_failed c2", "critical setup_broken c1", "warning stale c3"]);
    expect(body.total).toBe(3);
    expect(body.next_cursor).toBeNull();
    expect(Object.keys(alerts[0]!).sort()).toEqual(
      [
        "status", "connection_id", "condition", "severity", "group_id", "group_name", "service", "schema", "summary",
        "started_at", "resolved_at", "reason", "reminder", "connection_url", "runbook_url", "held",
      ].sort(),
    );
    expect(alerts[1]!.connection_url).toBe("https://fivetran.com/dashboard/connectors/c1/status");
  });

  it("filters by group, severity and condition (a kind prefix too), and says which parameter it cannot use", async () => {
    const url = await serve(boardOf());
    const ids = async (q: string): Promise<string[]> => ((await json(`${url}/api/v1/alerts?${q}`)).body.alerts as Item[]).map((a) => a.connection_id);
    expect(await ids("group_id=g1")).toEqual(["c1", "c3"]);
    expect(await ids("severity=warning")).toEqual(["c3"]);
    expect(await ids("condition=sync_failed")).toEqual(["c2"]);
    expect(await ids("condition=sync_*&group_id=g2")).toEqual(["c2"]);
    expect(await ids("q=STRIPE")).toEqual(["c3"]);
    const bad = await json(`${url}/api/v1/alerts?severity=urgent&limit=0`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("severity");
    expect(JSON.stringify(bad.body)).toContain("limit");
  });

  it("pages with limit and cursor until next_cursor is null, each alert once", async () => {
    const many = Array.from({ length: 250 }, (_, i) => snap({ id: `b${String(i).padStart(3, "0")}`, group_id: `g${i % 7}`, setup_state: "broken" }));
    const url = await serve(boardOf(many));
    const seen: string[] = [];
    let cursor: string | null = "0";
    let pages = 0;
    while (cursor !== null) {
      const { body } = await json(`${url}/api/v1/alerts?limit=100&cursor=${cursor}`);
      seen.push(...(body.alerts as Item[]).map((a) => a.connection_id));
      cursor = body.next_cursor as string | null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
  });

  it("marks alerts a silence in the config holds back, and can list only those", async () => {
    const board = boardOf(account(), { silences: [{ match: { group_id: ["g1"] }, until: undefined, comment: "maintenance" }] });
    const url = await serve(board);
    const all = (await json(`${url}/api/v1/alerts`)).body.alerts as Item[];
    expect(all.map((a) => `${a.connection_id}:${a.held}`)).toEqual(["c2:null", "c1:silenced", "c3:silenced"]);
    const held = (await json(`${url}/api/v1/alerts?held=held`)).body.alerts as Item[];
    expect(held.map((a) => a.connection_id)).toEqual(["c1", "c3"]);
  });

  it("answers 503 before any state is published", async () => {
    const url = await serve(NOT_READY);
    const { status, body } = await json(`${url}/api/v1/alerts`);
    expect(status).toBe(503);
    expect(body).toEqual({ error: { code: "not_ready", message: expect.any(String) as string } });
  });
});

describe("GET /api/v1/connections/{id} and /api/v1/status", () => {
  it("gives a connection's snapshot, its firing alerts and its history; 404 for an unknown id", async () => {
    const url = await serve(boardOf());
    const { status, body } = await json(`${url}/api/v1/connections/c1`);
    expect(status).toBe(200);
    expect((body.connection as { setup_state: string }).setup_state).toBe("broken");
    expect((body.alerts as Item[]).map((a) => a.condition)).toEqual(["setup_broken"]);
    expect((body.history as { event: string; condition: string }[]).map((h) => `${h.event} ${h.condition}`)).toEqual(["firing setup_broken"]);
    expect((await json(`${url}/api/v1/connections/nope`)).status).toBe(404);
  });

  it("reports the last cycle, the API budget, the watcher's health and the counts", async () => {
    const url = await serve(boardOf());
    const { body } = await json(`${url}/api/v1/status`);
    expect(body.watcher).toMatchObject({ state: "ok" });
    expect(body.last_cycle).toMatchObject({ outcome: "success", duration_ms: 1200, connections: 5 });
    expect(body.api_budget_remaining).toBe(19_000);
    expect(body.connections).toMatchObject({ total: 5, paused: 1, with_alerts: 3 });
    expect(body.alerts).toMatchObject({ firing: 3, by_severity: { critical: 2, warning: 1 }, by_condition: { setup_broken: 1, sync_failed: 1, stale: 1 } });
  });
});

describe("GET /", () => {
  it("shows counts, the last cycle and a row per firing alert with a link to Fivetran", async () => {
    const url = await serve(boardOf());
    const res = await fetch(`${url}/`);
    const page = await res.text();
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page).toContain("2 critical, 1 warning firing on 3 of 5 connections");
    expect(page).toContain("API budget left: <strong>19,000</strong>");
    expect(page.match(/<tr class="sev-/g)).toHaveLength(3);
    expect(page).toContain('href="https://fivetran.com/dashboard/connectors/c1/status"');
  });

  it("renders a hostile connection name as text, never as markup", async () => {
    const url = await serve(boardOf());
    for (const path of ["/", "/connections/c2", "/?q=%3Cimg"]) {
      const page = await (await fetch(`${url}${path}`)).text();
      expect(page).not.toContain("<img");
      expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
    const api = await (await fetch(`${url}/api/v1/connections/c2`)).text();
    expect(JSON.parse(api).connection.schema).toBe(HOSTILE);
  });

  it("pages at 100 rows with next and previous links that keep the filters", async () => {
    const many = Array.from({ length: 230 }, (_, i) => snap({ id: `b${String(i).padStart(3, "0")}`, group_id: "g1", setup_state: "broken" }));
    const url = await serve(boardOf(many));
    const first = await (await fetch(`${url}/?group_id=g1`)).text();
    expect(first.match(/<tr class="sev-/g)).toHaveLength(100);
    expect(first).toContain('href="/?group_id=g1&amp;cursor=100"');
    const last = await (await fetch(`${url}/?group_id=g1&cursor=200`)).text();
    expect(last.match(/<tr class="sev-/g)).toHaveLength(30);
    expect(last).toContain('href="/?group_id=g1&amp;cursor=100"');
    expect(last).toContain("Page 3 of 3");
  });

  it("serves its script and styles itself, and a connection's page with its snapshot and history", async () => {
    const url = await serve(boardOf());
    const page = await (await fetch(`${url}/`)).text();
    for (const src of page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      const res = await fetch(`${url}${src[1]!.replace(/&amp;/g, "&")}`);
      expect(res.status).toBe(200);
    }
    expect(page).not.toMatch(/<script>(?!<)/);
    expect(page).not.toMatch(/ style="/);
    expect(page).not.toMatch(/https?:\/\/(?!fivetran\.com)/);
    const conn = await (await fetch(`${url}/connections/c3`)).text();
    expect(conn).toContain("stripe_eu");
    expect(conn).toContain("No successful sync");
    expect(conn).toContain("fired");
  });
});

describe("safe to expose", () => {
  it("sets the security headers on pages, assets and the API", async () => {
    const url = await serve(boardOf());
    for (const path of ["/", "/api/v1/status", "/assets/app.js", "/connections/c1", "/nope"]) {
      const res = await fetch(`${url}${path}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("asks for Basic auth on / and /api/* when a password is set, while /metrics, /healthz and /readyz stay open", async () => {
    const password = "ui-pass-SECRET";
    const url = await serve(boardOf(), password);
    for (const path of ["/", "/api/v1/alerts", "/api/v1/status", "/connections/c1", "/assets/app.js"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm="syncwatch"/);
      expect(await res.text()).not.toContain(password);
    }
    const wrong = await fetch(`${url}/`, { headers: { Authorization: `Basic ${Buffer.from("syncwatch:guess").toString("base64")}` } });
    expect(wrong.status).toBe(401);
    const otherUser = await fetch(`${url}/`, { headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` } });
    expect(otherUser.status).toBe(401);
    const ok = await fetch(`${url}/`, { headers: { Authorization: `Basic ${Buffer.from(`syncwatch:${password}`).toString("base64")}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain(password);
    for (const path of ["/metrics", "/healthz", "/readyz"]) expect((await fetch(`${url}${path}`)).status).toBe(200);
  });

  it("is read-only: other methods get 405", async () => {
    const url = await serve(boardOf());
    const res = await fetch(`${url}/api/v1/alerts`, { method: "POST", body: "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("shows a not-ready page (503) before the state is loaded", async () => {
    const url = await serve(NOT_READY);
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    const page = await res.text();
    expect(page).toContain("syncwatch is starting");
    // Marked so that its script loads the real page as soon as there is one.
    expect(page).toContain("<body data-refresh=\"5\" data-starting>");
  });
});
