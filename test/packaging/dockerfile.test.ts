// Checks the Dockerfile: dockerfile-utils reports nothing, and it builds the way CI does into a small,
// non-root image whose PID 1 (tini) forwards signals to `syncwatch run`.
import { execFile, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const LINT = join(root, "node_modules/.bin/dockerfile-utils");
const text = readFileSync(join(root, "Dockerfile"), "utf8");

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(src: string): { op: string; args: string }[] {
  const joined = src.replace(/\\\r?\n/g, " ");
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l);
      return { op: (m?.[1] ?? "").toUpperCase(), args: (m?.[2] ?? "").replace(/\s+/g, " ") };
    });
}

/** Runs `dockerfile-utils lint` on a file; the output lists one block per diagnostic. */
function lint(file: string): { status: number | null; out: string } {
  const res = spawnSync(LINT, ["lint", file], { cwd: root, encoding: "utf8" });
  if (res.error) throw new Error(`cannot run dockerfile-utils: ${res.error.message}`);
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

/** Splits the instructions into build stages, each starting at a FROM. */
function stages(): { from: string; body: { op: string; args: string }[] }[] {
  const out: { from: string; body: { op: string; args: string }[] }[] = [];
  for (const ins of instructions(text)) {
    if (ins.op === "FROM") out.push({ from: ins.args, body: [] });
    else out.at(-1)?.body.push(ins);
  }
  return out;
}

describe("Dockerfile", () => {
  it("has no dockerfile-utils diagnostics (errors or warnings)", () => {
    const res = lint("Dockerfile");
    expect(res.out).toBe("");
    expect(res.status).toBe(0);
  });

  it("the lint would report a problem (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "syncwatch-dockerfile-"));
    try {
      const bad = join(dir, "Dockerfile");
      writeFileSync(bad, text.replace("EXPOSE 9464", "EXPOSE metrics").replace("USER 10001:10001", "USER 10001:10001\nMAINTAINER someone"));
      const res = lint(bad);
      expect(res.out).toMatch(/Invalid containerPort/);
      expect(res.out).toMatch(/MAINTAINER has been deprecated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is multi-stage: the build stage runs npm ci and npm run build, as CI does", () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all[0]?.from).toBe("node:22-bookworm-slim AS build");
    const buildRuns = all[0]?.body.filter((i) => i.op === "RUN").map((i) => i.args) ?? [];
    expect(buildRuns.some((r) => /(^|&& )npm ci( |$)/.test(r) && !r.includes("--omit=dev"))).toBe(true);
    expect(buildRuns.some((r) => r.includes("npm run build"))).toBe(true);
    // Whatever `npm run build` runs besides tsc is copied in before it.
    const build = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.build ?? "";
    const copied = all[0]?.body.filter((i) => i.op === "COPY").map((i) => i.args.split(" ")[0]) ?? [];
    const scripts = [...build.matchAll(/node (\S+)/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(copied.some((c) => s === c || s?.startsWith(`${c}/`))).toBe(true);
  });

  it("installs production dependencies only in the runtime stage and copies the built dist/ from the build stage", () => {
    const runtime = stages().at(-1);
    expect(runtime?.from).toBe("node:22-bookworm-slim");
    const runs = runtime?.body.filter((i) => i.op === "RUN").map((i) => i.args) ?? [];
    expect(runs.some((r) => r.includes("npm ci --omit=dev --ignore-scripts"))).toBe(true);
    expect(runs.some((r) => /npm (ci|install)(?![^&]*--omit=dev)/.test(r))).toBe(false);
    expect(runs.some((r) => r.includes("npm run build"))).toBe(false);
    const copies = runtime?.body.filter((i) => i.op === "COPY").map((i) => i.args) ?? [];
    expect(copies).toContain("--from=build /src/dist ./dist");
    expect(copies).toContain("config ./config");
  });

  it("runs as a numeric non-root user, with the state volume owned by it", () => {
    const runtime = stages().at(-1)?.body ?? [];
    const users = runtime.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users).toEqual(["10001:10001"]);
    expect(runtime.some((i) => i.op === "RUN" && i.args.includes("chown 10001:10001 /data"))).toBe(true);
    expect(runtime.some((i) => i.op === "VOLUME" && i.args === "/data")).toBe(true);
    expect(runtime.some((i) => i.op === "ENV" && i.args.includes("SYNCWATCH_STATE_FILE=/data/state.json") && i.args.includes("NODE_ENV=production"))).toBe(true);
  });

  it("starts `syncwatch run` under tini so SIGTERM reaches node, and exposes the metrics port", () => {
    const runtime = stages().at(-1)?.body ?? [];
    const get = (op: string): string[] => runtime.filter((i) => i.op === op).map((i) => i.args);
    expect(runtime.some((i) => i.op === "RUN" && i.args.includes("apt-get install -y --no-install-recommends tini"))).toBe(true);
    expect(get("ENTRYPOINT").map((a) => JSON.parse(a) as unknown)).toEqual([["/usr/bin/tini", "--", "node", "/app/dist/cli.js"]]);
    expect(get("CMD").map((a) => JSON.parse(a) as unknown)).toEqual([["run"]]);
    expect(get("EXPOSE")).toEqual(["9464"]);
    expect(get("LABEL").join(" ")).toContain("org.opencontainers.image.source");
  });

  it("has a HEALTHCHECK that passes while /healthz answers 200 and fails on 503 or when nothing listens", async () => {
    const hc = stages().at(-1)?.body.filter((i) => i.op === "HEALTHCHECK").map((i) => i.args) ?? [];
    expect(hc).toHaveLength(1);
    const json = /CMD (\[.*\])$/.exec(hc[0] ?? "")?.[1] ?? "";
    const cmd = JSON.parse(json) as string[];
    expect(cmd.slice(0, 2)).toEqual(["node", "-e"]);
    let status = 200;
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const probe = (p: number): Promise<number> =>
      new Promise((resolve) => {
        execFile(process.execPath, cmd.slice(1), { env: { ...process.env, SYNCWATCH_METRICS_PORT: String(p) } }, (err) => {
          resolve(err ? Number((err as { code?: unknown }).code ?? 1) : 0);
        });
      });
    try {
      expect(await probe(port)).toBe(0);
      status = 503;
      expect(await probe(port)).toBe(1);
      expect(seen).toEqual(["/healthz", "/healthz"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await probe(port)).toBe(1);
  });

  it("keeps local state, build output and dependencies out of the build context", () => {
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const p of ["node_modules", "dist", ".git", "data", "coverage", "bench/results*", "*.log"]) expect(ignored).toContain(p);
  });

  it("passes scripts/check-dockerfile.sh", () => {
    const res = spawnSync("bash", ["scripts/check-dockerfile.sh"], { cwd: root, encoding: "utf8" });
    expect(`${res.stdout}${res.stderr}`).toContain("check-dockerfile: ok");
    expect(res.status).toBe(0);
  });
});
