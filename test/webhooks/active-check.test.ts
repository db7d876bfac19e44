// The check of the webhooks' active flag: exported per webhook, a disabled or missing webhook logged as a warning.
import { describe, expect, it } from "vitest";
import type { FivetranWebhook } from "../../src/fivetran/index.js";
import { createLogger } from "../../src/logger.js";
import { startPushInput, type PushMetrics } from "../../src/webhooks/index.js";

const URL_ = "https://syncwatch.example.com/webhooks/fivetran";
const hook = (id: string, active: boolean, url = URL_): FivetranWebhook => ({ id, type: "account", group_id: null, url, events: ["sync_end"], active, created_at: null });

async function check(list: () => Promise<FivetranWebhook[]>): Promise<{ flags: Map<string, boolean>[]; warnings: string[] }> {
  const flags: Map<string, boolean>[] = [];
  const lines: string[] = [];
  const metrics: PushMetrics = { event: () => undefined, reject: () => undefined, read: () => undefined, activeFlags: (f) => void flags.push(new Map(f)) };
  const logger = createLogger({ level: "warn", destination: { write: (s: string) => void lines.push(s) } });
  const push = await startPushInput({
    config: { secret: "active-check-secret", port: 0, host: "127.0.0.1", public_url: URL_, window_ms: 10, concurrency: 1, max_pending: 10, max_body_bytes: 1024, dedup_minutes: 1, active_check_minutes: 60 },
    read: () => Promise.resolve({ kind: "not_found" }),
    judge: () => Promise.resolve(),
    metrics,
    logger,
    listWebhooks: list,
  });
  try {
    await push.checkActive();
  } finally {
    await push.close();
  }
  return { flags, warnings: lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

describe("webhook active check", () => {
  it("export each webhook feeding the receiver, and warn about one Fivetran disabled", async () => {
    const { flags, warnings } = await check(() => Promise.resolve([hook("w1", true), hook("w2", false), hook("w3", false, "https://elsewhere.example.com/x")]));
    expect(flags).toEqual([new Map([["w1", true], ["w2", false]])]);
    expect(warnings).toEqual([expect.stringMatching(/webhook w2 is not active/)]);
  });

  it("warn when no webhook posts to the receiver, and survive a failed read", async () => {
    expect((await check(() => Promise.resolve([]))).warnings).toEqual([expect.stringMatching(/no Fivetran webhook posts to this receiver/)]);
    const failed = await check(() => Promise.reject(new Error("503")));
    expect(failed.flags).toEqual([]);
    expect(failed.warnings).toEqual([expect.stringMatching(/active flag: failed/)]);
  });
});
