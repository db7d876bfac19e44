// `syncwatch demo` (built CLI): the simulator pushes, so the first scripted break alerts long before the 2-minute poll.
import { describe, expect, it } from "vitest";
import { startCli } from "../helpers/cli.js";

describe("syncwatch demo with webhooks", () => {
  it("install the webhook on the simulator and alert the first scripted break by push", async () => {
    const demo = startCli(["demo", "--connections", "60"], { SYNCWATCH_METRICS_PORT: "0" });
    try {
      await expect.poll(() => demo.output(), { timeout: 20_000, interval: 200 }).toMatch(/\[demo\] created account webhook/);
      await expect.poll(() => demo.output(), { timeout: 30_000, interval: 200 }).toMatch(/\[scenario\] .*setup broken[\s\S]*FIRING critical setup_broken[\s\S]*pushed read: 1 connection, 1 new/);
      // Only the baseline cycle ran: the alert came by push, not by the 2-minute schedule.
      expect(demo.output().match(/cycle ok/g)).toHaveLength(1);
    } finally {
      demo.kill("SIGTERM");
    }
    expect((await demo.exited).code).toBe(0);
  }, 60_000);
});
