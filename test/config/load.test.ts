// Config loading as a user meets it: the example file, env overrides, secrets from files, and errors that name the key.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSecrets, loadConfig, maskConfig, requireCredentials } from "../../src/config/load.js";
import { configSchema } from "../../src/config/schema.js";
import { ConfigError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "syncwatch-config-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("accepts the documented example, whose values are the defaults", () => {
    const { config } = loadConfig({ file: "config/syncwatch.example.yaml", env: {} });
    expect(config).toEqual(configSchema.parse({}));
  });

  it("lists every problem at once, each by its key", () => {
    const p = file("bad.yaml", "fivetran:\n  page_size: 5000\n  bogus: 1\nschedule: '61 * * * *'\nalerts:\n  repeat_interval_minutes: -1\n");
    const issues = issuesOf(() => loadConfig({ file: p, env: {} }));
    expect(issues.some((i) => i.startsWith("fivetran.page_size"))).toBe(true);
    expect(issues).toContain("fivetran.bogus: unknown key");
    expect(issues.some((i) => i.startsWith("alerts.repeat_interval_minutes"))).toBe(true);
  });

  it("reports a bad cron expression by its key and variable", () => {
    const issues = issuesOf(() => loadConfig({ env: { SYNCWATCH_SCHEDULE: "every five minutes" } }));
    expect(issues[0]).toMatch(/^schedule \(SYNCWATCH_SCHEDULE\): "every five minutes" is not a cron expression/);
  });

  it("names the variable when an environment value is wrong", () => {
    const issues = issuesOf(() => loadConfig({ env: { SYNCWATCH_METRICS_PORT: "http" } }));
    expect(issues[0]).toMatch(/^server\.port \(SYNCWATCH_METRICS_PORT\)/);
  });

  it("reports YAML syntax errors with the file name", () => {
    const p = file("syntax.yaml", "fivetran: [unclosed\n");
    expect(issuesOf(() => loadConfig({ file: p, env: {} }))[0]).toContain(p);
  });

  it("reports a missing config file", () => {
    expect(issuesOf(() => loadConfig({ file: join(dir, "nope.yaml"), env: {} }))[0]).toMatch(/cannot read .*ENOENT/);
  });

  it("lets the environment override the file", () => {
    const p = file("ok.yaml", "schedule: '*/10 * * * *'\nserver:\n  port: 1234\n");
    const { config, fromEnv } = loadConfig({ file: p, env: { SYNCWATCH_SCHEDULE: "*/2 * * * *", FIVETRAN_API_URL: "http://127.0.0.1:1" } });
    expect(config.schedule).toBe("*/2 * * * *");
    expect(config.server.port).toBe(1234);
    expect(config.fivetran.api_url).toBe("http://127.0.0.1:1");
    expect(fromEnv.get("schedule")).toBe("SYNCWATCH_SCHEDULE");
  });

  it("reads SYNCWATCH_CONFIG when no --config is given", () => {
    const p = file("env.yaml", "log_level: debug\n");
    expect(loadConfig({ env: { SYNCWATCH_CONFIG: p } }).config.log_level).toBe("debug");
  });

  it("turns on email from SMTP_URL, ALERT_EMAIL_FROM and a comma-separated ALERT_EMAIL_TO", () => {
    const { config } = loadConfig({
      env: { SMTP_URL: "smtp://u:p4ss@127.0.0.1:2525", ALERT_EMAIL_FROM: "sw@example.com", ALERT_EMAIL_TO: "a@example.com, b@example.com" },
    });
    expect(config.channels.email?.to).toEqual(["a@example.com", "b@example.com"]);
  });

  it("names the missing email variable when email is half configured", () => {
    const issues = issuesOf(() => loadConfig({ env: { SMTP_URL: "smtp://127.0.0.1:2525", ALERT_EMAIL_FROM: "sw@example.com" } }));
    expect(issues.join("\n")).toContain("channels.email.to (ALERT_EMAIL_TO)");
  });

  it("reads secrets from <VAR>_FILE, trimmed", () => {
    const secret = file("secret", "s3cr3t-from-file\n");
    const { config } = loadConfig({ env: { FIVETRAN_API_KEY: "key123", FIVETRAN_API_SECRET_FILE: secret } });
    expect(config.fivetran.api_secret).toBe("s3cr3t-from-file");
  });

  it("refuses both <VAR> and <VAR>_FILE", () => {
    const secret = file("secret2", "x");
    expect(issuesOf(() => loadConfig({ env: { FIVETRAN_API_SECRET: "a", FIVETRAN_API_SECRET_FILE: secret } }))[0]).toMatch(/FIVETRAN_API_SECRET_FILE/);
  });

  it("refuses a route to a channel that is not configured", () => {
    const p = file("route.yaml", "alerts:\n  routes:\n    - match: { severity: [critical] }\n      channels: [slack]\n");
    expect(issuesOf(() => loadConfig({ file: p, env: {} }))[0]).toBe('alerts.routes[0].channels: channel "slack" is not configured under channels.slack');
  });
});

describe("requireCredentials", () => {
  it("names both credential variables when they are missing", () => {
    const issues = issuesOf(() => requireCredentials(loadConfig({ env: {} })));
    expect(issues).toEqual(["fivetran.api_key (FIVETRAN_API_KEY): is required", "fivetran.api_secret (FIVETRAN_API_SECRET): is required"]);
  });
});

describe("maskConfig and collectSecrets", () => {
  const env = {
    FIVETRAN_API_KEY: "keykeykeykey",
    FIVETRAN_API_SECRET: "very-secret-value",
    SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
    ALERT_WEBHOOK_URL: "https://alerts.example.com/hook?token=tok-SECRET",
    SMTP_URL: "smtp://mailer:pa%24%24word@mail.example.com:587",
    ALERT_EMAIL_FROM: "sw@example.com",
    ALERT_EMAIL_TO: "oncall@example.com",
    SYNCWATCH_UI_PASSWORD: "ui-pass-SECRET",
  };

  it("prints no secret", () => {
    const loaded = loadConfig({ env });
    const text = JSON.stringify(maskConfig(loaded.config));
    for (const s of ["very-secret-value", "XXXXSECRET", "tok-SECRET", "pa%24%24word", "pa$$word", "keykeykeykey", "ui-pass-SECRET"]) expect(text).not.toContain(s);
    expect(text).toContain("mail.example.com:587");
    expect(text).toContain("hooks.slack.com");
  });

  it("knows every secret, including the Basic auth form and the decoded SMTP password", () => {
    const secrets = collectSecrets(loadConfig({ env }).config);
    expect(secrets).toContain("very-secret-value");
    expect(secrets).toContain(Buffer.from("keykeykeykey:very-secret-value").toString("base64"));
    expect(secrets).toContain("pa$$word");
    expect(secrets).toContain(env.SLACK_WEBHOOK_URL);
    expect(secrets).toContain("ui-pass-SECRET");
  });
});
