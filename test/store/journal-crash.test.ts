// kill -9 while saving: a process saves state after state (appends, and now and then the whole file) and is killed
// at a random moment, six times over the same files. Each time the state loaded back is exactly the last one it
// reported saved, or the one it was saving, never a mix; and the next process goes on from it.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { encodeState } from "../../src/store/codec.js";
import { FileStore, type PersistedState } from "../../src/store/index.js";

const STORE = pathToFileURL(fileURLToPath(new URL("../../dist/store/index.js", import.meta.url))).href;

// State k, shared by the saving process and the test: 3,000 connections of which ~5% change at each step (their
// failed_at becomes k), one added (x<k>) and the one added ten steps before removed; hold_until = k.
const GENERATOR = `
const N = 3000;
const changes = (i, k) => (i * 7919 + k * 104729) % 100 < 5;
const snap = (id, failed) => ({ id, group_id: "g", service: "s", schema: "sch_" + id, paused: false, setup_state: "connected",
  sync_state: "scheduled", update_state: "on_schedule", is_historical_sync: false, warnings: [], tasks: [],
  succeeded_at: 1795000000000, failed_at: failed, created_at: 1700000000000, sync_frequency: 360,
  schedule_type: "auto", data_delay_sensitivity: "NORMAL", data_delay_threshold: null, rescheduled_for: null });
export function advance(state, k) {
  const c = state.health.connections;
  for (let i = 0; i < N; i++) if (changes(i, k)) c.set("c" + i, { snapshot: snap("c" + i, k), resumed_at: null });
  c.set("x" + k, { snapshot: snap("x" + k, null), resumed_at: k });
  c.delete("x" + (k - 10));
  state.hold_until = k;
}
export function expected(k) {
  const c = new Map();
  for (let i = 0; i < N; i++) {
    let last = null;
    for (let j = 1; j <= k; j++) if (changes(i, j)) last = j;
    c.set("c" + i, { snapshot: snap("c" + i, last), resumed_at: null });
  }
  for (let j = Math.max(1, k - 9); j <= k; j++) c.set("x" + j, { snapshot: snap("x" + j, null), resumed_at: j });
  return { health: { baseline_done: true, last_success_at: 1, connections: c, alerts: new Map() }, outbox: null, hold_until: k === 0 ? null : k };
}
`;

const SAVER = (generator: string, path: string): string => `
const { FileStore } = await import(${JSON.stringify(STORE)});
const { advance, expected } = await import(${JSON.stringify(generator)});
const store = new FileStore({ path: ${JSON.stringify(path)} });
const { state } = await store.load();
const s = state ?? expected(0);
for (let k = (s.hold_until ?? 0) + 1; ; k++) {
  advance(s, k);
  await store.save(s);
  process.stdout.write("saved " + k + "\\n");
}
`;

it("never loses or mixes a save when killed with SIGKILL at random moments", async () => {
  const dir = mkdtempSync(join(tmpdir(), "syncwatch-kill-"));
  const generator = join(dir, "generator.mjs");
  writeFileSync(generator, GENERATOR);
  const gen = (await import(pathToFileURL(generator).href)) as { expected(k: number): PersistedState };
  const path = join(dir, "state.json");
  let reached = 0;
  for (let round = 0; round < 6; round++) {
    const child = spawn(process.execPath, ["--input-type=module", "-e", SAVER(pathToFileURL(generator).href, path)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const acked = (): number => Number(/saved (\d+)\n(?![\s\S]*saved)/.exec(out)?.[1] ?? reached);
    await new Promise<void>((resolve, reject) => {
      child.on("exit", () => reject(new Error(`the saving process stopped by itself: ${err}`)));
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (acked() >= reached + 3) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
    child.removeAllListeners("exit");
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await exited;

    const ack = acked();
    const { state, discarded } = await new FileStore({ path }).load();
    expect(discarded).toBeNull();
    const k = state!.hold_until!;
    expect([ack, ack + 1], `killed after "saved ${ack}"`).toContain(k);
    expect(encodeState(state!, 0)).toBe(encodeState(gen.expected(k), 0));
    reached = k;
  }
  expect(reached).toBeGreaterThanOrEqual(18); // three more saves acknowledged in each round
}, 60_000);
