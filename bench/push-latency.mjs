// Push latency: time from a simulated Fivetran event to the alert reaching a local JSON webhook, at N connections.
// `syncwatch run` (built CLI) watches a simulated account with the receiver on and the schedule at an hour, so only a
// push can deliver; each event is a scripted break that the simulator pushes as Fivetran does (signed). Reported:
// p50/p99 over the events, API calls and reads per event, the scheduled cycle's API calls (unchanged by push), and the
// same incident by polling alone on a 5-minute schedule (half a schedule on average, all of it at worst, plus a cycle).
// Imported by bench/run.mjs (BENCH_PUSH=0 skips it); alone: `npm run build && node bench/push-latency.mjs`
// (BENCH_PUSH_SIZES=10000,100000 BENCH_PUSH_EVENTS=40).
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(root, "dist/cli.js");
const SECRET = "bench-webhook-secret-0123456789";
const POLL_SCHEDULE_S = 300;

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** Starts a child process and resolves once a line of its output matches; lines are kept for later. */
function spawnUntil(args, env, match, timeoutMs = 300_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const lines = [];
    const waiters = [];
    let text = "";
    const onData = (d) => {
      text += d;
      let i;
      while ((i = text.indexOf("\n")) >= 0) {
        const line = text.slice(0, i);
        text = text.slice(i + 1);
        lines.push(line);
        for (const w of [...waiters]) if (w.test(line)) w.done(line);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    const handle = {
      child,
      lines,
      /** Resolves with the first line (seen or to come) that `test` accepts. */
      waitFor(test, ms = timeoutMs) {
        const seen = lines.find(test);
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise((res, rej) => {
          const w = { test, done: (l) => (clearTimeout(t), waiters.splice(waiters.indexOf(w), 1), res(l)) };
          const t = setTimeout(() => rej(new Error(`timed out waiting; last output:\n${lines.slice(-20).join("\n")}`)), ms);
          waiters.push(w);
        });
      },
      stop: () => new Promise((res) => (child.exitCode !== null ? res() : (child.once("exit", () => res()), child.kill("SIGTERM")))),
    };
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code}): ${lines.slice(-20).join("\n")}`)));
    handle.waitFor(match, timeoutMs).then(() => resolve(handle), reject);
  });
}

/** A JSON webhook receiver that records when each alert of each POST arrived. */
async function alertSink() {
  const arrivals = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now() + performance.timeOrigin;
      res.writeHead(200).end("ok");
      try {
        for (const a of JSON.parse(Buffer.concat(chunks).toString("utf8")).alerts ?? []) arrivals.push({ at, id: a.connection_id, status: a.status, condition: a.condition });
      } catch {
        // not an alert payload
      }
      for (const w of waiters) w();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/alerts`,
    arrivals,
    /** Resolves with the arrival time of the first firing alert of `id`. */
    firing(id, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = arrivals.find((a) => a.id === id && a.status === "firing");
          if (hit) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit.at);
          }
        };
        const t = setTimeout(() => (waiters.delete(check), reject(new Error(`no alert for ${id} within ${ms} ms`))), ms);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const json = async (url, init) => (await fetch(url, init)).json();

/** Measures event → alert latency over `events` scripted breaks at `connections` connections. */
export async function pushLatency({ connections, events }) {
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-push-bench-"));
  const sink = await alertSink();
  const sim = await spawnUntil(
    ["simulate", "--port", "0", "--connections", String(connections), "--groups", String(Math.max(1, Math.round(connections / 1000))), "--seed", "3", "--api-key", "bench", "--api-secret", "bench-secret"],
    {},
    (l) => /at http:\/\//.test(l),
  );
  const simUrl = /at (http:\/\/\S+)/.exec(sim.lines.find((l) => /at http:\/\//.test(l)))[1];
  await fetch(`${simUrl}/_sim/faults`, { method: "POST", body: JSON.stringify({ rate_limit_budget: 1e9 }) });
  const env = {
    FIVETRAN_API_URL: simUrl,
    FIVETRAN_API_KEY: "bench",
    FIVETRAN_API_SECRET: "bench-secret",
    SYNCWATCH_SCHEDULE: "0 * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: "0",
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    FIVETRAN_WEBHOOK_SECRET: SECRET,
    SYNCWATCH_WEBHOOK_PORT: "0",
    SYNCWATCH_WEBHOOK_HOST: "127.0.0.1",
    ALERT_WEBHOOK_URL: sink.url,
  };
  let daemon = null;
  try {
    daemon = await spawnUntil(["run"], env, (l) => l.includes("cycle ok"));
    const hookUrl = JSON.parse(daemon.lines.find((l) => l.includes("webhook receiver listening"))).url;
    const metricsUrl = JSON.parse(daemon.lines.find((l) => l.includes('"metrics":'))).metrics;
    const reads = async () => {
      const text = await (await fetch(metricsUrl)).text();
      return Number(/^syncwatch_webhook_reads_total\{outcome="read"\} (\S+)/m.exec(text)?.[1] ?? Number.NaN);
    };
    const cycle = JSON.parse(daemon.lines.find((l) => l.includes("cycle ok")));
    const install = await spawnUntil(["webhooks", "install"], { ...env, SYNCWATCH_WEBHOOK_URL: hookUrl }, (l) => /created|nothing changed/.test(l));
    await install.stop();

    const truth = await json(`${simUrl}/_sim/truth`);
    const healthy = truth
      .filter((c) => !c.paused && c.schedule_type === "auto" && c.status?.setup_state === "connected")
      .map((c) => c.id);
    const step = Math.max(1, Math.floor(healthy.length / events));
    const stats0 = await json(`${simUrl}/_sim/stats`);
    const reads0 = await reads();
    const latencies = [];
    for (let i = 0; i < events; i++) {
      const id = healthy[i * step];
      const t0 = performance.now() + performance.timeOrigin;
      await fetch(`${simUrl}/_sim/actions`, { method: "POST", body: JSON.stringify({ action: "break", id }) });
      latencies.push((await sink.firing(id)) - t0);
    }
    const stats1 = await json(`${simUrl}/_sim/stats`);
    const reads1 = await reads();
    const calls = (stats1.total - stats0.total) / events;
    const cycleS = cycle.duration_ms / 1000;
    return {
      connections,
      events,
      push_p50_ms: quantile(latencies, 0.5),
      push_p99_ms: quantile(latencies, 0.99),
      push_max_ms: Math.max(...latencies),
      api_calls_per_event: calls,
      // Reads of the connection the event named; a new setup_broken also costs the alert's details call (the rest).
      reads_per_event: (reads1 - reads0) / events,
      scheduled_cycle_api_calls: cycle.requests,
      scheduled_cycle_ms: cycle.duration_ms,
      poll_only_p50_s: POLL_SCHEDULE_S / 2 + cycleS,
      poll_only_p99_s: POLL_SCHEDULE_S * 0.99 + cycleS,
    };
  } finally {
    await daemon?.stop();
    await sim.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The part's rows for the results table. */
export function pushTable(results) {
  const f = (x, d = 0) => (x === undefined || x === null ? "-" : Number(x).toFixed(d));
  let out = `\nPush latency: scripted break → alert at a local JSON webhook, schedule at an hour (only push delivers); polling alone on a ${POLL_SCHEDULE_S / 60}-minute schedule for comparison\n\n`;
  out += "| connections | events | push p50 (s) | push p99 (s) | reads per event | API calls per event | scheduled cycle API calls | poll only p50 (s) | poll only p99 (s) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const r of results) {
    out += `| ${r.connections} | ${r.events} | ${f(r.push_p50_ms / 1000, 2)} | ${f(r.push_p99_ms / 1000, 2)} | ${f(r.reads_per_event, 2)} | ${f(r.api_calls_per_event, 2)} | ${r.scheduled_cycle_api_calls} | ${f(r.poll_only_p50_s)} | ${f(r.poll_only_p99_s)} |\n`;
  }
  return out;
}

const direct = process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
if (direct) {
  const sizes = (process.env.BENCH_PUSH_SIZES ?? "10000,100000").split(",").map(Number).filter((n) => n > 0);
  const events = Number(process.env.BENCH_PUSH_EVENTS ?? 40);
  const results = [];
  for (const n of sizes) {
    process.stderr.write(`bench push: ${n} connections, ${events} events...\n`);
    results.push(await pushLatency({ connections: n, events }));
  }
  process.stdout.write(pushTable(results));
  process.stdout.write(`\n${JSON.stringify(results, null, 2)}\n`);
}
