// Peak RSS of syncwatch run as a daemon runs it: cycles through the CLI's code path with a pause between them, in
// which V8 gets the idle time to shrink its heap (the soak of `npm run bench` runs cycles back to back). Needs a
// running simulator: `node dist/cli.js simulate --port 18080 --connections 100000 --groups 100 --api-key bench
// --api-secret bench-secret`, then `node bench/daemon-rss.mjs http://127.0.0.1:18080 [cycles=13] [pause ms=10000]`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../dist/config/load.js";
import { createLogger } from "../dist/logger.js";
import { buildApp } from "../dist/app.js";

const [url, cycles = "13", pause = "10000"] = process.argv.slice(2);
if (!url) {
  process.stderr.write("usage: node bench/daemon-rss.mjs <simulator url> [cycles] [pause ms]\n");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "syncwatch-daemon-rss-"));
const env = { FIVETRAN_API_URL: url, FIVETRAN_API_KEY: "bench", FIVETRAN_API_SECRET: "bench-secret", SYNCWATCH_STATE_FILE: join(dir, "state.json") };
const app = buildApp(loadConfig({ file: null, env }), createLogger({ level: "silent" }));
await app.watcher.init();
const mib = (bytes) => Math.round(bytes / 1048576);
for (let i = 0; i < Number(cycles); i++) {
  const report = await app.watcher.cycle();
  if (report.outcome !== "success") throw new Error(`cycle ${i} failed: ${report.error?.message}`);
  const m = process.memoryUsage();
  process.stdout.write(`cycle ${i}: ${report.connections} connections, RSS ${mib(m.rss)} MiB, heap used ${mib(m.heapUsed)} MiB, peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(pause)));
}
await app.close();
rmSync(dir, { recursive: true, force: true });
