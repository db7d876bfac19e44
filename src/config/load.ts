// Loads the configuration: YAML file, then environment overrides (and `<VAR>_FILE` secrets), validated all at once.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import { validateDetailed as validateCron } from "node-cron";
import type * as z from "zod";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { CHANNEL_LIST, CHANNEL_NAMES } from "../notify/registry.js";
import { MASKED, maskToken } from "./mask.js";
import { configSchema, type Config } from "./schema.js";

const require = createRequire(import.meta.url);
/** The YAML parser, loaded on first use: without a config file, syncwatch starts without it. */
const yaml = (): typeof Yaml => require("yaml") as typeof Yaml;

/** Where one environment variable lands in the config, and how its text becomes a value. */
interface EnvBinding {
  variable: string;
  path: string[];
  secret: boolean;
  parse?: (text: string) => unknown;
}

const toPort = (text: string): unknown => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text);

/** Every environment variable syncwatch reads (SPEC section 5), and the config key it overrides. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { variable: "FIVETRAN_API_KEY", path: ["fivetran", "api_key"], secret: true },
  { variable: "FIVETRAN_API_SECRET", path: ["fivetran", "api_secret"], secret: true },
  { variable: "FIVETRAN_API_URL", path: ["fivetran", "api_url"], secret: false },
  { variable: "SYNCWATCH_SCHEDULE", path: ["schedule"], secret: false },
  { variable: "SYNCWATCH_STATE_FILE", path: ["state_file"], secret: false },
  { variable: "SYNCWATCH_METRICS_PORT", path: ["server", "port"], secret: false, parse: toPort },
  { variable: "SYNCWATCH_METRICS_HOST", path: ["server", "host"], secret: false },
  { variable: "SYNCWATCH_UI_PASSWORD", path: ["server", "ui_password"], secret: true },
  ...CHANNEL_LIST.flatMap((c) => c.env.map((e) => ({ variable: e.variable, path: ["channels", c.name, e.key], secret: e.secret, parse: e.parse }))),
  { variable: "FIVETRAN_WEBHOOK_SECRET", path: ["webhooks", "secret"], secret: true },
  { variable: "SYNCWATCH_WEBHOOK_PORT", path: ["webhooks", "port"], secret: false, parse: toPort },
  { variable: "SYNCWATCH_WEBHOOK_HOST", path: ["webhooks", "host"], secret: false },
  { variable: "SYNCWATCH_WEBHOOK_URL", path: ["webhooks", "public_url"], secret: false },
  { variable: "LOG_LEVEL", path: ["log_level"], secret: false },
];

/** The loaded configuration plus what the loader learned on the way. */
export interface LoadedConfig {
  config: Config;
  /** The config file read, if any. */
  file: string | null;
  /** Secret values (API key and secret, webhook URLs, SMTP URL and password) to scrub from every log line. */
  secrets: string[];
  /** Config paths set from the environment, e.g. `fivetran.api_key` → `FIVETRAN_API_KEY`. */
  fromEnv: Map<string, string>;
}

/** Options for `loadConfig`; the environment is passed in (only main.ts reads `process.env`). */
export interface LoadOptions {
  file?: string | null;
  env: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

/** Reads, merges and validates the configuration; throws `ConfigError` listing every problem by key. */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const file = opts.file ?? opts.env.SYNCWATCH_CONFIG ?? null;
  const issues: ConfigIssue[] = [];
  let raw: Record<string, unknown> = {};

  if (file) {
    let text: string | null = null;
    try {
      text = readFile(file);
    } catch (err) {
      issues.push({ path: "--config", message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    }
    if (text !== null) {
      const doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
      for (const e of doc.errors) issues.push({ path: file, message: `YAML: ${e.message.split("\n")[0]}` });
      if (doc.errors.length === 0) {
        const value: unknown = doc.toJS();
        if (value === null || value === undefined) raw = {};
        else if (typeof value === "object" && !Array.isArray(value)) raw = value as Record<string, unknown>;
        else issues.push({ path: file, message: "must be a YAML mapping of config keys" });
      }
    }
  }

  const fromEnv = new Map<string, string>();
  const secretValues: string[] = [];
  for (const binding of ENV_BINDINGS) {
    const value = readEnv(opts.env, binding.variable, readFile, issues);
    if (value === undefined) continue;
    setPath(raw, binding.path, binding.parse ? binding.parse(value) : value);
    fromEnv.set(binding.path.join("."), binding.variable);
  }

  if (issues.length > 0) throw new ConfigError(issues);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, fromEnv));
  const config = parsed.data;

  issues.push(...semanticIssues(config, fromEnv));
  if (issues.length > 0) throw new ConfigError(issues);

  secretValues.push(...collectSecrets(config));
  return { config, file, secrets: secretValues, fromEnv };
}

/** Checks that the Fivetran credentials are present (needed by `run`, `once` and `check-config`). */
export function requireCredentials(loaded: LoadedConfig): void {
  const issues: ConfigIssue[] = [];
  if (!loaded.config.fivetran.api_key) issues.push({ path: "fivetran.api_key (FIVETRAN_API_KEY)", message: "is required" });
  if (!loaded.config.fivetran.api_secret) issues.push({ path: "fivetran.api_secret (FIVETRAN_API_SECRET)", message: "is required" });
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The secret strings of a config, and the forms they take on the wire (Basic auth, URL-encoded password). */
export function collectSecrets(config: Config): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined | null): void => {
    if (s && s.length >= 4) out.add(s);
  };
  const { api_key, api_secret } = config.fivetran;
  add(api_secret);
  add(api_key);
  if (api_key && api_secret) add(Buffer.from(`${api_key}:${api_secret}`).toString("base64"));
  add(config.server.ui_password);
  for (const channel of CHANNEL_LIST) {
    const c: unknown = config.channels[channel.name];
    if (c !== undefined) for (const secret of channel.secrets(c)) add(secret);
  }
  add(config.webhooks.secret);
  return [...out];
}

/** A copy of the config safe to print: every secret masked, URLs reduced to scheme and host. */
export function maskConfig(config: Config): Config {
  const copy = structuredClone(config);
  const f = copy.fivetran;
  if (f.api_key) f.api_key = maskToken(f.api_key);
  if (f.api_secret) f.api_secret = MASKED;
  if (copy.server.ui_password) copy.server.ui_password = MASKED;
  const channels = copy.channels as Record<string, unknown>;
  for (const channel of CHANNEL_LIST) {
    const c = channels[channel.name];
    if (c !== undefined) channels[channel.name] = channel.mask(c);
  }
  if (copy.webhooks.secret) copy.webhooks.secret = MASKED;
  return copy;
}

function readEnv(
  env: Record<string, string | undefined>,
  variable: string,
  readFile: (p: string) => string,
  issues: ConfigIssue[],
): string | undefined {
  const direct = env[variable];
  const filePath = env[`${variable}_FILE`];
  if (direct !== undefined && direct !== "" && filePath) {
    issues.push({ path: variable, message: `set both ${variable} and ${variable}_FILE; use one` });
    return undefined;
  }
  if (filePath) {
    try {
      return readFile(filePath).trim();
    } catch (err) {
      issues.push({ path: `${variable}_FILE`, message: `cannot read ${filePath}: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
      return undefined;
    }
  }
  return direct === "" ? undefined : direct;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let node = obj;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function zodIssues(error: z.ZodError, fromEnv: Map<string, string>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const base = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: base ? `${base}.${key}` : key, message: "unknown key" });
      continue;
    }
    // Name the variable too, whether or not it was set: it is the other way to give this key.
    const key = issue.path.map(String).join(".");
    const variable = fromEnv.get(key) ?? ENV_BINDINGS.find((b) => b.path.join(".") === key)?.variable;
    out.push({ path: variable ? `${base} (${variable})` : base, message: issue.message });
  }
  return out;
}

function semanticIssues(config: Config, fromEnv: Map<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const cron = safeValidateCron(config.schedule);
  if (!cron.valid) {
    const variable = fromEnv.get("schedule");
    const detail = cron.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    issues.push({
      path: variable ? `schedule (${variable})` : "schedule",
      message: `"${config.schedule}" is not a cron expression (5 fields, or 6 with seconds)${detail ? `: ${detail}` : ""}`,
    });
  }
  const configured = new Set(CHANNEL_NAMES.filter((name) => config.channels[name] !== undefined));
  config.alerts.routes.forEach((route, i) => {
    for (const channel of route.channels) {
      if (!configured.has(channel)) {
        issues.push({ path: `alerts.routes[${i}].channels`, message: `channel "${channel}" is not configured under channels.${channel}` });
      }
    }
  });
  if (config.fivetran.group_ids.length > 0 && config.fivetran.listing === "groups") {
    // group_ids already page each group on its own; listing: groups would list every group first.
    issues.push({ path: "fivetran.listing", message: 'use either group_ids or listing: "groups", not both' });
  }
  return issues;
}

function safeValidateCron(expr: string): { valid: boolean; errors: { field: string; message: string }[] } {
  try {
    const r = validateCron(expr);
    return { valid: r.valid, errors: r.errors };
  } catch {
    return { valid: false, errors: [] };
  }
}
