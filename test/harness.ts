// Runs the real program (index.ts) under Pulumi mocks for one stack, with that stack's YAML config
// plus secrets supplied as secret config, and records every resource it registers.
import type * as pulumiType from "@pulumi/pulumi";
import { NAMESPACE } from "../config";
import { readStackConfig, type StackName } from "../lib/stack-file";

export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs with secrets unwrapped to their values. */
  inputs: Record<string, any>;
  /** Paths (a.b[0].c) of inputs that were secrets. */
  secretPaths: string[];
  /** Provider reference (urn::id) the resource was registered with. */
  provider?: string;
  /** Name of the parent resource (undefined for children of the stack). */
  parent?: string;
  /** Type of the parent resource (names alone are unique only per type). */
  parentType?: string;
  /** Whether the resource is protected from deletion. */
  protect: boolean;
  /** Names of the resources it was registered to wait for (dependsOn; a component's stand for its children). */
  dependencies: string[];
}

export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Exported outputs that are secrets, by name. */
  secretOutputs: string[];
  /** Resources whose type matches. */
  ofType(type: string): RecordedResource[];
  /** The one resource of that type and name; fails the test when missing. */
  get(type: string, name: string): RecordedResource;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getDependenciesList(): string[];
}

/** The program threw; carries what it had registered by then (which should be nothing). */
export class ProgramFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly resources: RecordedResource[],
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

export const TEST_SECRETS: Record<string, string> = {
  pagerdutyToken: "test-pagerduty-token-0123",
  slackAlertsWebhookUrl: "https://hooks.slack.com/services/T000/B001/test-slack-alerts-secret",
  slackTicketsWebhookUrl: "https://hooks.slack.com/services/T000/B002/test-slack-tickets-secret",
  slackPlatformWebhookUrl: "https://hooks.slack.com/services/T000/B003/test-slack-platform-secret",
  grafanaAuth: "glsa_test-grafana-token",
  heartbeatUrl: "https://heartbeat.test/ping/test-heartbeat-secret",
  jaegerStoragePassword: "test-es-password",
  grafanaCloudAccessPolicyToken: "glc_test-cloud-access-policy-token",
};

/** Secrets a mocked provider returns: tokens and keys Grafana Cloud and Google create. */
export const COMPUTED_SECRETS = {
  pdcToken: "glc_test-pdc-signing-token",
  accessPolicyToken: (name: string) => `glc_test-access-policy-token-${name}`,
  serviceAccountPrivateKey: "-----BEGIN PRIVATE KEY-----\ntest-service-account-key\n-----END PRIVATE KEY-----\n",
  cloudMonitoringIntegrationKey: "test-cloud-monitoring-integration-key",
};

/** What the Grafana Cloud stack lookup returns under mocks. */
export const TEST_GRAFANA_CLOUD_STACK = {
  id: "424242",
  regionSlug: "prod-us-central-0",
  clusterSlug: "prod-us-central-0",
  prometheusUserId: 1234567,
  prometheusUrl: "https://prometheus-prod-10-prod-us-central-0.grafana.net",
  prometheusRemoteWriteEndpoint: "https://prometheus-prod-10-prod-us-central-0.grafana.net/api/prom/push",
};

/** Values a mocked provider computes (the engine would learn them from the cloud). */
const COMPUTED: Record<string, Record<string, unknown>> = {
  "pagerduty:index/serviceIntegration:ServiceIntegration": { integrationKey: "test-integration-key-secret" },
  "gcp:logging/projectSink:ProjectSink": { writerIdentity: "serviceAccount:sink-writer@gcp-sa-logging.iam.gserviceaccount.com" },
  "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": { uptimeCheckId: "test-uptime-check-id" },
  "grafana:cloud/privateDataSourceConnectNetwork:PrivateDataSourceConnectNetwork": { pdcNetworkId: "test-pdc-network-id" },
  "grafana:cloud/privateDataSourceConnectNetworkToken:PrivateDataSourceConnectNetworkToken": { token: COMPUTED_SECRETS.pdcToken },
  "grafana:cloud/accessPolicy:AccessPolicy": { policyId: "test-access-policy-id" },
  "gcp:serviceaccount/account:Account": {
    email: "grafana-monitoring@test.iam.gserviceaccount.com",
    member: "serviceAccount:grafana-monitoring@test.iam.gserviceaccount.com",
    name: "projects/test/serviceAccounts/grafana-monitoring@test.iam.gserviceaccount.com",
  },
  "gcp:serviceaccount/key:Key": {
    privateKey: Buffer.from(JSON.stringify({ type: "service_account", client_email: "grafana-monitoring@test.iam.gserviceaccount.com", private_key: COMPUTED_SECRETS.serviceAccountPrivateKey, token_uri: "https://oauth2.googleapis.com/token" })).toString("base64"),
  },
};

/** Computed values that depend on the resource's name. */
function computed(type: string, name: string): Record<string, unknown> {
  if (type === "grafana:cloud/accessPolicyToken:AccessPolicyToken") return { token: COMPUTED_SECRETS.accessPolicyToken(name) };
  if (type === "pagerduty:index/serviceIntegration:ServiceIntegration" && name.endsWith("-cloud-monitoring")) return { integrationKey: COMPUTED_SECRETS.cloudMonitoringIntegrationKey };
  return COMPUTED[type] ?? {};
}

export interface RunOptions {
  /** Replaces or adds raw config values (full `namespace:key` or bare keys of this project). */
  config?: Record<string, unknown>;
  /** Config keys to remove. */
  without?: string[];
  secrets?: Record<string, string>;
  /** Replaces fields of the GKE cluster as gcp.container.getCluster describes it. */
  cluster?: Record<string, unknown>;
}

export async function runProgram(stack: StackName, options: RunOptions = {}): Promise<ProgramRun> {
  const raw = readStackConfig(stack);
  const full = (k: string) => (k.includes(":") ? k : `${NAMESPACE}:${k}`);
  for (const [k, v] of Object.entries(options.config ?? {})) raw[full(k)] = typeof v === "string" ? v : JSON.stringify(v);
  for (const k of options.without ?? []) delete raw[full(k)];
  const secrets = options.secrets ?? TEST_SECRETS;
  for (const [k, v] of Object.entries(secrets)) raw[full(k)] = v;
  const secretKeys = Object.keys(secrets).map(full);

  const resources: RecordedResource[] = [];
  // Mocks see inputs only; a stack transformation sees every resource's options as the program set them.
  const resourceOptions = new Map<string, { parent?: string; parentType?: string; protect: boolean; dependencies: string[] }>();
  let pulumi!: typeof pulumiType;
  let program: Record<string, unknown> = {};
  let failure: unknown;
  jest.isolateModules(() => {
    pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          const { values, secretPaths } = unwrap(args.inputs);
          resources.push({
            type: args.type,
            name: args.name,
            inputs: values as Record<string, unknown>,
            secretPaths,
            provider: args.provider,
            parent: resourceOptions.get(`${args.type}::${args.name}`)?.parent,
            parentType: resourceOptions.get(`${args.type}::${args.name}`)?.parentType,
            protect: resourceOptions.get(`${args.type}::${args.name}`)?.protect ?? false,
            dependencies: resourceOptions.get(`${args.type}::${args.name}`)?.dependencies ?? [],
          });
          return { id: `${args.name}-id`, state: { ...args.inputs, ...computed(args.type, args.name) } };
        },
        call(args) {
          return mockCall(args.token, args.inputs, options.cluster);
        },
      },
      "coditect-monitoring",
      stack,
      false,
    );
    pulumi.runtime.setAllConfig(raw, secretKeys);
    // Mocks hand newResource the inputs only; the registration request also carries parent, protect and dependencies.
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: unknown): void };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      const parent = req.getParent();
      resourceOptions.set(`${req.getType()}::${req.getName()}`, {
        parent: parent ? parent.split("::").pop() : undefined,
        parentType: parent ? parent.split("::").slice(-2, -1)[0].split("$").pop() : undefined,
        protect: req.getProtect(),
        dependencies: req.getDependenciesList().map((urn) => urn.split("::").pop()!),
      });
      register(req, callback);
    };
    try {
      program = require("../index");
    } catch (e) {
      failure = e;
    }
  });
  if (failure) {
    await settle(() => resources.length);
    throw new ProgramFailure(failure, resources);
  }

  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    if (pulumi.Output.isInstance(value)) {
      const out = value as pulumiType.Output<unknown>;
      if (await pulumi.isSecret(out)) secretOutputs.push(name);
      outputs[name] = await new Promise((resolve) => out.apply(resolve));
    } else {
      outputs[name] = value;
    }
  }
  await settle(() => resources.length);
  return {
    resources,
    outputs,
    secretOutputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    get(type, name) {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) {
        const names = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; found: ${names.join(", ") || "none"}`);
      }
      return found;
    },
  };
}

/** Registrations arrive asynchronously; wait until no new one has come for a while. */
async function settle(count: () => number): Promise<void> {
  let last = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((r) => setTimeout(r, 20));
    if (count() === last) quiet++;
    else {
      quiet = 0;
      last = count();
    }
  }
}

function mockCall(token: string, inputs: Record<string, any>, cluster: Record<string, unknown> = {}): Record<string, unknown> {
  switch (token) {
    case "gcp:container/getCluster:getCluster":
      return {
        name: inputs.name,
        location: inputs.location,
        endpoint: "203.0.113.10",
        masterAuths: [{ clusterCaCertificate: Buffer.from("test-ca").toString("base64") }],
        // A GKE cluster as GKE creates one today: managed collection and Workload Identity on.
        monitoringConfigs: [{ enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheuses: [{ enabled: true, autoMonitoringConfigs: [] }], advancedDatapathObservabilityConfigs: [] }],
        workloadIdentityConfigs: [{ workloadPool: `${inputs.project}.svc.id.goog` }],
        ...cluster,
      };
    case "pagerduty:index/getUser:getUser":
      return { id: `PU-${String(inputs.email).split("@")[0]}`, email: inputs.email, name: inputs.email };
    case "grafana:cloud/getStack:getStack":
      return { slug: inputs.slug, ...TEST_GRAFANA_CLOUD_STACK };
    case "pagerduty:index/getVendor:getVendor":
      return { id: "PVENDOR-GCM", name: inputs.name, type: "generic_events_api_inbound_integration" };
    case "gcp:organizations/getProject:getProject":
      return { projectId: inputs.projectId, number: "123456789012" };
    default:
      return inputs;
  }
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function unwrap(value: unknown, path = ""): { values: unknown; secretPaths: string[] } {
  if (Array.isArray(value)) {
    const secretPaths: string[] = [];
    const values = value.map((v, i) => {
      const r = unwrap(v, `${path}[${i}]`);
      secretPaths.push(...r.secretPaths);
      return r.values;
    });
    return { values, secretPaths };
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj["4dabf18193072939515e22adb298388d"] === SECRET_SIG) {
      const inner = unwrap(obj.value, path);
      return { values: inner.values, secretPaths: [path || "(root)", ...inner.secretPaths] };
    }
    const secretPaths: string[] = [];
    const values = Object.fromEntries(
      Object.entries(obj).map(([k, v]) => {
        const r = unwrap(v, path ? `${path}.${k}` : k);
        secretPaths.push(...r.secretPaths);
        return [k, r.values];
      }),
    );
    return { values, secretPaths };
  }
  return { values: value, secretPaths: [] };
}

/** Every string anywhere in a value with its path, for "no secret in plaintext" checks. */
export function allStrings(value: unknown, path = ""): { path: string; value: string }[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => allStrings(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => allStrings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Strings of a resource's inputs that were not secrets. */
export function plaintextInputs(r: RecordedResource): { path: string; value: string }[] {
  const isUnder = (p: string, secret: string) => secret === "(root)" || p === secret || p.startsWith(`${secret}.`) || p.startsWith(`${secret}[`);
  return allStrings(r.inputs).filter((s) => !r.secretPaths.some((secret) => isUnder(s.path, secret)));
}

/** The values no plaintext input or output may contain. */
export const SECRET_VALUES = [
  ...Object.values(TEST_SECRETS),
  "test-integration-key-secret",
  COMPUTED_SECRETS.pdcToken,
  "glc_test-access-policy-token",
  "test-service-account-key",
];
