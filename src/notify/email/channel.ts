// The email channel's registry entry: `channels.email`, SMTP_URL / ALERT_EMAIL_FROM / ALERT_EMAIL_TO, its notifier.
import * as z from "zod";
import { positiveInt } from "../../config/fields.js";
import { maskUrl, urlPasswordForms } from "../../config/mask.js";
import { commaList, type ChannelDescriptor } from "../channel.js";
import { EmailNotifier } from "./email.js";

/** `channels.email` in the config file. */
export const emailConfigSchema = z.strictObject({
  smtp_url: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL"),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  subject_prefix: z.string().default("[syncwatch]"),
  max_alerts: positiveInt.default(500),
});

/** Email over SMTP (nodemailer), text and HTML. */
export const emailChannel: ChannelDescriptor<"email", typeof emailConfigSchema> = {
  name: "email",
  title: "Email",
  configSchema: emailConfigSchema,
  env: [
    { variable: "SMTP_URL", key: "smtp_url", secret: true },
    { variable: "ALERT_EMAIL_FROM", key: "from", secret: false },
    { variable: "ALERT_EMAIL_TO", key: "to", secret: false, parse: commaList },
  ],
  secrets: (c) => [c.smtp_url, ...urlPasswordForms(c.smtp_url)],
  mask: (c) => ({ ...c, smtp_url: maskUrl(c.smtp_url, true) }),
  create: (c, deps) =>
    new EmailNotifier({
      smtpUrl: c.smtp_url,
      from: c.from,
      to: c.to,
      subjectPrefix: c.subject_prefix,
      maxAlerts: c.max_alerts,
      timeoutMs: deps.timeoutMs,
      logger: deps.logger,
    }),
};
