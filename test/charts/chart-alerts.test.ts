// Every alert kube-prometheus-stack brings is decided on (render/chart-alerts.ts), and the decision is
// what the cluster does: promtool evaluates the full rule set the cluster runs (the chart's rendered
// rules plus ours) on series of a healthy GKE cluster and nothing fires but our Watchdog; amtool routes
// every chart alert, and exactly the ones decided "page" reach PagerDuty.
import { AMTOOL, PROMTOOL } from "../../tools/binaries";
import { STACKS } from "../../lib/stack-file";
import { seconds } from "../../lib/duration";
import { toYaml } from "../../lib/yaml";
import { RECEIVERS } from "../../render/alertmanager-config";
import { CHART_ALERTS, chartAlertsDecided, type ChartAlertName } from "../../render/chart-alerts";
import { renderStack } from "../../render/cli";
import { kubePrometheusStackRelease, type ReleaseSpec } from "../../render/releases";
import { allRuleGroups } from "../../rules";
import { healthyTests } from "../../rules/tests/healthy";
import { RULES_FILE, type PromqlExprTest, type PromtoolTestFile } from "../../rules/tests/promtool";
import { SLI_SERIES } from "../../lib/identities";
import { longTermSeries } from "../../lib/long-term";
import { writeRelabelConfigs } from "../../render/remote-write";
import { helmTemplate, type K8sObject } from "../../tools/helm-template";
import { testStackConfig } from "../stack-config";
import { run, writeTemp } from "../tools";
import { GKE_SCRAPE_JOBS, healthyGkeSeries } from "./healthy-gke";

interface ChartRule {
  alert?: string;
  record?: string;
  labels?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: ChartRule[];
}

const CHART_RULES_FILE = "chart-rules.yml";

function chartRuleGroups(spec: ReleaseSpec): RuleGroup[] {
  return helmTemplate(spec)
    .objects.filter((o) => o.kind === "PrometheusRule")
    .flatMap((o) => (o.spec as { groups: RuleGroup[] }).groups);
}

const alertsOf = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules).filter((r): r is ChartRule & { alert: string } => !!r.alert);

/** Runs the full rule set on the healthy GKE series; returns promtool's exit code and output. */
function promtoolOnHealthyGke(stack: (typeof STACKS)[number], chartGroups: RuleGroup[], promql: PromqlExprTest[] = []) {
  const c = testStackConfig(stack);
  const [healthy] = healthyTests(c);
  const evalTimes = [...new Set((healthy.alert_rule_test ?? []).map((t) => t.eval_time))];
  const end = Math.max(...evalTimes.map(seconds));
  const steps = Math.ceil(end / seconds(healthy.interval)) + 1;
  const chartNames = [...new Set(alertsOf(chartGroups).map((r) => r.alert))];
  const file: PromtoolTestFile = {
    rule_files: [RULES_FILE, CHART_RULES_FILE],
    evaluation_interval: c.prometheus.evaluationInterval,
    // Ours in the order their tests assume; the chart's groups after them, in any order.
    group_eval_order: allRuleGroups(c).map((g) => g.name),
    tests: [
      {
        ...healthy,
        name: "a healthy GKE cluster and a healthy API: only our Watchdog fires",
        input_series: [...healthy.input_series, ...healthyGkeSeries(steps, { prometheusReplicas: c.prometheus.replicas, alertmanagerReplicas: c.alertmanager.replicas })],
        alert_rule_test: [...(healthy.alert_rule_test ?? []), ...evalTimes.flatMap((eval_time) => chartNames.map((alertname) => ({ eval_time, alertname, exp_alerts: [] })))],
        promql_expr_test: promql,
      },
    ],
  };
  const dir = writeTemp({
    [RULES_FILE]: toYaml({ groups: allRuleGroups(testStackConfig(stack)) }),
    [CHART_RULES_FILE]: toYaml({ groups: chartGroups }),
    "healthy-gke.test.yml": toYaml(file),
  });
  return { ...run(PROMTOOL, ["test", "rules", "healthy-gke.test.yml"], dir), end, chartNames };
}

describe.each(STACKS)("%s: the chart's alerts", (stack) => {
  const c = testStackConfig(stack);
  const spec = kubePrometheusStackRelease(c);
  const groups = chartRuleGroups(spec);
  const alerts = alertsOf(groups);
  const names = new Set(alerts.map((a) => a.alert));

  test("every critical alert the chart renders has a decision", () => {
    const critical = [...new Set(alerts.filter((a) => a.labels?.severity === "critical").map((a) => a.alert))];
    expect(critical.length).toBeGreaterThan(20);
    expect(critical.filter((a) => !(a in CHART_ALERTS))).toEqual([]);
  });

  test("every decision is about an alert the chart has; those decided off are not evaluated", () => {
    const values = spec.values as { defaultRules: Record<string, unknown> };
    const everything = new Set(alertsOf(chartRuleGroups({ ...spec, values: { ...values, defaultRules: { ...values.defaultRules, disabled: {} } } })).map((a) => a.alert));
    expect(Object.keys(CHART_ALERTS).filter((a) => !everything.has(a))).toEqual([]);
    expect(chartAlertsDecided("off").filter((a) => names.has(a))).toEqual([]);
    expect([...chartAlertsDecided("page"), ...chartAlertsDecided("platform")].filter((a) => !names.has(a))).toEqual([]);
  });

  test("none of the control-plane alerts GKE would fire on day one is evaluated", () => {
    for (const hidden of ["KubeSchedulerDown", "KubeControllerManagerDown", "KubeProxyDown", "etcdMembersDown", "etcdInsufficientMembers"]) expect(names.has(hidden)).toBe(false);
  });

  test("exactly the alerts decided page reach PagerDuty; every other chart alert reaches the platform channel or is dropped", () => {
    const dir = writeTemp({ "alertmanager.yml": renderStack(stack)["alertmanager/alertmanager.yml"] });
    const routed = new Map<string, string>();
    for (const a of alerts) {
      const labels = Object.entries({ alertname: a.alert, namespace: "monitoring", ...a.labels }).map(([k, v]) => `${k}=${v}`);
      const r = run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", ...labels], dir);
      routed.set(`${a.alert}/${a.labels?.severity}`, r.stdout.trim());
    }
    const paged = [...new Set([...routed].filter(([, receiver]) => receiver === RECEIVERS.pagerduty).map(([key]) => key.split("/")[0]))].sort();
    expect(paged).toEqual(chartAlertsDecided("page").filter((a) => names.has(a)));
    for (const [key, receiver] of routed) {
      if (!paged.includes(key.split("/")[0] as ChartAlertName)) expect([key, [RECEIVERS.platform, RECEIVERS.none]]).toEqual([key, expect.arrayContaining([receiver])]);
    }
  });

  test("the healthy cluster's series cover every job the rendered ServiceMonitors scrape", () => {
    const monitors: K8sObject[] = helmTemplate(spec).objects.filter((o) => o.kind === "ServiceMonitor");
    const jobs = monitors.map((m) => m.metadata.name.replace(/^kps-(apiserver|kubelet)$/, "$1"));
    expect(jobs.sort()).toEqual([...GKE_SCRAPE_JOBS].sort());
  });

  // What the remote write sends, counted by the real Prometheus engine over everything the cluster's
  // Prometheus holds on a healthy GKE cluster (its series, the chart's rules' and ours): the rendered
  // write_relabel_configs applied as Prometheus applies them (the keep regex, anchored, to
  // `__name__;job`; each drop rule to its label), against the allowlist before it (every recorded
  // series). promtool prints what an expression evaluates to when it differs from the expected value;
  // the count is read from that.
  test("the remote write sends exactly the long-term readers' series, a fraction of every recorded one, within longTermMetrics.expectedSeries", () => {
    const c = testStackConfig(stack);
    const [keep, ...drops] = writeRelabelConfigs(c);
    expect([keep.action, keep.source_labels, keep.separator]).toEqual(["keep", ["__name__", "job"], ";"]);
    const notDropped = drops.map((d) => `${d.source_labels[0]}!~${JSON.stringify(d.regex)}`).join(", ");
    const kept = (regex: string) =>
      `count by (__name__, kept) (label_replace(label_join({__name__=~".+", ${notDropped}}, "name_job", ";", "__name__", "job"), "kept", "yes", "name_job", ${JSON.stringify(regex)}))`;
    const job = c.licenseApi.job;
    const everyRecorded = `[^;]*:[^;]*;.*|up;${job}|probe_success;${job}-health|license_validation_errors_total;${job}|ALERTS;.*`;
    /** Series kept, per metric name. */
    const keptByName = (regex: string) => {
      const r = promtoolOnHealthyGke(stack, groups, [{ expr: kept(regex), eval_time: "10m", exp_samples: [] }]);
      const got = [...r.output.matchAll(/\{__name__="([^"]+)", kept="yes"\} ([0-9.eE+]+)/g)].map((m) => [m[1], Number(m[2])] as const);
      if (got.length === 0) throw new Error(`promtool gave no count:\n${r.output}`);
      return new Map(got);
    };
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const sent = keptByName(keep.regex);
    const [now, before] = [sum(sent), sum(keptByName(everyRecorded))];
    console.log(`${stack}: series one replica sends on a healthy GKE cluster: ${now} ${JSON.stringify([...sent])} (every recorded series, as before: ${before}); longTermMetrics.expectedSeries ${c.longTermMetrics.expectedSeries}`);
    // Only the readers' names, and the SLI's and the alerts' history among them.
    const names = longTermSeries(c).map((s) => s.name);
    expect([...sent.keys()].filter((n) => !names.includes(n))).toEqual([]);
    expect([...sent.keys()]).toEqual(expect.arrayContaining([SLI_SERIES.unavailable, "ALERTS", "slo:error_budget:remaining_ratio"]));
    expect(now).toBeLessThanOrEqual(c.longTermMetrics.expectedSeries);
    expect(before).toBeGreaterThan(5 * now);
  });

  test("the full rule set is silent on a healthy GKE cluster (only our Watchdog fires)", () => {
    const r = promtoolOnHealthyGke(stack, groups);
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
    expect(r.chartNames.length).toBe(names.size);
  });
});

test("with the chart's GKE-blind defaults, the same healthy cluster pages: KubeSchedulerDown and KubeControllerManagerDown fire", () => {
  const c = testStackConfig("prod");
  const spec = kubePrometheusStackRelease(c);
  const defaults = { ...spec.values, kubeScheduler: { enabled: true }, kubeControllerManager: { enabled: true }, kubeEtcd: { enabled: true } };
  const r = promtoolOnHealthyGke("prod", chartRuleGroups({ ...spec, values: defaults }));
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(/alertname: KubeSchedulerDown/);
  expect(r.output).toMatch(/alertname: KubeControllerManagerDown/);
});
