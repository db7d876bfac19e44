// The file store as an operator meets it: round trips, atomic saves, damaged files of its own moved aside, others refused.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertKey, type HealthState } from "../../src/health/model.js";
import { FileStore, type PersistedState } from "../../src/store/index.js";
import { snapshot } from "./fixtures.js";

function sampleState(): PersistedState {
  const health: HealthState = {
    baseline_done: true,
    last_success_at: Date.parse("2026-11-22T12:00:00Z"),
    connections: new Map([
      ["a", { snapshot: snapshot("a", { setup_state: "broken", warnings: [{ code: "w1", message: "Careful \"quoted\"\nnewline" }] }), resumed_at: null }],
      ["b", { snapshot: snapshot("b", { paused: null, tasks: [{ code: "t1", message: null }], setup_state: "quantum" }), resumed_at: 123 }],
    ]),
    alerts: new Map([
      [
        alertKey("a", "setup_broken"),
        {
          connection_id: "a",
          condition: "setup_broken",
          severity: "critical",
          phase: "firing",
          streak: 0,
          started_at: 1,
          summary: "Setup is broken",
          last_notified_at: 2,
        },
      ],
    ]),
  };
  return { health, outbox: { channels: { slack: [{ id: "x" }] } }, hold_until: 99, missing: ["gone_1"] };
}

const fresh = (): string => mkdtempSync(join(tmpdir(), "syncwatch-store-"));

describe("FileStore", () => {
  it("starts empty when there is no file", async () => {
    const report = await new FileStore({ path: join(fresh(), "state.json") }).load();
    expect(report).toEqual({ state: null, discarded: null });
  });

  it("round-trips the whole state, including odd text and unknown enum values", async () => {
    const path = join(fresh(), "sub", "state.json");
    const store = new FileStore({ path });
    const state = sampleState();
    await store.save(state);
    const { state: loaded } = await new FileStore({ path }).load();
    expect(loaded).toEqual(state);
    expect(store.lastSaveBytes).toBe(statSync(path).size + statSync(`${path}.journal`).size);
  });

  it("writes atomically: no temp file left behind, private permissions", async () => {
    const d = fresh();
    const path = join(d, "state.json");
    const store = new FileStore({ path });
    await store.save(sampleState());
    await store.save(sampleState());
    expect(readdirSync(d).sort()).toEqual(["state.json", "state.json.journal"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.journal`).mode & 0o777).toBe(0o600);
  });

  it.each([
    ["truncated", (t: string) => t.slice(0, Math.floor(t.length / 2)), /state file unusable/],
    ["empty", () => "", /file is empty/],
    ["of another version", (t: string) => t.replace('"version":2', '"version":0'), /unsupported state version 0/],
    ["not an object", () => '{"format":"syncwatch-state"}[1,2,3]', /state file unusable/],
  ])("moves a %s file aside and starts from a baseline", async (_name, mangle, reason) => {
    const d = fresh();
    const path = join(d, "state.json");
    await new FileStore({ path }).save(sampleState());
    writeFileSync(path, mangle(readFileSync(path, "utf8")));
    const report = await new FileStore({ path, now: () => Date.parse("2026-11-22T12:00:00Z") }).load();
    expect(report.state).toBeNull();
    expect(report.discarded?.reason).toMatch(reason);
    expect(report.discarded?.movedTo).toBe(`${path}.corrupt-2026-11-22T12-00-00-000Z`);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(report.discarded!.movedTo!)).toBe(true);
  });

  it("fails a save it cannot write with a coded error and keeps the previous file intact", async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions: use a path whose parent is a file instead.
      const d = fresh();
      writeFileSync(join(d, "blocker"), "x");
      await expect(new FileStore({ path: join(d, "blocker", "state.json") }).save(sampleState())).rejects.toMatchObject({ code: "state_write_failed" });
      return;
    }
    const d = fresh();
    const path = join(d, "state.json");
    await new FileStore({ path }).save(sampleState());
    const before = readFileSync(path, "utf8");
    chmodSync(d, 0o500);
    try {
      await expect(new FileStore({ path }).save({ ...sampleState(), hold_until: null })).rejects.toMatchObject({ code: "state_write_failed" });
      expect(readFileSync(path, "utf8")).toBe(before);
    } finally {
      chmodSync(d, 0o700);
    }
  });

  it("refuses a state path that is a directory and leaves it where it is", async () => {
    const d = fresh();
    mkdirSync(join(d, "state.json"));
    await expect(new FileStore({ path: join(d, "state.json") }).load()).rejects.toThrow(/SYNCWATCH_STATE_FILE.*EISDIR/s);
    expect(readdirSync(d)).toEqual(["state.json"]);
  });

  it("refuses a file syncwatch did not write and leaves it byte for byte", async () => {
    const path = join(fresh(), "state.json");
    writeFileSync(path, "[1,2,3]");
    await expect(new FileStore({ path }).load()).rejects.toThrow(/SYNCWATCH_STATE_FILE.*not a syncwatch state file/s);
    expect(readFileSync(path, "utf8")).toBe("[1,2,3]");
  });

  it("starts every file it writes with syncwatch's signature", async () => {
    const path = join(fresh(), "state.json");
    await new FileStore({ path }).save(sampleState());
    expect(readFileSync(path, "utf8").startsWith('{"format":"syncwatch-state","version":2,')).toBe(true);
  });
});
