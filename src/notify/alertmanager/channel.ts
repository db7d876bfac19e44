// The Alertmanager channel's registry entry: `channels.alertmanager`, ALERTMANAGER_URL, and how its notifier is built.
import * as z from "zod";
import { httpUrl, positiveInt } from "../../config/fields.js";
import { MASKED, maskUrl, urlPasswordForms } from "../../config/mask.js";
import { commaList, type ChannelDescriptor } from "../channel.js";
import { AlertmanagerNotifier } from "./alertmanager.js";
import { RESERVED_LABELS } from "./payload.js";

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `channels.alertmanager` in the config file. */
export const alertmanagerConfigSchema = z
  .strictObject({
    /** One base URL per instance (all of an HA cluster); `http://user:pass@host:9093` for Basic auth. */
    urls: z.array(httpUrl).min(1),
    /** `Authorization: Bearer …` for every instance (instead of credentials in the URLs). */
    bearer_token: z.string().min(1).optional(),
    /** Static labels added to every alert (e.g. `team: data`); syncwatch's own label names are refused. */
    labels: z
      .record(
        z.string().regex(labelName, "must be a Prometheus label name").refine((k) => !(RESERVED_LABELS as readonly string[]).includes(k), "is set by syncwatch itself"),
        z.string().min(1),
      )
      .default({}),
    /** Firing alerts are re-sent this often, between cycles too, so Alertmanager never resolves a live one. */
    resend_interval_seconds: z.number().positive().default(60),
    /** How long past each send a firing alert lasts in Alertmanager if it is not re-sent (at least 3 re-sends). */
    lease_seconds: z.number().positive().default(600),
    max_alerts_per_post: positiveInt.default(500),
  })
  .superRefine((c, ctx) => {
    if (c.lease_seconds < 3 * c.resend_interval_seconds) {
      ctx.addIssue({ code: "custom", path: ["lease_seconds"], message: "must be at least 3 × resend_interval_seconds, or Alertmanager may resolve live alerts" });
    }
    if (c.bearer_token !== undefined && c.urls.some((u) => URL.canParse(u) && new URL(u).password !== "")) {
      ctx.addIssue({ code: "custom", path: ["bearer_token"], message: "give either a bearer token or credentials in the URLs, not both" });
    }
  });

/** Prometheus Alertmanager (API v2): labelled alerts, re-sent while they fire, resolved with `endsAt`. */
export const alertmanagerChannel: ChannelDescriptor<"alertmanager", typeof alertmanagerConfigSchema> = {
  name: "alertmanager",
  title: "Alertmanager",
  configSchema: alertmanagerConfigSchema,
  env: [
    { variable: "ALERTMANAGER_URL", key: "urls", secret: true, parse: commaList },
    { variable: "ALERTMANAGER_BEARER_TOKEN", key: "bearer_token", secret: true },
  ],
  secrets: (c) => [...c.urls, ...c.urls.flatMap(urlPasswordForms), ...(c.bearer_token ? [c.bearer_token] : [])],
  mask: (c) => ({ ...c, urls: c.urls.map((u) => maskUrl(u, true)), ...(c.bearer_token ? { bearer_token: MASKED } : {}) }),
  create: (c, deps) =>
    new AlertmanagerNotifier({
      urls: c.urls,
      bearerToken: c.bearer_token,
      labels: c.labels,
      resendIntervalMs: c.resend_interval_seconds * 1000,
      leaseMs: c.lease_seconds * 1000,
      maxAlertsPerPost: c.max_alerts_per_post,
      timeoutMs: deps.timeoutMs,
      now: deps.now,
      logger: deps.logger,
    }),
};
