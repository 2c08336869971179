// The compliance rules of this stack as pure functions of a resource's inputs: each returns the
// violations it finds (empty when compliant). policy/index.ts wires them into a @pulumi/policy pack;
// the tests call them directly and also run them over the whole program under mocks.
//
// They read properties plainly. During a preview the policy runtime throws when a check touches a
// value that is not known yet and reports that check as skipped, so the checks read the known parts
// first (values before namespaces, dependencies before ids).

/** Type tokens of the resources the policies look at. */
export const TYPES = {
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  helmChartV4: "kubernetes:helm.sh/v4:Chart",
  pagerdutyService: "pagerduty:index/service:Service",
  pagerdutyEscalationPolicy: "pagerduty:index/escalationPolicy:EscalationPolicy",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
} as const;

/** Policy configuration (PulumiPolicy config / `--policy-pack-config`), with the defaults in one place. */
export interface PolicySettings {
  /** Minimum retention of every log bucket, in days. */
  minRetentionDays: number;
  /** Stacks whose audit log bucket must be locked. */
  lockedAuditStacks: string[];
  /** Namespaces of internal UIs (Prometheus, Alertmanager, Jaeger, collector): no public load balancer there. */
  internalNamespaces: string[];
  /** Severities an alert may carry (what Alertmanager routes on). */
  severities: string[];
}

export const DEFAULT_SETTINGS: PolicySettings = {
  minRetentionDays: 90,
  lockedAuditStacks: ["prod"],
  internalNamespaces: ["monitoring", "tracing"],
  severities: ["critical", "warning", "ticket", "info", "none"],
};

/** What a check knows about the resource besides its inputs. */
export interface ResourceContext {
  /** Type token of the resource. */
  type: string;
  /** Stack name, from the resource URN. */
  stack: string;
  /** Pulumi resource name. */
  name: string;
  settings: PolicySettings;
}

/** A resource's inputs: untyped JSON as the engine hands it to policies. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks probe arbitrary nesting with optional chaining
export type Props = Record<string, any>;

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → `<stack>`. */
export function stackOfUrn(urn: string): string {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
  return m[1];
}

// ---- log and audit buckets ------------------------------------------------------------------------

/** An audit bucket: its bucket id or resource name says so. */
export function isAuditBucket(props: Props, name: string): boolean {
  return /audit/i.test(String(props.bucketId ?? "")) || /audit/i.test(name);
}

export function checkLogBucket(props: Props, ctx: ResourceContext): string[] {
  const violations: string[] = [];
  const min = ctx.settings.minRetentionDays;
  const id = props.bucketId ?? ctx.name;
  const days = props.retentionDays;
  if (typeof days !== "number") {
    violations.push(`log bucket ${id} does not set retentionDays; Cloud Logging's default is 30 days, at least ${min} are required`);
  } else if (days < min) {
    violations.push(`log bucket ${id} keeps logs ${days} days; at least ${min} are required`);
  }
  if (isAuditBucket(props, ctx.name) && ctx.settings.lockedAuditStacks.includes(ctx.stack) && props.locked !== true) {
    violations.push(`audit log bucket ${id} must be locked (locked: true) in stack ${ctx.stack}, so its retention cannot be shortened`);
  }
  return violations;
}

// ---- no Alertmanager config or credentials in a ConfigMap ------------------------------------------

const ALERTMANAGER_CONFIG_KEY = /(^|[/._-])alertmanager\.ya?ml$/i;
/** A YAML or JSON key that carries a credential, e.g. `routing_key:` or `"password":`. */
const CREDENTIAL_KEY =
  /(^|[\s{,"'])(routing_key|service_key|integration_key|api_url|slack_api_url|webhook_url|url_file|api_key|password|passwd|token|bearer_token|auth_token|client_secret|secret_key)["']?\s*[:=]/im;

export function checkConfigMap(props: Props): string[] {
  const violations: string[] = [];
  const name = props.metadata?.name ?? "(unnamed)";
  const entries = [...Object.entries(props.data ?? {}), ...Object.entries(props.binaryData ?? {})];
  for (const [key, value] of entries) {
    if (ALERTMANAGER_CONFIG_KEY.test(key)) {
      violations.push(`ConfigMap ${name} holds Alertmanager config (${key}); it carries receiver credentials, put it in a Secret`);
      continue;
    }
    const m = CREDENTIAL_KEY.exec(String(value ?? ""));
    if (m) violations.push(`ConfigMap ${name} key ${key} contains a credential field (${m[2]}); put it in a Secret`);
  }
  return violations;
}

// ---- no public load balancer for internal UIs -------------------------------------------------------

const INTERNAL_LB_ANNOTATIONS: Record<string, string> = {
  "networking.gke.io/load-balancer-type": "internal",
  "cloud.google.com/load-balancer-type": "internal",
};

function isInternalLoadBalancer(annotations: unknown): boolean {
  if (annotations === null || typeof annotations !== "object") return false;
  return Object.entries(annotations as Record<string, unknown>).some(
    ([k, v]) => INTERNAL_LB_ANNOTATIONS[k] !== undefined && String(v).toLowerCase() === INTERNAL_LB_ANNOTATIONS[k],
  );
}

function isInternalNamespace(namespace: unknown, ctx: ResourceContext): boolean {
  // A namespace left to the provider's default is not known to be outside the internal ones.
  return namespace === undefined || namespace === null || namespace === "" || ctx.settings.internalNamespaces.includes(String(namespace));
}

export function checkService(props: Props, ctx: ResourceContext): string[] {
  if (props.spec?.type !== "LoadBalancer" || isInternalLoadBalancer(props.metadata?.annotations)) return [];
  const namespace = props.metadata?.namespace;
  if (!isInternalNamespace(namespace, ctx)) return [];
  return [
    `Service ${props.metadata?.name ?? ctx.name} in namespace ${namespace ?? "(default)"} is a public LoadBalancer; ` +
      `internal UIs stay ClusterIP (reach them with kubectl port-forward or an internal load balancer)`,
  ];
}

/** Paths in Helm values where a service is switched to an external LoadBalancer. */
export function publicLoadBalancersInValues(values: unknown, path = "values"): string[] {
  if (Array.isArray(values)) return values.flatMap((v, i) => publicLoadBalancersInValues(v, `${path}[${i}]`));
  if (values === null || typeof values !== "object") return [];
  const obj = values as Record<string, unknown>;
  const here = obj.type === "LoadBalancer" && !isInternalLoadBalancer(obj.annotations) ? [`${path}.type`] : [];
  return [...here, ...Object.entries(obj).flatMap(([k, v]) => publicLoadBalancersInValues(v, `${path}.${k}`))];
}

export function checkHelmReleaseExposure(props: Props, ctx: ResourceContext): string[] {
  const paths = publicLoadBalancersInValues(props.values ?? {});
  if (paths.length === 0 || !isInternalNamespace(props.namespace, ctx)) return [];
  return paths.map(
    (p) => `Helm release ${props.name ?? ctx.name} (chart ${props.chart}) sets ${p}: LoadBalancer, a public load balancer for an internal UI`,
  );
}

// ---- Helm charts pinned ------------------------------------------------------------------------------

/** Exact SemVer 2.0.0, as Helm chart versions are: no ranges, no wildcards, no `latest`. */
export const EXACT_SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-((0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$/;

export function checkHelmVersion(props: Props, ctx: ResourceContext): string[] {
  const version = props.version;
  const release = props.name ?? ctx.name;
  if (version === undefined || version === null || version === "") {
    return [`Helm release ${release} (chart ${props.chart}) does not pin a chart version; set version to an exact version such as 1.2.3`];
  }
  if (!EXACT_SEMVER.test(String(version))) {
    return [`Helm release ${release} (chart ${props.chart}) has version ${JSON.stringify(version)}; pin an exact version such as 1.2.3 (no ranges)`];
  }
  return [];
}

// ---- PagerDuty service has an escalation policy ------------------------------------------------------

/** The parts of a stack resource the stack-level checks use. */
export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: Props;
  /** Resources each input property depends on. */
  propertyDependencies: Record<string, { type: string; urn: string }[]>;
}

export function checkEscalationPolicy(props: Props): string[] {
  const rules: Props[] = Array.isArray(props.rules) ? props.rules : [];
  if (rules.length === 0) return [`escalation policy ${props.name} has no escalation rules`];
  return rules.flatMap((r, i) =>
    Array.isArray(r.targets) && r.targets.length > 0 ? [] : [`escalation policy ${props.name} rule ${i + 1} has no targets`],
  );
}

/**
 * Every PagerDuty service has an escalation policy: one of this stack's escalation policies (found
 * through the input's dependencies, which are known in a preview before the policy's id is), or an
 * existing policy's id. This stack's escalation policies must escalate to someone.
 */
export function checkPagerDuty(resources: StackResource[]): { urn: string; message: string }[] {
  const violations: { urn: string; message: string }[] = [];
  const policies = new Map(resources.filter((r) => r.type === TYPES.pagerdutyEscalationPolicy).map((r) => [r.urn, r]));
  for (const service of resources.filter((r) => r.type === TYPES.pagerdutyService)) {
    const deps = (service.propertyDependencies.escalationPolicy ?? []).filter((d) => d.type === TYPES.pagerdutyEscalationPolicy);
    const label = service.props.name ?? service.name;
    if (deps.length === 0) {
      const id = service.props.escalationPolicy;
      if (typeof id !== "string" || id.trim() === "") {
        violations.push({ urn: service.urn, message: `PagerDuty service ${label} has no escalation policy; nobody would be paged` });
      }
      continue;
    }
    for (const dep of deps) {
      const policy = policies.get(dep.urn);
      if (!policy) continue;
      for (const message of checkEscalationPolicy(policy.props)) {
        violations.push({ urn: service.urn, message: `PagerDuty service ${label}: ${message}` });
      }
    }
  }
  return violations;
}

// ---- alert rules carry severity and runbook ----------------------------------------------------------

export function checkPrometheusRule(props: Props, ctx: ResourceContext): string[] {
  const violations: string[] = [];
  const name = props.metadata?.name ?? ctx.name;
  const groups: Props[] = Array.isArray(props.spec?.groups) ? props.spec.groups : [];
  for (const group of groups) {
    const rules: Props[] = Array.isArray(group.rules) ? group.rules : [];
    for (const rule of rules) {
      if (rule.alert === undefined) continue; // recording rule
      const where = `PrometheusRule ${name}, group ${group.name}, alert ${rule.alert}`;
      const severity = rule.labels?.severity;
      if (typeof severity !== "string" || severity === "") {
        violations.push(`${where} has no severity label`);
      } else if (!ctx.settings.severities.includes(severity)) {
        violations.push(`${where} has severity ${severity}; allowed: ${ctx.settings.severities.join(", ")}`);
      }
      const runbook = rule.annotations?.runbook_url;
      if (typeof runbook !== "string" || !/^https?:\/\/\S+$/.test(runbook)) {
        violations.push(`${where} has no runbook_url annotation (an http(s) URL of what to check and do)`);
      }
    }
  }
  return violations;
}

// ---- the catalogue: which check runs on which resource types (policy/index.ts wires exactly this) ----

export type ResourceCheck = (props: Props, ctx: ResourceContext) => string[];

export interface ResourcePolicyDefinition {
  name: string;
  description: string;
  /** Type tokens the check applies to. */
  types: string[];
  /** Settings the check reads (exposed as the policy's config). */
  settings: (keyof PolicySettings)[];
  check: ResourceCheck;
}

export const RESOURCE_POLICIES: ResourcePolicyDefinition[] = [
  {
    name: "log-bucket-retention",
    description: "Log and audit buckets keep logs at least 90 days; the prod audit bucket is locked.",
    types: [TYPES.logBucket],
    settings: ["minRetentionDays", "lockedAuditStacks"],
    check: checkLogBucket,
  },
  {
    name: "no-alertmanager-config-in-configmap",
    description: "Alertmanager config and credentials (routing keys, webhook URLs, passwords, tokens) live in Secrets, never in ConfigMaps.",
    types: [TYPES.configMap],
    settings: [],
    check: checkConfigMap,
  },
  {
    name: "no-public-load-balancer-for-internal-uis",
    description: "No Service of type LoadBalancer, nor Helm values creating one, in the monitoring and tracing namespaces unless it is an internal load balancer.",
    types: [TYPES.service, TYPES.helmRelease, TYPES.helmChartV4],
    settings: ["internalNamespaces"],
    check: (props, ctx) => (ctx.type === TYPES.service ? checkService(props, ctx) : checkHelmReleaseExposure(props, ctx)),
  },
  {
    name: "helm-chart-version-pinned",
    description: "Every Helm release pins its chart to an exact version.",
    types: [TYPES.helmRelease, TYPES.helmChartV4],
    settings: [],
    check: checkHelmVersion,
  },
  {
    name: "alert-rules-have-severity-and-runbook",
    description: "Every alerting rule in a PrometheusRule has a severity label Alertmanager routes on and a runbook_url annotation.",
    types: [TYPES.prometheusRule],
    settings: ["severities"],
    check: checkPrometheusRule,
  },
];

export const STACK_POLICIES = [
  {
    name: "pagerduty-service-has-escalation-policy",
    description: "Every PagerDuty service has an escalation policy that escalates to someone.",
    check: checkPagerDuty,
  },
];
