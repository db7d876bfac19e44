// Benchmark worker: runs syncwatch cycles through the CLI's own code path (buildApp → Watcher.cycle) against a
// running simulator and prints one JSON object of figures. Started by bench/run.mjs in a fresh process per case.
import { mkdtempSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { request } from "undici";
import { loadConfig } from "../dist/config/load.js";
import { createLogger } from "../dist/logger.js";
import { buildApp } from "../dist/app.js";
import { startHttpServer } from "../dist/metrics/index.js";
import { FileStore } from "../dist/store/index.js";

const url = process.env.BENCH_SIM_URL;
const mode = process.env.BENCH_MODE ?? "full"; // full | listing
const reps = Number(process.env.BENCH_REPS ?? 5);
const soakCycles = Number(process.env.BENCH_SOAK_CYCLES ?? 0);
const changeFraction = Number(process.env.BENCH_CHANGE_FRACTION ?? 0.05);
const quietPairs = Number(process.env.BENCH_QUIET_PAIRS ?? 9);

const dir = mkdtempSync(join(tmpdir(), "syncwatch-bench-"));
const stateFile = join(dir, "state.json");
const env = {
  FIVETRAN_API_URL: url,
  FIVETRAN_API_KEY: "bench",
  FIVETRAN_API_SECRET: "bench-secret",
  SYNCWATCH_STATE_FILE: stateFile,
};
const file = process.env.BENCH_CONFIG ?? null;
const loaded = loadConfig({ file, env });
const app = buildApp(loaded, createLogger({ level: "silent" }));
await app.watcher.init();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timedCycle() {
  const before = await sim("/_sim/stats");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await app.watcher.cycle();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (report.outcome !== "success") throw new Error(`cycle failed: ${report.error?.message}`);
  const after = await sim("/_sim/stats");
  const calls = after.total - before.total;
  const details = (after.requests.details ?? 0) - (before.requests.details ?? 0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000, requests: calls, details, connections: report.connections, fired: report.fired };
}

const rssMb = () => process.memoryUsage().rss / 1048576;

/** A bare fetch of the same pages, run by bench/run.mjs in its own process (ms); null when run without it. */
function bareFromParent() {
  if (typeof process.send !== "function") return Promise.resolve(null);
  return new Promise((resolve) => {
    process.once("message", (m) => resolve(m.bare_ms));
    process.send({ want: "bare" });
  });
}

async function sim(path, body) {
  const res = await request(`${url}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return res.body.json();
}

const out = {};
if (mode === "listing") {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await timedCycle());
  out.cycle_ms = median(runs.map((r) => r.wall));
  out.requests = runs[0].requests;
  out.connections = runs[0].connections;
} else {
  const first = await timedCycle();
  out.connections = first.connections;
  out.first_cycle_ms = first.wall;
  out.first_cycle_cpu_ms = first.cpu;
  out.first_cycle_requests = first.requests;

  // Each quiet cycle right after a bare fetch by the parent (when there is one): on a shared, noisy machine the
  // ratio of each pair is steadier than the ratio of two medians taken minutes apart.
  const quiet = [];
  const ratios = [];
  const bares = [];
  for (let i = 0; i < Math.max(reps, quietPairs); i++) {
    const bare = await bareFromParent();
    const r = await timedCycle();
    quiet.push(r);
    if (bare !== null) {
      bares.push(bare);
      ratios.push(r.wall / bare);
    }
  }
  out.quiet_cycle_ms = median(quiet.map((r) => r.wall));
  out.quiet_pairs = ratios.length;
  out.quiet_pair_bare_ms = ratios.length > 0 ? median(bares) : null;
  out.quiet_pair_ratio = ratios.length > 0 ? median(ratios) : null;
  out.quiet_cycle_cpu_ms = median(quiet.map((r) => r.cpu));
  out.quiet_cycle_requests = median(quiet.map((r) => r.requests));
  out.quiet_cycle_alerts = Math.max(...quiet.map((r) => r.fired));
  out.rss_after_quiet_cycles_mb = rssMb();
  out.peak_rss_cycles_mb = process.resourceUsage().maxRSS / 1024;

  // 5% of connections change between cycles (a failure each), then recover: two changed cycles per repetition.
  const ids = [...app.watcher.health.connections.keys()];
  const changedRuns = [];
  const k = Math.max(1, Math.round(ids.length * changeFraction));
  for (let i = 0; i < Math.max(1, Math.floor(reps / 2)); i++) {
    const chosen = ids.slice(i * k, (i + 1) * k);
    await sim("/_sim/actions", chosen.map((id) => ({ action: "fail", id })));
    changedRuns.push(await timedCycle());
    await sim("/_sim/actions", chosen.map((id) => ({ action: "fix", id })));
    changedRuns.push(await timedCycle());
  }
  out.changed_cycle_ms = median(changedRuns.map((r) => r.wall));
  out.changed_cycle_cpu_ms = median(changedRuns.map((r) => r.cpu));
  out.changed_cycle_requests = median(changedRuns.map((r) => r.requests));
  out.changed_cycle_detail_calls = Math.max(...changedRuns.map((r) => r.details));
  out.changed_connections = k;

  // /metrics scraped over HTTP as Prometheus does it, with the server process's longest event-loop stall meanwhile.
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, metrics: app.metrics, live: () => true, ready: () => true, logger: createLogger({ level: "silent" }) });
  const h = monitorEventLoopDelay({ resolution: 10 });
  const scrapes = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    h.enable();
    const t0 = performance.now();
    const res = await request(`${server.url}/metrics`);
    let n = 0;
    for await (const chunk of res.body) n += chunk.length;
    scrapes.push(performance.now() - t0);
    h.disable();
    bytes = n;
  }
  await server.close();
  out.scrape_ms = median(scrapes);
  out.scrape_bytes = bytes;
  out.scrape_max_loop_block_ms = h.max / 1e6;
  out.rss_after_scrape_mb = rssMb();

  const saves = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await app.watcher.save();
    saves.push(performance.now() - t0);
  }
  out.save_ms = median(saves);
  out.state_bytes = statSync(stateFile).size;
  // The whole file, as written when the journal is folded into it (and by the first save of a process that has none):
  // a store of its own on another path, so each save is a full one.
  const whole = [];
  for (let i = 0; i < reps; i++) {
    const store = new FileStore({ path: join(dir, `whole-${i}.json`) });
    const t0 = performance.now();
    await store.save({ health: app.watcher.health, outbox: null, hold_until: null });
    whole.push(performance.now() - t0);
  }
  out.save_whole_ms = median(whole);
  out.peak_rss_mb = process.resourceUsage().maxRSS / 1024;

  if (soakCycles > 0) {
    const rss = [];
    for (let i = 0; i < soakCycles; i++) {
      await timedCycle();
      if (i === 9 || i === soakCycles - 1) {
        globalThis.gc?.();
        rss.push(process.memoryUsage().rss / 1048576);
      }
    }
    out.soak_cycles = soakCycles;
    out.soak_rss_after_10_mb = rss[0];
    out.soak_rss_end_mb = rss[rss.length - 1];
    out.soak_rss_growth_pct = ((rss[rss.length - 1] - rss[0]) / rss[0]) * 100;
    // Its own figure: cycles back to back never leave V8 the idle time in which it shrinks the heap, so the garbage
    // of several cycles piles up before a full collection (a daemon waits minutes between cycles).
    out.soak_peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  }
}
await app.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
