// The report's reading of the managed rule evaluator, without a server: the option and its variable,
// which alerts the evaluator's record is the source of, and its alerts' labels against the stack's
// routing, grouping and inhibitions. Against real Prometheus servers: report.test.ts.
import { INHIBITORS } from "../../lib/identities";
import { managedEvaluatorLabels } from "../../render/managed-prometheus";
import { externalLabels } from "../../render/prometheus-config";
import { parseOptions } from "../../report/cli";
import { checkManagedSource, likeClusterAlerts, managedAlertNames } from "../../report/managed";
import { renderedRouting } from "../../report/routing";
import { alertRule } from "../../rules/tests/promtool";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";

const MONARCH = "https://monitoring.googleapis.com/v1/projects/coditect-prod/location/global/prometheus";

describe("--managed-prometheus", () => {
  const args = ["--stack", "prod", "--month", "2026-11"];
  test.each([
    ["neither the flag nor the variable", [], {}, undefined],
    ["the flag", ["--managed-prometheus", MONARCH], {}, MONARCH],
    ["the variable, as the monthly workflow sets it", [], { MANAGED_PROMETHEUS_URL: MONARCH }, MONARCH],
    ["the flag over the variable", ["--managed-prometheus", "http://127.0.0.1:9092"], { MANAGED_PROMETHEUS_URL: MONARCH }, "http://127.0.0.1:9092"],
    // A workflow's unset variable arrives as an empty string.
    ["an empty variable", [], { MANAGED_PROMETHEUS_URL: "" }, undefined],
  ])("%s", (_, extra, env, expected) => {
    const o = parseOptions([...args, ...extra], env);
    expect(o.managedPrometheus).toBe(expected);
    // The cluster's sources are not affected by it.
    expect(o.prometheus).toEqual(["http://127.0.0.1:9090"]);
  });
});

describe("which alerts the evaluator's record is the source of", () => {
  test("those of the groups the stack places there, as the rules name them; none while every group runs in the cluster's Prometheus", () => {
    expect(managedAlertNames(managedEvaluatorConfig("prod"))).toEqual(["SeatExhaustion", "SeatsNotCollected", "SeatLimitForecast"]);
    expect(managedAlertNames(testStackConfig("prod"))).toEqual([]);
  });

  test("its query API is required exactly when the stack places groups there", () => {
    expect(() => checkManagedSource(managedEvaluatorConfig("staging"), "staging", MONARCH)).not.toThrow();
    expect(() => checkManagedSource(testStackConfig("staging"), "staging", undefined)).not.toThrow();
    expect(() => checkManagedSource(managedEvaluatorConfig("staging"), "staging", undefined)).toThrow(
      "--managed-prometheus https://monitoring.googleapis.com/v1/projects/coditect-staging/location/global/prometheus",
    );
    expect(() => checkManagedSource(testStackConfig("staging"), "staging", MONARCH)).toThrow("the staging stack evaluates every rule group in its cluster's Prometheus");
  });
});

describe("the evaluator's alerts against the stack's routing", () => {
  const c = managedEvaluatorConfig("prod");
  const routing = renderedRouting(c);
  const rule = { alertname: "SeatExhaustion", ...alertRule(c, "SeatExhaustion").labels, license_id: "lic-ent-0001" };
  // As the evaluator's ALERTS series is in Monarch.
  const evaluator = { ...rule, ...managedEvaluatorLabels(c), alertstate: "firing" };
  const outage = { alertname: INHIBITORS.outage, ...alertRule(c, INHIBITORS.outage).labels };
  // The cluster's alerts as a store fed by remote write holds them, and as a Prometheus' own query API does.
  const sources = [
    { source: "a store fed by remote write", external: true, cluster: { ...rule, ...externalLabels(c) }, outage: { ...outage, ...externalLabels(c) } },
    { source: "a Prometheus' own query API", external: false, cluster: rule, outage },
  ];

  test.each(sources)("read beside the cluster's alerts of $source: the receiver, Alertmanager group and inhibition of the cluster's Prometheus' SeatExhaustion", (s) => {
    const labels = likeClusterAlerts(c, evaluator, s.external);
    expect(routing.receiverOf(labels)).toBe(routing.receiverOf(s.cluster));
    expect(routing.receiverOf(labels)).toBe("slack");
    expect(routing.groupOf(labels)).toBe(routing.groupOf(s.cluster));
    expect(routing.inhibits(s.outage, labels)).toBe(true);
    // The evaluator's own labels stay: Alertmanager has them, and a silence may match them.
    expect(labels).toMatchObject({ project_id: "coditect-prod", location: c.cluster.location, namespace: c.namespaces.licenseApi });
  });

  test("why: with the evaluator's cluster label beside an outage read without it, Alertmanager's inhibition would not apply", () => {
    expect(routing.inhibits(outage, evaluator)).toBe(false);
    expect(likeClusterAlerts(c, evaluator, false)).not.toHaveProperty("cluster");
    expect(likeClusterAlerts(c, evaluator, true)).toEqual(evaluator);
  });
});
