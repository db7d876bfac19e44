// The receiver's configuration: on with FIVETRAN_WEBHOOK_SECRET, bad values named by key, the secret never shown.
import { describe, expect, it } from "vitest";
import { loadConfig, maskConfig } from "../../src/config/load.js";
import { main } from "../../src/main.js";
import { actionOf, eventLabel, parseEvent, type WebhookEvent } from "../../src/webhooks/index.js";

const SECRET = "config-test-webhook-secret";

describe("webhooks config", () => {
  it("is off without a secret, on with FIVETRAN_WEBHOOK_SECRET and SYNCWATCH_WEBHOOK_PORT", () => {
    const off = loadConfig({ env: {} }).config.webhooks;
    expect(off.secret).toBeUndefined();
    expect(off).toMatchObject({ port: 9465, window_ms: 1000, max_body_bytes: 65536 });
    const loaded = loadConfig({ env: { FIVETRAN_WEBHOOK_SECRET: SECRET, SYNCWATCH_WEBHOOK_PORT: "9999", SYNCWATCH_WEBHOOK_URL: "https://x.example.com/webhooks/fivetran" } });
    expect(loaded.config.webhooks).toMatchObject({ secret: SECRET, port: 9999, public_url: "https://x.example.com/webhooks/fivetran" });
    expect(loaded.secrets).toContain(SECRET);
    expect(JSON.stringify(maskConfig(loaded.config))).not.toContain(SECRET);
  });

  it("names the key and the variable of a bad value", () => {
    const issues = (env: Record<string, string>): string => {
      try {
        loadConfig({ env });
        return "";
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(issues({ SYNCWATCH_WEBHOOK_PORT: "http" })).toMatch(/webhooks\.port \(SYNCWATCH_WEBHOOK_PORT\)/);
    expect(issues({ FIVETRAN_WEBHOOK_SECRET: "short" })).toMatch(/webhooks\.secret \(FIVETRAN_WEBHOOK_SECRET\): must be at least 8/);
    expect(issues({ FIVETRAN_WEBHOOK_SECRET: "short" })).not.toContain("short\n");
    expect(issues({ SYNCWATCH_WEBHOOK_URL: "ftp://x" })).toMatch(/webhooks\.public_url \(SYNCWATCH_WEBHOOK_URL\)/);
  });

  it("check-config shows the receiver's settings with the secret masked", async () => {
    let out = "";
    const code = await main(["check-config"], {
      out: (t) => (out += `${t}\n`),
      err: (t) => (out += `${t}\n`),
      env: { FIVETRAN_API_KEY: "key-1234567890", FIVETRAN_API_SECRET: "secret-1234567890", FIVETRAN_WEBHOOK_SECRET: SECRET },
    });
    expect(code).toBe(0);
    expect(out).toMatch(/webhooks:\n\s+secret: "?\*+"?/);
    expect(out).not.toContain(SECRET);
  });
});

describe("what an event leads to", () => {
  const ev = (over: Partial<WebhookEvent>): WebhookEvent => ({ event: "sync_end", created: null, connectionId: "c1", connectionName: null, connectorType: null, groupId: null, syncId: null, status: null, reason: null, ...over });
  it.each([
    ["sync_end", "c1", "read", "sync_end"],
    ["connection_failure", "c1", "read", "connection_failure"],
    ["pause_connector", "c1", "read", "pause_connector"],
    ["delete_connector", "c1", "note", "delete_connector"],
    ["sync_start", "c1", "ignore", "sync_start"],
    ["dbt_run_failed", "c1", "ignore", "dbt_run_failed"],
    ["test_event", "_connector_1", "test", "test_event"],
    ["sync_end", null, "ignore", "sync_end"],
    ["brand_new_event", "c1", "ignore", "other"],
  ] as const)("%s (connection %s): %s, labelled %s", (event, connectionId, action, label) => {
    expect(actionOf(ev({ event, connectionId }))).toBe(action);
    expect(eventLabel(event)).toBe(label);
  });

  it("reads group_id where destination_group_id is absent (older payloads, the test POST), and ignores unknown fields", () => {
    const e = parseEvent(Buffer.from(JSON.stringify({ event: "sync_end", connector_id: "c", group_id: "g_old", extra: { deep: 1 }, data: { status: "FAILURE_WITH_TASK", reason: "r" } })));
    expect(e).toMatchObject({ groupId: "g_old", status: "FAILURE_WITH_TASK", reason: "r" });
  });
});
