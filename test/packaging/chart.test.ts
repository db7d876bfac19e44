// Checks the Helm chart the way an SRE would before installing it: lint, values schema, rendered objects.
// Rendering uses tools/chart-render (Go text/template + sprig, as `helm template`), built once per run.
// `go` and `yamllint` are required: a missing tool fails the test, it is never skipped.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { z } from "zod";
import { loadConfig } from "../../src/config/load.js";
import { configSchema } from "../../src/config/schema.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CHART = join(root, "helm/syncwatch");
const CI_DIR = join(CHART, "ci");
const CACHE = join(root, "node_modules/.cache/chart-render");
const RENDERER = join(CACHE, "chart-render");

type Obj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } };
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface DeploymentShape {
  spec: {
    replicas: number;
    strategy: { type: string };
    template: {
      metadata: { annotations: Record<string, string> };
      spec: {
        securityContext: {
          runAsNonRoot?: boolean;
          runAsUser?: number;
          runAsGroup?: number;
          fsGroup?: number;
          seccompProfile?: { type: string };
        };
        containers: Container[];
        volumes: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: object; configMap?: { name: string } }[];
        terminationGracePeriodSeconds?: number;
      };
    };
  };
}

/** Runs a command in the repository root; a missing binary throws (fails the test). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; out: string } {
  const res = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`cannot run ${cmd} (is it installed?): ${res.error.message}`);
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

let scratch = "";

/** Helm's values merge: maps merge key by key, anything else replaces. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const isMap = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** Writes a values file into the scratch dir and returns its path. */
function valuesFile(name: string, values: unknown): string {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, typeof values === "string" ? values : JSON.stringify(values));
  return file;
}

/** Renders the chart with the given values files; throws with the renderer's message on failure. */
function render(...files: string[]): Obj[] {
  const args = ["--name", "t", "--namespace", "monitoring", ...files.flatMap((f) => ["-f", f]), CHART];
  const res = spawnSync(RENDERER, args, { cwd: root, encoding: "utf8" });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`chart-render failed: ${res.stderr}`);
  const docs = parseAllDocuments(res.stdout);
  const objs: Obj[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML is invalid: ${doc.errors[0]?.message ?? ""}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objs.push(value as Obj);
  }
  return objs;
}

function find(objs: Obj[], kind: string): Obj[] {
  return objs.filter((o) => o.kind === kind);
}

function one(objs: Obj[], kind: string): Obj {
  const found = find(objs, kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0] as Obj;
}

function deploymentOf(objs: Obj[]): DeploymentShape & Obj {
  return one(objs, "Deployment") as DeploymentShape & Obj;
}

function containerOf(objs: Obj[]): Container {
  const c = deploymentOf(objs).spec.template.spec.containers[0];
  if (!c) throw new Error("no container");
  return c;
}

/** Validates every object against the Kubernetes schemas (CRDs: shape only). */
function validateAll(objs: Obj[]): void {
  for (const o of objs) {
    expect(o.metadata.name, `${o.kind} has a name`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    switch (o.kind) {
      case "Deployment":
        new Deployment(o).validate();
        break;
      case "Service":
        new Service(o).validate();
        break;
      case "ConfigMap":
        new ConfigMap(o).validate();
        break;
      case "Secret":
        new Secret(o).validate();
        break;
      case "ServiceAccount":
        new ServiceAccount(o).validate();
        break;
      case "PersistentVolumeClaim":
        new PersistentVolumeClaim(o).validate();
        break;
      case "Ingress":
        new Ingress(o).validate();
        break;
      case "ServiceMonitor":
      case "PodMonitor":
      case "PrometheusRule":
        expect(o.apiVersion).toBe("monitoring.coreos.com/v1");
        expect(typeof o.spec).toBe("object");
        expect(o.spec).not.toBeNull();
        break;
      default:
        throw new Error(`unexpected kind ${o.kind}`);
    }
  }
}

/** The config.yaml the chart's ConfigMap carries. */
function renderedConfig(objs: Obj[]): string {
  const cm = find(objs, "ConfigMap").find((o) => (o as { data?: Record<string, string> }).data?.["config.yaml"] !== undefined) as
    | (Obj & { data: Record<string, string> })
    | undefined;
  if (!cm) throw new Error("no ConfigMap with config.yaml");
  return cm.data["config.yaml"] as string;
}

const ciFiles = readdirSync(CI_DIR)
  .filter((f) => f.endsWith("-values.yaml"))
  .sort();

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "syncwatch-chart-"));
  mkdirSync(CACHE, { recursive: true });
  const env = { ...process.env, GOPATH: "/usr/share/gocode", GO111MODULE: "off", GOFLAGS: "", GOCACHE: process.env.GOCACHE ?? join(CACHE, "go-build") };
  const built = run("go", ["build", "-o", RENDERER, "./tools/chart-render"], env);
  if (built.status !== 0) throw new Error(`building tools/chart-render failed:\n${built.out}`);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("chart files", () => {
  it("pass yamllint (Chart.yaml, values.yaml, ci/*.yaml)", () => {
    const files = ["Chart.yaml", "values.yaml", ...ciFiles.map((f) => `ci/${f}`)].map((f) => join(CHART, f));
    const res = run("yamllint", ["-c", join(root, ".yamllint"), "-s", ...files]);
    expect(res.out).toBe("");
    expect(res.status).toBe(0);
  });

  it("declare a v2 application chart 0.1.0 for Kubernetes 1.23 or later", () => {
    const chart = parse(readFileSync(join(CHART, "Chart.yaml"), "utf8")) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: "v2", name: "syncwatch", type: "application", version: "0.1.0", appVersion: "0.1.0", kubeVersion: ">=1.23.0-0" });
  });

  it("validate values.yaml and every ci values file against values.schema.json", () => {
    const schema = JSON.parse(readFileSync(join(CHART, "values.schema.json"), "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const defaults = parse(readFileSync(join(CHART, "values.yaml"), "utf8")) as Record<string, unknown>;
    expect(validate(defaults), JSON.stringify(validate.errors)).toBe(true);
    expect(ciFiles.length).toBeGreaterThanOrEqual(4);
    for (const f of ciFiles) {
      const values = (parse(readFileSync(join(CI_DIR, f), "utf8")) ?? {}) as Record<string, unknown>;
      // Helm validates the merged values; the file on its own must pass too (the schema has no required keys).
      expect(validate(values), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate(deepMerge(defaults, values)), `${f} merged: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    // The schema is strict: a typo at the top level or inside the chart's own objects is rejected.
    expect(validate({ ...defaults, replicaCount: 2 })).toBe(false);
    expect(validate({ ...defaults, persistence: { enabled: true, sise: "1Gi" } })).toBe(false);
    expect(validate({ ...defaults, config: { shedule: "* * * * *" } })).toBe(false);
  });

  it("check `config` with syncwatch's own config schema (values.schema.json carries it, generated from src/config/schema.ts)", () => {
    // Helm then rejects a config typo at install time instead of the pod exiting with code 2.
    // Regenerate after a config schema change: SYNCWATCH_UPDATE_CHART_SCHEMA=1 npx vitest run test/packaging/chart.test.ts
    const file = join(CHART, "values.schema.json");
    const schema = JSON.parse(readFileSync(file, "utf8")) as { properties: Record<string, unknown> };
    const { $schema: _drop, ...generated } = z.toJSONSchema(configSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
    const expected = { description: "The syncwatch configuration file (keys of config/syncwatch.example.yaml); generated from src/config/schema.ts.", ...generated };
    if (process.env.SYNCWATCH_UPDATE_CHART_SCHEMA === "1") {
      schema.properties.config = expected;
      writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    }
    expect(schema.properties.config).toEqual(expected);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const defaults = parse(readFileSync(join(CHART, "values.yaml"), "utf8")) as Record<string, unknown>;
    const withConfig = (config: unknown): boolean => validate({ ...defaults, config });
    expect(withConfig({ channels: { webhook: { url: "https://x.example.com", headerz: {} } } })).toBe(false);
    expect(withConfig({ rules: { overrides: [{ match: {}, stale_minute: 1 }] } })).toBe(false);
    expect(withConfig({ fivetran: { listing: "chain" } })).toBe(false);
    expect(withConfig({ fivetran: { page_size: 5000 } })).toBe(false);
    expect(withConfig({ alerts: { silences: [{ match: { severity: ["info"] } }] } })).toBe(false);
    expect(withConfig({ fivetran: { listing: "groups", group_ids: ["g1"] }, alerts: { silences: [{ until: "2030-01-01T00:00:00Z" }] } })).toBe(true);
  });

  it("accept as `config` every key of config/syncwatch.example.yaml, which the chart renders into a config syncwatch loads", () => {
    // The values schema repeats the config schema for early errors; this catches the two drifting apart.
    const example = parse(readFileSync(join(root, "config/syncwatch.example.yaml"), "utf8")) as Record<string, unknown>;
    const full = {
      ...example,
      rules: {
        ...(example.rules as Record<string, unknown>),
        overrides: [
          { match: { service: ["google_sheets"] }, stale_factor: 4, stale_grace_minutes: 30, stale_default_minutes: 600 },
          { match: { group_id: ["g_finance"] }, stale_minutes: 180, fire_after: 2, clear_after: 2 },
          { match: { connection_id: ["decisive_wombat"] }, ignore_conditions: ["warning:*", "stale"] },
        ],
      },
      alerts: {
        ...(example.alerts as Record<string, unknown>),
        routes: [{ match: { severity: ["critical"], schema: ["sf_prod"] }, channels: ["slack", "email"], continue: true }],
        silences: [{ match: { connection_id: ["decisive_wombat"] }, until: "2030-12-01T00:00:00Z", comment: "migration" }],
      },
      channels: {
        ...(example.channels as Record<string, unknown>),
        slack: { webhook_url: "https://hooks.slack.com/services/T/B/X", max_alerts: 40, username: "syncwatch", icon_emoji: ":rotating_light:" },
        email: { smtp_url: "smtp://smtp.example.com:587", from: "syncwatch@example.com", to: ["oncall@example.com"], subject_prefix: "[syncwatch]", max_alerts: 500 },
        webhook: { url: "https://alerts.example.com/syncwatch", max_alerts_per_post: 1000, headers: { "X-Team": "data" } },
        alertmanager: { urls: ["http://alertmanager:9093"], labels: { team: "data" }, resend_interval_seconds: 60, lease_seconds: 600 },
        pagerduty: { routing_key: "0123456789abcdef0123456789abcdef", match_unrouted: { severity: ["critical"] } },
        teams: { webhook_url: "https://prod-00.westeurope.logic.azure.com/workflows/x", max_alerts: 50 },
      },
    };
    const schema = JSON.parse(readFileSync(join(CHART, "values.schema.json"), "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const defaults = parse(readFileSync(join(CHART, "values.yaml"), "utf8")) as Record<string, unknown>;
    expect(validate({ ...defaults, config: full }), JSON.stringify(validate.errors)).toBe(true);

    const objs = render(join(CI_DIR, "default-values.yaml"), valuesFile("full-config", { config: full }));
    validateAll(objs);
    const configPath = join(scratch, "full-config.yaml");
    writeFileSync(configPath, renderedConfig(objs));
    const { config } = loadConfig({ file: configPath, env: { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s" } });
    expect(config.rules.overrides).toHaveLength(3);
    expect(config.channels.webhook?.headers).toEqual({ "X-Team": "data" });
    expect(config.channels.alertmanager?.labels).toEqual({ team: "data" });
    expect(config.fivetran.listing).toBe("chained");
  });

  it("document every value in README.md", () => {
    const readme = readFileSync(join(CHART, "README.md"), "utf8");
    const defaults = parse(readFileSync(join(CHART, "values.yaml"), "utf8")) as Record<string, unknown>;
    const keys: string[] = [];
    const walk = (prefix: string, v: unknown): void => {
      if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0 && !["config", "podSecurityContext", "securityContext", "livenessProbe", "readinessProbe", "resources"].includes(prefix)) {
        for (const [k, child] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, child);
      } else keys.push(prefix);
    };
    walk("", defaults);
    for (const k of keys) expect(readme, `README documents ${k}`).toContain(`| \`${k}\` |`);
  });
});

describe("rendered chart", () => {
  it.each(["(chart defaults)", ...ciFiles])("renders valid Kubernetes objects with %s", (file) => {
    const objs = file === "(chart defaults)" ? render() : render(join(CI_DIR, file));
    validateAll(objs);
    const dep = deploymentOf(objs);
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("catches a broken object (the Kubernetes schema check can fail)", () => {
    const objs = render(join(CI_DIR, "default-values.yaml"));
    const broken = structuredClone(objs);
    const dep = deploymentOf(broken);
    (dep.spec.template.spec.containers[0] as unknown as { ports: unknown }).ports = [{ name: "http-metrics", containerPort: "nine" }];
    expect(() => validateAll(broken)).toThrow();
  });

  it("runs non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile", () => {
    const objs = render(join(CI_DIR, "default-values.yaml"));
    const pod = deploymentOf(objs).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
    const c = containerOf(objs);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    // A read-only root needs writable /data (state) and /tmp.
    expect(c.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(["/data", "/etc/syncwatch", "/tmp"]);
    expect(c.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  it("serves metrics on 9464 (http-metrics) with probes on /healthz and /readyz, and runs `syncwatch run`", () => {
    const objs = render(join(CI_DIR, "default-values.yaml"));
    const c = containerOf(objs);
    expect(c.args).toEqual(["run"]);
    expect(c.ports).toEqual([{ name: "http-metrics", containerPort: 9464, protocol: "TCP" }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http-metrics" });
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http-metrics" });
    const svc = one(objs, "Service") as Obj & { spec: { type: string; ports: unknown[] } };
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.ports).toEqual([{ name: "http-metrics", port: 9464, targetPort: "http-metrics", protocol: "TCP" }]);
  });

  it("passes credentials from the Secret under the exact SPEC variable names", () => {
    const objs = render(join(CI_DIR, "monitoring-values.yaml"));
    const env = containerOf(objs).env ?? [];
    const byName = new Map(env.map((e) => [e.name, e]));
    expect(byName.get("SYNCWATCH_CONFIG")?.value).toBe("/etc/syncwatch/config.yaml");
    expect(byName.get("SYNCWATCH_STATE_FILE")?.value).toBe("/data/state.json");
    expect(byName.get("LOG_LEVEL")?.value).toBe("info");
    const secret = one(objs, "Secret") as Obj & { data: Record<string, string> };
    for (const [name, optional] of [
      ["FIVETRAN_API_KEY", undefined],
      ["FIVETRAN_API_SECRET", undefined],
      ["SLACK_WEBHOOK_URL", true],
      ["SMTP_URL", true],
      ["ALERT_WEBHOOK_URL", true],
      ["ALERTMANAGER_URL", true],
      ["PAGERDUTY_ROUTING_KEY", true],
      ["TEAMS_WEBHOOK_URL", true],
    ] as const) {
      expect(byName.get(name)?.valueFrom?.secretKeyRef, name).toEqual({ name: secret.metadata.name, key: name, ...(optional ? { optional } : {}) });
    }
    // Only the values given are in the Secret, base64-encoded.
    expect(Object.keys(secret.data).sort()).toEqual([
      "ALERTMANAGER_URL",
      "ALERT_WEBHOOK_URL",
      "FIVETRAN_API_KEY",
      "FIVETRAN_API_SECRET",
      "PAGERDUTY_ROUTING_KEY",
      "SLACK_WEBHOOK_URL",
      "TEAMS_WEBHOOK_URL",
    ]);
    expect(Buffer.from(secret.data.FIVETRAN_API_SECRET ?? "", "base64").toString()).toBe("ci-secret");
    expect(Buffer.from(secret.data.PAGERDUTY_ROUTING_KEY ?? "", "base64").toString()).toBe("ci-routing-key-0123456789abcdef0");
    // No secret value leaks into the ConfigMap or plain env values.
    for (const s of ["ci-secret", "ci-am-pass", "ci-routing-key", "ci-teams-sig"]) {
      expect(renderedConfig(objs)).not.toContain(s);
      expect(env.some((e) => e.value?.includes(s))).toBe(false);
    }
  });

  it("honours secret.existingSecret (no Secret rendered) and persistence.existingClaim (no PVC rendered)", () => {
    const objs = render(join(CI_DIR, "existing-secret-values.yaml"));
    expect(find(objs, "Secret")).toHaveLength(0);
    expect(find(objs, "PersistentVolumeClaim")).toHaveLength(0);
    const env = containerOf(objs).env ?? [];
    const refs = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom?.secretKeyRef?.name);
    // The API key and secret, and the optional Slack, SMTP, webhook, Alertmanager, PagerDuty, Teams and status page secrets.
    expect(refs.length).toBe(9);
    expect(new Set(refs)).toEqual(new Set(["syncwatch-credentials"]));
    const data = deploymentOf(objs).spec.template.spec.volumes.find((v) => v.name === "data");
    expect(data?.persistentVolumeClaim).toEqual({ claimName: "syncwatch-state" });
    const byName = new Map(env.map((e) => [e.name, e.value]));
    expect(byName.get("ALERT_EMAIL_FROM")).toBe("syncwatch@example.com");
    expect(byName.get("ALERT_EMAIL_TO")).toBe("data-oncall@example.com,platform@example.com");
    expect(byName.get("LOG_LEVEL")).toBe("debug");
  });

  it("keeps state on a 1Gi ReadWriteOnce claim by default, and on an emptyDir when persistence is off", () => {
    const withPvc = render(join(CI_DIR, "default-values.yaml"));
    const pvc = one(withPvc, "PersistentVolumeClaim") as Obj & { spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
    expect(pvc.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pvc.spec.resources.requests.storage).toBe("1Gi");
    const data = deploymentOf(withPvc).spec.template.spec.volumes.find((v) => v.name === "data");
    expect(data?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);

    const without = render(join(CI_DIR, "no-persistence-values.yaml"));
    expect(find(without, "PersistentVolumeClaim")).toHaveLength(0);
    expect(find(without, "ServiceAccount")).toHaveLength(0);
    const vol = deploymentOf(without).spec.template.spec.volumes.find((v) => v.name === "data");
    expect(vol?.emptyDir).toEqual({});
    expect(vol?.persistentVolumeClaim).toBeUndefined();
  });

  it("changes the checksum annotations when the config or the credentials change, so pods restart", () => {
    const base = render(join(CI_DIR, "default-values.yaml"));
    const otherConfig = render(join(CI_DIR, "default-values.yaml"), valuesFile("schedule", { config: { schedule: "*/10 * * * *" } }));
    const otherSecret = render(join(CI_DIR, "default-values.yaml"), valuesFile("secret", { secret: { fivetranApiSecret: "rotated" } }));
    const ann = (objs: Obj[]): Record<string, string> => deploymentOf(objs).spec.template.metadata.annotations;
    expect(ann(base)["checksum/config"]).toMatch(/^[a-f0-9]{64}$/);
    expect(ann(base)["checksum/secret"]).toMatch(/^[a-f0-9]{64}$/);
    expect(ann(otherConfig)["checksum/config"]).not.toBe(ann(base)["checksum/config"]);
    expect(ann(otherConfig)["checksum/secret"]).toBe(ann(base)["checksum/secret"]);
    expect(ann(otherSecret)["checksum/secret"]).not.toBe(ann(base)["checksum/secret"]);
    expect(ann(otherSecret)["checksum/config"]).toBe(ann(base)["checksum/config"]);
  });

  // Every ci file carries credentials (in the chart's Secret or an existing one); the bare defaults have none.
  it.each(ciFiles)("renders a config.yaml that syncwatch's own loader accepts (%s)", (file) => {
    const objs = render(join(CI_DIR, file));
    const configPath = join(scratch, `config-${file.replace(/[^a-z-]/g, "")}.yaml`);
    writeFileSync(configPath, renderedConfig(objs));
    // The pod's environment as the Deployment sets it, secret references resolved from the chart's Secret
    // (or, with an existing Secret, from test values for the keys the cluster's Secret would hold).
    const secrets = find(objs, "Secret").map((o) => (o as { data?: Record<string, string> | null }).data ?? {});
    const secret = secrets.length > 0 ? { data: secrets[0] } : undefined;
    const existing: Record<string, string> = { FIVETRAN_API_KEY: "test-key", FIVETRAN_API_SECRET: "test-secret", SMTP_URL: "smtp://u:p@smtp.example.com:587" };
    const env: Record<string, string> = {};
    for (const e of containerOf(objs).env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (e.value !== undefined) env[e.name] = e.value;
      else if (ref && secret) {
        const b64 = secret.data?.[ref.key];
        if (b64 !== undefined) env[e.name] = Buffer.from(b64, "base64").toString();
        else expect(ref.optional, `${ref.key} is missing from the Secret, so it must be optional`).toBe(true);
      } else if (ref && existing[ref.key] !== undefined) env[e.name] = existing[ref.key] as string;
    }
    expect(env.SYNCWATCH_CONFIG).toBe("/etc/syncwatch/config.yaml");
    const loaded = loadConfig({ file: configPath, env: { ...env, SYNCWATCH_CONFIG: configPath } });
    expect(loaded.config.state_file).toBe("/data/state.json");
    expect(loaded.config.server.port).toBe(containerOf(objs).ports?.[0]?.containerPort);
    expect(loaded.config.fivetran.api_key).toMatch(/^(ci|test)-key$/);
  });

  it("rejects an invalid config in values before anything is installed", () => {
    const objs = render(join(CI_DIR, "default-values.yaml"), valuesFile("badcfg", { config: { schedule: "*/5 * * * *", server: { port: 9464 }, fivetran: { page_size: 5000 } } }));
    const configPath = join(scratch, "bad-config.yaml");
    writeFileSync(configPath, renderedConfig(objs));
    expect(() => loadConfig({ file: configPath, env: { FIVETRAN_API_KEY: "k", FIVETRAN_API_SECRET: "s" } })).toThrow(/page_size/);
  });

  it("renders the optional monitoring objects only when enabled", () => {
    const off = render(join(CI_DIR, "default-values.yaml"));
    for (const kind of ["ServiceMonitor", "PodMonitor", "PrometheusRule"]) expect(find(off, kind)).toHaveLength(0);
    expect(find(off, "ConfigMap")).toHaveLength(1);

    const on = render(join(CI_DIR, "monitoring-values.yaml"));
    const sm = one(on, "ServiceMonitor") as Obj & { spec: { endpoints: Record<string, unknown>[]; selector: { matchLabels: Record<string, string> } } };
    expect(sm.metadata.labels?.release).toBe("kube-prometheus-stack");
    expect(sm.spec.endpoints[0]).toMatchObject({ port: "http-metrics", path: "/metrics", interval: "60s", scrapeTimeout: "15s" });
    expect(sm.spec.endpoints[0]?.relabelings).toEqual([{ action: "replace", targetLabel: "cluster", replacement: "ci" }]);
    const svc = one(on, "Service");
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels?.[k]).toBe(v);
    const pm = one(on, "PodMonitor") as Obj & { spec: { podMetricsEndpoints: Record<string, unknown>[] } };
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: "http-metrics", path: "/metrics" });

    const rule = one(on, "PrometheusRule") as Obj & { spec: { groups: unknown } };
    expect(rule.metadata.labels?.release).toBe("kube-prometheus-stack");
    const fileRules = parse(readFileSync(join(CHART, "files/syncwatch-rules.yaml"), "utf8")) as { groups: unknown };
    // The rule file is carried verbatim; Prometheus template text such as {{ $labels.x }} survives Helm.
    expect(rule.spec).toEqual(fileRules);

    const dash = find(on, "ConfigMap").find((o) => o.metadata.labels?.grafana_dashboard === "1") as (Obj & { data: Record<string, string> }) | undefined;
    expect(dash, "dashboard ConfigMap labelled grafana_dashboard=1").toBeDefined();
    expect(dash?.metadata.annotations?.grafana_folder).toBe("Data platform");
    const json: unknown = JSON.parse(dash?.data["syncwatch.json"] ?? "");
    expect(json).toEqual(JSON.parse(readFileSync(join(CHART, "files/syncwatch-dashboard.json"), "utf8")));
  });

  it("renders the webhook receiver only when enabled: its own Service port, its secret, and an Ingress (TLS) for /webhooks/fivetran only", () => {
    const off = render(join(CI_DIR, "default-values.yaml"));
    expect(find(off, "Ingress")).toHaveLength(0);
    expect((one(off, "Service").spec as { ports: unknown[] }).ports).toHaveLength(1);
    expect((containerOf(off).env ?? []).some((e) => e.name.includes("WEBHOOK_SECRET") || e.name.startsWith("SYNCWATCH_WEBHOOK"))).toBe(false);

    const on = render(join(CI_DIR, "webhooks-values.yaml"));
    const c = containerOf(on);
    expect(c.ports).toContainEqual({ name: "http-webhooks", containerPort: 9465, protocol: "TCP" });
    const env = new Map((c.env ?? []).map((e) => [e.name, e]));
    const secret = one(on, "Secret") as Obj & { data: Record<string, string> };
    expect(env.get("FIVETRAN_WEBHOOK_SECRET")?.valueFrom?.secretKeyRef).toEqual({ name: secret.metadata.name, key: "FIVETRAN_WEBHOOK_SECRET" });
    expect(Buffer.from(secret.data.FIVETRAN_WEBHOOK_SECRET ?? "", "base64").toString()).toBe("ci-webhook-secret");
    expect(env.get("SYNCWATCH_WEBHOOK_PORT")?.value).toBe("9465");
    expect(env.get("SYNCWATCH_WEBHOOK_URL")?.value).toBe("https://syncwatch.example.com/webhooks/fivetran");
    expect((c.env ?? []).some((e) => e.value === "ci-webhook-secret")).toBe(false);
    const svc = one(on, "Service") as Obj & { spec: { ports: { name: string; port: number; targetPort: string }[] } };
    expect(svc.spec.ports.find((p) => p.name === "http-webhooks")).toMatchObject({ port: 9465, targetPort: "http-webhooks" });
    const ing = one(on, "Ingress") as Obj & { spec: { ingressClassName: string; tls: unknown[]; rules: { host: string; http: { paths: unknown[] } }[] } };
    expect(ing.spec.ingressClassName).toBe("nginx");
    expect(ing.spec.tls).toEqual([{ hosts: ["syncwatch.example.com"], secretName: "syncwatch-webhooks-tls" }]);
    expect(ing.spec.rules).toEqual([
      {
        host: "syncwatch.example.com",
        http: { paths: [{ path: "/webhooks/fivetran", pathType: "Exact", backend: { service: { name: svc.metadata.name, port: { name: "http-webhooks" } } } }] },
      },
    ]);
    expect(ing.metadata.annotations?.["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");

    // With the credentials in an existing Secret, the webhook secret is read from its FIVETRAN_WEBHOOK_SECRET key.
    const existing = render(join(CI_DIR, "webhooks-values.yaml"), valuesFile("webhooks-existing", { secret: { existingSecret: "creds" } }));
    expect(find(existing, "Secret")).toHaveLength(0);
    expect(new Map((containerOf(existing).env ?? []).map((e) => [e.name, e])).get("FIVETRAN_WEBHOOK_SECRET")?.valueFrom?.secretKeyRef).toEqual({ name: "creds", key: "FIVETRAN_WEBHOOK_SECRET" });
    // Enabled without a secret anywhere, or an Ingress without a host: refused at render time.
    expect(() => render(join(CI_DIR, "default-values.yaml"), valuesFile("webhooks-nosecret", { webhooks: { enabled: true } }))).toThrow(/webhookSecret/);
    expect(() => render(join(CI_DIR, "webhooks-values.yaml"), valuesFile("webhooks-nohost", { webhooks: { ingress: { host: "" } } }))).toThrow(/ingress.host/);
  });

  it("renders a PrometheusRule whose rules promtool accepts", () => {
    const rule = one(render(join(CI_DIR, "monitoring-values.yaml")), "PrometheusRule") as Obj & { spec: unknown };
    const file = join(scratch, "rendered-rules.yaml");
    writeFileSync(file, stringify(rule.spec));
    const checked = run("promtool", ["check", "rules", file]);
    expect(checked.out).toContain("SUCCESS: 11 rules found");
    expect(checked.status).toBe(0);
  });

  it("renders NOTES.txt, warning when no credentials are configured", () => {
    const notes = (...args: string[]): string => {
      const res = spawnSync(RENDERER, ["--notes", ...args, CHART], { encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
      return res.stdout.slice(res.stdout.indexOf("# Source: syncwatch/templates/NOTES.txt"));
    };
    expect(notes()).toContain("ERROR: no Fivetran credentials");
    const ok = notes("-f", join(CI_DIR, "default-values.yaml"));
    expect(ok).toContain("port-forward svc/release-name-syncwatch 9464:9464");
    expect(ok).not.toContain("ERROR");
    expect(notes("-f", join(CI_DIR, "no-persistence-values.yaml"))).toContain("persistence is disabled");
  });

  it("refuses to render for Kubernetes older than the chart's kubeVersion", () => {
    const res = spawnSync(RENDERER, ["-f", join(CI_DIR, "monitoring-values.yaml"), "--kube-version", "v1.22.0", CHART], { encoding: "utf8" });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("kubeVersion");
  });
});
