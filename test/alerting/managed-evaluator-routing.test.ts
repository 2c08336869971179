// An alert of the groups placed on the managed rule evaluator reaches Alertmanager with other labels
// than the cluster's Prometheus gives it: the evaluator adds project_id, location, cluster and the
// Rules object's namespace to every result (prometheus-engine v0.17.2,
// pkg/operator/apis/monitoring/v1/rules_config.go, scope), and its OperatorConfig's external labels
// (render/managed-prometheus.ts); the cluster's Prometheus adds its own external labels, `prometheus`
// among them, and drops the replica label. amtool shows where each goes: to the same receiver, in the
// same notification group, under the same inhibitions.
import { RECEIVERS, alertmanagerConfig } from "../../render/alertmanager-config";
import { managedExternalLabels } from "../../render/managed-prometheus";
import { externalLabels } from "../../render/prometheus-config";
import { INHIBITORS } from "../../lib/identities";
import { STACKS } from "../../lib/stack-file";
import { toYaml } from "../../lib/yaml";
import { isAlert, managedRuleGroups } from "../../rules";
import { PLACEHOLDER_RECEIVER_SECRETS } from "../../render/secrets";
import { AMTOOL } from "../../tools/binaries";
import { run, writeTemp } from "../tools";
import { managedEvaluatorConfig } from "../stack-config";

type Labels = Record<string, string>;

describe.each(STACKS)("%s: the managed evaluator's alerts route as the cluster's Prometheus' do", (stack) => {
  const c = managedEvaluatorConfig(stack);
  const am = alertmanagerConfig(c, PLACEHOLDER_RECEIVER_SECRETS);
  const dir = writeTemp({ "alertmanager.yml": toYaml(am) });
  const route = (labels: Labels) => {
    const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], dir);
    expect(r.code).toBe(0);
    return r.stdout.trim();
  };
  const license = { license_id: "LIC-0001", tenant_id: "tenant-1" };
  const alerts = managedRuleGroups(c).flatMap((g) => g.rules).filter(isAlert);

  /** As the cluster's Prometheus sends it: its external labels (the replica label dropped, render/prometheus-config.ts). */
  const fromPrometheus = (rule: (typeof alerts)[number]): Labels => ({ alertname: rule.alert, ...rule.labels, ...license, ...externalLabels(c), prometheus: `${c.namespaces.monitoring}/kps-prometheus` });
  /** As the managed evaluator sends it: its scope labels and the OperatorConfig's external labels. */
  const fromManaged = (rule: (typeof alerts)[number]): Labels => ({
    alertname: rule.alert,
    ...rule.labels,
    ...license,
    project_id: c.gcp.project,
    location: c.cluster.location,
    cluster: c.cluster.name,
    namespace: c.namespaces.licenseApi,
    ...managedExternalLabels(c),
  });

  test("SeatExhaustion and SeatLimitForecast are the alerts the evaluator sends, and SeatsNotCollected of its own", () => {
    expect(alerts.map((r) => r.alert).sort()).toEqual(["SeatExhaustion", "SeatLimitForecast", "SeatsNotCollected"]);
  });

  test("SeatsNotCollected, which only the evaluator raises, reaches the license API's Slack receiver as the seat alerts do", () => {
    const rule = alerts.find((r) => r.alert === "SeatsNotCollected")!;
    const { license_id: _id, tenant_id: _tenant, ...labels } = fromManaged(rule);
    expect(route(labels)).toBe(RECEIVERS.slack);
  });

  test.each(["SeatExhaustion", "SeatLimitForecast"])("%s reaches the same Slack receiver from either evaluator", (name) => {
    const rule = alerts.find((r) => r.alert === name)!;
    expect(route(fromPrometheus(rule))).toBe(RECEIVERS.slack);
    expect(route(fromManaged(rule))).toBe(RECEIVERS.slack);
  });

  test("the check can fail: the evaluator's SeatExhaustion verified against another receiver fails", () => {
    const rule = alerts.find((r) => r.alert === "SeatExhaustion")!;
    const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.pagerduty}`, ...Object.entries(fromManaged(rule)).map(([k, v]) => `${k}=${v}`)], dir);
    expect(r.code).not.toBe(0);
  });

  test("same notification group (group_by values) and the same inhibitions (equal labels) as from the cluster's Prometheus", () => {
    const rule = alerts.find((r) => r.alert === "SeatExhaustion")!;
    const [p, m] = [fromPrometheus(rule), fromManaged(rule)];
    const grouping = [...am.route.group_by, ...am.inhibit_rules.flatMap((i) => i.equal)];
    for (const label of new Set(grouping)) expect({ label, value: m[label] }).toEqual({ label, value: p[label] });
    // The outage inhibition's source comes from the cluster's Prometheus and must match it.
    const outage = am.inhibit_rules.find((i) => i.source_matchers.includes(`alertname="${INHIBITORS.outage}"`))!;
    expect(outage.equal).toEqual(["cluster", "service"]);
    expect(m.environment).toBe(c.environment);
  });
});
