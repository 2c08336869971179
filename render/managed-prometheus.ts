// The objects of Google Cloud Managed Service for Prometheus this stack creates when the per-license and
// seat forecast groups run in the managed rule evaluator (alerts.perLicense.evaluator: managed), or the
// outage backstop does (alerts.outage.backstop: managed), as pure functions of the config: the managed
// collector's scrapes (the seats exporter; the probes and the Prometheus replicas), the rule groups, and
// what the evaluator's OperatorConfig must say to reach this stack's Alertmanagers with the labels its
// routes and inhibitions read. Written for the operator GKE runs, monitoring.googleapis.com/v1
// (test/rules/managed-prometheus.test.ts holds them to that API's schema and admission checks).
import type { StackConfig } from "../config";
import { healthUrl, OWNER_LABEL, probeJob, publicHealthUrl, publicProbeJob, seatsJob } from "../lib/identities";
import { equalityMatchers, MANAGED_SCOPE_LABELS, managedScope } from "../lib/managed-scope";
import { clusterPagesJob, OUTAGE_BACKSTOP } from "../lib/outage-backstop";
import { backstopRuleGroups, isAlert, managedRuleGroups, type RuleGroup } from "../rules";
import { BLACKBOX_MODULE, externalLabels, PUBLIC_MODULE } from "./prometheus-config";
import { BLACKBOX_EXPORTER } from "./values/blackbox";

export const GMP_API_VERSION = "monitoring.googleapis.com/v1";
const PART_OF = { "app.kubernetes.io/part-of": "coditect-monitoring" };

/**
 * The labels the managed collector and evaluator set on every series and every rule result themselves,
 * from the cluster they run in: a PodMonitoring cannot write them, a Rules object may not set them on a
 * rule, and every selector of a namespaced Rules object is narrowed to its own namespace and cluster.
 */
export const MANAGED_TARGET_LABELS = ["project_id", "location", "cluster", "namespace", "job", "instance"] as const;

/** The OperatorConfig of GKE's managed collection: one per cluster, at this name and namespace. */
export const OPERATOR_CONFIG = { name: "config", namespace: "gmp-public" } as const;

/**
 * The Kubernetes service account the managed rule evaluator runs as (it shares the collectors'): the
 * identity whose Google service account must be allowed to read Monarch and write the recorded series.
 */
export const RULE_EVALUATOR_KSA = { name: "collector", namespace: "gmp-system" } as const;

/**
 * kube-prometheus-stack's Service in front of the Alertmanagers, named after the release's
 * fullnameOverride "kps" (render/values/kube-prometheus-stack.ts), with its web port (9093) by name:
 * the evaluator discovers the Service's endpoints and keeps those whose port has this name, so every
 * Alertmanager replica receives each alert, as from the cluster's Prometheus.
 */
export const ALERTMANAGER_SERVICE = { name: "kps-alertmanager", portName: "http-web", port: 9093 } as const;

/** Rule fields the Rules API carries; keep_firing_for is not one of them. */
interface ManagedRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ManagedObject {
  apiVersion: typeof GMP_API_VERSION;
  kind: "PodMonitoring" | "Rules" | "OperatorConfig";
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
}

export interface PodMonitoringObject extends ManagedObject {
  kind: "PodMonitoring";
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: {
      port: string;
      path: string;
      interval: string;
      timeout: string;
      params?: Record<string, string[]>;
      metricRelabeling?: { action: "keep"; sourceLabels: string[]; regex: string }[];
    }[];
    limits: { samples: number };
    targetLabels: { metadata: string[] };
  };
}

export interface RulesObject extends ManagedObject {
  kind: "Rules";
  spec: { groups: { name: string; interval?: string; rules: ManagedRule[] }[] };
}

export interface OperatorConfigPatch extends ManagedObject {
  kind: "OperatorConfig";
  rules: {
    externalLabels: Record<string, string>;
    alerting: { alertmanagers: { namespace: string; name: string; port: string }[] };
  };
}

/**
 * The managed collector's scrape of the seats exporter, and of nothing else: the API's own /metrics
 * (license keys under ADR-019's labels) never reaches Monarch; the exporter's license ids do. The
 * collector names the job after this object, so it is named after the seats job every seat rule
 * selects. No metadata labels: a license's series carry the pod in `instance` anyway (the collector
 * always sets it), and adding `pod`, `container` and the controller would only lengthen every series.
 */
export function seatsPodMonitoring(c: StackConfig): PodMonitoringObject {
  const s = c.licenseApi.seats;
  return {
    apiVersion: GMP_API_VERSION,
    kind: "PodMonitoring",
    metadata: { name: seatsJob(c), namespace: c.namespaces.licenseApi, labels: PART_OF },
    spec: {
      selector: { matchLabels: s.selector },
      endpoints: [{ port: s.metricsPortName, path: s.metricsPath, interval: s.scrapeInterval, timeout: s.scrapeTimeout }],
      limits: { samples: s.sampleLimit },
      targetLabels: { metadata: [] },
    },
  };
}

/**
 * The Prometheus replicas' pods as prometheus-operator v0.93 labels them (pkg/prometheus/server/operator.go,
 * makeSelectorLabels), and the name of their container port 9090: the Prometheus object's portName
 * (pkg/prometheus/common.go; "web" only where unset), which kube-prometheus-stack sets to "http-web".
 * The Prometheus object is "kps-prometheus", after the release's fullnameOverride
 * (render/values/kube-prometheus-stack.ts).
 */
export const PROMETHEUS_PODS = { labels: { "operator.prometheus.io/name": "kps-prometheus" }, portName: "http-web" } as const;

/** What `/federate` returns of each replica: the APIServerDown alerts it fires, and nothing else. */
export const CLUSTER_PAGES_MATCH = `ALERTS{alertname="APIServerDown", alertstate="firing", ${equalityMatchers(OWNER_LABEL).join(", ")}}`;

/** Few series per scrape: one probe_success per probe, a few APIServerDown per replica. */
const BACKSTOP_SAMPLE_LIMIT = 20;

/**
 * The managed collector's scrapes the outage backstop reads (rules/outage-backstop.ts), in the
 * monitoring namespace: one PodMonitoring per probe of the cluster's, the blackbox exporter with that
 * probe's module and target (endpoint `params`), named after the probe's job, keeping probe_success
 * only; and one of the Prometheus replicas' `/federate`, for the APIServerDown alerts they fire.
 */
export function backstopPodMonitorings(c: StackConfig): PodMonitoringObject[] {
  const o = OUTAGE_BACKSTOP;
  const monitoring = (name: string, matchLabels: Record<string, string>, endpoint: PodMonitoringObject["spec"]["endpoints"][number]): PodMonitoringObject => ({
    apiVersion: GMP_API_VERSION,
    kind: "PodMonitoring",
    metadata: { name, namespace: c.namespaces.monitoring, labels: PART_OF },
    spec: { selector: { matchLabels }, endpoints: [endpoint], limits: { samples: BACKSTOP_SAMPLE_LIMIT }, targetLabels: { metadata: [] } },
  });
  const probe = (job: string, module: string, target: string) =>
    monitoring(job, { ...BLACKBOX_EXPORTER.podLabels }, {
      port: BLACKBOX_EXPORTER.portName,
      path: "/probe",
      interval: o.interval,
      timeout: c.blackbox.probeTimeout,
      params: { module: [module], target: [target] },
      metricRelabeling: [{ action: "keep", sourceLabels: ["__name__"], regex: "probe_success" }],
    });
  return [
    probe(probeJob(c), BLACKBOX_MODULE, healthUrl(c)),
    probe(publicProbeJob(c), PUBLIC_MODULE, publicHealthUrl(c)),
    monitoring(clusterPagesJob(c), { ...PROMETHEUS_PODS.labels }, {
      port: PROMETHEUS_PODS.portName,
      path: "/federate",
      interval: o.interval,
      timeout: "10s",
      params: { "match[]": [CLUSTER_PAGES_MATCH] },
    }),
  ];
}

/** The outage backstop's group, in the monitoring namespace, where the scrapes it reads put their series. */
export function backstopRules(c: StackConfig): RulesObject {
  return {
    apiVersion: GMP_API_VERSION,
    kind: "Rules",
    metadata: { name: `${c.licenseApi.job}-outage-backstop`, namespace: c.namespaces.monitoring, labels: PART_OF },
    spec: { groups: backstopRuleGroups(c).map(managedGroup) },
  };
}

/** A rule group as the Rules API takes it; fails on what it cannot carry rather than dropping it. */
export function managedGroup(g: RuleGroup): RulesObject["spec"]["groups"][number] {
  return {
    name: g.name,
    ...(g.interval ? { interval: g.interval } : {}),
    rules: g.rules.map((r) => {
      if (!isAlert(r)) return { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) };
      if (r.keep_firing_for) {
        throw new Error(`${g.name}/${r.alert}: keep_firing_for cannot run in the managed rule evaluator (the Rules API has no such field); keep the group in the cluster's Prometheus`);
      }
      for (const label of MANAGED_SCOPE_LABELS) {
        if (label in r.labels) throw new Error(`${g.name}/${r.alert}: the managed rule evaluator sets the ${label} label itself and refuses a rule that sets it`);
      }
      return { alert: r.alert, expr: r.expr, ...(r.for ? { for: r.for } : {}), labels: r.labels, annotations: r.annotations };
    }),
  };
}

/**
 * The groups the managed evaluator runs, in the license API's namespace: it narrows every selector of
 * a namespaced Rules object to its namespace, where the PodMonitoring puts the seats exporter's series.
 */
export function seatRules(c: StackConfig): RulesObject {
  return {
    apiVersion: GMP_API_VERSION,
    kind: "Rules",
    metadata: { name: `${c.licenseApi.job}-seats`, namespace: c.namespaces.licenseApi, labels: PART_OF },
    spec: { groups: managedRuleGroups(c).map(managedGroup) },
  };
}

/**
 * The external labels the managed evaluator's alerts carry besides its own (MANAGED_SCOPE_LABELS):
 * those of the cluster's Prometheus (render/prometheus-config.ts) that Alertmanager's grouping and
 * inhibitions, the Slack titles and the report read, less the ones the evaluator sets itself. It sets
 * `cluster` to the GKE cluster's name, which is `cluster.name`, the value the cluster's Prometheus
 * gives it; writing it here would also override the cluster every Rules selector is narrowed to.
 */
export function managedExternalLabels(c: StackConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(externalLabels(c)).filter(([k]) => !(MANAGED_SCOPE_LABELS as readonly string[]).includes(k)));
}

/**
 * The labels the managed evaluator gives every alert and result of this stack's Rules object in
 * `namespace` (the seat groups' by default): its scope
 * (lib/managed-scope.ts), and the OperatorConfig's external labels ("attached to any rule results and
 * alerts produced by rules": RuleEvaluatorSpec.ExternalLabels, pkg/operator/apis/monitoring/v1/operator_types.go).
 */
export function managedEvaluatorLabels(c: StackConfig, namespace?: string): Record<string, string> {
  return { ...managedScope(c, namespace), ...managedExternalLabels(c) };
}

/**
 * What this stack sets in the cluster's one OperatorConfig (its other fields belong to GKE and to
 * whoever else configures managed collection): the evaluator's alerts go to this stack's Alertmanagers
 * with this stack's external labels. Its fields are top level; an OperatorConfig has no spec.
 */
export function operatorConfigPatch(c: StackConfig): OperatorConfigPatch {
  return {
    apiVersion: GMP_API_VERSION,
    kind: "OperatorConfig",
    metadata: { name: OPERATOR_CONFIG.name, namespace: OPERATOR_CONFIG.namespace },
    rules: {
      externalLabels: managedExternalLabels(c),
      alerting: { alertmanagers: [{ namespace: c.namespaces.monitoring, name: ALERTMANAGER_SERVICE.name, port: ALERTMANAGER_SERVICE.portName }] },
    },
  };
}

/** What a stack places in the managed rule evaluator: the seat groups, the outage backstop, both or neither. */
export function managedPlacements(c: StackConfig): { seats: boolean; backstop: boolean } {
  return { seats: c.alerts.perLicense.evaluator === "managed", backstop: c.alerts.outage.backstop === "managed" };
}

/** Every managed object of a stack: none unless it places something in the managed evaluator. */
export function managedPrometheusObjects(c: StackConfig): ManagedObject[] {
  const placed = managedPlacements(c);
  if (!placed.seats && !placed.backstop) return [];
  return [
    ...(placed.seats ? [seatsPodMonitoring(c), seatRules(c)] : []),
    ...(placed.backstop ? [...backstopPodMonitorings(c), backstopRules(c)] : []),
    operatorConfigPatch(c),
  ];
}

/**
 * Why the managed evaluator cannot run on a cluster as GKE describes it, or undefined: the stack's
 * preflight, before anything is registered. GKE runs the operator, the collectors and the evaluator
 * only with managed collection on; and the evaluator reads and writes Monarch as the Google service
 * account its Kubernetes service account is bound to through Workload Identity.
 */
export function managedEvaluatorProblem(
  c: StackConfig,
  cluster: { monitoringConfigs?: { managedPrometheuses?: { enabled?: boolean }[] }[]; workloadIdentityConfigs?: { workloadPool?: string }[] },
): string | undefined {
  const where = `GKE cluster ${c.cluster.name} (${c.cluster.location}, project ${c.gcp.project})`;
  const placed = managedPlacements(c);
  const settings = [...(placed.seats ? ['alerts.perLicense.evaluator is "managed"'] : []), ...(placed.backstop ? ['alerts.outage.backstop is "managed"'] : [])];
  const setting = settings.join(" and ");
  const unevaluated = [...(placed.seats ? ["SeatExhaustion would never be evaluated"] : []), ...(placed.backstop ? ["no outage page would be held open once every Prometheus replica is gone"] : [])].join(", and ");
  const otherwise = [...(placed.seats ? ['set the evaluator to "prometheus"'] : []), ...(placed.backstop ? ['set the backstop to "none"'] : [])].join(" and ");
  if (cluster.monitoringConfigs?.[0]?.managedPrometheuses?.[0]?.enabled !== true) {
    return `${setting}, but Managed Service for Prometheus' managed collection is not enabled on the ${where}: without it there is no operator to run the rule evaluator, and ${unevaluated}. Enable it (gcloud container clusters update ${c.cluster.name} --location ${c.cluster.location} --enable-managed-prometheus) or ${otherwise}`;
  }
  const pool = `${c.gcp.project}.svc.id.goog`;
  if (cluster.workloadIdentityConfigs?.[0]?.workloadPool !== pool) {
    return `${setting}, but Workload Identity (pool ${pool}) is not enabled on the ${where}: the rule evaluator could not act as the Google service account this stack grants monitoring.viewer and monitoring.metricWriter. Enable it (gcloud container clusters update ${c.cluster.name} --location ${c.cluster.location} --workload-pool=${pool}) or ${otherwise}`;
  }
  return undefined;
}

/** Where a stand-in for the managed evaluator finds what it needs outside a cluster (the local stack). */
export interface ManagedStandInTargets {
  /** The seats exporter's address, and the pod it runs in (the collector names a target after its pod and port). */
  seats?: { address: string; pod: string };
  /** The blackbox exporter's address and pod, and the URLs its probes reach there, in place of the cluster's. */
  blackbox?: { address: string; pod: string; healthUrl: string; publicUrl: string };
  /** The Prometheus replicas' addresses and pods. */
  prometheus?: { address: string; pod: string }[];
  alertmanagers: string[];
  /** The rule file beside the config. */
  rulesFile: string;
}

/** The targets of one PodMonitoring at the stand-in: each address with its pod, and its params there. */
function standInTargets(c: StackConfig, pm: PodMonitoringObject, t: ManagedStandInTargets): { targets: { address: string; pod: string }[]; params?: Record<string, string[]> } {
  const [endpoint] = pm.spec.endpoints;
  const name = pm.metadata.name;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the managed evaluator's stand-in scrapes ${name} and needs ${what}`);
    return value;
  };
  if (name === seatsJob(c)) return { targets: [need(t.seats, "the seats exporter")] };
  if (name === clusterPagesJob(c)) return { targets: need(t.prometheus, "the Prometheus replicas"), params: endpoint.params };
  const blackbox = need(t.blackbox, "the blackbox exporter");
  const target = name === probeJob(c) ? blackbox.healthUrl : blackbox.publicUrl;
  return { targets: [blackbox], params: { ...endpoint.params, target: [target] } };
}

/**
 * What the stand-in models of Monarch: a rule reads what was scraped this long ago at the latest (the
 * collector's batching and the store's ingestion), as Prometheus' query_offset.
 */
export const MONARCH_LAG = "30s";

/**
 * A standalone Prometheus config that does what GKE's managed collector and rule evaluator do for these
 * objects, for a stack outside a cluster: it scrapes as each PodMonitoring says, with the target labels
 * the collector sets (job the PodMonitoring's name, instance `<pod>:<port name>`, namespace its
 * namespace, project_id, location and cluster; a scraped label of one of those names becomes
 * `exported_<name>`, as honor_labels is off there too), evaluates the Rules' groups, and sends alerts to
 * the Alertmanagers the OperatorConfig names. Scoping of the selectors is left out: only this stack's
 * series are in it.
 */
export function managedStandInConfig(c: StackConfig, t: ManagedStandInTargets) {
  const monitorings = managedPrometheusObjects(c).filter((o): o is PodMonitoringObject => o.kind === "PodMonitoring");
  return {
    global: { evaluation_interval: c.alerts.perLicense.evaluationInterval },
    rule_files: [t.rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: t.alertmanagers }] }] },
    scrape_configs: monitorings.map((pm) => {
      const [endpoint] = pm.spec.endpoints;
      const { targets, params } = standInTargets(c, pm, t);
      return {
        job_name: pm.metadata.name,
        scrape_interval: endpoint.interval,
        scrape_timeout: endpoint.timeout,
        metrics_path: endpoint.path,
        ...(params ? { params } : {}),
        sample_limit: pm.spec.limits.samples,
        static_configs: targets.map(({ address, pod }) => ({ targets: [address], labels: { __tmp_pod: pod } })),
        relabel_configs: [
          { action: "replace", target_label: "job", replacement: pm.metadata.name },
          { action: "replace", source_labels: ["__tmp_pod"], target_label: "instance", replacement: `$1:${endpoint.port}` },
          ...Object.entries(managedScope(c, pm.metadata.namespace)).map(([label, value]) => ({ action: "replace", target_label: label, replacement: value })),
        ],
        ...(endpoint.metricRelabeling
          ? { metric_relabel_configs: endpoint.metricRelabeling.map((r) => ({ action: r.action, source_labels: r.sourceLabels, regex: r.regex })) }
          : {}),
      };
    }),
  };
}

/**
 * The Rules objects' groups as the managed evaluator runs them (as the Rules API carries them), for its
 * stand-in: every rule result carries the evaluator's labels for its object's namespace
 * (managedEvaluatorLabels: its scope, which `scope` adds to each rule, and the OperatorConfig's external
 * labels), so that what it records and its ALERTS are stored with them and read back as from Monarch,
 * and every group reads Monarch's lag behind (MONARCH_LAG). The matchers `scope` adds to selectors are
 * left out: the stand-in holds this stack's series only.
 */
export function managedStandInRules(c: StackConfig, placed: { groups: RuleGroup[]; namespace: string }[]) {
  return {
    groups: placed.flatMap(({ groups, namespace }) => {
      const labels = managedEvaluatorLabels(c, namespace);
      return groups.map(managedGroup).map((g) => ({ ...g, query_offset: MONARCH_LAG, rules: g.rules.map((r) => ({ ...r, labels: { ...r.labels, ...labels } })) }));
    }),
  };
}

/** What the stack places in the managed evaluator, each with the namespace of its Rules object. */
export function managedRulePlacements(c: StackConfig, seatGroups: RuleGroup[] = managedRuleGroups(c)): { groups: RuleGroup[]; namespace: string }[] {
  const placed = managedPlacements(c);
  return [
    ...(placed.seats ? [{ groups: seatGroups, namespace: seatRules(c).metadata.namespace }] : []),
    ...(placed.backstop ? [{ groups: backstopRuleGroups(c), namespace: backstopRules(c).metadata.namespace }] : []),
  ];
}
