// `node bench/status-page.mjs` (after `npm run build`): how fast the status page and its API answer at 100,000
// connections, from the built modules in dist/. A state of N connections (STATUS_BENCH_CONNECTIONS, default 100,000)
// of which a share fire (STATUS_BENCH_FIRING, default 10,000 alerts; try 100000), served by the real HTTP server on
// 127.0.0.1. Prints, per request, the first answer after a publish (which builds the view) and the median of later
// ones (STATUS_BENCH_REPS, default 20), and the page's size.
import { performance } from "node:perf_hooks";


const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { Metrics, startHttpServer } = await import(dist("metrics/index.js"));
const { createWebHandler, StatusViews } = await import(dist("web/index.js"));
const { toAlert, compareAlerts } = await import(dist("health/index.js"));
const { pino } = await import("pino");

const N = Number(process.env.STATUS_BENCH_CONNECTIONS ?? 100_000);
const FIRING = Math.min(N, Number(process.env.STATUS_BENCH_FIRING ?? 10_000));
const REPS = Number(process.env.STATUS_BENCH_REPS ?? 20);
const now = Date.UTC(2026, 11, 6, 12);

const connections = new Map();
const alerts = new Map();
for (let i = 0; i < N; i++) {
  const id = `conn_${i}`;
  const snapshot = {
    id, group_id: `g${i % 50}`, service: ["salesforce", "postgres", "stripe", "hubspot"][i % 4], schema: `schema_${i}`, paused: false,
    setup_state: i < FIRING && i % 3 === 0 ? "broken" : "connected", sync_state: "scheduled", update_state: "on_schedule",
    is_historical_sync: false, warnings: [], tasks: [], succeeded_at: now - 3_600_000, failed_at: null, created_at: now - 86_400_000 * 30,
    sync_frequency: 60, schedule_type: "auto", data_delay_sensitivity: "NORMAL", data_delay_threshold: 0, rescheduled_for: null,
  };
  connections.set(id, { snapshot, resumed_at: null });
  if (i < FIRING) {
    const condition = i % 3 === 0 ? "setup_broken" : i % 3 === 1 ? "stale" : "warning:resync_table_warning";
    alerts.set(`${id}\u0000${condition}`, {
      connection_id: id, condition, severity: condition === "setup_broken" ? "critical" : "warning", phase: "firing", streak: 0,
      started_at: now - (i % 500) * 60_000, summary: `Something is wrong with ${id}`, last_notified_at: now,
    });
  }
}
const firing = [...alerts.values()].map((r) => toAlert(r, connections.get(r.connection_id).snapshot, "firing", now)).sort(compareAlerts);
let published = {
  health: { connections, alerts, last_success_at: now, baseline_done: true },
  lastCycle: { outcome: "success", error: null, startedAt: now - 2000, connections: N, rejected: 0, requests: Math.ceil(N / 1000), fired: 0, resolved: 0, durationMs: 2000, holdUntil: null, apiBudget: 19_000 },
  firing,
  history: [],
};
const views = new StatusViews({ published: () => published, startedAt: now - 3_600_000, silences: [{ match: { group_id: ["g7"] } }], now: () => now });
const server = await startHttpServer({
  host: "127.0.0.1", port: 0, metrics: new Metrics({ version: "bench" }), live: () => true, ready: () => true, logger: pino({ level: "silent" }),
  other: createWebHandler({ view: () => views.view(), version: "bench", now: () => now }),
});

async function time(path) {
  const t = performance.now();
  const res = await fetch(`${server.url}${path}`);
  const body = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return { ms: performance.now() - t, bytes: body.byteLength };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const paths = [
  "/api/v1/alerts?limit=100",
  "/api/v1/alerts?limit=100&severity=warning&group_id=g13",
  "/api/v1/alerts?limit=100&q=conn_9999",
  "/api/v1/alerts?limit=100&sort=-since&cursor=5000",
  "/api/v1/status",
  `/api/v1/connections/conn_${Math.floor(N / 2)}`,
  "/",
  "/?condition=warning:*&sort=group",
];
console.log(`status page and API at ${N.toLocaleString("en-US")} connections, ${FIRING.toLocaleString("en-US")} firing (median of ${REPS})`);
console.log(`${"request".padEnd(58)} ${"first ms".padStart(9)} ${"later ms".padStart(9)} ${"bytes".padStart(8)}`);
for (const path of paths) {
  // A new publish before each path: the first request pays for building the view (and its first sort or search).
  published = { ...published };
  const first = await time(path);
  const later = [];
  for (let i = 0; i < REPS; i++) later.push((await time(path)).ms);
  console.log(`${path.padEnd(58)} ${first.ms.toFixed(1).padStart(9)} ${median(later).toFixed(1).padStart(9)} ${String(first.bytes).padStart(8)}`);
}
await server.close();
