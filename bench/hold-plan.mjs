// The notification planner's cost per cycle at a large account: N connections, F firing alerts, every one held (the
// worst case: each firing alert is matched against the inhibit rule, a silence and a mute interval). Standalone, not
// part of `npm run bench`: `npm run build && node bench/hold-plan.mjs` (BENCH_PLAN_CONNECTIONS, BENCH_PLAN_FIRING).
import { alertsSchema } from "../dist/config/schema.js";
import { alertKey, holdPolicyFromConfig, planNotifications } from "../dist/health/index.js";

const N = Number(process.env.BENCH_PLAN_CONNECTIONS ?? 100_000);
const FIRING = Number(process.env.BENCH_PLAN_FIRING ?? 20_000);
const connections = new Map();
const alerts = new Map();
for (let i = 0; i < N; i++) connections.set(`c${i}`, { snapshot: { id: `c${i}`, group_id: `g${i % 50}`, service: "s", schema: `sc${i}` }, resumed_at: null });
for (let i = 0; i < FIRING; i++) {
  // Half setup_broken, half sync_failed of the same connections: the default rule inhibits every sync_failed.
  const condition = i % 2 === 0 ? "setup_broken" : "sync_failed";
  const id = `c${Math.floor(i / 2)}`;
  alerts.set(alertKey(id, condition), { connection_id: id, condition, severity: "critical", phase: "firing", streak: 0, started_at: 0, summary: "x", last_notified_at: 0 });
}
const health = { baseline_done: true, connections, alerts, last_success_at: 0 };
const policy = holdPolicyFromConfig(
  alertsSchema.parse({ silences: [{ match: { group_id: ["g1"] } }], mute_intervals: [{ name: "always", time_zone: "Europe/Berlin", match: { service: ["s"] } }] }),
);
const times = [];
let held = 0;
for (let r = 0; r < 7; r++) {
  const t = performance.now();
  held = planNotifications(alerts, health, [], Date.UTC(2026, 11, 6), policy).held.size;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`plan: ${N} connections, ${FIRING} firing, ${held} held: median ${times[3].toFixed(1)} ms, min ${times[0].toFixed(1)}, max ${times[6].toFixed(1)} ms over 7 runs`);
