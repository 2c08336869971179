// The outage backstop's rule (rules/outage-backstop.ts) run by promtool over the series the managed
// collector writes into Monarch (render/managed-prometheus.ts): the blackbox exporter's probes under the
// probe jobs' names, and each Prometheus replica's `/federate` (its `up`, and the APIServerDown alerts it
// fires). A replica that is gone has no samples at all (its pod deleted) or fails its scrapes (up 0).
// Every case is one event on a 15 s grid; the backstop must hold an outage the cluster paged once the
// replicas are gone, and never fire while a replica runs or for an outage the cluster never paged.
import { clusterPagesJob, OUTAGE_BACKSTOP } from "../../lib/outage-backstop";
import { probeJob, publicProbeJob } from "../../lib/identities";
import { seconds } from "../../lib/duration";
import { toYaml } from "../../lib/yaml";
import { alertmanagerConfig, PAGE_GROUP_BY, RECEIVERS } from "../../render/alertmanager-config";
import { backstopRules, managedEvaluatorLabels, managedPrometheusObjects } from "../../render/managed-prometheus";
import { externalLabels } from "../../render/prometheus-config";
import { PLACEHOLDER_RECEIVER_SECRETS } from "../../render/secrets";
import { outageRules } from "../../rules/outage";
import { AMTOOL } from "../../tools/binaries";
import { backstopRuleGroups, BACKSTOP_SIGNAL, isAlert, outageBackstopRules } from "../../rules";
import { PROMTOOL } from "../../tools/binaries";
import { testStackConfig } from "../stack-config";
import { run, writeTemp } from "../tools";

const c = testStackConfig("prod");
const STEP = seconds(OUTAGE_BACKSTOP.interval);
const END_MINUTES = 20;
const steps = (END_MINUTES * 60) / STEP;
const rule = outageBackstopRules(c).rules.filter(isAlert)[0];

/** One sample per step: `value(t)` at t seconds, or none where it returns null. */
const timeline = (value: (t: number) => number | null) =>
  Array.from({ length: steps + 1 }, (_, i) => value(i * STEP))
    .map((v) => (v === null ? "_" : String(v)))
    .join(" ");
const between = (t: number, from: number, to = Infinity) => t >= from * 60 && t < to * 60;

interface Event {
  name: string;
  /** Minutes during which the API is down: [from, to). */
  down: [number, number];
  /** An earlier outage, over before this one: [from, to). */
  before?: [number, number];
  /** Per replica, the minutes during which it is gone: [from, to). */
  gone: [number, number][];
  /** A gone replica fails its scrapes (up 0, crash-looping) instead of having no target. */
  crashLooping?: boolean;
  /** Minutes from which the blackbox exporter is gone with the replicas (no probe samples). */
  probesGoneFrom?: number;
  /** Evaluation times (minutes) at which the backstop fires, and at which it does not. */
  firing: number[];
  silent: number[];
}

function inputSeries(e: Event) {
  const outages = [...(e.before ? [e.before] : []), e.down];
  const down = (t: number) => outages.some(([from, to]) => between(t, from, to));
  const probesAt = (t: number) => (e.probesGoneFrom !== undefined && t >= e.probesGoneFrom * 60 ? null : down(t) ? 0 : 1);
  const probes = [probeJob(c), publicProbeJob(c)].map((job) => ({ series: `probe_success{job="${job}", instance="blackbox-exporter-0:http"}`, values: timeline(probesAt) }));
  const replicas = e.gone.flatMap(([from, to], i) => {
    const instance = `prometheus-kps-prometheus-${i}:http-web`;
    const gone = (t: number) => between(t, from, to);
    // A replica fires APIServerDown from its first evaluation 15 s into an outage (probeFor 10s) until
    // 20 s after it (keepFiringFor), and from 15 s after it comes back while the API is still down.
    const firing = (t: number) => !gone(t) && outages.some(([start, end]) => between(t, start + 0.25, end + 1 / 3)) && !between(t, to, to + 0.25);
    return [
      { series: `up{job="${clusterPagesJob(c)}", instance="${instance}"}`, values: timeline((t) => (gone(t) ? (e.crashLooping ? 0 : null) : 1)) },
      {
        series: `ALERTS{job="${clusterPagesJob(c)}", instance="${instance}", alertname="APIServerDown", alertstate="firing", signal="probe", severity="critical", service="${c.licenseApi.service}", team="license-api"}`,
        values: timeline((t) => (firing(t) ? 1 : null)),
      },
    ];
  });
  return [...probes, ...replicas];
}

const expected = { exp_labels: rule.labels, exp_annotations: rule.annotations };
const minutes = (m: number) => `${Math.round(m * 60)}s`;

const NEVER_GONE: [number, number] = [END_MINUTES + 1, END_MINUTES + 1];
const EVENTS: Event[] = [
  {
    name: "outage paged, then every replica gone (pods deleted) while the API stays down: held until the probes pass",
    down: [1, 12],
    gone: [[3, END_MINUTES + 1], [3, END_MINUTES + 1]],
    // Silent while a replica answered within the last minute; firing past the 5 minutes after the
    // cluster's last APIServerDown (on its own alert); resolved at the first evaluation with a good probe.
    firing: [4.25, 6, 9, 11.75],
    silent: [2, 3.5, 12.25, 15],
  },
  {
    name: "the same with the replicas crash-looping (their scrapes fail, up 0)",
    down: [1, 12],
    gone: [[3, END_MINUTES + 1], [3, END_MINUTES + 1]],
    crashLooping: true,
    firing: [4.25, 9, 11.75],
    silent: [3.5, 12.25],
  },
  {
    name: "a healthy cluster: an outage paged and recovered, replicas answering throughout",
    down: [1, 3],
    gone: [NEVER_GONE, NEVER_GONE],
    firing: [],
    silent: [2, 3, 3.25, 4, 6],
  },
  {
    name: "every replica gone before the outage: the cluster never paged it, the uptime check's to page",
    down: [3, 12],
    gone: [[1, END_MINUTES + 1], [1, END_MINUTES + 1]],
    firing: [],
    silent: [4, 6, 9, 11],
  },
  {
    name: "an outage paged and over, every replica gone 30 s after its page resolved, then a new outage: not the cluster's, silent",
    before: [1, 3],
    down: [4, 12],
    gone: [[3 + 1 / 3 + 0.5, END_MINUTES + 1], [3 + 1 / 3 + 0.5, END_MINUTES + 1]],
    firing: [],
    silent: [5, 5.5, 6, 8, 11],
  },
  {
    name: "one replica gone mid-outage, the other answering: it carries the page",
    down: [1, 12],
    gone: [[3, END_MINUTES + 1], NEVER_GONE],
    firing: [],
    silent: [4.5, 6, 9],
  },
  {
    name: "every replica gone mid-outage, back while the API is still down: held until a replica fires APIServerDown again",
    down: [1, 15],
    gone: [[3, 9], [3, 9]],
    // At 9m the replicas answer but have not fired yet: still held. Once their APIServerDown is scraped
    // (9m15s), the backstop lets go; their alert reached Alertmanager before that scrape.
    firing: [4.25, 8, 9],
    silent: [9.25, 10, 12],
  },
  {
    name: "every replica gone mid-outage, the API back 2 minutes later: resolved with the first good probe",
    down: [1, 6],
    gone: [[3, END_MINUTES + 1], [3, END_MINUTES + 1]],
    firing: [4.25, 5.75],
    silent: [6.25, 8, 12],
  },
  {
    name: "the blackbox exporter lost with the replicas: no probe to read, nothing held (the uptime check pages)",
    down: [1, 12],
    gone: [[3, END_MINUTES + 1], [3, END_MINUTES + 1]],
    probesGoneFrom: 3,
    firing: [],
    silent: [4.25, 6, 9],
  },
];

describe("the outage backstop's rule (promtool, over the managed collector's series)", () => {
  test("is placed in the managed evaluator only when alerts.outage.backstop is managed, in the monitoring namespace with the scrapes it reads", () => {
    expect(backstopRuleGroups(c).map((g) => g.name)).toEqual(["license-api.outage-backstop"]);
    expect(backstopRuleGroups(testStackConfig("staging")).map((g) => g.name)).toEqual(["license-api.outage-backstop"]);
    expect(backstopRuleGroups(testStackConfig("prod", { alerts: (a) => void ((a.outage as Record<string, unknown>).backstop = "none") }))).toEqual([]);
    const monitorings = managedPrometheusObjects(c).filter((o) => o.kind === "PodMonitoring" && o.metadata.namespace === c.namespaces.monitoring);
    expect(monitorings.map((o) => o.metadata.name).sort()).toEqual([clusterPagesJob(c), probeJob(c), publicProbeJob(c)].sort());
    expect(backstopRules(c).metadata.namespace).toBe(c.namespaces.monitoring);
  });

  test("joins the cluster's outage page: APIServerDown, critical, the same service and team, a signal of its own", () => {
    expect(rule.alert).toBe("APIServerDown");
    expect(rule.labels).toMatchObject({ severity: "critical", service: c.licenseApi.service, team: "license-api", signal: BACKSTOP_SIGNAL });
    expect(rule.for).toBeUndefined();
  });

  test("amtool: from the managed evaluator, with its labels, it pages through the same receiver and notification group as the cluster's APIServerDown", () => {
    const dir = writeTemp({ "alertmanager.yml": toYaml(alertmanagerConfig(c, PLACEHOLDER_RECEIVER_SECRETS)) });
    const route = (labels: Record<string, string>) => run(AMTOOL, ["config", "routes", "test", "--config.file", "alertmanager.yml", `--verify.receivers=${RECEIVERS.pagerduty}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], dir);
    const cluster = outageRules(c).rules.filter(isAlert).find((r) => r.alert === "APIServerDown")!;
    const fromCluster = { alertname: "APIServerDown", ...cluster.labels, ...externalLabels(c), prometheus: `${c.namespaces.monitoring}/kps-prometheus` };
    const fromEvaluator = { alertname: "APIServerDown", ...rule.labels, ...managedEvaluatorLabels(c, c.namespaces.monitoring) };
    expect(route(fromCluster).code).toBe(0);
    expect(route(fromEvaluator).code).toBe(0);
    // One Alertmanager group, so one PagerDuty dedup_key: the cluster's incident is the one held.
    for (const label of PAGE_GROUP_BY) expect({ label, value: fromEvaluator[label as keyof typeof fromEvaluator] }).toEqual({ label, value: fromCluster[label as keyof typeof fromCluster] });
    // The check can fail: without the critical severity it goes elsewhere.
    expect(route({ ...fromEvaluator, severity: "warning" }).code).not.toBe(0);
  });

  test.each(EVENTS.map((e) => [e.name, e] as const))("%s", (_, e) => {
    const tests = {
      rule_files: ["backstop.yml"],
      evaluation_interval: OUTAGE_BACKSTOP.interval,
      tests: [
        {
          name: e.name,
          interval: OUTAGE_BACKSTOP.interval,
          input_series: inputSeries(e),
          alert_rule_test: [
            ...e.firing.map((m) => ({ eval_time: minutes(m), alertname: "APIServerDown", exp_alerts: [expected] })),
            ...e.silent.map((m) => ({ eval_time: minutes(m), alertname: "APIServerDown", exp_alerts: [] })),
          ],
        },
      ],
    };
    const dir = writeTemp({ "backstop.yml": toYaml({ groups: backstopRules(c).spec.groups }), "backstop.test.yml": toYaml(tests) });
    const r = run(PROMTOOL, ["test", "rules", "backstop.test.yml"], dir);
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
  });
});
