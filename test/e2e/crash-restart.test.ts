// `kill -9` mid-send and after a send, then restart: nothing is lost, nothing already delivered fires again.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimAccount, startSimulator } from "../../src/simulator/index.js";
import { startCli, type Daemon } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/receivers.js";

interface Item {
  status: string;
  connection_id: string;
  condition: string;
  reminder: boolean;
  reason: string | null;
}

let sim: Awaited<ReturnType<typeof startSimulator>>;
let receiver: Receiver;
let dir: string;
const running: Daemon[] = [];

beforeAll(async () => {
  sim = await startSimulator({ account: new SimAccount({ connections: 300, groups: 3, seed: 5 }), apiKey: "k", apiSecret: "crash-secret" });
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "syncwatch-crash-"));
});
afterAll(async () => {
  for (const d of running) d.kill("SIGKILL");
  await Promise.all([sim.close(), receiver.close()]);
});

function start(): Daemon {
  const d = startCli(["run"], {
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: "k",
    FIVETRAN_API_SECRET: "crash-secret",
    SYNCWATCH_SCHEDULE: "*/1 * * * * *",
    SYNCWATCH_STATE_FILE: join(dir, "state.json"),
    SYNCWATCH_METRICS_PORT: "0",
    SYNCWATCH_METRICS_HOST: "127.0.0.1",
    ALERT_WEBHOOK_URL: receiver.url,
  });
  running.push(d);
  return d;
}

/** Every alert item of every accepted POST, in arrival order. */
function delivered(): Item[] {
  return receiver.accepted.flatMap((r) => (r.json as { alerts: Item[] }).alerts);
}

function cyclesOk(d: Daemon): number {
  return d.logs().filter((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok")).length;
}

async function waitCycles(d: Daemon, n: number): Promise<void> {
  const target = cyclesOk(d) + n;
  await d.waitForLog(() => cyclesOk(d) >= target, 20_000);
}

it("re-sends a digest interrupted by kill -9, and never repeats one that was delivered", async () => {
  const ids = sim.account.ids().slice(0, 3);
  let d = start();
  await waitCycles(d, 1); // the baseline: nothing firing, nothing sent
  expect(receiver.received).toHaveLength(0);

  // The next POST hangs: the daemon is killed while the send is in flight.
  receiver.failNext(1, "hang");
  for (const id of ids) sim.account.break(id, { title: "Validate Login", message: "Invalid login credentials." });
  const until = Date.now() + 15_000;
  while (receiver.received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(receiver.received).toHaveLength(1);
  d.kill("SIGKILL");
  await d.exited;
  expect(receiver.accepted).toHaveLength(0);

  // After a restart the queued digest goes out (at least once), and quiet cycles send nothing more.
  d = start();
  await receiver.waitForAccepted(1);
  await waitCycles(d, 3);
  const firing = delivered().filter((a) => a.status === "firing");
  expect(firing.map((a) => a.connection_id).sort()).toEqual([...ids].sort());
  expect(firing.every((a) => a.condition === "setup_broken" && !a.reminder)).toBe(true);

  // kill -9 right after a delivery: the restart must not send it again.
  sim.account.fix(ids[0]!);
  await receiver.waitForAccepted(2);
  // The cycle's summary line is written after the save that records the delivery.
  await d.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("cycle ok") && l.resolved === 1);
  d.kill("SIGKILL");
  await d.exited;
  d = start();
  await waitCycles(d, 3);
  const items = delivered();
  expect(items.filter((a) => a.status === "resolved").map((a) => a.connection_id)).toEqual([ids[0]]);
  expect(items.filter((a) => a.status === "firing")).toHaveLength(3);

  // SIGTERM: clean exit 0 with state saved.
  d.kill("SIGTERM");
  expect((await d.exited).code).toBe(0);
  expect(d.output()).toContain("state saved");
}, 90_000);
