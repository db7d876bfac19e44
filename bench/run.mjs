// `npm run bench`: syncwatch's speed and memory beside the physical floor (a bare fetch of every page), at
// 1,000 / 10,000 / 100,000 connections, plus a latency-bound account read chained and by groups.
// Prints a table and writes bench/results.json. Options (env): BENCH_SIZES=1000,10000 BENCH_REPS=5
// BENCH_SOAK_CYCLES=200 (quiet cycles at the largest size, for the leak check) BENCH_LATENCY=0 to skip part 3.
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";

const root = fileURLToPath(new URL("..", import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number).filter((n) => n > 0);
const reps = Number(process.env.BENCH_REPS ?? 5);
const soak = Number(process.env.BENCH_SOAK_CYCLES ?? 200);
const latencyPart = process.env.BENCH_LATENCY !== "0";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Starts `syncwatch simulate` in its own process and resolves with its URL. */
function startSim(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "dist/cli.js"), "simulate", "--port", "0", "--api-key", "bench", "--api-secret", "bench-secret", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    let found = false;
    child.stdout.setEncoding("utf8").on("data", (d) => {
      text += d;
      const m = found ? null : /at (http:\/\/\S+)/.exec(text);
      if (m) {
        found = true;
        // The benchmark makes far more calls than a real account allows in an hour (20,000): lift the simulated limit.
        const url = m[1];
        fetch(`${url}/_sim/faults`, { method: "POST", body: JSON.stringify({ rate_limit_budget: 1e9 }), headers: { "content-type": "application/json" } })
          .then(() => resolve({ url, stop: () => child.kill("SIGTERM") }))
          .catch(reject);
      }
    });
    child.on("exit", (code) => reject(new Error(`simulator exited (${code}): ${text}`)));
  });
}

/** The floor: every page fetched with undici and parsed with JSON.parse, nothing else. */
async function bareFetch(url) {
  const pool = new Pool(new URL(url).origin, { connections: 1 });
  const auth = `Basic ${Buffer.from("bench:bench-secret").toString("base64")}`;
  const t0 = performance.now();
  let cursor = null;
  let pages = 0;
  let items = 0;
  do {
    const path = `/v1/connections?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await pool.request({ method: "GET", path, headers: { authorization: auth, accept: "application/json;version=2" } });
    const body = JSON.parse(await res.body.text());
    items += body.data.items.length;
    cursor = body.data.next_cursor ?? body.data.nextCursor ?? null;
    pages++;
  } while (cursor);
  const ms = performance.now() - t0;
  await pool.close();
  return { ms, pages, items };
}

/** Runs bench/cycle-worker.mjs in a fresh process (clean heap, its own peak RSS). */
function worker(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", join(root, "bench/cycle-worker.mjs")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (text += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(text.trim().split("\n").pop())) : reject(new Error(`worker exited ${code}: ${text}`))));
  });
}

const results = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, sizes: [], latency: null };

for (const n of sizes) {
  process.stderr.write(`bench: ${n} connections...\n`);
  const sim = await startSim(["--connections", String(n), "--groups", String(Math.max(1, Math.round(n / 1000))), "--seed", "1"]);
  try {
    await bareFetch(sim.url); // warm the simulator's page cache
    const floor = [];
    for (let i = 0; i < reps; i++) floor.push((await bareFetch(sim.url)).ms);
    const bare = median(floor);
    const w = await worker({ BENCH_SIM_URL: sim.url, BENCH_REPS: String(reps), BENCH_SOAK_CYCLES: n === Math.max(...sizes) ? String(soak) : "0" });
    results.sizes.push({ connections: n, bare_fetch_ms: bare, ...w, ratio_quiet_cycle_to_bare: w.quiet_cycle_ms / bare, ratio_first_cycle_to_bare: w.first_cycle_ms / bare });
  } finally {
    sim.stop();
  }
}

if (latencyPart) {
  process.stderr.write("bench: latency-bound account (100,000 connections in 100 groups, 200 ms per request)...\n");
  const sim = await startSim(["--connections", "100000", "--groups", "100", "--seed", "2", "--latency-ms", "200"]);
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-bench-cfg-"));
  const variants = [
    ["chained", "fivetran:\n  listing: chained\n"],
    ["groups, concurrency 4", "fivetran:\n  listing: groups\n  group_concurrency: 4\n"],
    ["groups, concurrency 8", "fivetran:\n  listing: groups\n  group_concurrency: 8\n"],
    ["groups, concurrency 16", "fivetran:\n  listing: groups\n  group_concurrency: 16\n"],
  ];
  results.latency = [];
  try {
    for (const [name, yaml] of variants) {
      const file = join(dir, `${results.latency.length}.yaml`);
      writeFileSync(file, yaml);
      const w = await worker({ BENCH_SIM_URL: sim.url, BENCH_MODE: "listing", BENCH_REPS: "1", BENCH_CONFIG: file });
      results.latency.push({ listing: name, cycle_ms: w.cycle_ms, requests: w.requests, connections: w.connections });
    }
  } finally {
    sim.stop();
  }
}

const f = (x, d = 0) => (x === undefined || x === null ? "-" : Number(x).toFixed(d));
const rows = [
  ["connections", ...results.sizes.map((s) => f(s.connections))],
  ["bare fetch + JSON.parse (ms)", ...results.sizes.map((s) => f(s.bare_fetch_ms))],
  ["first cycle, baseline (ms)", ...results.sizes.map((s) => f(s.first_cycle_ms))],
  ["quiet cycle (ms)", ...results.sizes.map((s) => f(s.quiet_cycle_ms))],
  ["quiet cycle / bare fetch", ...results.sizes.map((s) => f(s.ratio_quiet_cycle_to_bare, 2))],
  ["quiet cycle CPU (ms)", ...results.sizes.map((s) => f(s.quiet_cycle_cpu_ms))],
  ["5% changed cycle (ms)", ...results.sizes.map((s) => f(s.changed_cycle_ms))],
  ["API calls per quiet cycle", ...results.sizes.map((s) => f(s.quiet_cycle_requests))],
  ["API calls per changed cycle", ...results.sizes.map((s) => f(s.changed_cycle_requests))],
  ["  of which detail calls", ...results.sizes.map((s) => f(s.changed_cycle_detail_calls))],
  ["/metrics scrape (ms)", ...results.sizes.map((s) => f(s.scrape_ms))],
  ["/metrics longest loop stall (ms)", ...results.sizes.map((s) => f(s.scrape_max_loop_block_ms))],
  ["/metrics size (KiB)", ...results.sizes.map((s) => f(s.scrape_bytes / 1024))],
  ["state save (ms)", ...results.sizes.map((s) => f(s.save_ms))],
  ["state file (KiB)", ...results.sizes.map((s) => f(s.state_bytes / 1024))],
  ["peak RSS, cycles only (MiB)", ...results.sizes.map((s) => f(s.peak_rss_cycles_mb))],
  ["peak RSS, with scrapes (MiB)", ...results.sizes.map((s) => f(s.peak_rss_mb))],
  ["RSS growth over soak (%)", ...results.sizes.map((s) => (s.soak_cycles ? `${f(s.soak_rss_growth_pct, 1)} (${s.soak_cycles} cycles)` : "-"))],
];
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => (i === 0 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join(" | ")} |`;
const table = [line(rows[0]), `|${width.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.slice(1).map(line)];
let out = `syncwatch benchmark, ${results.date}, Node ${results.node}, ${results.cpu} (${results.cores} cores), median of ${reps}\n\n${table.join("\n")}\n`;
if (results.latency) {
  out += `\nLatency-bound account: 100,000 connections in 100 groups, 200 ms per request\n\n| listing | cycle (s) | API calls |\n|---|---:|---:|\n`;
  for (const l of results.latency) out += `| ${l.listing} | ${f(l.cycle_ms / 1000, 1)} | ${l.requests} |\n`;
}
process.stdout.write(out);
writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, "bench/results.md"), out);
process.stderr.write("bench: wrote bench/results.json and bench/results.md\n");
