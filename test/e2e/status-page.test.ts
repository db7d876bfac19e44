// The status page in a real browser (Debian's chromium, headless) against `syncwatch run` watching the simulator:
// the page's firing rows equal the simulator's truth after scripted changes and refresh in place, filters and sorting
// work, a hostile connection name stays text, and Basic auth is asked for.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { startCli, type Daemon } from "../helpers/cli.js";
import { freePort } from "../helpers/ports.js";
import { healthyIds } from "../helpers/sim.js";

const KEY = "k";
const SECRET = "browser-e2e-api-secret";
const PASSWORD = "browser-e2e-ui-password";
const HOSTILE = "<img src=x onerror=alert(1)>";
const AUTH = { Authorization: `Basic ${Buffer.from(`syncwatch:${PASSWORD}`).toString("base64")}` };

let sim: Awaited<ReturnType<typeof startSimulator>>;
let daemon: Daemon;
let browser: Browser;
let context: BrowserContext;
let base = "";
let hostileId = "";
const dialogs: string[] = [];

interface TruthItem {
  id: string;
  paused: boolean | null;
  schedule_type: string | null;
  sync_frequency: number | null;
  data_delay_sensitivity: string | null;
  data_delay_threshold: number | null;
  succeeded_at: string | null;
  failed_at: string | null;
  created_at: string | null;
  status: { setup_state: string; sync_state: string; update_state: string; warnings: { code: string }[]; tasks: { code: string }[] };
}

/** What must fire for the simulator's connections now, by SPEC §2 (default rules), as "id/condition" keys. */
async function truthFiring(): Promise<string[]> {
  const items = (await (await fetch(`${sim.url}/_sim/truth`)).json()) as TruthItem[];
  const now = Date.now();
  const out: string[] = [];
  for (const c of items) {
    const s = c.status;
    const judged = !(c.paused === true || (c.paused === null && s.sync_state === "paused")) && c.schedule_type !== "manual";
    if (s.setup_state === "broken") out.push(`${c.id}/setup_broken`);
    const ok = c.succeeded_at === null ? null : Date.parse(c.succeeded_at);
    const failed = c.failed_at === null ? null : Date.parse(c.failed_at);
    if (judged && failed !== null && (ok === null || failed > ok)) out.push(`${c.id}/sync_failed`);
    if (judged && s.update_state === "delayed") out.push(`${c.id}/update_delayed`);
    const limitMin =
      c.data_delay_sensitivity === "CUSTOM" && (c.data_delay_threshold ?? 0) > 0
        ? c.data_delay_threshold!
        : c.sync_frequency === null
          ? 1500
          : 2 * c.sync_frequency + 60;
    const since = ok ?? (c.created_at === null ? null : Date.parse(c.created_at));
    if (judged && since !== null && now - since > limitMin * 60_000) out.push(`${c.id}/stale`);
    for (const w of s.warnings) out.push(`${c.id}/warning:${w.code}`);
    for (const t of s.tasks) out.push(`${c.id}/task:${t.code}`);
  }
  return out.sort();
}

async function sim_(actions: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/actions`, { method: "POST", body: JSON.stringify(actions) });
  expect(res.status).toBe(200);
}

/** Resolves once the daemon has finished a cycle that started after `since` (epoch ms). */
async function cycleAfter(since: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(`${base}/api/v1/status`, { headers: AUTH }).catch(() => null);
    if (res?.ok) {
      const body = (await res.json()) as { last_cycle: { started_at: string; outcome: string } | null };
      if (body.last_cycle && body.last_cycle.outcome === "success" && Date.parse(body.last_cycle.started_at) > since) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no successful cycle after ${new Date(since).toISOString()}; daemon output:\n${daemon.output().slice(-3000)}`);
}

/** Evaluates an expression in the page (as text: this project's TypeScript has no DOM types). */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** The firing rows shown on the page, as "id/condition" keys. */
async function rows(page: Page): Promise<string[]> {
  return (await inPage<string[]>(page, `[...document.querySelectorAll("#alerts tbody tr")].map((tr) => tr.getAttribute("data-key") ?? "")`)).sort();
}

beforeAll(async () => {
  const account = new SimAccount({ connections: 400, groups: 4, seed: 23 });
  sim = await startSimulator({ account, apiKey: KEY, apiSecret: SECRET });
  hostileId = account.add({ group_id: account.groupIds()[1], service: "postgres", schema: HOSTILE });
  account.break(hostileId, { title: "Connect", message: HOSTILE });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-browser-"));
  daemon = startCli(["run"], {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: KEY,
    FIVETRAN_API_SECRET: SECRET,
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: String(port),
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    SYNCWATCH_UI_PASSWORD: PASSWORD,
  });
  // playwright gives each launch a fresh, temporary user-data dir of its own.
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ httpCredentials: { username: "syncwatch", password: PASSWORD }, viewport: { width: 1280, height: 900 } });
  context.on("page", (p) => p.on("dialog", (d) => void (dialogs.push(d.message()), d.dismiss())));
  await cycleAfter(0);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  daemon?.kill("SIGTERM");
  await daemon?.exited;
  await sim?.close();
});

describe("the status page in a browser", () => {
  it("shows exactly what the simulator says is broken, and follows scripted changes without a reload", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/?limit=1000&refresh=2`);
    expect(await rows(page)).toEqual(await truthFiring());

    const [a, b, c, d, e] = healthyIds(sim.account);
    const changedAt = Date.now();
    await sim_([
      { action: "break", id: a },
      { action: "fail", id: b },
      { action: "delay", id: c },
      { action: "warn", id: d, code: "resync_table_warning" },
      { action: "task", id: e, code: "reconnect" },
    ]);
    await cycleAfter(changedAt);
    const refreshes = Number((await page.getAttribute("body", "data-refreshes")) ?? 0);
    // Two refreshes later the page shows at least the cycle after the change.
    await expect.poll(async () => Number((await page.getAttribute("body", "data-refreshes")) ?? 0), { timeout: 15_000 }).toBeGreaterThan(refreshes + 1);
    const shown = await rows(page);
    expect(shown).toEqual(await truthFiring());
    expect(shown).toEqual(expect.arrayContaining([`${a}/setup_broken`, `${b}/sync_failed`, `${c}/update_delayed`, `${d}/warning:resync_table_warning`, `${e}/task:reconnect`]));
    // Refreshed in place: still the same document, the filters form untouched.
    expect(await inPage<number>(page, `performance.getEntriesByType("navigation").length`)).toBe(1);

    const fixedAt = Date.now();
    await sim_([{ action: "fix", id: a }]);
    await cycleAfter(fixedAt);
    await expect.poll(() => page.locator(`#alerts tr[data-key="${a}/setup_broken"]`).count(), { timeout: 15_000 }).toBe(0);
    expect(await rows(page)).toEqual(await truthFiring());
    // The connection's history has both events, as its page shows them.
    const history = ((await (await fetch(`${base}/api/v1/connections/${a}`, { headers: AUTH })).json()) as { history: { event: string; condition: string }[] }).history;
    expect(history.map((h) => `${h.event} ${h.condition}`)).toEqual(["resolved setup_broken", "firing setup_broken"]);
    await page.goto(`${base}/connections/${a}`);
    expect(await page.locator(".history-table tbody tr").count()).toBe(2);
    await page.close();
  });

  it("filters by severity, condition and destination from the form, in shareable URLs", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/?limit=1000`);
    await Promise.all([page.waitForURL(/severity=warning/), page.selectOption('select[name="severity"]', "warning")]);
    const warnings = await page.locator("#alerts tbody tr .sev").allTextContents();
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings)).toEqual(new Set(["warning"]));

    await page.goto(`${base}/?limit=1000`);
    await Promise.all([page.waitForURL(/condition=setup_broken/), page.selectOption('select[name="condition"]', "setup_broken")]);
    const broken = (await truthFiring()).filter((k) => k.endsWith("/setup_broken"));
    expect(await rows(page)).toEqual(broken);

    const group = sim.account.groupIds()[1]!;
    await page.goto(`${base}/?limit=1000&group_id=${group}`);
    const inGroup = new Set(
      (sim.account.truth() as unknown as { id: string; group_id: string }[]).filter((x) => x.group_id === group).map((x) => x.id),
    );
    const keys = await rows(page);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(inGroup.has(k.split("/")[0]!)).toBe(true);
    expect(keys).toEqual((await truthFiring()).filter((k) => inGroup.has(k.split("/")[0]!)));
    await page.close();
  });

  it("sorts by a column header link, keyboard first", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const since = page.locator("#alerts th a.sort", { hasText: "Since" });
    await since.focus();
    await Promise.all([page.waitForURL(/sort=-since/), page.keyboard.press("Enter")]);
    await expect.poll(() => page.locator("#alerts th[aria-sort]").textContent()).toContain("Since");
    const times = await inPage<number[]>(page, `[...document.querySelectorAll("#alerts tbody td.since time")].map((t) => Date.parse(t.getAttribute("datetime")))`);
    expect(times).toEqual([...times].sort((x, y) => y - x));
    await page.close();
  });

  it("renders a connection named like markup as text, and runs none of it", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/?limit=1000`);
    const row = page.locator(`#alerts tr[data-key="${hostileId}/setup_broken"]`);
    await expect.poll(() => row.locator("td").nth(1).textContent()).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    await page.goto(`${base}/connections/${hostileId}`);
    expect(await page.locator("h1").textContent()).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it("asks for Basic auth without credentials, while /metrics stays open", async () => {
    const anonymous = await browser.newContext();
    const page = await anonymous.newPage();
    const challenged = page.waitForResponse((r) => r.url() === `${base}/`);
    // Headless chromium has nobody to ask for a password: the challenge ends the navigation.
    const failed = await page.goto(`${base}/`).then(() => null, (err: Error) => err.message);
    expect(failed).toContain("ERR_INVALID_AUTH_CREDENTIALS");
    const res = await challenged;
    expect(res.status()).toBe(401);
    expect(await res.headerValue("www-authenticate")).toMatch(/^Basic realm="syncwatch"/);
    const open = await anonymous.newPage();
    expect((await open.goto(`${base}/metrics`))?.status()).toBe(200);
    await anonymous.close();
  });

  it("is readable on a laptop and a phone (screenshots when SCREENSHOT_DIR is set)", async () => {
    const dir = process.env.SCREENSHOT_DIR;
    for (const [name, width, height] of [["status-page", 1280, 860], ["status-page-phone", 390, 844]] as const) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(`${base}/`);
      // Nothing wider than the screen: on a phone the table turns into cards.
      expect(await inPage<number>(page, "document.documentElement.scrollWidth")).toBeLessThanOrEqual(width);
      if (dir) await page.screenshot({ path: join(dir, `${name}.png`) });
      await page.close();
    }
  });
});
