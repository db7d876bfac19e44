// The PagerDuty channel against a local receiver that checks the Events API v2 shape and answers like PagerDuty.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { deliver, emptyOutbox, enqueue, routeAlerts, unroutedMatchers } from "../../src/notify/index.js";
import { PagerDutyNotifier } from "../../src/notify/pagerduty/pagerduty.js";
import { readRequest } from "../helpers/receivers.js";
import { silentLogger } from "../helpers/logs.js";
import { T0, alert, digest, fakeSleep } from "./fixtures.js";

const KEY = "0123456789abcdef0123456789abcdef";

/** A fake Events API v2: validates each event as PagerDuty documents it; 202 when valid, 400 when not, scripted 429/5xx. */
interface FakePagerDuty {
  url: string;
  /** Valid events it accepted, in order. */
  accepted: Record<string, unknown>[];
  /** Why it refused events (400). */
  invalid: string[];
  /** Statuses for the next requests (429, 500…; 0: handle it normally), before validation. */
  script: number[];
  close(): Promise<void>;
}

function problems(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof e.routing_key !== "string" || e.routing_key.length !== 32) out.push("routing_key must be 32 characters");
  if (!["trigger", "acknowledge", "resolve"].includes(e.event_action as string)) out.push("event_action is invalid");
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== "string" || e.dedup_key.length > 255)) out.push("dedup_key is invalid");
  if (e.event_action !== "trigger") return out;
  const p = e.payload as Record<string, unknown> | undefined;
  if (p === undefined) return [...out, "payload is missing"];
  if (typeof p.summary !== "string" || p.summary.length === 0 || p.summary.length > 1024) out.push("payload.summary is invalid");
  if (typeof p.source !== "string" || p.source.length === 0) out.push("payload.source is missing");
  if (!["critical", "error", "warning", "info"].includes(p.severity as string)) out.push("payload.severity is invalid");
  if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp as string))) out.push("payload.timestamp is invalid");
  for (const l of (e.links as { href?: unknown }[] | undefined) ?? []) if (typeof l.href !== "string") out.push("links.href is missing");
  return out;
}

async function startFakePagerDuty(): Promise<FakePagerDuty> {
  const pd: FakePagerDuty = { url: "", accepted: [], invalid: [], script: [], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    void readRequest(req).then(({ json }) => {
      const scripted = pd.script.shift();
      if (scripted === 429) {
        res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ status: "throttle event", message: "Requests for this service are arriving too quickly." }));
        return;
      }
      if (scripted !== undefined && scripted !== 0 && scripted !== 400) {
        res.writeHead(scripted).end("upstream trouble");
        return;
      }
      const event = (json ?? {}) as Record<string, unknown>;
      const errors = scripted === 400 ? ["scripted refusal"] : req.url === "/v2/enqueue" ? problems(event) : ["wrong path"];
      if (errors.length > 0) {
        pd.invalid.push(...errors);
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors }));
        return;
      }
      pd.accepted.push(event);
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: event.dedup_key }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  pd.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/enqueue`;
  pd.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return pd;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(routingKey = KEY): Promise<{ pd: FakePagerDuty; n: PagerDutyNotifier }> {
  const pd = await startFakePagerDuty();
  const n = new PagerDutyNotifier({ routingKey, url: pd.url, timeoutMs: 10_000 });
  closers.push(() => pd.close(), () => n.close());
  return { pd, n };
}

const broken = alert({
  connection_id: "abc123",
  group_name: "Finance warehouse",
  connection_url: "https://fivetran.com/dashboard/connectors/abc123/status",
  runbook_url: "https://runbooks.example.com/setup",
});
const stale = alert({ connection_id: "def456", condition: "stale", severity: "warning", summary: "no successful sync for 14h (limit 13h)" });

describe("PagerDuty channel", () => {
  it("sends one trigger per firing alert with the documented shape, and a resolve with the same dedup_key", async () => {
    const { pd, n } = await setup();
    await n.send(digest([broken, stale, { ...broken, connection_id: "old1", status: "resolved", resolved_at: T0 }]));
    expect(pd.invalid).toEqual([]);
    expect(pd.accepted[0]).toEqual({
      routing_key: KEY,
      event_action: "trigger",
      dedup_key: "syncwatch/abc123/setup_broken",
      payload: {
        summary: "Setup broken: sf_prod (salesforce) — Setup is broken: Validate Login failed (Invalid login credentials.)",
        source: "fivetran connection abc123",
        severity: "critical",
        timestamp: "2026-11-22T11:55:00.000Z",
        component: "salesforce",
        group: "Finance warehouse",
        class: "setup_broken",
        // The JSON webhook's alert, field for field.
        custom_details: {
          status: "firing",
          connection_id: "abc123",
          condition: "setup_broken",
          severity: "critical",
          group_id: "g1",
          group_name: "Finance warehouse",
          service: "salesforce",
          schema: "sf_prod",
          summary: "Setup is broken: Validate Login failed (Invalid login credentials.)",
          started_at: "2026-11-22T11:55:00.000Z",
          resolved_at: null,
          reason: null,
          reminder: false,
          connection_url: "https://fivetran.com/dashboard/connectors/abc123/status",
          runbook_url: "https://runbooks.example.com/setup",
        },
      },
      links: [
        { href: "https://fivetran.com/dashboard/connectors/abc123/status", text: "Open the connection in Fivetran" },
        { href: "https://runbooks.example.com/setup", text: "Runbook" },
      ],
      client: "syncwatch",
    });
    expect((pd.accepted[1] as { payload: { severity: string } }).payload.severity).toBe("warning");
    expect(pd.accepted[2]).toEqual({ routing_key: KEY, event_action: "resolve", dedup_key: "syncwatch/old1/setup_broken" });
  });

  it("cuts a long summary to PagerDuty's 1024 characters", async () => {
    const { pd, n } = await setup();
    await n.send(digest([alert({ summary: "x".repeat(5000) })]));
    expect(pd.invalid).toEqual([]);
    expect((pd.accepted[0] as { payload: { summary: string } }).payload.summary).toHaveLength(1024);
  });

  it("a 429 or 5xx in the middle of a digest is retried, resuming after the events already accepted", async () => {
    const { pd, n } = await setup();
    const alerts = [broken, stale, alert({ connection_id: "third" })];
    const { outbox } = enqueue(emptyOutbox(), new Map([["pagerduty", alerts]]), T0, false, 10);
    pd.script.push(0, 429, 503); // the first event is accepted, then PagerDuty throttles once and fails once
    const s = fakeSleep();
    const left = await deliver(outbox, [n], { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 10_000, sleep: s.sleep, logger: silentLogger(), random: () => 0.5 });
    expect(left).toEqual({ channels: {} });
    // Digest order: most severe first.
    expect(pd.accepted.map((e) => e.dedup_key)).toEqual(["syncwatch/abc123/setup_broken", "syncwatch/third/setup_broken", "syncwatch/def456/stale"]);
    expect(s.waits).toHaveLength(2);
  });

  it("an event PagerDuty refuses (400) is skipped and counted as dropped; the others still arrive", async () => {
    const { pd, n } = await setup();
    const { outbox } = enqueue(emptyOutbox(), new Map([["pagerduty", [broken, stale, alert({ connection_id: "third" })]]]), T0, false, 10);
    pd.script.push(0, 400);
    const dropped: string[] = [];
    const left = await deliver(outbox, [n], {
      maxAttempts: 3,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      timeoutMs: 10_000,
      sleep: fakeSleep().sleep,
      logger: silentLogger(),
      onDropped: (c, reason, count) => dropped.push(`${c}:${reason}:${count}`),
    });
    expect(left).toEqual({ channels: {} });
    expect(pd.accepted.map((e) => e.dedup_key)).toEqual(["syncwatch/abc123/setup_broken", "syncwatch/def456/stale"]);
    expect(dropped).toEqual(["pagerduty:permanent:1"]);
  });

  it("a wrong routing key is refused as permanent, and the key is in no error", async () => {
    const { n } = await setup("short-but-SECRET-key");
    const err: unknown = await n.send(digest([broken])).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "notify_failed", retryable: false, reason: "client_error" });
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain("short-but-SECRET-key");
  });

  it("the test message triggers an info event and resolves it at once", async () => {
    const { pd, n } = await setup();
    await n.sendTest();
    expect(pd.accepted.map((e) => [e.event_action, (e.payload as { severity?: string } | undefined)?.severity, (e.payload as { summary?: string } | undefined)?.summary])).toEqual([
      ["trigger", "info", "syncwatch test message — not an alert"],
      ["resolve", undefined, undefined],
    ]);
    expect(pd.accepted[0]!.dedup_key).toBe(pd.accepted[1]!.dedup_key);
  });

  it("pages only for critical alerts no route matches, unless a route sends warnings to it", () => {
    const { config } = loadConfig({ env: { PAGERDUTY_ROUTING_KEY: KEY, ALERT_WEBHOOK_URL: "http://127.0.0.1:1/hook" } });
    const unrouted = unroutedMatchers(config.channels);
    const ids = (routes: typeof config.alerts.routes): Record<string, string[]> =>
      Object.fromEntries([...routeAlerts([broken, stale], routes, [], T0, ["webhook", "pagerduty"], unrouted).byChannel].map(([c, as]) => [c, as.map((a) => a.connection_id)]));
    expect(ids([])).toEqual({ webhook: ["abc123", "def456"], pagerduty: ["abc123"] });
    expect(ids([{ match: { condition: ["stale"] }, channels: ["pagerduty", "webhook"], continue: false }])).toEqual({ webhook: ["abc123", "def456"], pagerduty: ["abc123", "def456"] });
  });
});
