// Runs `promtool check metrics` on an exposition, as Prometheus' own linter judges it.
import { spawn } from "node:child_process";

/** Path of the promtool binary used by the tests. */
export const PROMTOOL = "/usr/bin/promtool";

/** Pipes `text` to `promtool check metrics`; resolves with its exit code and everything it printed. */
export function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(text);
  });
}
