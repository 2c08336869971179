// The managed rule evaluator's objects (render/managed-prometheus.ts) held to what the operator GKE runs
// accepts: the API of GoogleCloudPlatform/prometheus-engine at tag v0.17.2. The tests run without a
// network, so its CRDs cannot be fetched here; each constraint below is written down from the file it
// comes from (paths at that tag), and each has a mutation that breaks it, showing the check can fail.
// The groups' PromQL passes `promtool check rules` like the cluster's own.
import { allRuleGroups, isAlert, managedRuleGroups, renderRuleGroups } from "../../rules";
import { selectors, seatsJob } from "../../lib/identities";
import { MANAGED_SCOPE_LABELS, managedScope } from "../../lib/managed-scope";
import { clusterPagesJob } from "../../lib/outage-backstop";
import { seconds } from "../../lib/duration";
import { STACKS } from "../../lib/stack-file";
import { toYaml } from "../../lib/yaml";
import { externalLabels } from "../../render/prometheus-config";
import {
  ALERTMANAGER_SERVICE,
  backstopPodMonitorings,
  CLUSTER_PAGES_MATCH,
  managedGroup,
  managedPrometheusObjects,
  managedRulePlacements,
  managedStandInConfig,
  managedStandInRules,
  operatorConfigPatch,
  PROMETHEUS_PODS,
  seatRules,
  seatsPodMonitoring,
  type ManagedObject,
} from "../../render/managed-prometheus";
import { renderStack } from "../../render/cli";
import { renderArtifacts } from "../../render/artifacts";
import { PROMTOOL } from "../../tools/binaries";
import { run, writeTemp } from "../tools";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";
import { parseAllDocuments } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";

const CRD = "charts/operator/crds/monitoring.googleapis.com_";
const TYPES = "pkg/operator/apis/monitoring/v1/";
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PROTECTED_TARGET_LABELS = ["project_id", "location", "cluster", "namespace", "job", "instance", "top_level_controller", "top_level_controller_type", "__address__"];

type Obj = Record<string, any>;
/** A constraint: where it is written, and the problems it finds in an object (none: it holds). */
interface Constraint {
  source: string;
  check: (o: Obj) => string[];
  /** Breaks the constraint in a copy of a valid object. */
  mutate: (o: Obj) => void;
}

const onlyKeys = (o: Obj | undefined, allowed: string[], where: string) => Object.keys(o ?? {}).filter((k) => !allowed.includes(k)).map((k) => `${where}.${k}: not a field of the schema (pruned, or refused under strict field validation)`);
const stringMap = (m: unknown, where: string) =>
  m === undefined ? [] : typeof m !== "object" || m === null ? [`${where}: must be a map`] : Object.entries(m).filter(([, v]) => typeof v !== "string").map(([k]) => `${where}.${k}: must be a string`);

const podMonitoring: Record<string, Constraint> = {
  "served as monitoring.googleapis.com/v1, kind PodMonitoring, namespaced, a DNS subdomain name": {
    source: `${CRD}podmonitorings.yaml (group, names, scope: Namespaced, versions v1 served)`,
    check: (o) => [
      ...(o.apiVersion === "monitoring.googleapis.com/v1" ? [] : ["apiVersion"]),
      ...(o.kind === "PodMonitoring" ? [] : ["kind"]),
      ...(o.metadata?.namespace ? [] : ["metadata.namespace: required for a namespaced kind"]),
      ...(DNS_SUBDOMAIN.test(o.metadata?.name ?? "") ? [] : ["metadata.name"]),
    ],
    mutate: (o) => delete o.metadata.namespace,
  },
  "spec requires selector and endpoints; no field outside the schema": {
    source: `${CRD}podmonitorings.yaml (spec.required: [endpoints, selector]; spec.properties), ${TYPES}pod_types.go (PodMonitoringSpec)`,
    check: (o) => [
      ...["selector", "endpoints"].filter((k) => !(k in (o.spec ?? {}))).map((k) => `spec.${k}: required`),
      ...onlyKeys(o.spec, ["selector", "endpoints", "targetLabels", "limits", "filterRunning"], "spec"),
      ...onlyKeys(o.spec?.selector, ["matchLabels", "matchExpressions"], "spec.selector"),
      ...stringMap(o.spec?.selector?.matchLabels, "spec.selector.matchLabels"),
    ],
    mutate: (o) => (o.spec.sampleLimit = 1000),
  },
  "1 to 10 endpoints, each with port and interval, ports unique": {
    source: `${CRD}podmonitorings.yaml (endpoints minItems 1, maxItems 10; endpoints[].required: [interval, port]), charts/operator/templates/validating-admission-policy.yaml (unique-ports)`,
    check: (o) => {
      const eps: Obj[] = o.spec?.endpoints ?? [];
      const ports = eps.map((e) => e.port);
      return [
        ...(eps.length >= 1 && eps.length <= 10 ? [] : ["spec.endpoints: 1 to 10"]),
        ...eps.flatMap((e, i) => ["port", "interval"].filter((k) => e[k] === undefined).map((k) => `spec.endpoints[${i}].${k}: required`)),
        ...eps.flatMap((e, i) => onlyKeys(e, ["port", "scheme", "path", "params", "interval", "timeout", "metricRelabeling", "proxyUrl", "authorization", "basicAuth", "oauth2", "tls"], `spec.endpoints[${i}]`)),
        ...(new Set(ports).size === ports.length ? [] : ["spec.endpoints: ports must be unique"]),
      ];
    },
    mutate: (o) => delete o.spec.endpoints[0].interval,
  },
  "port: a non-zero number or a name of at most 253 characters": {
    source: `${CRD}podmonitorings.yaml (port: x-kubernetes-int-or-string, maxLength 253, CEL self != 0 'Port is required')`,
    check: (o) => (o.spec?.endpoints ?? []).flatMap((e: Obj, i: number) => ((typeof e.port === "string" && e.port.length > 0 && e.port.length <= 253) || (Number.isInteger(e.port) && e.port !== 0) ? [] : [`spec.endpoints[${i}].port`])),
    mutate: (o) => (o.spec.endpoints[0].port = 0),
  },
  "interval and timeout are durations, the timeout no longer than the interval": {
    source: `${CRD}podmonitorings.yaml (interval, timeout: format duration; endpoints[] CEL !has(self.timeout) || self.timeout <= self.interval), ${TYPES}common_types.go`,
    check: (o) =>
      (o.spec?.endpoints ?? []).flatMap((e: Obj, i: number) => [
        ...(DURATION.test(e.interval ?? "") ? [] : [`spec.endpoints[${i}].interval: duration`]),
        ...(e.timeout === undefined || DURATION.test(e.timeout) ? [] : [`spec.endpoints[${i}].timeout: duration`]),
        ...(e.timeout !== undefined && DURATION.test(e.timeout) && DURATION.test(e.interval ?? "") && seconds(e.timeout) > seconds(e.interval) ? [`spec.endpoints[${i}].timeout: must not be greater than the interval`] : []),
      ]),
    mutate: (o) => (o.spec.endpoints[0].timeout = "2m"),
  },
  "scheme, where set, is http or https": {
    source: `${CRD}podmonitorings.yaml (scheme enum [http, https])`,
    check: (o) => (o.spec?.endpoints ?? []).flatMap((e: Obj, i: number) => (e.scheme === undefined || ["http", "https"].includes(e.scheme) ? [] : [`spec.endpoints[${i}].scheme`])),
    mutate: (o) => (o.spec.endpoints[0].scheme = "HTTP"),
  },
  "the sample limit is spec.limits.samples, an integer": {
    source: `${CRD}podmonitorings.yaml (spec.limits: samples, labels, labelNameLength, labelValueLength, integers), ${TYPES}pod_types.go (ScrapeLimits)`,
    check: (o) => [...onlyKeys(o.spec?.limits, ["samples", "labels", "labelNameLength", "labelValueLength"], "spec.limits"), ...(Number.isInteger(o.spec?.limits?.samples) ? [] : ["spec.limits.samples: integer"])],
    mutate: (o) => (o.spec.limits = { sampleLimit: o.spec.limits.samples }),
  },
  "targetLabels.metadata lists only the allowed metadata labels": {
    source: `${CRD}podmonitorings.yaml (targetLabels.metadata items enum [container, node, pod, top_level_controller_name, top_level_controller_type])`,
    check: (o) => [
      ...onlyKeys(o.spec?.targetLabels, ["metadata", "fromPod"], "spec.targetLabels"),
      ...((o.spec?.targetLabels?.metadata ?? []) as string[]).filter((m) => !["container", "node", "pod", "top_level_controller_name", "top_level_controller_type"].includes(m)).map((m) => `spec.targetLabels.metadata: ${m} is not allowed on a PodMonitoring`),
    ],
    mutate: (o) => (o.spec.targetLabels.metadata = ["namespace"]),
  },
  "params, where set, map each name to a list of strings": {
    source: `${CRD}podmonitorings.yaml (endpoints[].params: additionalProperties array of string), ${TYPES}pod_types.go (ScrapeEndpoint.Params map[string][]string)`,
    check: (o) =>
      (o.spec?.endpoints ?? []).flatMap((e: Obj, i: number) =>
        Object.entries((e.params ?? {}) as Obj).filter(([, v]) => !Array.isArray(v) || v.some((x) => typeof x !== "string")).map(([k]) => `spec.endpoints[${i}].params.${k}: a list of strings`),
      ),
    mutate: (o) => (o.spec.endpoints[0].params = { module: "http_2xx" }),
  },
  "metric relabelling uses only the actions and fields the collector converts": {
    source: `${CRD}podmonitorings.yaml (metricRelabeling[] properties: action, modulus, regex, replacement, separator, sourceLabels, targetLabel), ${TYPES}pod_config.go (convertRelabelingRule: replace, keep, drop, hashmod, labeldrop, labelkeep; any other action refused at reconcile)`,
    check: (o) =>
      (o.spec?.endpoints ?? []).flatMap((e: Obj, i: number) =>
        ((e.metricRelabeling ?? []) as Obj[]).flatMap((m, j) => [
          ...onlyKeys(m, ["action", "modulus", "regex", "replacement", "separator", "sourceLabels", "targetLabel"], `spec.endpoints[${i}].metricRelabeling[${j}]`),
          ...(m.action === undefined || ["replace", "keep", "drop", "hashmod", "labeldrop", "labelkeep"].includes(m.action) ? [] : [`spec.endpoints[${i}].metricRelabeling[${j}].action: ${m.action} is refused by the collector`]),
        ]),
      ),
    mutate: (o) => (o.spec.endpoints[0].metricRelabeling = [{ action: "lowercase", sourceLabels: ["__name__"], targetLabel: "metric" }]),
  },
  "no relabelling or pod label may write a protected label": {
    source: `${CRD}podmonitorings.yaml (metricRelabeling[].targetLabel and targetLabels.fromPod[].to CEL), charts/operator/templates/validating-admission-policy.yaml (protected-labels), ${TYPES}pod_config.go (convertRelabelingRule)`,
    check: (o) => [
      ...((o.spec?.targetLabels?.fromPod ?? []) as Obj[]).filter((f) => PROTECTED_TARGET_LABELS.includes(f.to ?? f.from)).map((f) => `spec.targetLabels.fromPod: ${f.to ?? f.from} is protected`),
      ...(o.spec?.endpoints ?? []).flatMap((e: Obj) => ((e.metricRelabeling ?? []) as Obj[]).filter((m) => PROTECTED_TARGET_LABELS.includes(m.targetLabel) || (m.regex !== undefined && PROTECTED_TARGET_LABELS.some((l) => new RegExp(m.regex).test(l)))).map((m) => `metricRelabeling ${JSON.stringify(m)} touches a protected label`)),
    ],
    mutate: (o) => (o.spec.targetLabels.fromPod = [{ from: "app", to: "job" }]),
  },
};

const rules: Record<string, Constraint> = {
  "served as monitoring.googleapis.com/v1, kind Rules, namespaced": {
    source: `${CRD}rules.yaml (scope: Namespaced, versions v1 served)`,
    check: (o) => [...(o.apiVersion === "monitoring.googleapis.com/v1" && o.kind === "Rules" ? [] : ["apiVersion/kind"]), ...(o.metadata?.namespace ? [] : ["metadata.namespace"]), ...(DNS_SUBDOMAIN.test(o.metadata?.name ?? "") ? [] : ["metadata.name"])],
    mutate: (o) => (o.kind = "PrometheusRule"),
  },
  "groups have a name, a duration interval and at least one rule, and nothing else": {
    source: `${CRD}rules.yaml (spec.required [groups]; groups[].required [name, rules]; interval format duration; rules minItems 1), ${TYPES}rules_types.go (RuleGroup)`,
    check: (o) => {
      const groups: Obj[] = o.spec?.groups ?? [];
      return [
        ...(Array.isArray(o.spec?.groups) ? [] : ["spec.groups: required"]),
        ...groups.flatMap((g, i) => [
          ...onlyKeys(g, ["name", "interval", "rules"], `spec.groups[${i}]`),
          ...(typeof g.name === "string" && g.name ? [] : [`spec.groups[${i}].name: required`]),
          ...(g.interval === undefined || DURATION.test(g.interval) ? [] : [`spec.groups[${i}].interval: duration`]),
          ...(Array.isArray(g.rules) && g.rules.length >= 1 ? [] : [`spec.groups[${i}].rules: at least one`]),
        ]),
      ];
    },
    mutate: (o) => (o.spec.groups[0].limit = 10),
  },
  "group names are unique within the object (one rule file of the evaluator)": {
    source: "pkg/operator/rules.go (one file rules__<namespace>__<name>.yaml per Rules object), cmd/rule-evaluator/main.go (Prometheus' rules manager, which refuses a file repeating a group name)",
    check: (o) => {
      const names = ((o.spec?.groups ?? []) as Obj[]).map((g) => g.name);
      return names.filter((n, i) => names.indexOf(n) !== i).map((n) => `spec.groups: ${n} repeated`);
    },
    mutate: (o) => o.spec.groups.push({ ...o.spec.groups[0] }),
  },
  "each rule: an expr, exactly one of record and alert, annotations only on alerts, durations, string maps, no other field (no keep_firing_for)": {
    source: `${CRD}rules.yaml (rules[].required [expr]; CEL 'Must set exactly one of Record or Alert', 'Annotations are only allowed for alerting rules'; record pattern; for format duration), ${TYPES}rules_types.go (Rule), ${TYPES}rules_config.go (fromAPIRules)`,
    check: (o) =>
      ((o.spec?.groups ?? []) as Obj[]).flatMap((g) =>
        ((g.rules ?? []) as Obj[]).flatMap((r, i) => {
          const at = `${g.name}[${i}]`;
          return [
            ...onlyKeys(r, ["record", "alert", "expr", "for", "labels", "annotations"], at),
            ...(typeof r.expr === "string" && r.expr ? [] : [`${at}.expr: required`]),
            ...(("record" in r ? 1 : 0) + ("alert" in r ? 1 : 0) === 1 ? [] : [`${at}: exactly one of record and alert`]),
            ...(!("annotations" in r) || "alert" in r ? [] : [`${at}: annotations only on alerts`]),
            ...(r.record === undefined || /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(r.record) ? [] : [`${at}.record: pattern`]),
            ...(r.for === undefined || DURATION.test(r.for) ? [] : [`${at}.for: duration`]),
            ...stringMap(r.labels, `${at}.labels`),
            ...stringMap(r.annotations, `${at}.annotations`),
          ];
        }),
      ),
    mutate: (o) => (o.spec.groups[0].rules.find((r: Obj) => "alert" in r).keep_firing_for = "1m"),
  },
  "no rule sets a label the evaluator scopes by, and no selector matches on one": {
    source: `${TYPES}rules_config.go (scope, setLabel: 'label already set on rule'; setSelector: 'conflicting label matcher'), pkg/operator/webhook.go (Rules validated with empty project, location and cluster)`,
    check: (o) =>
      ((o.spec?.groups ?? []) as Obj[]).flatMap((g) =>
        ((g.rules ?? []) as Obj[]).flatMap((r) => [
          ...MANAGED_SCOPE_LABELS.filter((l) => l in (r.labels ?? {})).map((l) => `${g.name}/${r.alert ?? r.record}: sets ${l}`),
          ...MANAGED_SCOPE_LABELS.filter((l) => new RegExp(`[{,]\\s*${l}\\s*(=|!=|=~|!~)`).test(r.expr) && !(l === "namespace" && new RegExp(`[{,]\\s*namespace\\s*=\\s*"${o.metadata.namespace}"`).test(r.expr))).map((l) => `${g.name}/${r.alert ?? r.record}: selects on ${l}`),
        ]),
      ),
    mutate: (o) => (o.spec.groups[0].rules[0].labels = { ...o.spec.groups[0].rules[0].labels, cluster: "x" }),
  },
};

const operatorConfig: Record<string, Constraint> = {
  "the one OperatorConfig: gmp-public/config": {
    source: "charts/operator/templates/validating-admission-policy.yaml (operatorconfigs.monitoring.googleapis.com: name 'config', namespace 'gmp-public'), pkg/operator/webhook.go",
    check: (o) => (o.metadata?.name === "config" && o.metadata?.namespace === "gmp-public" && o.apiVersion === "monitoring.googleapis.com/v1" && o.kind === "OperatorConfig" ? [] : ["gmp-public/config"]),
    mutate: (o) => (o.metadata.namespace = "gmp-system"),
  },
  "its fields are top level: no spec": {
    source: `${CRD}operatorconfigs.yaml (properties: rules, collection, exports, managedAlertmanager, features, scaling), ${TYPES}operator_types.go (OperatorConfig)`,
    check: (o) => onlyKeys(o, ["apiVersion", "kind", "metadata", "rules", "collection", "exports", "managedAlertmanager", "features", "scaling"], "(root)"),
    mutate: (o) => (o.spec = { rules: o.rules }),
  },
  "rules: external labels a string map, alertmanagers each with namespace, name and port": {
    source: `${CRD}operatorconfigs.yaml (rules.externalLabels additionalProperties string; rules.alerting.alertmanagers[].required [name, namespace, port], port int-or-string), ${TYPES}operator_types.go (RuleEvaluatorSpec, AlertmanagerEndpoints)`,
    check: (o) => [
      ...onlyKeys(o.rules, ["externalLabels", "queryProjectID", "generatorUrl", "alerting", "credentials"], "rules"),
      ...stringMap(o.rules?.externalLabels, "rules.externalLabels"),
      ...((o.rules?.alerting?.alertmanagers ?? []) as Obj[]).flatMap((am, i) => [
        ...["namespace", "name", "port"].filter((k) => am[k] === undefined || am[k] === "").map((k) => `rules.alerting.alertmanagers[${i}].${k}: required`),
        ...onlyKeys(am, ["namespace", "name", "port", "scheme", "pathPrefix", "tls", "authorization", "apiVersion", "timeout"], `rules.alerting.alertmanagers[${i}]`),
      ]),
    ],
    mutate: (o) => delete o.rules.alerting.alertmanagers[0].port,
  },
  "external labels leave project_id, location and cluster to the operator": {
    source: "pkg/operator/labels.go (resolveLabels: a value set here overrides the cluster's own), pkg/operator/webhook.go (operatorConfigDefaulter upserts them)",
    check: (o) => ["project_id", "location", "cluster"].filter((k) => k in (o.rules?.externalLabels ?? {})).map((k) => `rules.externalLabels.${k}`),
    mutate: (o) => (o.rules.externalLabels.cluster = "another"),
  },
};

function holds(constraints: Record<string, Constraint>, object: () => ManagedObject) {
  describe.each(Object.entries(constraints))("%s", (_, constraint) => {
    test(`holds (${constraint.source})`, () => {
      expect(constraint.check(JSON.parse(JSON.stringify(object())))).toEqual([]);
    });
    test("a mutation breaking it is caught", () => {
      const broken = JSON.parse(JSON.stringify(object()));
      constraint.mutate(broken);
      expect(constraint.check(broken).length).toBeGreaterThan(0);
    });
  });
}

describe.each(STACKS)("%s, per-license groups on the managed evaluator", (stack) => {
  const c = managedEvaluatorConfig(stack);

  const objects = managedPrometheusObjects(c);
  for (const o of objects.filter((x) => x.kind === "PodMonitoring")) describe(`PodMonitoring ${o.metadata.name}`, () => holds(podMonitoring, () => o));
  for (const o of objects.filter((x) => x.kind === "Rules")) describe(`Rules ${o.metadata.name}`, () => holds(rules, () => o));
  describe("OperatorConfig", () => holds(operatorConfig, () => operatorConfigPatch(c)));

  test("the collector's job (the PodMonitoring's name) is the seats job every seat rule selects, in the namespace the Rules narrow to", () => {
    // pkg/operator/apis/monitoring/v1/pod_config.go: job is replaced by the PodMonitoring's name; the
    // namespace label is always the PodMonitoring's; rules_config.go narrows each selector to the Rules' namespace.
    const pm = seatsPodMonitoring(c);
    expect(pm.metadata.name).toBe(seatsJob(c));
    expect(selectors(c).seats).toBe(`job="${pm.metadata.name}"`);
    expect(seatRules(c).metadata.namespace).toBe(pm.metadata.namespace);
    // The scope the dashboards and the report select the evaluator's results by (lib/managed-scope.ts).
    expect(managedScope(c)).toEqual({ project_id: c.gcp.project, location: c.cluster.location, cluster: c.cluster.name, namespace: seatRules(c).metadata.namespace });
    expect(pm.spec.endpoints).toEqual([{ port: c.licenseApi.seats.metricsPortName, path: c.licenseApi.seats.metricsPath, interval: c.licenseApi.seats.scrapeInterval, timeout: c.licenseApi.seats.scrapeTimeout }]);
    expect(pm.spec.limits.samples).toBe(c.licenseApi.seats.sampleLimit);
    expect(pm.spec.targetLabels.metadata).toEqual([]);
  });

  test("the Rules hold exactly the groups the cluster's Prometheus leaves out, rule for rule", () => {
    const placed = managedRuleGroups(c);
    expect(placed.map((g) => g.name)).toEqual(["license-api.per-license", "license-api.seat-forecast"]);
    expect(seatRules(c).spec.groups).toEqual(placed.map(managedGroup));
    for (const g of placed) for (const r of g.rules) expect("keep_firing_for" in r).toBe(false);
  });

  test("a group using keep_firing_for cannot be placed on the evaluator", () => {
    const [g] = managedRuleGroups(c);
    const held = { ...g, rules: g.rules.map((r) => (isAlert(r) ? { ...r, keep_firing_for: "1m" } : r)) };
    expect(() => managedGroup(held)).toThrow(/keep_firing_for cannot run in the managed rule evaluator/);
  });

  test("the evaluator's alerts go to every Alertmanager replica through the Service kube-prometheus-stack renders, by its port's name", () => {
    // pkg/operator/operator_config.go: endpoints discovery in the namespace, kept by Service name and by endpoint port name.
    const am = operatorConfigPatch(c).rules.alerting.alertmanagers;
    expect(am).toEqual([{ namespace: c.namespaces.monitoring, name: ALERTMANAGER_SERVICE.name, port: ALERTMANAGER_SERVICE.portName }]);
    const golden = path.join(PROJECT_ROOT, "test", "golden", stack, "manifests", "kube-prometheus-stack.yaml");
    const services = parseAllDocuments(fs.readFileSync(golden, "utf8"))
      .map((d) => d.toJS() as Obj)
      .filter((d) => d?.kind === "Service" && d.metadata?.name === ALERTMANAGER_SERVICE.name);
    expect(services).toHaveLength(1);
    expect(services[0].metadata.namespace).toBe(c.namespaces.monitoring);
    expect(services[0].spec.ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: ALERTMANAGER_SERVICE.portName, port: ALERTMANAGER_SERVICE.port })]));
  });

  test("the backstop's probe PodMonitorings select the blackbox exporter's pods as the real Helm renders them, by their port's name", () => {
    const golden = path.join(PROJECT_ROOT, "test", "golden", stack, "manifests", "blackbox-exporter.yaml");
    const [deployment] = parseAllDocuments(fs.readFileSync(golden, "utf8"))
      .map((d) => d.toJS() as Obj)
      .filter((d) => d?.kind === "Deployment");
    const template = deployment.spec.template;
    const ports = (template.spec.containers as Obj[]).flatMap((k) => (k.ports ?? []) as Obj[]);
    for (const pm of backstopPodMonitorings(c).filter((o) => o.spec.endpoints[0].path === "/probe")) {
      expect(deployment.metadata.namespace ?? c.namespaces.monitoring).toBe(pm.metadata.namespace);
      expect(template.metadata.labels).toMatchObject(pm.spec.selector.matchLabels);
      expect(ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: pm.spec.endpoints[0].port, containerPort: 9115 })]));
    }
  });

  test("the replicas' PodMonitoring selects the pods prometheus-operator makes for the Prometheus object the chart renders, by the port's name", () => {
    // prometheus-operator v0.93 (the chart's operator is v0.93.1): pkg/prometheus/server/operator.go,
    // makeSelectorLabels, labels each pod operator.prometheus.io/name: <the Prometheus object's name>;
    // pkg/prometheus/common.go names its container port 9090 after the object's portName, DefaultPortName
    // "web" where unset.
    const golden = path.join(PROJECT_ROOT, "test", "golden", stack, "manifests", "kube-prometheus-stack.yaml");
    const prometheus = parseAllDocuments(fs.readFileSync(golden, "utf8"))
      .map((d) => d.toJS() as Obj)
      .filter((d) => d?.kind === "Prometheus");
    expect(prometheus).toHaveLength(1);
    expect(prometheus[0].metadata.namespace).toBe(c.namespaces.monitoring);
    expect(prometheus[0].spec.portName ?? "web").toBe(PROMETHEUS_PODS.portName);
    const [pages] = backstopPodMonitorings(c).filter((o) => o.metadata.name === clusterPagesJob(c));
    expect(pages.spec.selector.matchLabels).toEqual({ "operator.prometheus.io/name": prometheus[0].metadata.name });
    expect(pages.spec.endpoints).toEqual([expect.objectContaining({ port: prometheus[0].spec.portName ?? "web", path: "/federate", params: { "match[]": [CLUSTER_PAGES_MATCH] } })]);
  });

  test("the evaluator's alerts carry the cluster's Prometheus' external labels, cluster set by the evaluator itself", () => {
    const { cluster, ...rest } = externalLabels(c);
    expect(cluster).toBe(c.cluster.name);
    expect(operatorConfigPatch(c).rules.externalLabels).toEqual(rest);
  });

  test("the managed groups pass promtool check rules", () => {
    const dir = writeTemp({ "managed-rules.yml": toYaml({ groups: seatRules(c).spec.groups }) });
    const r = run(PROMTOOL, ["check", "rules", "managed-rules.yml"], dir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test("SeatsNotCollected fires after 10 minutes without an up scrape of the seats exporter, absent or failing, and not while it is scraped (promtool)", () => {
    const rule = managedRuleGroups(c).flatMap((g) => g.rules).filter(isAlert).find((r) => r.alert === "SeatsNotCollected")!;
    expect(rule.for).toBe("10m");
    const up = (values: string) => ({ series: `up{${selectors(c).seats}, namespace="${c.namespaces.licenseApi}", instance="license-seats-0:metrics"}`, values });
    const other = { series: `up{job="elsewhere"}`, values: "1x20" };
    const fired = [{ exp_labels: rule.labels, exp_annotations: rule.annotations }];
    const cases = [
      { name: "the collector scrapes the exporter: silent", input_series: [up("1x20")], at: { "9m": [], "20m": [] } },
      { name: "every scrape fails: fires at for:", input_series: [up("0x20")], at: { "9m": [], "11m": fired } },
      { name: "no target at all (selector or port name misses the pods): fires at for:", input_series: [other], at: { "9m": [], "11m": fired } },
      { name: "scraped, then failing: fires 10 minutes after the first failed scrape", input_series: [up("1x4 0x16")], at: { "14m": [], "16m": fired } },
    ];
    const tests = {
      rule_files: ["managed-rules.yml"],
      evaluation_interval: "1m",
      tests: cases.map((k) => ({
        name: k.name,
        interval: "1m",
        input_series: k.input_series,
        alert_rule_test: Object.entries(k.at).map(([eval_time, exp_alerts]) => ({ eval_time, alertname: "SeatsNotCollected", exp_alerts })),
      })),
    };
    const dir = writeTemp({ "managed-rules.yml": toYaml({ groups: seatRules(c).spec.groups }), "seats-not-collected.test.yml": toYaml(tests) });
    const r = run(PROMTOOL, ["test", "rules", "seats-not-collected.test.yml"], dir);
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
  });

  test("the local stand-in for the collector and evaluator passes promtool check config, scraping as the PodMonitoring says", () => {
    const config = managedStandInConfig(c, {
      seats: { address: "127.0.0.1:9101", pod: "license-seats-0" },
      blackbox: { address: "127.0.0.1:9115", pod: "blackbox-0", healthUrl: "http://127.0.0.1:8080/healthz", publicUrl: "http://127.0.0.1:8081/healthz" },
      prometheus: [{ address: "127.0.0.1:9090", pod: "prometheus-0" }],
      alertmanagers: ["127.0.0.1:9093"],
      rulesFile: "managed-rules.yml",
    });
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(managedPrometheusObjects(c).filter((o) => o.kind === "PodMonitoring").map((o) => o.metadata.name));
    const [job] = config.scrape_configs;
    const pm = seatsPodMonitoring(c);
    expect(job).toMatchObject({ job_name: pm.metadata.name, scrape_interval: pm.spec.endpoints[0].interval, scrape_timeout: pm.spec.endpoints[0].timeout, sample_limit: pm.spec.limits.samples });
    const scope = (namespace: string) => ({ project_id: c.gcp.project, location: c.cluster.location, cluster: c.cluster.name, namespace });
    expect(job.relabel_configs.filter((r) => r.target_label in scope("")).map((r) => [r.target_label, r.replacement])).toEqual(Object.entries(scope(c.namespaces.licenseApi)));
    // Every rule result carries the scope of its own Rules object, and the OperatorConfig's external labels.
    for (const { groups, namespace } of managedRulePlacements(c)) {
      const names = groups.map((g) => g.name);
      const rules = managedStandInRules(c, [{ groups, namespace }]).groups.filter((g) => names.includes(g.name));
      expect(rules).toHaveLength(groups.length);
      for (const rule of rules.flatMap((g) => g.rules)) expect(rule.labels).toMatchObject({ ...scope(namespace), ...operatorConfigPatch(c).rules.externalLabels });
    }
    const dir = writeTemp({ "prometheus.yml": toYaml(config), "managed-rules.yml": toYaml(managedStandInRules(c, managedRulePlacements(c))) });
    const r = run(PROMTOOL, ["check", "config", "prometheus.yml"], dir);
    expect(r.output).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test("the cluster's Prometheus and the managed evaluator together run every group once", () => {
    const inCluster = renderRuleGroups(c).map((g) => g.name);
    const managed = managedRuleGroups(c).map((g) => g.name);
    expect([...inCluster, ...managed].sort()).toEqual(allRuleGroups(c).map((g) => g.name).sort());
    // The same groups, rule for rule, in either placement, but the evaluator's own SeatsNotCollected.
    const withoutGuard = allRuleGroups(c).map((g) => ({ ...g, rules: g.rules.filter((r) => !isAlert(r) || r.alert !== "SeatsNotCollected") }));
    expect(withoutGuard).toEqual(allRuleGroups(testStackConfig(stack)));
    expect(allRuleGroups(testStackConfig(stack)).flatMap((g) => g.rules).filter((r) => isAlert(r) && r.alert === "SeatsNotCollected")).toEqual([]);
  });

  test("rendered as artifacts of their own, and only when the groups are placed on the evaluator", () => {
    const managed = (o: Record<string, string>) => Object.keys(o).filter((f) => f.startsWith("managed-prometheus/"));
    const seats = [`managed-prometheus/podmonitoring-${seatsJob(c)}.yaml`, `managed-prometheus/rules-${seatRules(c).metadata.name}.yaml`];
    expect(managed(renderArtifacts(c))).toEqual(expect.arrayContaining([...seats, "managed-prometheus/operatorconfig-config.yaml"]));
    const asDeployed = managed(renderStack(stack));
    for (const file of seats) expect(asDeployed).not.toContain(file);
  });
});
