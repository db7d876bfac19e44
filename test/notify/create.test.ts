// createNotifiers: one notifier per configured channel, none for the others.
import { expect, it } from "vitest";
import { channelsSchema } from "../../src/config/schema.js";
import { createNotifiers } from "../../src/notify/index.js";
import { silentLogger } from "../helpers/logs.js";

it("builds exactly the configured channels", async () => {
  const none = createNotifiers(channelsSchema.parse({}), { logger: silentLogger() });
  expect(none).toEqual([]);
  const all = createNotifiers(
    channelsSchema.parse({
      slack: { webhook_url: "https://hooks.slack.com/services/T/B/X" },
      email: { smtp_url: "smtp://u:p@127.0.0.1:2525", from: "a@example.com", to: ["b@example.com"] },
      webhook: { url: "https://example.com/hook" },
    }),
    { logger: silentLogger() },
  );
  expect(all.map((n) => n.name)).toEqual(["slack", "email", "webhook"]);
  for (const n of all) await n.close?.();
});
