// `npm run build`, second step: folds the compiled entry point dist/cli.js and the modules it imports (syncwatch's
// own, zod, prom-client, node-cron) into that one file. Loading ~150 small ES modules took ~130 ms of every start;
// `syncwatch once` and `check-config` are short-lived, so that is a tenth of a run. The other files in dist/ stay
// as tsc wrote them (the benchmark and tests import them); an unbundled dist/cli.js works the same, only slower.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/cli.js"],
  outfile: "dist/cli.js",
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Follows dist/*.js.map back to src/ (run with --enable-source-maps to see TypeScript lines in stack traces).
  sourcemap: true,
  // Loaded at run time by name, and only by the parts that use them: pino's transports resolve their targets in a
  // worker, the channels' libraries and yaml load on first use, undici is loaded file by file (src/http/undici.ts).
  external: ["pino", "pino-pretty", "nodemailer", "@slack/webhook", "yaml", "undici"],
  // prom-client is CommonJS: its require() of Node's built-in modules needs a real `require` in an ES module.
  banner: { js: 'import { createRequire as __syncwatchRequire } from "node:module";\nconst require = __syncwatchRequire(import.meta.url);' },
  logLevel: "warning",
});
