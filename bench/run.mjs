// `npm run bench`: syncwatch's speed and memory beside the physical floor (a bare fetch of every page), at
// 1,000 / 10,000 / 100,000 connections, plus a latency-bound account read chained and by groups. Per size it also
// times whole processes as an outside reviewer would (spawn to exit): `node bench/bare-fetch.mjs <url>` (the floor)
// and `node dist/cli.js once` without and then with a state file, with peak RSS from /usr/bin/time when present,
// and beside each `once` the floor of its design (`node bench/floor.mjs`: the same listing, one object per connection
// and the same state file, none of the checks, diff or alerts between) and the floor of a columnar design that keeps
// no object per connection (`node bench/floor.mjs ... columns`).
// Prints a table and writes bench/results.json. Options (env): BENCH_SIZES=1000,10000 BENCH_REPS=5
// BENCH_SOAK_CYCLES=200 (quiet cycles at the largest size, for the leak check) BENCH_LATENCY=0 to skip part 3
// BENCH_QUIET_PAIRS (quiet cycles, each right after a bare fetch: the target ratio is the median over the pairs;
// default 25 up to 10,000 connections, where a pair takes a fraction of a second and one slow moment of the machine
// moves a median of few, and 9 above) BENCH_PROCESS_REPS=7 (interleaved whole-process runs per size).
// Part 4, push latency (bench/push-latency.mjs): BENCH_PUSH=0 skips it; BENCH_PUSH=only runs it alone;
// BENCH_PUSH_SIZES=10000,100000 BENCH_PUSH_EVENTS=40.
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bareFetch } from "./bare-fetch.mjs";
import { pushLatency, pushTable } from "./push-latency.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pushPart = process.env.BENCH_PUSH ?? "1";
const sizes = pushPart === "only" ? [] : (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number).filter((n) => n > 0);
const reps = Number(process.env.BENCH_REPS ?? 5);
const processReps = Number(process.env.BENCH_PROCESS_REPS ?? 7);
const quietPairs = (n) => process.env.BENCH_QUIET_PAIRS ?? (n > 10_000 ? "9" : "25");
const soak = Number(process.env.BENCH_SOAK_CYCLES ?? 200);
const latencyPart = process.env.BENCH_LATENCY !== "0" && pushPart !== "only";

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

/** Runs bench/cycle-worker.mjs in a fresh process (clean heap, its own peak RSS). */
function worker(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", join(root, "bench/cycle-worker.mjs")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    // The worker asks for a bare fetch (from this process) before each quiet cycle: the pairs see the same machine.
    child.on("message", (m) => {
      if (m?.want === "bare") bareFetch(env.BENCH_SIM_URL).then((r) => child.send({ bare_ms: r.ms }), reject);
    });
    let text = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (text += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(text.trim().split("\n").pop())) : reject(new Error(`worker exited ${code}: ${text}`))));
  });
}

// GNU time reports the child's peak RSS (KiB) without changing what runs; without it RSS is left out.
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
// Variables syncwatch reads that could change what `once` does: the parent's values are not passed on.
const syncwatchEnv = ["SYNCWATCH_CONFIG", "SYNCWATCH_SCHEDULE", "SYNCWATCH_STATE_FILE", "SYNCWATCH_METRICS_PORT", "SLACK_WEBHOOK_URL", "SMTP_URL", "ALERT_EMAIL_FROM", "ALERT_EMAIL_TO", "ALERT_WEBHOOK_URL", "LOG_LEVEL", "FIVETRAN_API_URL", "FIVETRAN_API_KEY", "FIVETRAN_API_SECRET"];

/**
 * Runs `node <args>` as a whole process and resolves with the wall clock from spawn to exit (ms), its exit code and
 * stdout; with `rss`, runs it under /usr/bin/time (when present) for its peak RSS (MiB) instead, as a separate run.
 */
function nodeProcess(args, { env = {}, okCodes = [0], stdout = "ignore", rss = false } = {}) {
  return new Promise((resolve, reject) => {
    const rssFile = rss && timeBin ? join(mkdtempSync(join(tmpdir(), "syncwatch-bench-rss-")), "maxrss") : null;
    const childEnv = { ...process.env };
    for (const k of syncwatchEnv) delete childEnv[k];
    Object.assign(childEnv, env);
    const [cmd, argv] = rssFile ? [timeBin, ["-f", "%M", "-o", rssFile, process.execPath, ...args]] : [process.execPath, args];
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: root, env: childEnv, stdio: ["ignore", stdout, "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.setEncoding("utf8").on("data", (d) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const ms = performance.now() - t0;
      let rssMb = null;
      if (rssFile) {
        rssMb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024;
        rmSync(join(rssFile, ".."), { recursive: true, force: true });
      }
      if (!okCodes.includes(code)) reject(new Error(`node ${args.join(" ")} exited ${code ?? signal}: ${err.trim()}`));
      else resolve({ ms, code, rssMb, out });
    });
  });
}

/**
 * The whole-process figures for one size: the bare fetch as a process, `syncwatch once` without and with state, and
 * beside each `once` the floor of its design (bench/floor.mjs: the same listing, objects and state file, nothing else).
 */
async function wholeProcess(url, n) {
  const bareArgs = [join(root, "bench/bare-fetch.mjs"), url];
  const floorArgs = (mode, stateDir, design = "objects") => [join(root, "bench/floor.mjs"), url, mode, join(stateDir, "state.json"), design];
  const onceArgs = [join(root, "dist/cli.js"), "once"];
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-bench-once-"));
  const onceEnv = (stateDir) => ({ FIVETRAN_API_URL: url, FIVETRAN_API_KEY: "bench", FIVETRAN_API_SECRET: "bench-secret", SYNCWATCH_STATE_FILE: join(stateDir, "state.json"), LOG_LEVEL: "silent" });
  // `once` exits 1 when something fires (the simulated account has broken connections); anything else is an error.
  const onceOpts = { okCodes: [0, 1] };
  try {
    // Interleaved per repetition, so that each ratio compares runs made under the same load: a bare-fetch process,
    // `once` with no state file (a directory of its own), then `once` again on the state that run left.
    const bare = [];
    const fresh = [];
    const withState = [];
    const freshRatios = [];
    const stateRatios = [];
    const floorFirst = [];
    const floorState = [];
    const columnsFirst = [];
    const columnsState = [];
    let stateDir = dir;
    let freshCode = null;
    let stateCode = null;
    // A process that prints {"ms", "items"} (the bare fetch, the floors), checked to have read every connection.
    const reading = async (what, args) => {
      const res = await nodeProcess(args, { stdout: "pipe" });
      const items = JSON.parse(res.out.trim()).items;
      if (items !== n) throw new Error(`${what} process read ${items} connections, expected ${n}`);
      return res;
    };
    for (let i = 0; i < processReps; i++) {
      const b = await reading("bare-fetch", bareArgs);
      const ff = await reading("first-run floor", floorArgs("first", mkdtempSync(join(dir, "floor-"))));
      stateDir = mkdtempSync(join(dir, "fresh-"));
      const f = await nodeProcess(onceArgs, { ...onceOpts, env: onceEnv(stateDir) });
      if (!existsSync(join(stateDir, "state.json"))) throw new Error("syncwatch once left no state file");
      // The floor of a later run loads the state `once` just left (reading it changes nothing), then `once` runs on it.
      const fl = await reading("later-run floor", floorArgs("state", stateDir));
      const w = await nodeProcess(onceArgs, { ...onceOpts, env: onceEnv(stateDir) });
      // The columnar floor, first and then later run on the state its first run wrote.
      const columnsDir = mkdtempSync(join(dir, "columns-"));
      const cf = await reading("columnar first-run floor", floorArgs("first", columnsDir, "columns"));
      const cl = await reading("columnar later-run floor", floorArgs("state", columnsDir, "columns"));
      // Its comparison must find the account as it was a moment ago: a comparison that fails early would be fast.
      const differ = JSON.parse(cl.out.trim()).changed;
      if (!(differ < n / 10)) throw new Error(`columnar later-run floor found ${differ} of ${n} connections changed`);
      columnsFirst.push(cf.ms / b.ms);
      columnsState.push(cl.ms / b.ms);
      floorFirst.push(ff.ms / b.ms);
      floorState.push(fl.ms / b.ms);
      bare.push(b.ms);
      fresh.push(f.ms);
      withState.push(w.ms);
      freshRatios.push(f.ms / b.ms);
      stateRatios.push(w.ms / b.ms);
      freshCode = f.code;
      stateCode = w.code;
    }
    const out = {
      process_bare_ms: median(bare),
      process_once_fresh_ms: median(fresh),
      process_once_state_ms: median(withState),
      process_once_fresh_exit_code: freshCode,
      process_once_state_exit_code: stateCode,
    };
    out.ratio_process_once_fresh_to_bare = median(freshRatios);
    out.ratio_process_once_state_to_bare = median(stateRatios);
    out.ratio_process_floor_first_to_bare = median(floorFirst);
    out.ratio_process_floor_state_to_bare = median(floorState);
    out.ratio_process_columns_floor_first_to_bare = median(columnsFirst);
    out.ratio_process_columns_floor_state_to_bare = median(columnsState);
    if (timeBin) {
      // Peak RSS from one more run of each under /usr/bin/time, kept apart so the wrapper never touches the timings.
      out.process_bare_rss_mb = (await nodeProcess(bareArgs, { rss: true })).rssMb;
      out.process_once_fresh_rss_mb = (await nodeProcess(onceArgs, { ...onceOpts, rss: true, env: onceEnv(mkdtempSync(join(dir, "fresh-"))) })).rssMb;
      out.process_once_state_rss_mb = (await nodeProcess(onceArgs, { ...onceOpts, rss: true, env: onceEnv(stateDir) })).rssMb;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, process_rss: timeBin ? "/usr/bin/time -f %M" : null, sizes: [], latency: null };

for (const n of sizes) {
  process.stderr.write(`bench: ${n} connections...\n`);
  const sim = await startSim(["--connections", String(n), "--groups", String(Math.max(1, Math.round(n / 1000))), "--seed", "1"]);
  try {
    await bareFetch(sim.url); // warm the simulator's page cache
    const floor = [];
    for (let i = 0; i < reps; i++) floor.push((await bareFetch(sim.url)).ms);
    const bare = median(floor);
    const w = await worker({ BENCH_SIM_URL: sim.url, BENCH_REPS: String(reps), BENCH_QUIET_PAIRS: quietPairs(n), BENCH_SOAK_CYCLES: n === Math.max(...sizes) ? String(soak) : "0" });
    const p = await wholeProcess(sim.url, n);
    // The quiet-cycle ratio is the median of (quiet cycle / the bare fetch run just before it) over the pairs.
    results.sizes.push({ connections: n, bare_fetch_ms: bare, ...w, ratio_quiet_cycle_to_bare: w.quiet_pair_ratio, ratio_first_cycle_to_bare: w.first_cycle_ms / bare, ...p });
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
    rmSync(dir, { recursive: true, force: true });
  }
}

if (pushPart !== "0") {
  results.push = [];
  const events = Number(process.env.BENCH_PUSH_EVENTS ?? 40);
  for (const n of (process.env.BENCH_PUSH_SIZES ?? "10000,100000").split(",").map(Number).filter((x) => x > 0)) {
    process.stderr.write(`bench: push latency at ${n} connections, ${events} events...\n`);
    results.push.push(await pushLatency({ connections: n, events }));
  }
}

const f = (x, d = 0) => (x === undefined || x === null ? "-" : Number(x).toFixed(d));
const rows = [
  ["connections", ...results.sizes.map((s) => f(s.connections))],
  ["bare fetch + JSON.parse (ms)", ...results.sizes.map((s) => f(s.bare_fetch_ms))],
  ["bare fetch, paired with quiet cycles (ms)", ...results.sizes.map((s) => f(s.quiet_pair_bare_ms))],
  ["first cycle, baseline (ms)", ...results.sizes.map((s) => f(s.first_cycle_ms))],
  ["quiet cycle (ms)", ...results.sizes.map((s) => f(s.quiet_cycle_ms))],
  ["quiet cycle / bare fetch (pairs)", ...results.sizes.map((s) => f(s.ratio_quiet_cycle_to_bare, 2))],
  ["quiet cycle CPU (ms)", ...results.sizes.map((s) => f(s.quiet_cycle_cpu_ms))],
  ["5% changed cycle (ms)", ...results.sizes.map((s) => f(s.changed_cycle_ms))],
  ["API calls per quiet cycle", ...results.sizes.map((s) => f(s.quiet_cycle_requests))],
  ["API calls per changed cycle", ...results.sizes.map((s) => f(s.changed_cycle_requests))],
  ["  of which detail calls", ...results.sizes.map((s) => f(s.changed_cycle_detail_calls))],
  ["/metrics scrape (ms)", ...results.sizes.map((s) => f(s.scrape_ms))],
  ["/metrics longest loop stall (ms)", ...results.sizes.map((s) => f(s.scrape_max_loop_block_ms))],
  ["/metrics size (KiB)", ...results.sizes.map((s) => f(s.scrape_bytes / 1024))],
  ["state save, journal append (ms)", ...results.sizes.map((s) => f(s.save_ms))],
  ["state save, whole file (ms)", ...results.sizes.map((s) => f(s.save_whole_ms))],
  ["state file (KiB)", ...results.sizes.map((s) => f(s.state_bytes / 1024))],
  ["peak RSS, cycles only (MiB)", ...results.sizes.map((s) => f(s.peak_rss_cycles_mb))],
  ["peak RSS, with scrapes and saves (MiB)", ...results.sizes.map((s) => f(s.peak_rss_mb))],
  ["bare fetch, whole process (ms)", ...results.sizes.map((s) => f(s.process_bare_ms))],
  ["syncwatch once, no state (ms)", ...results.sizes.map((s) => f(s.process_once_fresh_ms))],
  ["syncwatch once, with state (ms)", ...results.sizes.map((s) => f(s.process_once_state_ms))],
  ["once, no state / bare process", ...results.sizes.map((s) => f(s.ratio_process_once_fresh_to_bare, 2))],
  ["once, with state / bare process", ...results.sizes.map((s) => f(s.ratio_process_once_state_to_bare, 2))],
  ["design floor, no state / bare process", ...results.sizes.map((s) => f(s.ratio_process_floor_first_to_bare, 2))],
  ["design floor, with state / bare process", ...results.sizes.map((s) => f(s.ratio_process_floor_state_to_bare, 2))],
  ["columnar floor, no state / bare process", ...results.sizes.map((s) => f(s.ratio_process_columns_floor_first_to_bare, 2))],
  ["columnar floor, with state / bare process", ...results.sizes.map((s) => f(s.ratio_process_columns_floor_state_to_bare, 2))],
  ...(timeBin
    ? [
        ["peak RSS, bare fetch process (MiB)", ...results.sizes.map((s) => f(s.process_bare_rss_mb))],
        ["peak RSS, once, no state (MiB)", ...results.sizes.map((s) => f(s.process_once_fresh_rss_mb))],
        ["peak RSS, once, with state (MiB)", ...results.sizes.map((s) => f(s.process_once_state_rss_mb))],
      ]
    : []),
  ["RSS growth over soak (%)", ...results.sizes.map((s) => (s.soak_cycles ? `${f(s.soak_rss_growth_pct, 1)} (${s.soak_cycles} cycles)` : "-"))],
  ["peak RSS, soak of cycles back to back (MiB)", ...results.sizes.map((s) => (s.soak_cycles ? f(s.soak_peak_rss_mb) : "-"))],
];
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => (i === 0 ? String(c).padEnd(width[i]) : String(c).padStart(width[i]))).join(" | ")} |`;
const table = [line(rows[0]), `|${width.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...rows.slice(1).map(line)];
let out = `syncwatch benchmark, ${results.date}, Node ${results.node}, ${results.cpu} (${results.cores} cores), median of ${reps}; quiet cycle / bare fetch: median over ${results.sizes.map((s) => s.quiet_pairs).join(" / ")} pairs; whole processes: median of ${processReps}\n\n${table.join("\n")}\n`;
if (results.latency) {
  out += `\nLatency-bound account: 100,000 connections in 100 groups, 200 ms per request\n\n| listing | cycle (s) | API calls |\n|---|---:|---:|\n`;
  for (const l of results.latency) out += `| ${l.listing} | ${f(l.cycle_ms / 1000, 1)} | ${l.requests} |\n`;
}
if (results.push) out += pushTable(results.push);
process.stdout.write(out);
// Run alone, the push part leaves the full run's results files as they are.
if (pushPart !== "only") {
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(root, "bench/results.md"), out);
  process.stderr.write("bench: wrote bench/results.json and bench/results.md\n");
}
