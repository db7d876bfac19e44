// Opening a state before a cycle: what is not syncwatch's is refused and left byte for byte; the account is checked;
// --reset-state keeps the old state beside it; a save that hangs times out.
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyHealthState } from "../../src/health/model.js";
import { bindAccount, FileStore, openState, type PersistedState } from "../../src/store/index.js";
import { tree } from "../helpers/files.js";

const fresh = (): string => mkdtempSync(join(tmpdir(), "syncwatch-open-"));
const ACCOUNT = bindAccount({ apiUrl: "https://api.fivetran.com", apiKey: "key-one", groupIds: ["g2", "g1"] });
const NOW = Date.parse("2026-11-23T08:00:00Z");
const KEY = /state_file \(SYNCWATCH_STATE_FILE\)/;

function state(): PersistedState {
  return { health: { ...emptyHealthState(), baseline_done: true, last_success_at: 5 }, outbox: null, hold_until: null, missing: [] };
}

describe("openState refuses what is not syncwatch's and touches nothing", () => {
  const cases: [string, (dir: string) => string][] = [
    ["a directory", (d) => (mkdirSync(join(d, "data")), writeFileSync(join(d, "data", "keep.txt"), "mine"), join(d, "data"))],
    ["someone's notes", (d) => (writeFileSync(join(d, "notes.txt"), "buy milk\n"), join(d, "notes.txt"))],
    ["a JSON file that is not a state", (d) => (writeFileSync(join(d, "state.json"), '{"version":2,"name":"my app"}'), join(d, "state.json"))],
    ["whitespace", (d) => (writeFileSync(join(d, "state.json"), "\n"), join(d, "state.json"))],
    ["a path under a file (ENOTDIR: what root meets instead of EACCES)", (d) => (writeFileSync(join(d, "blocker"), "x"), join(d, "blocker", "state.json"))],
  ];
  it.each(cases)("%s", async (_name, make) => {
    const dir = fresh();
    const path = make(dir);
    const before = tree(dir);
    await expect(openState({ path, account: ACCOUNT, now: () => NOW })).rejects.toThrow(KEY);
    await expect(openState({ path, account: ACCOUNT, reset: true, now: () => NOW })).rejects.toThrow(KEY);
    expect(tree(dir)).toEqual(before);
  });

  it("an unreadable file, when not root (root reads anything)", async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip();
    const dir = fresh();
    const path = join(dir, "state.json");
    writeFileSync(path, '{"format":"syncwatch-state","version":2}', { mode: 0o200 });
    await expect(openState({ path, account: ACCOUNT })).rejects.toThrow(/EACCES/);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });
});

describe("openState and the account", () => {
  it("refuses a state of another account, naming what differs, and --reset-state keeps it beside", async () => {
    const dir = fresh();
    const path = join(dir, "state.json");
    const opened = await openState({ path, account: ACCOUNT, now: () => NOW });
    await opened.store.save(state());
    await opened.lock.release();
    expect(readFileSync(path, "utf8")).not.toContain("key-one");

    const other = bindAccount({ apiUrl: "https://eu.fivetran.example", apiKey: "key-two", groupIds: [] });
    const again = await openState({ path, account: other, now: () => NOW });
    const load = again.store.load();
    await expect(load).rejects.toThrow(KEY);
    await expect(load).rejects.toThrow(
      /written for https:\/\/api\.fivetran\.com, this run reads https:\/\/eu\.fivetran\.example; it was written with another API key; it was written for groups g1, g2, this run watches the whole account\. Use --reset-state/,
    );
    await again.lock.release();

    const reset = await openState({ path, account: other, reset: true, now: () => NOW });
    expect(reset.resetTo).toBe(`${path}.reset-2026-11-23T08-00-00-000Z`);
    expect(await reset.store.load()).toEqual({ state: null, discarded: null });
    await reset.lock.release();
    expect(readdirSync(dir).sort()).toEqual(["state.json.reset-2026-11-23T08-00-00-000Z", "state.json.reset-2026-11-23T08-00-00-000Z.journal"]);
  });

  it("adopts a state of an earlier release (no account) and binds it on the next save", async () => {
    const path = join(fresh(), "state.json");
    await new FileStore({ path }).save(state());
    expect(JSON.parse(readFileSync(path, "utf8"))).not.toHaveProperty("account");
    const opened = await openState({ path, account: ACCOUNT });
    expect((await opened.store.load()).state?.health.last_success_at).toBe(5);
    await opened.store.save(state());
    await opened.lock.release();
    const other = await openState({ path, account: bindAccount({ apiUrl: "https://api.fivetran.com", apiKey: "key-two", groupIds: ["g1", "g2"] }) });
    await expect(other.store.load()).rejects.toThrow(/another API key/);
    await other.lock.release();
  });

  it("moves an empty file aside (the next cycle is a baseline)", async () => {
    const dir = fresh();
    const path = join(dir, "state.json");
    writeFileSync(path, "");
    const opened = await openState({ path, account: ACCOUNT, now: () => NOW });
    const report = await opened.store.load();
    await opened.lock.release();
    expect(report.state).toBeNull();
    expect(report.discarded?.movedTo).toBe(`${path}.corrupt-2026-11-23T08-00-00-000Z`);
  });
});

describe("a save that hangs", () => {
  it("fails with state_save_timeout instead of holding the cycle forever", async (ctx) => {
    const path = join(fresh(), "state.json");
    const store = new FileStore({ path, saveTimeoutMs: 300 });
    await store.save(state());
    // The journal becomes a FIFO nobody reads: opening it for writing blocks, as a write to a dead NFS mount does.
    const journal = `${path}.journal`;
    execFileSync("rm", [journal]);
    try {
      execFileSync("mkfifo", [journal]);
    } catch {
      return ctx.skip();
    }
    try {
      await expect(store.save(state())).rejects.toMatchObject({ code: "state_save_timeout" });
    } finally {
      closeSync(openSync(journal, constants.O_RDONLY | constants.O_NONBLOCK)); // release the blocked write
    }
    expect(existsSync(path)).toBe(true);
  });
});
