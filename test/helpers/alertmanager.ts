// A real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1 for the Alertmanager channel's tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

/** A running Alertmanager and a way to read its API. */
export interface RunningAlertmanager {
  url: string;
  port: number;
  /** `GET /api/v2/<path>` as JSON. */
  get<T>(path: string): Promise<T>;
  /** Stops the process and waits for it to exit (the port is then free). */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage (after `stop`). */
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

/** The alert as `GET /api/v2/alerts` lists it. */
export interface ListedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

/**
 * Starts Alertmanager with `config` (YAML), no gossip (`--cluster.listen-address=`), storage in a temp dir; resolves once
 * `/-/ready` answers. Binary: `prometheus-alertmanager` (Debian) or `alertmanager`.
 */
export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-am-"));
  writeFileSync(join(dir, "alertmanager.yml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = "";
  const launch = async (): Promise<void> => {
    const proc = spawn(
      "prometheus-alertmanager",
      [
        `--config.file=${join(dir, "alertmanager.yml")}`,
        `--storage.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child = proc;
    proc.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => proc.once("exit", (code) => reject(new Error(`alertmanager exited (${code}): ${log}`))));
    const ready = (async () => {
      for (let i = 0; i < 300; i++) {
        const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`alertmanager not ready: ${log}`);
    })();
    await Promise.race([ready, exited]);
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    await gone;
  };
  await launch();
  return {
    url,
    port,
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${url}/api/v2/${path}`);
      if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      return (await res.json()) as T;
    },
    stop: async () => {
      await stop();
    },
    restart: launch,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
