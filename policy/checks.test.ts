// Each policy with a compliant and a violating resource, through the catalogue the pack wires.
import {
  checkPagerDuty,
  DEFAULT_SETTINGS,
  EXACT_SEMVER,
  RESOURCE_POLICIES,
  stackOfUrn,
  TYPES,
  type Props,
  type ResourceContext,
  type StackResource,
} from "./checks";

/** Runs the policy named `policy` on one resource, as the pack does. */
function violations(policy: string, type: string, props: Props, ctx: Partial<ResourceContext> = {}): string[] {
  const def = RESOURCE_POLICIES.find((p) => p.name === policy);
  if (!def) throw new Error(`no policy ${policy}`);
  // The pack never runs a policy on a type it does not list; asking for that is a mistake in the test.
  if (!def.types.includes(type)) throw new Error(`policy ${policy} does not look at ${type}`);
  return def.check(props, { type, stack: "prod", name: "r", settings: DEFAULT_SETTINGS, ...ctx });
}

describe("type tokens", () => {
  it("are the SDK classes' own", () => {
    const sdk = (file: string, cls: string) => (require(file) as Record<string, { __pulumiType: string }>)[cls].__pulumiType;
    expect(TYPES.logBucket).toBe(sdk("@pulumi/gcp/logging/projectBucketConfig", "ProjectBucketConfig"));
    expect(TYPES.configMap).toBe(sdk("@pulumi/kubernetes/core/v1/configMap", "ConfigMap"));
    expect(TYPES.service).toBe(sdk("@pulumi/kubernetes/core/v1/service", "Service"));
    expect(TYPES.helmRelease).toBe(sdk("@pulumi/kubernetes/helm/v3/release", "Release"));
    expect(TYPES.helmChartV4).toBe(sdk("@pulumi/kubernetes/helm/v4/chart", "Chart"));
    expect(TYPES.pagerdutyService).toBe(sdk("@pulumi/pagerduty/service", "Service"));
    expect(TYPES.pagerdutyEscalationPolicy).toBe(sdk("@pulumi/pagerduty/escalationPolicy", "EscalationPolicy"));
    // CustomResource registers as kubernetes:<apiVersion>:<kind>.
    expect(TYPES.prometheusRule).toBe("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
  });

  it("reads the stack from a URN", () => {
    expect(stackOfUrn("urn:pulumi:prod::coditect-monitoring::gcp:logging/projectBucketConfig:ProjectBucketConfig::audit")).toBe("prod");
    expect(() => stackOfUrn("prod")).toThrow(/not a Pulumi URN/);
  });
});

describe("log-bucket-retention", () => {
  const check = (props: Props, ctx: Partial<ResourceContext> = {}) =>
    violations("log-bucket-retention", TYPES.logBucket, props, { name: "logs", ...ctx });

  it("passes a log bucket keeping 90 days and a locked prod audit bucket", () => {
    expect(check({ bucketId: "license-api-logs", retentionDays: 90 })).toEqual([]);
    expect(check({ bucketId: "license-api-audit", retentionDays: 400, locked: true })).toEqual([]);
  });

  it("flags a bucket keeping fewer than 90 days, or the 30-day default", () => {
    expect(check({ bucketId: "license-api-logs", retentionDays: 30 })).toEqual([expect.stringMatching(/keeps logs 30 days; at least 90/)]);
    expect(check({ bucketId: "license-api-logs" })).toEqual([expect.stringMatching(/does not set retentionDays/)]);
    expect(check({ bucketId: "license-api-audit", retentionDays: 60, locked: true })).toHaveLength(1);
  });

  it("flags an unlocked audit bucket in prod only", () => {
    expect(check({ bucketId: "license-api-audit", retentionDays: 400, locked: false })).toEqual([expect.stringMatching(/must be locked/)]);
    expect(check({ bucketId: "x", retentionDays: 400 }, { name: "audit-logs" })).toEqual([expect.stringMatching(/must be locked/)]);
    expect(check({ bucketId: "license-api-audit", retentionDays: 400 }, { stack: "staging" })).toEqual([]);
    // An ordinary log bucket need not be locked in prod.
    expect(check({ bucketId: "license-api-logs", retentionDays: 90 }, { stack: "prod" })).toEqual([]);
  });

  it("takes the minimum from the policy config", () => {
    const settings = { ...DEFAULT_SETTINGS, minRetentionDays: 365 };
    expect(check({ bucketId: "license-api-logs", retentionDays: 90 }, { settings })).toHaveLength(1);
  });
});

describe("no-alertmanager-config-in-configmap", () => {
  const check = (data: Record<string, string>) =>
    violations("no-alertmanager-config-in-configmap", TYPES.configMap, { metadata: { name: "cm", namespace: "monitoring" }, data });

  it("passes a ConfigMap of ordinary settings", () => {
    expect(check({ "config.yaml": "scrape_interval: 15s\nlog_level: info\n", "grafana.ini": "[auth]\nenabled = false\n" })).toEqual([]);
  });

  it("flags Alertmanager config by key", () => {
    expect(check({ "alertmanager.yaml": "route:\n  receiver: null\n" })).toEqual([expect.stringMatching(/holds Alertmanager config/)]);
    expect(check({ "alertmanager.yml": "route: {}\n" })).toHaveLength(1);
  });

  it.each([
    ["routing_key", "receivers:\n- name: pd\n  pagerduty_configs:\n  - routing_key: abc\n"],
    ["service_key", "pagerduty_configs:\n  - service_key: abc\n"],
    ["api_url", "slack_configs:\n  - api_url: https://hooks.slack.com/services/x\n"],
    ["password", '{"basic_auth": {"password": "p"}}'],
    ["token", "token = abc\n"],
  ])("flags a credential field (%s) under any key", (field, text) => {
    expect(check({ "receivers.yaml": text })).toEqual([expect.stringContaining(`credential field (${field})`)]);
  });
});

describe("no-public-load-balancer-for-internal-uis", () => {
  const policy = "no-public-load-balancer-for-internal-uis";
  const service = (namespace: string | undefined, type: string, annotations?: Record<string, string>) =>
    violations(policy, TYPES.service, { metadata: { name: "prometheus", namespace, annotations }, spec: { type, ports: [{ port: 9090 }] } });

  it("passes ClusterIP services, internal load balancers and load balancers outside the internal namespaces", () => {
    expect(service("monitoring", "ClusterIP")).toEqual([]);
    expect(service("tracing", "LoadBalancer", { "networking.gke.io/load-balancer-type": "Internal" })).toEqual([]);
    expect(service("license-api", "LoadBalancer")).toEqual([]);
  });

  it("flags a public LoadBalancer in monitoring, tracing or an unspecified namespace", () => {
    expect(service("monitoring", "LoadBalancer")).toEqual([expect.stringMatching(/public LoadBalancer/)]);
    expect(service("tracing", "LoadBalancer")).toHaveLength(1);
    expect(service(undefined, "LoadBalancer")).toHaveLength(1);
  });

  const release = (values: Record<string, unknown>, namespace = "monitoring") =>
    violations(policy, TYPES.helmRelease, { name: "kps", chart: "kube-prometheus-stack", version: "81.4.5", namespace, values });

  it("passes Helm values that keep services ClusterIP", () => {
    expect(release({ prometheus: { service: { type: "ClusterIP" } }, grafana: { enabled: false } })).toEqual([]);
    expect(release({ prometheus: { service: { type: "LoadBalancer", annotations: { "networking.gke.io/load-balancer-type": "Internal" } } } })).toEqual([]);
  });

  it("flags Helm values that create a public LoadBalancer, naming the value", () => {
    expect(release({ alertmanager: { service: { type: "LoadBalancer" } } })).toEqual([
      expect.stringContaining("values.alertmanager.service.type: LoadBalancer"),
    ]);
    expect(
      violations(policy, TYPES.helmChartV4, { chart: "jaeger", version: "4.4.6", namespace: "tracing", values: { jaeger: { service: { type: "LoadBalancer" } } } }),
    ).toHaveLength(1);
    expect(release({ alertmanager: { service: { type: "LoadBalancer" } } }, "license-api")).toEqual([]);
  });
});

describe("helm-chart-version-pinned", () => {
  const check = (version: unknown) =>
    violations("helm-chart-version-pinned", TYPES.helmRelease, { name: "kps", chart: "kube-prometheus-stack", version, namespace: "monitoring" });

  it("passes exact versions", () => {
    for (const v of ["81.4.5", "0.173.1", "1.0.0-rc.1", "2.3.4+build.5"]) expect(check(v)).toEqual([]);
  });

  it("flags a missing version, ranges and wildcards", () => {
    expect(check(undefined)).toEqual([expect.stringMatching(/does not pin a chart version/)]);
    for (const v of ["^81.0.0", "~1.2.3", "81.x", "81", ">=1.0.0", "latest", "v1.2.3", "1.2.3 || 1.2.4", "01.2.3"]) {
      expect({ v, violations: check(v) }).toEqual({ v, violations: [expect.stringMatching(/pin an exact version/)] });
    }
    expect(EXACT_SEMVER.test("1.2")).toBe(false);
  });
});

describe("pagerduty-service-has-escalation-policy", () => {
  const urn = (type: string, name: string) => `urn:pulumi:prod::coditect-monitoring::${type}::${name}`;
  const policyUrn = urn(TYPES.pagerdutyEscalationPolicy, "escalation");
  const escalation = (rules: unknown[]): StackResource => ({
    type: TYPES.pagerdutyEscalationPolicy,
    name: "escalation",
    urn: policyUrn,
    props: { name: "License API escalation", rules },
    propertyDependencies: {},
  });
  const service = (escalationPolicy: string | undefined, deps: StackResource[]): StackResource => ({
    type: TYPES.pagerdutyService,
    name: "service",
    urn: urn(TYPES.pagerdutyService, "service"),
    props: { name: "CODITECT License API", escalationPolicy },
    propertyDependencies: { escalationPolicy: deps.map((d) => ({ type: d.type, urn: d.urn })) },
  });

  it("passes a service using this stack's escalation policy, or an existing policy by id", () => {
    const policy = escalation([{ escalationDelayInMinutes: 10, targets: [{ type: "schedule_reference", id: "S1" }] }]);
    expect(checkPagerDuty([policy, service("P123", [policy])])).toEqual([]);
    expect(checkPagerDuty([service("PEXISTING", [])])).toEqual([]);
  });

  it("flags a service without an escalation policy", () => {
    expect(checkPagerDuty([service(undefined, [])])).toEqual([
      { urn: urn(TYPES.pagerdutyService, "service"), message: expect.stringMatching(/has no escalation policy/) },
    ]);
    expect(checkPagerDuty([service("  ", [])])).toHaveLength(1);
  });

  it("flags a service whose escalation policy escalates to nobody", () => {
    const empty = escalation([]);
    expect(checkPagerDuty([empty, service("P1", [empty])])).toEqual([expect.objectContaining({ message: expect.stringMatching(/no escalation rules/) })]);
    const noTargets = escalation([{ escalationDelayInMinutes: 10, targets: [] }]);
    expect(checkPagerDuty([noTargets, service("P1", [noTargets])])).toEqual([expect.objectContaining({ message: expect.stringMatching(/rule 1 has no targets/) })]);
  });
});

describe("alert-rules-have-severity-and-runbook", () => {
  const rule = (labels: Record<string, string>, annotations: Record<string, string>) => ({
    metadata: { name: "license-api", namespace: "monitoring" },
    spec: {
      groups: [
        {
          name: "license-api.outage",
          rules: [
            { record: "job:up:sum", expr: "sum(up)" },
            { alert: "APIServerDown", expr: "sum(up) == 0", labels, annotations },
          ],
        },
      ],
    },
  });
  const check = (labels: Record<string, string>, annotations: Record<string, string>) =>
    violations("alert-rules-have-severity-and-runbook", TYPES.prometheusRule, rule(labels, annotations));
  const runbook = { summary: "down", runbook_url: "https://github.com/coditect/coditect-monitoring/blob/main/docs/runbooks.md#api-server-down" };

  it("passes an alert with a severity and a runbook (recording rules need neither)", () => {
    expect(check({ severity: "critical" }, runbook)).toEqual([]);
  });

  it("flags a missing or unknown severity", () => {
    expect(check({}, runbook)).toEqual([expect.stringMatching(/alert APIServerDown has no severity label/)]);
    expect(check({ severity: "page" }, runbook)).toEqual([expect.stringMatching(/has severity page; allowed/)]);
  });

  it("flags a missing or non-URL runbook", () => {
    expect(check({ severity: "warning" }, { summary: "down" })).toEqual([expect.stringMatching(/no runbook_url annotation/)]);
    expect(check({ severity: "warning" }, { runbook_url: "see wiki" })).toHaveLength(1);
  });
});
