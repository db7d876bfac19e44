// Composition of the push input (SPEC 4a): the webhook receiver, reading through the Fivetran source, judged by the watcher.
import type { Logger } from "pino";
import type { App } from "./app.js";
import type { LoadedConfig } from "./config/load.js";
import { ConfigError } from "./errors.js";
import { FivetranClient, FivetranWebhooks } from "./fivetran/index.js";
import { WebhookMetrics } from "./metrics/index.js";
import { VERSION } from "./version.js";
import { startPushInput, type PushInput } from "./webhooks/index.js";

/** Starts the webhook receiver when `webhooks.secret` is set (else resolves to null); a busy port is a ConfigError. */
export async function startPush(app: App, loaded: LoadedConfig, logger: Logger): Promise<PushInput | null> {
  const { config } = loaded;
  const secret = config.webhooks.secret;
  if (secret === undefined) return null;
  // The hourly read of the webhooks' active flag has a client of its own: the source's is the listing's.
  const client = new FivetranClient({
    config: config.fivetran,
    version: VERSION,
    logger: logger.child({ component: "fivetran" }),
    onRequest: (endpoint, code) => app.metrics.apiRequest(endpoint, code),
  });
  const api = new FivetranWebhooks(client);
  let windowReadAt: number | null = null;
  try {
    const push = await startPushInput({
      config: { ...config.webhooks, secret },
      read: (id, signal) => {
        // Windows are read and judged one after another: the first read of a window dates the whole window.
        windowReadAt ??= app.watcher.clock();
        return app.source.connection(id, signal);
      },
      judge: async (snapshots) => {
        const readAt = windowReadAt ?? undefined;
        windowReadAt = null;
        await app.watcher.judgeRead(snapshots, undefined, readAt);
      },
      metrics: new WebhookMetrics(app.metrics.registry),
      logger: logger.child({ component: "webhooks" }),
      listWebhooks: () => api.list(),
    });
    return {
      ...push,
      close: async () => {
        await push.close();
        await client.close();
      },
    };
  } catch (err) {
    await client.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") {
      const { host, port } = config.webhooks;
      throw new ConfigError([{ path: "webhooks.port / webhooks.host (SYNCWATCH_WEBHOOK_PORT / SYNCWATCH_WEBHOOK_HOST)", message: `${host}:${port} cannot be listened on (${code})` }]);
    }
    throw err;
  }
}
