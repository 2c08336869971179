// The uptime check's alert policy pages only when the cluster cannot page for itself. Its condition is
// Cloud Monitoring's PromQL over Cloud Monitoring's own metrics, named as
// https://cloud.google.com/monitoring/promql/promql-mapping maps them (the first "/" becomes ":", the
// other special characters "_"; the resource type is the label monitored_resource). Cloud Monitoring
// evaluates PromQL conditions with Prometheus' semantics, so the real Prometheus judges the exact query
// here, as an alerting rule with the condition's duration as its for: and its evaluation interval.
import { STACKS } from "../../lib/stack-file";
import { seconds } from "../../lib/duration";
import { toYaml } from "../../lib/yaml";
import { ALERTING_CONTAINERS, CHECKER_LOCATIONS, EVALUATION_INTERVAL, MIN_FAILING_REGIONS, RUNNING_WITHIN, uptimeAlertCondition, uptimeAlertQuery } from "../../render/uptime";
import { at, check, samples, series, type InputSeries, type TestGroup } from "../../rules/tests/promtool";
import { PROMTOOL } from "../../tools/binaries";
import { testStackConfig } from "../stack-config";
import { run, writeTemp } from "../tools";

const CHECK_ID = "license-api-health-prod-chk";
const ALERT = "UptimeCheckFailed";

describe.each(STACKS)("%s: the uptime check's alert policy", (stack) => {
  const c = testStackConfig(stack);
  const evalEvery = seconds(EVALUATION_INTERVAL);
  const period = seconds(c.uptime.period);
  const end = 20 * 60;
  const steps = end / evalEvery;
  /** A sample every `every` seconds on the evaluation grid while `value` gives one, none otherwise. */
  const timeline = (every: number, value: (t: number) => number | null) =>
    samples(Array.from({ length: steps + 1 }, (_, i) => (i * evalEvery) % every === 0 ? value(i * evalEvery) : null));
  /** One checker location's results, a sample per check period. */
  const location = (name: string, passed: (t: number) => boolean): InputSeries =>
    series("monitoring_googleapis_com:uptime_check_check_passed", { monitored_resource: "uptime_url", check_id: CHECK_ID, checker_location: name }, timeline(period, (t) => (passed(t) ? 1 : 0)));
  /** GKE's system metric of a container's uptime, sampled every 60 s while it runs (its seconds since it last started). */
  const container = (name: string, replica: number, runs: (t: number) => boolean = () => true): InputSeries => {
    let started = 0;
    return series(
      "kubernetes_io:container_uptime",
      { monitored_resource: "k8s_container", project_id: c.gcp.project, cluster_name: c.cluster.name, namespace_name: c.namespaces.monitoring, container_name: name, pod_name: `${name}-${replica}` },
      timeline(60, (t) => {
        if (!runs(t)) {
          started = t + 60;
          return null;
        }
        return t - started + 1;
      }),
    );
  };
  const outageAt = 5 * 60;
  /** The first `failing` regions fail at every checker location from `from` until `until`. */
  const regions = (failing: number, from = outageAt, until = Infinity) =>
    c.uptime.regions.flatMap((r, i) => CHECKER_LOCATIONS[r].map((l) => location(l, (t) => t < from || t >= until || i >= failing)));
  type Runs = Partial<Record<(typeof ALERTING_CONTAINERS)[number], (replica: number) => (t: number) => boolean>>;
  const alerting = (runs: Runs = {}) => ALERTING_CONTAINERS.flatMap((name) => [0, 1].map((replica) => container(name, replica, runs[name]?.(replica))));
  const until = (stop: number) => () => (t: number) => t < stop;
  const away = (stop: number, back: number) => () => (t: number) => t < stop || t >= back;
  const firing = { exp_labels: { alertname: ALERT }, exp_annotations: {} };

  // The regions fail from outageAt; a container stopped at `stoppedAt` has no sample within
  // RUNNING_WITHIN from the evaluation after stoppedAt - 60 + RUNNING_WITHIN (its last sample was at
  // most a minute before it stopped); the condition must then hold for the policy's duration.
  const blindFrom = (stoppedAt: number) => Math.floor((stoppedAt - 1) / 60) * 60 + seconds(RUNNING_WITHIN) + evalEvery;
  const firesAt = (from: number) => Math.ceil((from + period) / evalEvery) * evalEvery;
  const stoppedAt = 2 * 60;

  const tests: TestGroup[] = [
    {
      name: `${MIN_FAILING_REGIONS} regions fail while Prometheus and Alertmanager run: the cluster pages, the uptime check does not`,
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS), ...alerting()],
      alert_rule_test: [check(ALERT, end)],
    },
    {
      name: `${MIN_FAILING_REGIONS} regions fail while both Prometheus replicas are stopped: the uptime check pages`,
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS), ...alerting({ prometheus: until(stoppedAt) })],
      alert_rule_test: [check(ALERT, firesAt(Math.max(outageAt, blindFrom(stoppedAt))) - evalEvery), check(ALERT, firesAt(Math.max(outageAt, blindFrom(stoppedAt))), [firing])],
    },
    {
      name: `${MIN_FAILING_REGIONS} regions fail while every Alertmanager is gone: the uptime check pages`,
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS), ...alerting({ alertmanager: until(stoppedAt) })],
      alert_rule_test: [check(ALERT, firesAt(Math.max(outageAt, blindFrom(stoppedAt))), [firing])],
    },
    {
      name: "the cluster is unreachable (no container reports at all) and the regions fail: the uptime check pages",
      interval: at(evalEvery),
      input_series: [...regions(c.uptime.regions.length), ...alerting({ prometheus: until(stoppedAt), alertmanager: until(stoppedAt) })],
      alert_rule_test: [check(ALERT, end, [firing])],
    },
    {
      name: `one region fails while the cluster is blind: no page (a single flaky region never pages)`,
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS - 1), ...alerting({ prometheus: until(stoppedAt) })],
      alert_rule_test: [check(ALERT, end)],
    },
    {
      name: "the cluster is blind while every region passes: no page (the heartbeat's to tell)",
      interval: at(evalEvery),
      input_series: [...regions(0), ...alerting({ prometheus: until(stoppedAt), alertmanager: until(stoppedAt) })],
      alert_rule_test: [check(ALERT, end)],
    },
    {
      name: "the USA region's three locations check separately: two of them failing, with one more region's location passing, is one failing region: no page",
      interval: at(evalEvery),
      input_series: [
        ...c.uptime.regions.flatMap((r) => CHECKER_LOCATIONS[r].map((l, i) => location(l, (t) => t < outageAt || !(r === "USA" && i < 2)))),
        ...alerting({ prometheus: until(stoppedAt), alertmanager: until(stoppedAt) }),
      ],
      alert_rule_test: [check(ALERT, end)],
    },
    {
      name: "the cluster blind, then an outage it cannot page, then its monitoring back while the API is still down: the page holds until the regions pass",
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS, outageAt, 15 * 60), ...alerting({ prometheus: away(stoppedAt, 9 * 60), alertmanager: away(stoppedAt, 9 * 60) })],
      alert_rule_test: [
        check(ALERT, firesAt(Math.max(outageAt, blindFrom(stoppedAt))), [firing]),
        check(ALERT, 14 * 60, [firing]),
        // The first evaluation whose latest checks all pass again (a check period after the last failing one).
        check(ALERT, 15 * 60 + period),
      ],
    },
    {
      name: "an outage the cluster pages, then every Prometheus and Alertmanager lost, then back while the API is still down: the page comes once the cluster is blind, and holds until the regions pass",
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS, outageAt, 16 * 60), ...alerting({ prometheus: away(7 * 60, 11 * 60), alertmanager: away(7 * 60, 11 * 60) })],
      alert_rule_test: [
        check(ALERT, 7 * 60),
        check(ALERT, firesAt(blindFrom(7 * 60)), [firing]),
        check(ALERT, 15 * 60, [firing]),
        check(ALERT, 16 * 60 + period),
      ],
    },
    {
      name: "an outage during which the Prometheus replicas restart one after the other: the cluster could page throughout, no page",
      interval: at(evalEvery),
      input_series: [...regions(MIN_FAILING_REGIONS), ...alerting({ prometheus: (replica) => (t) => !(t >= (7 + 3 * replica) * 60 && t < (8 + 3 * replica) * 60) })],
      alert_rule_test: [check(ALERT, end)],
    },
  ];

  test("the real Prometheus evaluates the exact query of the policy as its condition says", () => {
    const condition = uptimeAlertCondition(uptimeAlertQuery(c, CHECK_ID), c).conditionPrometheusQueryLanguage;
    expect(condition).toMatchObject({ duration: c.uptime.period, evaluationInterval: EVALUATION_INTERVAL });
    const rules = { groups: [{ name: "uptime-policy", interval: EVALUATION_INTERVAL, rules: [{ alert: ALERT, expr: condition.query, for: condition.duration }] }] };
    const dir = writeTemp({
      "rules.yml": toYaml(rules),
      "policy.test.yml": toYaml({ rule_files: ["rules.yml"], evaluation_interval: EVALUATION_INTERVAL, tests }),
    });
    const r = run(PROMTOOL, ["test", "rules", "policy.test.yml"], dir);
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
  });
});
